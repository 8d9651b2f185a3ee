"""Table models for the window's lists: one ``QAbstractTableModel`` over light, frozen rows from the services.

A list is declared as columns (a header and how to show a row); the model never touches the database, so a view
never lazy-loads on the GUI thread. A long list (a roster of 20,000) is handed to its view a batch at a time as it
is scrolled (``canFetchMore``/``fetchMore``), so the view opens at once whatever its length. Pages reload a model
with ``set_rows`` after a change (a reset, so views size their columns to the new text). ``highlight`` gives a row a background (overdue test, fever, a release with
problems) in the same colours on every page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

#: Rows a view is given at first and at each ``fetchMore`` (the view asks for more when scrolled to the end).
FETCH_BATCH = 1_000

# Row backgrounds shared by every list, so "overdue" or "fever" look the same on every page.
WARNING_BACKGROUND = QColor("#fde2e1")
ATTENTION_BACKGROUND = QColor("#fff4d6")


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    text: Callable[[R], str]
    align_right: bool = False
    tooltip: Callable[[R], str] | None = None


class RowsModel(QAbstractTableModel, Generic[R]):
    """Rows of one frozen dataclass type, shown through the given columns."""

    def __init__(
        self,
        columns: Sequence[Column[R]],
        parent: QObject | None = None,
        *,
        highlight: Callable[[R], QColor | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[R] = []
        self._shown = 0  # rows handed to the views so far
        self._highlight = highlight

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._shown = min(len(self._rows), FETCH_BATCH)
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if parent.isValid() or self._shown >= len(self._rows):
            return
        more = min(FETCH_BATCH, len(self._rows) - self._shown)
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def append_rows(self, more: Sequence[R]) -> None:
        """Rows read later (a model that reads its list a page at a time), shown at once."""
        if not more:
            return
        self.show_up_to(len(self._rows) - 1)
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self._shown = len(self._rows)
        self.endInsertRows()

    def show_up_to(self, row: int) -> None:
        """Hand the views every row up to ``row`` (to select or scroll to a row not reached yet)."""
        while self._shown <= row and self.canFetchMore():
            self.fetchMore()

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        column = self._columns[index.column()]
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.align_right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self._highlight is not None:
            colour = self._highlight(row)
            return QBrush(colour) if colour is not None else None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal_text = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
        if horizontal_text and 0 <= section < len(self._columns):
            return self._columns[section].header
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
