"""The reports page: a roster exported through the task runner, and an F1 list checked first, then imported."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from quarantine_desk.services import people, stays
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.pages.reports import ReportsPage
from tests.services.fixtures import facility, person

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(sqlite_only_desk, clock):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
    facility(desk, "F01", rooms="101-102", beds=3)
    stays.admit(desk, person(desk, "Trần Văn Nam", id_number="001085000111"), "F01", "Nhóm 1", room="101")
    context = UiContext(desk)
    context.set_facility("F01")
    return context


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    widget = ReportsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_roster_is_exported_to_excel_through_the_page(page, qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def save_path(suggested: str, file_filter: str) -> Path:
        asked.append(suggested)
        return tmp_path / "roster"  # typed without the extension: the page adds it

    monkeypatch.setattr(page, "_ask_save_path", save_path)
    page.roster_xlsx.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    out = tmp_path / "roster.xlsx"
    assert asked and asked[0].startswith("danh-sach-F01-") and asked[0].endswith(".xlsx")
    assert asked[0].isascii()
    assert out.exists()
    assert not page.roster_message.is_error
    assert str(out) in page.roster_message.text()
    page.grab().save(str(tmp_path / "reports.png"))


def test_import_checks_first_then_adds_the_good_rows(
    page, ctx, qtbot, tmp_path: Path, monkeypatch, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH F1 – TỔ TRUY VẾT"])
    sheet.append(["STT", "Họ và tên", "Năm sinh", "Giới tính", "CCCD", "SĐT", "Địa chỉ"])
    sheet.append([1, "Nguyễn Văn Một", 1990, "Nam", "062090000001", "0905000001", "Thôn 1"])
    sheet.append([2, "Trần Thị Hai", 2999, "Nữ", "", "", ""])
    sheet.append([3, "Võ Thị Ba", 1995, "Nữ", "", "0905000003", ""])
    path = tmp_path / "f1.xlsx"
    book.save(path)
    monkeypatch.setattr(page, "_ask_open_paths", lambda file_filter: [path])
    changes: list[None] = []
    ctx.data_changed.connect(lambda: changes.append(None))

    page.import_choose.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert not page.import_message.is_error, page.import_message.text()
    assert page.rejected.rowCount() == 1
    assert page.rejected.data(page.rejected.index(0, 0)) == "4"
    assert page.rejected.data(page.rejected.index(0, 1))
    qtmodeltester.check(page.rejected)
    assert page.import_button.isEnabled()
    assert page.import_button.text() == "Nhập 2 người vào danh sách chờ"
    assert people.search_people(ctx.desk, "nguyen van mot") == []
    assert changes == []

    page.import_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert not page.import_message.is_error, page.import_message.text()
    found = people.search_people(ctx.desk, "nguyen van mot")
    assert found and found[0].pre_registered
    assert people.search_people(ctx.desk, "vo thi ba")
    assert changes
    assert not page.import_button.isEnabled()
