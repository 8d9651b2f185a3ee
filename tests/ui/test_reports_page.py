"""The reports page: a roster exported through the task runner, and an F1 list checked first, then imported."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from quarantine_desk.services import people, stays
from quarantine_desk.services.changes import Area
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.pages.reports import ReportsPage
from tests.services.fixtures import facility, person
from tests.ui.writes import settle

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
    settle()
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
    changes: list[frozenset[Area]] = []
    ctx.changed.connect(changes.append)

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
    assert changes and Area.PEOPLE in changes[-1]  # the pages that list people reload
    assert not page.import_button.isEnabled()


def test_a_commune_list_shows_its_columns_and_a_second_import_adds_nobody(
    page, ctx, qtbot, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from quarantine_desk.services import imports
    from tests.exports.commune_lists import moh_form

    path = moh_form(tmp_path / "f1.xlsx")
    monkeypatch.setattr(page, "_ask_open_paths", lambda file_filter: [path])
    seen: list[tuple[int, int]] = []
    real = imports.import_people

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        progress = kwargs["progress"]
        kwargs["progress"] = lambda done, total: (seen.append((done, total)), progress(done, total))
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "import_people", watched)
    page.import_choose.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    summary = page.import_summary.text()
    assert "Có thể nhập 4 người; 0 người đã có" in summary
    assert "Họ và tên: B + C; Năm sinh / ngày sinh: D + E; Số CCCD/CMND/hộ chiếu: F" in summary
    assert seen and seen[-1] == (4, 4)  # the page's progress bar is fed (done, total)
    page.import_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    page.import_choose.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert "Có thể nhập 0 người; 4 người đã có (không thêm lần nữa)" in page.import_summary.text()
    assert not page.import_button.isEnabled()
    page.grab().save(str(tmp_path / "import.png"))


def test_a_typed_over_report_is_merged_only_when_the_official_agrees(  # type: ignore[no-untyped-def]
    page, qtbot, recorder, tmp_path: Path, monkeypatch
) -> None:
    from quarantine_desk.exports.xlsx import write_daily_report_xlsx
    from tests.exports.export_samples import daily_report

    one = write_daily_report_xlsx(daily_report("F01"), tmp_path / "f01.xlsx")
    two = write_daily_report_xlsx(daily_report("F02"), tmp_path / "f02.xlsx")
    book = openpyxl.load_workbook(two)
    book["Báo cáo"]["G8"] = 12
    book.save(two)
    monkeypatch.setattr(page, "_ask_open_paths", lambda file_filter: [one, two])
    monkeypatch.setattr(page, "_ask_save_path", lambda suggested, file_filter: tmp_path / "tong.xlsx")
    recorder.answer = False
    page.merge_reports()
    qtbot.waitUntil(lambda: bool(recorder.questions), timeout=10_000)
    assert "G8" in recorder.questions[-1] and "F02" in recorder.questions[-1]
    assert page.merge_message.is_error and not (tmp_path / "tong.xlsx").exists()
    recorder.answer = True
    page.merge_reports()
    qtbot.waitUntil(lambda: (tmp_path / "tong.xlsx").exists() and not page.busy, timeout=10_000)
    qtbot.waitUntil(lambda: "F02" in page.merge_message.text(), timeout=10_000)
    assert not page.merge_message.is_error


# --- the choice to fill empty fields, the rejection report, the lists for the communes -----------------------------


def _f1_list(path: Path, *rows: list[object]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", "Năm sinh", "Giới tính", "CCCD", "SĐT", "Xã/phường", "Ghi chú"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_the_window_offers_to_fill_the_empty_fields_of_people_already_registered(
    page, ctx, qtbot, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    known = person(ctx.desk, "Lê Văn Có", id_number="062090000009", phone="0905000009")
    path = _f1_list(
        tmp_path / "f1.xlsx",
        [1, "Lê Văn Có", 1990, "Nam", "062090000009", "0911111111", "Hà Mòn", "ho nhiều"],
        [2, "Trần Thị Hai", 2999, "Nữ", "", "", "", ""],
    )
    monkeypatch.setattr(page, "_ask_open_paths", lambda file_filter: [path])
    assert not page.import_update.isChecked()
    page.import_choose.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert "1 người đã có" in page.import_summary.text()
    assert "bổ sung" not in page.import_summary.text()
    # Ticking the choice checks the same file again with it.
    page.import_update.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert page.preview is not None and page.preview.dry_run and page.preview.update_existing
    assert "Sẽ bổ sung ô còn trống cho 1 người đã có." in page.import_summary.text()
    assert people.get_person(ctx.desk, known).commune is None  # nothing written by a check
    assert (
        page.import_button.isEnabled() and page.import_button.text() == "Nhập 0 người, bổ sung 1 người đã có"
    )
    page.import_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    after = people.get_person(ctx.desk, known)
    # The empty fields filled, the phone on record kept.
    assert (after.commune, after.notes, after.phone) == ("Hà Mòn", "ho nhiều", "0905000009")
    assert "Đã bổ sung ô còn trống cho 1 người đã có." in page.import_summary.text()
    # The rejected row went to an .xlsx next to the list, with its reason beside it.
    saved = tmp_path / "f1_tu_choi.xlsx"
    assert str(saved) in page.import_message.text()
    sheet = openpyxl.load_workbook(saved).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert any("Trần Thị Hai" in row for row in values)
    page.grab().save(str(tmp_path / "import-update.png"))


def test_the_handover_and_the_not_arrived_list_from_the_window(
    page, ctx, qtbot, clock, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from quarantine_desk.services.people import Details, NewPerson

    leaving = people.add_person(
        ctx.desk, NewPerson("Phạm Văn Về", "M", "1980"), details=Details(commune="xã Hà Mòn")
    ).id
    stays.admit(ctx.desk, leaving, "F01", "Nhóm 1", room="101")
    stays.release(ctx.desk, leaving, override="Theo chỉ đạo của huyện")
    waiting = people.add_person(
        ctx.desk,
        NewPerson("Đỗ Thị Chờ", "F", "1992"),
        pre_registered=True,
        details=Details(commune="xã Đăk Mar"),
    ).id
    assert waiting
    clock.now += timedelta(days=3)
    asked: list[str] = []

    def save_path(suggested: str, file_filter: str) -> Path:
        asked.append(suggested)
        return tmp_path / suggested

    monkeypatch.setattr(page, "_ask_save_path", save_path)
    # The day of the page (the release day) is the handover's: three days ago now.
    page.handover_buttons[".xlsx"].click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert not page.handover_message.is_error, page.handover_message.text()
    assert "1 người, 1 xã/phường" in page.handover_message.text()
    book = openpyxl.load_workbook(tmp_path / asked[-1])
    text = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "Phạm Văn Về" in text and "Hà Mòn" in text
    page.not_arrived_days.setValue(2)
    page.not_arrived_buttons[".pdf"].click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert not page.handover_message.is_error, page.handover_message.text()
    assert "Đã lưu danh sách F1 chưa đến: 1 người" in page.handover_message.text()
    assert asked[-1].startswith("f1-chua-den-") and (tmp_path / asked[-1]).read_bytes().startswith(b"%PDF")
    page.grab().save(str(tmp_path / "reports-communes.png"))


def test_release_papers_of_a_day_never_mix_with_the_completion_certificates(
    page, ctx, qtbot, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    early = person(ctx.desk, "Hồ Văn Sớm")
    stays.admit(ctx.desk, early, "F01", "Nhóm 1", room="101")
    stays.release(ctx.desk, early, override="Gia đình có tang")
    monkeypatch.setattr(page, "_ask_save_path", lambda suggested, file_filter: tmp_path / suggested)
    page.release_papers_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert not page.certificate_message.is_error, page.certificate_message.text()
    assert "Đã in 1 giấy xác nhận thời gian cách ly" in page.certificate_message.text()
    written = next(tmp_path.glob("giay-ra-khu-F01-*.pdf"))
    text = " ".join(p.extract_text() for p in PdfReader(written).pages)
    assert "Hồ Văn Sớm" in text and "Gia đình có tang" in text and "HOÀN THÀNH" not in text.upper()
    # Nobody completed that day: no completion certificate, said plainly.
    page.certificate_button.click()
    qtbot.waitUntil(lambda: not page.busy, timeout=10_000)
    assert page.certificate_message.is_error
