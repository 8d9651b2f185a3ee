"""Nothing clipped at 1366×768, in Vietnamese and in English: every page of the main window is shown at the size
of the common facility screen and each label, button and column header is checked against its width with the
font's metrics. A text may be elided only where the full text is one hover away (a tooltip)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QTabWidget,
    QWidget,
)

from quarantine_desk.services import demo
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.main_window import MainWindow
from quarantine_desk.ui.pages.rooms import TILE, RoomBoard
from tests.ui.writes import wait_for_writes


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.width() > 0 and not widget.visibleRegion().isEmpty()


def clipped(window: QWidget) -> list[str]:
    """Each text that does not fit its widget and has no tooltip giving it whole."""
    found = []
    for label in window.findChildren(QLabel):
        text = label.text()
        if not _shown(label, window) or not text or label.wordWrap() or "\n" in text or text.startswith("<"):
            continue
        need = label.fontMetrics().horizontalAdvance(text.replace("&", ""))
        if need > label.contentsRect().width() + 1 and label.toolTip() != text:
            found.append(f"label {text!r}: {need} > {label.contentsRect().width()}")
    for button in window.findChildren(QAbstractButton):
        text = button.text().replace("&", "")
        if not _shown(button, window) or not text:
            continue
        need = button.fontMetrics().horizontalAdvance(text)
        if need > button.width() - 8 and button.toolTip() != button.text():
            found.append(f"button {text!r}: {need} > {button.width() - 8}")
    for edit in window.findChildren(QLineEdit):
        text = edit.placeholderText()
        if not _shown(edit, window) or not text or edit.text() or isinstance(edit.parent(), QComboBox):
            continue
        need = edit.fontMetrics().horizontalAdvance(text) + 8  # the frame and the text margins
        if need > edit.width() and edit.toolTip() != text:
            found.append(f"placeholder {text!r}: {need} > {edit.width()}")
    for box in window.findChildren(QComboBox):
        text = box.currentText()
        if not _shown(box, window) or not text or box.isEditable():
            continue
        need = box.fontMetrics().horizontalAdvance(text) + 26  # the frame and the arrow
        if need > box.width() and box.toolTip() != text:
            found.append(f"combo {text!r}: {need} > {box.width()}")
    for view in window.findChildren(QTableView):
        if not _shown(view, window) or view.model() is None:
            continue
        header = view.horizontalHeader()
        model = view.model()
        for column in range(model.columnCount()):
            # A column sized to its contents fits them by construction; the others are checked.
            if (
                header.isSectionHidden(column)
                or header.sectionResizeMode(column) == QHeaderView.ResizeMode.ResizeToContents
            ):
                continue
            text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            if text and header.sectionSizeHint(column) > header.sectionSize(column) + 1:
                found.append(
                    f"header {text!r}: {header.sectionSizeHint(column)} > {header.sectionSize(column)}"
                )
            for row in range(min(model.rowCount(), 30)):
                index = model.index(row, column)
                cell = str(model.data(index) or "")
                need = view.sizeHintForIndex(index).width()
                tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
                if cell and need > header.sectionSize(column) + 1 and tip != cell:
                    found.append(f"cell {cell!r} under {text!r}: {need} > {header.sectionSize(column)}")
    return found


def clipped_tiles(board: RoomBoard) -> list[str]:
    """Room tiles whose cohort does not fit its two lines."""
    metrics = QFontMetrics(board.font())
    width = TILE.width() - 16
    return [
        f"{row.room}: {board.state_line(row)!r}"
        for row in board._rows
        if "…" in "".join(board.middle_lines(row, metrics, width))
    ]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, template_db):  # type: ignore[no-untyped-def]
    """The demo facility once for the module: every page has rows to show."""
    import shutil

    from tests.helpers import Clock, sqlite_desk

    folder = tmp_path_factory.mktemp("demo")
    desk = sqlite_desk(template_db, folder, Clock())
    demo.build_demo(desk, people_count=60)
    path = desk.url.removeprefix("sqlite:///")
    desk.close()
    kept = folder / "demo.sqlite3"
    shutil.copyfile(path, kept)
    return kept


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_text_is_clipped_at_1366x768(
    qtbot, request, demo_template, tmp_path, settings, recorder, lang
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from quarantine_desk.services.context import Desk, open_desk
    from tests.helpers import Clock, as_admin

    if lang == "en":
        request.getfixturevalue("english")
    path = tmp_path / "db.sqlite3"
    shutil.copyfile(demo_template, path)
    opened = open_desk(f"sqlite:///{path}")
    desk = as_admin(Desk(opened.engine, opened.url, clock=Clock()))
    ctx = UiContext(desk, lang)
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    checkin = window.page("checkin")
    checkin.search.setText("h")  # a search with many names in it (Hoàng, Hồ, Hải, Hà…)
    checkin.run_search()
    wait_for_writes(qtbot)  # the pages read their data in the background
    found = {}
    for area in window.areas:
        window.select_area(area.key)
        wait_for_writes(qtbot)
        QApplication.processEvents()
        found[area.key] = clipped(window)
        for tabs in window.page(area.key).findChildren(
            QTabWidget
        ):  # every tab of the page, not only the first
            for index in range(1, tabs.count()):
                tabs.setCurrentIndex(index)
                QApplication.processEvents()
                found[area.key] += clipped(window)
            tabs.setCurrentIndex(0)
    assert checkin.results.rowCount() > 3
    found["tiles"] = clipped_tiles(window.page("rooms").board)
    assert found == {**{area.key: [] for area in window.areas}, "tiles": []}
