"""The district's merge of the facilities' daily reports reads what each facility sent and believes only
figures that hold together: a visible cell typed over, a balance that does not add up or more beds in use than
beds refuse the file (naming the facility, the file and the cell) unless forced, and then are marked."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import openpyxl
import pytest

from quarantine_desk.domain.errors import BadFile
from quarantine_desk.exports.xlsx import read_daily_report, write_daily_report_json, write_daily_report_xlsx
from quarantine_desk.messages import describe
from quarantine_desk.services import documents
from tests.exports.export_samples import ON, daily_report

# The visible sheet: facilities from row 8; column C beds, D beds in use, G present at start, K present now.
PRESENT_START = "G8"


def _reports(tmp_path: Path) -> tuple[Path, Path]:
    one = write_daily_report_xlsx(daily_report("F01"), tmp_path / "f01.xlsx")
    two = write_daily_report_xlsx(daily_report("F02"), tmp_path / "f02.xlsx")
    return one, two


def _edit(path: Path, cell: str, value: object) -> None:
    """What an official does in Excel: change a figure on the visible sheet and save."""
    wb = openpyxl.load_workbook(path)
    wb["Báo cáo"][cell] = value
    wb.save(path)


def test_clean_reports_merge(tmp_path: Path) -> None:
    one, two = _reports(tmp_path)
    merged = documents.merge_reports([one, two], tmp_path / "tong.xlsx")
    assert [f.facility_code for f in merged.facilities] == ["F01", "F02"]
    assert not merged.totals().remarks
    assert read_daily_report(tmp_path / "tong.xlsx") == merged  # a merged report merges again


def test_a_visible_figure_typed_over_is_refused_naming_facility_file_and_cell(tmp_path: Path) -> None:
    one, two = _reports(tmp_path)
    _edit(two, PRESENT_START, 141)  # data sheet: 140
    with pytest.raises(BadFile) as caught:
        documents.merge_reports([one, two], tmp_path / "tong.xlsx")
    err = caught.value
    assert err.exit_code == 6 and err.reason == "visible_differs" and err.path == str(two)
    assert err.params["facility"] == "F02" and err.params["cell"] == PRESENT_START
    message = describe(err, "vi")
    for expected in (str(two), "F02", PRESENT_START, "Số người đầu ngày", "141", "140", "--force"):
        assert expected in message, expected
    assert "F02" in describe(err, "en") and PRESENT_START in describe(err, "en")
    assert not (tmp_path / "tong.xlsx").exists()


def test_forced_merge_takes_the_shown_figure_and_marks_it(tmp_path: Path) -> None:
    one, two = _reports(tmp_path)
    _edit(two, "K8", 162)  # present now: 150 in the data, and 162 no longer follows from the day
    merged = documents.merge_reports([one, two], tmp_path / "tong.xlsx", force=True)
    f02 = merged.facilities[1]
    assert f02.present_now == 162
    assert any("K8" in r and "162" in r and "150" in r for r in f02.remarks)
    assert any("đang cách ly 162" in r for r in f02.remarks)  # and the balance it breaks
    assert not merged.facilities[0].remarks
    wb = openpyxl.load_workbook(tmp_path / "tong.xlsx")
    shown = [c for row in wb["Báo cáo"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(text.startswith("Lưu ý khi tổng hợp") for text in shown)
    assert any("F02: ô K8" in text for text in shown)
    assert read_daily_report(tmp_path / "tong.xlsx").facilities[1].remarks == f02.remarks


def test_a_figure_typed_over_as_text_is_refused(tmp_path: Path) -> None:
    one, two = _reports(tmp_path)
    _edit(one, "D8", "khoảng 150")
    with pytest.raises(BadFile) as caught:
        documents.merge_reports([one, two], tmp_path / "tong.json")
    assert caught.value.params["cell"] == "D8" and caught.value.params["facility"] == "F01"


def test_a_hand_made_json_that_does_not_add_up_is_refused(tmp_path: Path) -> None:
    good = write_daily_report_json(daily_report("F01"), tmp_path / "f01.json")
    data = json.loads(good.read_text(encoding="utf-8"))
    data["facilities"][0]["present_now"] = 999
    bad = tmp_path / "f02.json"
    data["facilities"][0]["facility_code"] = "F02"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BadFile) as caught:
        documents.merge_reports([good, bad], tmp_path / "tong.json")
    err = caught.value
    assert err.reason == "figures_inconsistent" and err.path == str(bad)
    assert (err.params["facility"], err.params["found"], err.params["expected"]) == ("F02", 999, 150)
    assert "999" in describe(err, "vi") and "150" in describe(err, "vi")
    merged = documents.merge_reports([good, bad], tmp_path / "tong.json", force=True)
    assert merged.facilities[1].present_now == 999 and merged.facilities[1].remarks


def test_more_beds_in_use_than_beds_is_refused(tmp_path: Path) -> None:
    report = daily_report("F01")
    over = dataclasses.replace(report.facilities[0], beds_occupied=201)
    path = write_daily_report_xlsx(report.with_facilities([over]), tmp_path / "f01.xlsx")
    with pytest.raises(BadFile) as caught:
        documents.merge_reports([path], tmp_path / "tong.json")
    assert caught.value.reason == "occupied_over_beds" and caught.value.params["cell"] == "D8"


def test_reports_of_other_days_or_one_facility_twice_are_refused_even_when_forced(tmp_path: Path) -> None:
    one, two = _reports(tmp_path)
    other_day = write_daily_report_xlsx(daily_report("F03", on=ON.replace(day=28)), tmp_path / "f03.xlsx")
    with pytest.raises(BadFile) as caught:
        documents.merge_reports([one, two, other_day], tmp_path / "tong.xlsx", force=True)
    message = describe(caught.value, "vi")
    assert caught.value.reason == "other_day" and str(other_day) in message
    assert "28/07/2021" in message and "27/07/2021" in message and "f01.xlsx" in message
    again = write_daily_report_json(daily_report("F01"), tmp_path / "f01-lan2.json")
    with pytest.raises(BadFile) as caught:
        documents.merge_reports([one, two, again], tmp_path / "tong.xlsx", force=True)
    message = describe(caught.value, "vi")
    assert caught.value.reason == "facility_twice" and str(again) in message and "f01.xlsx" in message
