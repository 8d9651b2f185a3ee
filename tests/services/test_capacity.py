"""Capacity ahead (SQLite and PostgreSQL): beds now, arrivals of the last seven days, planned releases, the
projection of free beds and the first day over 90 % and full, per facility and for the district."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.exports.common import capacity_assumption
from quarantine_desk.services import capacity, documents, facilities, overview, stays
from quarantine_desk.services.overview import AlertKind
from tests.services.fixtures import facility, person

GIVEN = ("An", "Bình", "Cường", "Dũng")


def admit(desk, room: str, count: int, at: datetime, cohort: str) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        name = f"Phòng {'ABCDEFGH'[int(room) - 101]} {GIVEN[n]}"
        stays.admit(desk, person(desk, name), "F01", cohort, room=room, at=at)


@pytest.fixture
def filling(desk):  # type: ignore[no-untyped-def]
    """24 beds (rooms 101–106, 4 each); the clock at 10/08/2021 09:00; the 14-day policy.

    101: 4 from 28/07 (release 11/08), outside the last seven days. In the last seven days (03/08–09/08):
    102: 4 on 04/08, 103: 4 on 07/08, 104: 4 and 105: 2 on 09/08: 14 arrivals, 2 a day. 18 people now.
    """
    facility(desk, "F01", rooms="101-106", beds=4)
    admit(desk, "101", 4, datetime(2021, 7, 28, 8), "Nhóm 28/7")
    admit(desk, "102", 4, datetime(2021, 8, 4, 8), "Nhóm 4/8")
    admit(desk, "103", 4, datetime(2021, 8, 7, 8), "Nhóm 7/8")
    admit(desk, "104", 4, datetime(2021, 8, 9, 8), "Nhóm 9/8")
    admit(desk, "105", 2, datetime(2021, 8, 9, 8), "Nhóm 9/8")
    return desk


def test_projection_with_scheduled_releases(filling) -> None:  # type: ignore[no-untyped-def]
    """Day k from tomorrow: 18 − releases by then + 2k. 11/08: 4 leave, 2 come: 16; then +2 a day: 22 on 14/08
    (22 ≥ 90 % of 24 = 21.6), 24 on 15/08: full."""
    c = capacity.capacity(filling, "F01", days=7)
    assert (c.beds, c.occupied, c.free, c.closed) == (24, 18, 6, 0)
    assert [n for _, n in c.arrivals] == [0, 4, 0, 0, 4, 0, 6]
    assert c.arrivals_per_day == 2.0
    assert [(d.day.day, d.releases, d.occupied, d.free) for d in c.days] == [
        (11, 4, 16, 8), (12, 0, 18, 6), (13, 0, 20, 4), (14, 0, 22, 2), (15, 0, 24, 0), (16, 0, 26, 0),
        (17, 0, 28, 0),
    ]  # fmt: skip
    assert c.over_90_on == date(2021, 8, 14) and c.full_on == date(2021, 8, 15)
    releases = dict(c.releases)
    assert releases[date(2021, 8, 11)] == 4 and releases[date(2021, 8, 18)] == 4
    assert releases[date(2021, 8, 21)] == 4 and releases[date(2021, 8, 23)] == 6
    assert sum(releases.values()) == 18 and len(releases) == 14
    assert "bình quân 2 người" in capacity_assumption(c.arrivals_per_day)


def test_a_later_release_frees_beds_in_the_projection(filling) -> None:  # type: ignore[no-untyped-def]
    """On 18/08 (k = 8) the 4 of room 102 leave: 18 − 8 + 16 = 26."""
    c = capacity.capacity(filling, "F01", days=14)
    day = next(d for d in c.days if d.day == date(2021, 8, 18))
    assert (day.releases, day.arrivals, day.occupied) == (4, 16, 26)


def test_district_adds_the_facilities(filling) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(filling, "F02", "Khu cách ly F02")
    facilities.add_rooms(filling, "F02", "Tầng 1", "201-203", 4, "any")
    each, total = capacity.district_capacity(filling, days=7)
    assert [c.facility for c in each] == ["F01", "F02"]
    assert (total.facility, total.beds, total.occupied, total.free) == ("ALL", 36, 18, 18)
    # 36 beds: 90 % is 32.4; 18 − 4 + 2k reaches 34 at k = 10: past seven days
    assert total.over_90_on is None and total.full_on is None
    assert [d.occupied for d in total.days] == [16, 18, 20, 22, 24, 26, 28]


def test_capacity_in_the_alerts_and_the_daily_report(filling) -> None:  # type: ignore[no-untyped-def]
    found = [a for a in overview.alerts(filling, "F01") if a.kind is AlertKind.FILLING]
    assert len(found) == 1 and found[0].at == datetime(2021, 8, 14) and found[0].count == 75
    report = documents.daily_report(filling, "F01", date(2021, 8, 10))
    assert report.facilities[0].capacity_notes == (
        "Dự kiến vượt 90 % số giường ngày 14/08/2021, hết giường ngày 15/08/2021 (đang dùng 18/24 giường, "
        "bình quân 2 người đến mỗi ngày).",
    )


def test_near_full_now(filling) -> None:  # type: ignore[no-untyped-def]
    admit(filling, "106", 4, datetime(2021, 8, 10, 8), "Nhóm 10/8")
    c = capacity.capacity(filling, "F01", days=7)
    assert (c.occupied, c.over_90_on, c.full_on) == (22, date(2021, 8, 10), date(2021, 8, 13))
    kinds = [a.kind for a in overview.alerts(filling, "F01")]
    assert AlertKind.NEAR_FULL in kinds and AlertKind.FILLING not in kinds


def test_days_out_of_range(filling) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput):
        capacity.capacity(filling, "F01", days=0)


def test_the_daily_report_files_carry_the_capacity(filling, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from quarantine_desk.exports.xlsx import read_daily_report

    xlsx = documents.write_daily_report(filling, tmp_path / "bao-cao.xlsx", facility_code="F01")
    ws = load_workbook(xlsx).worksheets[0]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    at = texts.index("Sức chứa:")
    assert texts[at + 1].startswith(
        "- Dự kiến vượt 90 % số giường ngày 14/08/2021, hết giường ngày 15/08/2021"
    )
    assert (
        read_daily_report(xlsx).facilities[0].capacity_notes
        == documents.daily_report(filling, "F01").facilities[0].capacity_notes
    )  # kept through the data sheet, for the district's merge
    pdf = documents.write_daily_report(filling, tmp_path / "bao-cao.pdf", facility_code="F01")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages)
    assert "Sức chứa:" in text and "hết giường ngày 15/08/2021" in text
