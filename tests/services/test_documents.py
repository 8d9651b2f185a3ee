"""Documents from the database: rosters, the daily report and its merge, certificates, the F1 list import."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import openpyxl
import pytest
from pypdf import PdfReader

from quarantine_desk.domain.errors import BadFile, NotFound
from quarantine_desk.services import documents, imports, medical, people, stays
from tests.services.fixtures import AUG1, facility, person


def admitted_pair(desk):
    facility(desk)
    a = person(desk, "Nguyễn Thị Hường", "F", id_number="062190000123")
    b = person(desk, "Đặng Văn Đức", "M")
    stays.admit(desk, a, "F01", "F1 chợ Đầm", at=AUG1)
    stays.admit(desk, b, "F01", "F1 chợ Đầm", at=AUG1)
    return a, b


def test_roster_xlsx_in_vietnamese_order(desk, tmp_path):
    admitted_pair(desk)
    path = documents.export_roster(desk, "F01", tmp_path / "ds.xlsx", on=date(2021, 8, 2))
    sheet = openpyxl.load_workbook(path).active
    names = [
        row[1]
        for row in sheet.iter_rows(values_only=True)
        if row and row[1] in ("Nguyễn Thị Hường", "Đặng Văn Đức")
    ]
    assert names == ["Đặng Văn Đức", "Nguyễn Thị Hường"]  # Đức before Hường: by given name
    assert not any(isinstance(c.value, str) and c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_roster_pdf_has_the_people_and_the_font(desk, tmp_path):
    admitted_pair(desk)
    path = documents.export_roster(desk, "F01", tmp_path / "ds.pdf", on=date(2021, 8, 2))
    reader = PdfReader(path)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Nguyễn Thị Hường" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def test_roster_variants(desk, tmp_path, clock):
    a, b = admitted_pair(desk)
    clock.now = datetime(2021, 8, 3, 9)
    medical.record_test(desk, a, "pcr", "positive", at=datetime(2021, 8, 3, 8))
    stays.transfer(desk, a, "Bệnh viện tỉnh", at=datetime(2021, 8, 3, 9))
    rows = list(documents.roster_rows(desk, 1, "positive", date(2021, 8, 3)))
    assert [r.full_name for r in rows] == ["Nguyễn Thị Hường"]
    assert [r.full_name for r in documents.roster_rows(desk, 1, "admitted", AUG1.date())] == [
        "Đặng Văn Đức",
        "Nguyễn Thị Hường",
    ]
    assert list(documents.roster_rows(desk, 1, "admitted", date(2021, 8, 2))) == []


def test_daily_report_figures(desk, clock, tmp_path):
    a, b = admitted_pair(desk)
    clock.now = datetime(2021, 8, 3, 16)
    medical.record_test(desk, a, "pcr", "positive", at=datetime(2021, 8, 3, 8))
    stays.transfer(desk, a, "Bệnh viện tỉnh", at=datetime(2021, 8, 3, 9))
    report = documents.daily_report(desk, "F01", date(2021, 8, 3))
    figures = report.facilities[0]
    assert (figures.present_start, figures.admitted, figures.transferred_positive, figures.present_now) == (
        2,
        0,
        1,
        1,
    )
    assert (figures.tests_taken, figures.positives, figures.beds_total, figures.beds_occupied) == (
        1,
        1,
        16,
        1,
    )
    assert not documents.daily_report_made(desk, date(2021, 8, 3), "F01")
    documents.write_daily_report(desk, tmp_path / "bc.json", facility_code="F01", on=date(2021, 8, 3))
    assert documents.daily_report_made(desk, date(2021, 8, 3), "F01")


def test_merge_refuses_two_reports_of_one_facility(desk, tmp_path):
    admitted_pair(desk)
    documents.write_daily_report(desk, tmp_path / "a.json", facility_code="F01", on=AUG1.date())
    documents.write_daily_report(desk, tmp_path / "a.xlsx", facility_code="F01", on=AUG1.date())
    with pytest.raises(BadFile):
        documents.merge_reports([tmp_path / "a.json", tmp_path / "a.xlsx"], tmp_path / "m.json")
    (tmp_path / "other.xlsx").write_text("not a report")
    with pytest.raises(BadFile):
        documents.merge_reports([tmp_path / "other.xlsx"], tmp_path / "m.json")


def test_certificate_and_verification(desk, clock, tmp_path):
    a, _ = admitted_pair(desk)
    clock.now = datetime(2021, 8, 15, 9)
    for day in (1, 7, 14):
        medical.record_test(desk, a, "rapid", "negative", at=AUG1 + timedelta(days=day - 1))
    with pytest.raises(NotFound):
        documents.certificate(desk, a, tmp_path / "none.pdf")
    stays.release(desk, a)
    data = documents.certificate(desk, a, tmp_path / "gxn.pdf")
    text = PdfReader(tmp_path / "gxn.pdf").pages[0].extract_text()
    assert "Nguyễn Thị Hường" in text and data.number in text
    # the QR carries the certificate itself, signed: number, name, birth year, last 4 of the ID, facility, dates
    number, name, year, last4, code, _, start, end, outcome = data.verification_code.split("|")[1:10]
    assert (number, name, year, last4, code) == (data.number, "Nguyễn Thị Hường", "1990", "0123", "F01")
    assert (start, end, outcome) == ("2021-08-01", "2021-08-15", "completed")
    keys = documents.known_public_keys(desk)
    ok = documents.verify_certificate(data.verification_code, keys)
    assert ok.valid and ok.claim is not None and ok.claim.end == date(2021, 8, 15)
    assert documents.certificates(desk, "F01", date(2021, 8, 15), tmp_path / "all.pdf") == 1


def completed_stay(desk, clock, person):
    """The person's stay ended as completed: the tests of days 1, 7 and 14, the release on day 15."""
    clock.now = datetime(2021, 8, 15, 9)
    for day in (1, 7, 14):
        medical.record_test(desk, person, "rapid", "negative", at=AUG1 + timedelta(days=day - 1))
    stays.release(desk, person)


def test_verification_needs_only_the_public_key_file(desk, clock, tmp_path):
    a, _ = admitted_pair(desk)
    completed_stay(desk, clock, a)
    data = documents.certificate(desk, a, tmp_path / "gxn.pdf")
    key_file = documents.export_facility_key(desk, "F01", tmp_path / "F01.key")
    assert "PRIVATE" not in key_file.read_text()
    keys = documents.read_key_file(key_file)  # what a commune has: this file, no database
    assert documents.verify_certificate(data.verification_code, keys).valid
    text = data.verification_code
    for at in range(len(text)):  # one character changed, anywhere: refused
        changed = text[:at] + ("x" if text[at] != "x" else "y") + text[at + 1 :]
        assert not documents.verify_certificate(changed, keys).valid, at
    assert documents.verify_certificate(text, {}).reason == "no_key"
    assert documents.verify_certificate("F01.12.ABCDEF", keys).reason == "malformed"


def test_a_transfer_gets_no_certificate(desk, clock, tmp_path):
    a, _ = admitted_pair(desk)
    clock.now = datetime(2021, 8, 5, 9)
    medical.record_test(desk, a, "pcr", "positive", at=datetime(2021, 8, 5, 8))
    stays.transfer(desk, a, "Bệnh viện tỉnh", at=datetime(2021, 8, 5, 9))
    with pytest.raises(NotFound):
        documents.certificate(desk, a, tmp_path / "gxn.pdf")


def test_another_facilitys_key_does_not_vouch(desk, clock, tmp_path):
    from quarantine_desk.services import facilities

    a, _ = admitted_pair(desk)
    facilities.add_facility(desk, "F02", "Khu cách ly khác")
    completed_stay(desk, clock, a)
    data = documents.certificate(desk, a, tmp_path / "gxn.pdf")
    other = documents.read_key_file(documents.export_facility_key(desk, "F02", tmp_path / "F02.key"))
    assert documents.verify_certificate(data.verification_code, other).reason == "other_facility"
    forged = {"F01": other["F02"]}  # a key file edited to claim the facility: the signature still fails
    assert documents.verify_certificate(data.verification_code, forged).reason == "bad_signature"


def test_import_lists_every_rejected_row_and_adds_the_rest_at_once(desk, tmp_path):
    facility(desk)
    person(desk, "Người Đã Có", id_number="062090000999")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH F1 – TỔ TRUY VẾT XÃ HÀ MÒN"])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Năm sinh", "Giới tính", "CCCD", "SĐT", "Địa chỉ"])
    sheet.append([1, "Nguyễn Văn Một", 1990, "Nam", "062090000001", "0905000001", "Thôn 1"])
    sheet.append([2, "", 1991, "Nữ", "", "", ""])
    sheet.append([3, "Trần Thị Ba", 2999, "Nữ", "", "", ""])
    sheet.append([4, "Lê Văn Bốn", 1980, "Nam", "999000000001", "", ""])
    sheet.append([5, "Phạm Văn Năm", 1980, "Nam", "062090000001", "", ""])
    sheet.append([6, "Người Đã Có", 1980, "Nam", "062090000999", "", ""])
    sheet.append([7, "Võ Thị Bảy", 1995, "Nữ", "", "0905000007", ""])
    path = tmp_path / "f1.xlsx"
    book.save(path)
    trial = imports.import_people(desk, path, dry_run=True)
    assert trial.accepted == 2
    assert [(r.row, r.field) for r in trial.rejected] == [
        (5, "name"),
        (6, "born"),
        (7, "id_number"),
        (8, "id_number"),
    ]
    assert [(m.row, m.name, m.by) for m in trial.matched] == [(9, "Người Đã Có", "id_number")]
    assert people.search_people(desk, "nguyen van mot") == []
    result = imports.import_people(desk, path)
    assert result.accepted == 2
    found = people.search_people(desk, "nguyen van mot")
    assert found and found[0].pre_registered


def test_import_refuses_a_file_that_is_not_a_spreadsheet(desk, tmp_path):
    path = tmp_path / "f1.xlsx"
    path.write_text("hello")
    with pytest.raises(BadFile):
        imports.import_people(desk, path)


def test_commitment_form(desk, tmp_path):
    a, _ = admitted_pair(desk)
    documents.commitment_pdf(desk, a, tmp_path / "ck.pdf")
    text = PdfReader(tmp_path / "ck.pdf").pages[0].extract_text()
    assert "CAM KẾT" in text and "Nguyễn Thị Hường" in text


def test_daily_report_counts_staff_on_duty_and_low_stock(desk):
    from quarantine_desk.services import shifts, supplies

    facility(desk)
    on = AUG1.date()
    doctor = shifts.add_staff(desk, "F01", "Nguyễn Văn Hùng", "Bác sĩ")
    police = shifts.add_staff(desk, "F01", "Trần Minh Quân", "Công an")
    shifts.add_staff(desk, "F01", "Lê Thị Hoa", "Hậu cần")  # not on any shift that day
    shifts.plan_shifts(desk, "F01", on, 1, "3x8")
    plan = shifts.roster_of_shifts(desk, "F01", on, on + timedelta(days=1))
    shifts.assign(desk, "F01", plan[0].id, doctor.id)
    shifts.assign(desk, "F01", plan[1].id, police.id)
    supplies.add_item(desk, "F01", "TN", "Test nhanh kháng nguyên", "hộp", min_stock=100)
    supplies.receive(desk, "F01", "TN", 40, "Sở Y tế cấp")
    figures = documents.daily_report(desk, "F01", on).facilities[0]
    assert figures.staff_on_duty == 2
    assert figures.stock_alerts == ("Test nhanh kháng nguyên: còn 40 hộp (tối thiểu 100)",)
