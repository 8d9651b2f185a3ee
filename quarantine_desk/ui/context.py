"""What every page of the window shares: the logged-in desk, the current facility, and change notices.

Pages never talk to each other: after a change they call ``ctx.notify_changed()`` and every page refreshes
what it shows (the Anki pattern: operations change data, then views are told to refresh).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.messages import describe
from quarantine_desk.services.context import Desk


class UiContext(QObject):
    facility_changed = Signal(str)  # the facility code now chosen ("" when there is none)
    data_changed = Signal()  # something was written; views reload

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

    def notify_changed(self) -> None:
        self.data_changed.emit()

    def describe(self, error: DeskError) -> str:
        """The sentence for an error, in the interface language."""
        return describe(error, self.lang)
