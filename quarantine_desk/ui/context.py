"""What every page of the window shares: the logged-in desk, the current facility, and change notices.

Pages never talk to each other. A write (``ui.operations.write`` or ``task``) comes back with the areas of the
data it changed, and the context tells every page through ``changed``; each page reloads only when it shows one of
those areas, and only when it is visible (the Anki pattern: operations change data, then views decide whether
they care).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.messages import describe
from quarantine_desk.services.changes import Area
from quarantine_desk.services.context import Desk


class UiContext(QObject):
    facility_changed = Signal(str)  # the facility code now chosen ("" when there is none)
    changed = Signal(object)  # frozenset[Area]: what a write has changed

    def __init__(self, desk: Desk, lang: str = "vi", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.lang = lang
        self._facility = ""

    @property
    def facility(self) -> str:
        return self._facility

    def set_facility(self, code: str) -> None:
        if code != self._facility:
            self._facility = code
            self.facility_changed.emit(code)

    def notify(self, areas: Iterable[Area]) -> None:
        """Tell the pages that ``areas`` changed (the write operations do this after every commit)."""
        found = frozenset(areas)
        if found:
            self.changed.emit(found)

    def describe(self, error: DeskError) -> str:
        """The sentence for an error, in the interface language."""
        return describe(error, self.lang)
