"""Small widgets and helpers the pages share: the message line, table set-up, questions, date formats.

Questions to the user (a reason, a name, a yes/no) go through one ``Ask`` object per page, so the tests swap
in answers without a modal dialog (the git-cola interaction pattern); yes/no goes on to ``ui.interaction``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QTableView,
    QWidget,
)

from quarantine_desk.domain.text import fold
from quarantine_desk.ui.interaction import interaction
from quarantine_desk.ui.models import RowsModel


def to_qdatetime(moment: datetime) -> QDateTime:
    """A Python moment for a date-time editor (the stubs know no ``QDateTime(datetime)``)."""
    return QDateTime(
        QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute, moment.second)
    )


def from_qdatetime(value: QDateTime) -> datetime:
    moment = value.toPython()
    assert isinstance(moment, datetime)
    return moment


def from_qdate(value: QDate) -> date:
    day = value.toPython()
    assert isinstance(day, date)
    return day


def vn_date(day: date | datetime | None) -> str:
    """dd/mm/yyyy, the way dates are written in Vietnam."""
    return day.strftime("%d/%m/%Y") if day else ""


def vn_datetime(moment: datetime | None) -> str:
    return moment.strftime("%H:%M %d/%m/%Y") if moment else ""


def sex_text(sex: str) -> str:
    return {
        "M": QCoreApplication.translate("widgets", "Nam"),
        "F": QCoreApplication.translate("widgets", "Nữ"),
    }.get(str(sex), str(sex))


class MessageLine(QLabel):
    """One line under a form: red for a refusal, green for what was just done; wraps, copyable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName(QCoreApplication.translate("widgets", "Thông báo"))
        self.clear_message()

    def error(self, text: str) -> None:
        self.setStyleSheet(
            "QLabel { color: #b3261e; background: #fde2e1; padding: 6px; border-radius: 4px; }"
        )
        self.setText(text)
        self.setVisible(True)

    def done(self, text: str) -> None:
        self.setStyleSheet(
            "QLabel { color: #1b5e20; background: #e3f4e4; padding: 6px; border-radius: 4px; }"
        )
        self.setText(text)
        self.setVisible(True)

    def clear_message(self) -> None:
        self.setText("")
        self.setVisible(False)

    @property
    def is_error(self) -> bool:
        return self.isVisible() and "b3261e" in self.styleSheet()


def setup_table(
    view: QTableView, model: RowsModel[Any], *, multi: bool = False, stretch_column: int | None = 0
) -> QTableView:
    """Makes ``view`` (placed by a page's form) a read-only table over ``model``: whole rows selected, sized to
    its text, keyboard-friendly."""
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)  # Tab leaves the table, as people at the gate expect
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(26)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setHighlightSections(False)
    if stretch_column is not None and model.columnCount() > stretch_column:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return view


def selected_rows(view: QTableView) -> list[int]:
    model = view.selectionModel()
    if model is None:
        return []
    return sorted({index.row() for index in model.selectedRows()})


class Ask:
    """The questions a page asks; replace the methods in tests (they return what the user would answer)."""

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def text(self, title: str, label: str, default: str = "") -> str | None:
        value, ok = QInputDialog.getText(self._parent, title, label, text=default)
        return value.strip() if ok and value.strip() else None

    def reason(self, title: str, label: str) -> str | None:
        """A required reason: None when the user cancels, the text (empty too) when they confirm, so that the
        service can refuse an empty one with its message instead of the dialog closing without a word."""
        value, ok = QInputDialog.getText(self._parent, title, label)
        return value.strip() if ok else None

    def choice(self, title: str, label: str, items: Sequence[str], unknown: str | None = None) -> str | None:
        """One of ``items``, picked or typed (see ``ChoiceDialog``); None when the user cancels or leaves it
        empty. ``unknown`` says that a typed text (%1) is none of them."""
        dialog = ChoiceDialog(self._parent, title, label, items, unknown)
        accepted = QDialog.DialogCode(dialog.exec()) == QDialog.DialogCode.Accepted
        return dialog.chosen if accepted else None

    def confirm(self, title: str, text: str) -> bool:
        return interaction().confirm(self._parent, text, title)


class ChoiceDialog(QInputDialog):
    """A list to pick from, where the item may also be typed. A typed text is taken for the item it spells,
    accents and case aside, or for the one item it begins ("nguyen van an" for "Nguyễn Văn An (1985)"); one that
    is none of them (or several) is refused with a message, and the dialog stays open."""

    def __init__(
        self, parent: QWidget | None, title: str, label: str, items: Sequence[str], unknown: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setLabelText(label)
        self.setComboBoxItems(list(items))
        self.setComboBoxEditable(True)
        self._label = label
        self._items = list(items)
        self._unknown = unknown or QCoreApplication.translate(
            "widgets", "Không tìm thấy “%1” trong danh sách: hãy chọn một mục có trong danh sách."
        )
        self.chosen: str | None = None

    def item_for(self, typed: str) -> str | None:
        key = fold(typed.strip())
        if not key:
            return None
        same = [i for i in self._items if fold(i) == key]
        begun = [i for i in self._items if fold(i).startswith(key)]
        found = same or begun
        return found[0] if len(found) == 1 else None

    def done(self, result: int) -> None:
        if QDialog.DialogCode(result) == QDialog.DialogCode.Accepted and self.textValue().strip():
            self.chosen = self.item_for(self.textValue())
            if self.chosen is None:
                self.setLabelText(
                    self._label + "\n\n" + self._unknown.replace("%1", self.textValue().strip())
                )
                self.adjustSize()  # the message takes lines: grow to show them
                return  # stays open, the typed text kept for correcting
        super().done(result)
