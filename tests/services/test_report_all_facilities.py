"""The daily report of every facility is read in a few grouped queries; its figures are, facility by facility,
those of the one definition of presence and of the per-facility reads (rosters, beds, staff, stock)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, select

from quarantine_desk.bench.province import NOW, bench_desk, generate
from quarantine_desk.db.models import Facility
from quarantine_desk.domain.stays import report_moment
from quarantine_desk.services import documents, stays
from quarantine_desk.services.moments import day_bounds
from quarantine_desk.services.presence import bed_figures_at
from quarantine_desk.services.shifts import staff_on_duty
from quarantine_desk.services.supplies import stock_alerts
from tests.helpers import create_pg_database, drop_pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def province_url(request, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'province.sqlite3'}"
        generate(url, 300, say=str)
        yield url
    else:
        url = create_pg_database()
        try:
            generate(url, 300, say=str)
            yield url
        finally:
            drop_pg_database(url)


def test_every_facility_as_its_own_report_and_its_rosters(province_url: str) -> None:
    desk = bench_desk(province_url)
    try:
        statements: list[str] = []
        event.listen(desk.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        report = documents.daily_report(desk)
        queries = len(statements)
        moment = report_moment(NOW.date(), NOW)
        assert report.as_of == moment.at
        assert len(report.facilities) == 51
        with desk.read() as session:
            ids = dict(session.execute(select(Facility.code, Facility.id)).tuples().all())
            day_start, day_end = day_bounds(moment.day)
            for figures in report.facilities:
                code = figures.facility_code
                alone = documents.daily_report(desk, code).facilities[0]
                assert figures == alone
                assert figures.present_now == len(stays.roster(desk, code, at=moment.at))
                assert figures.present_start == len(stays.roster(desk, code, at=moment.since))
                beds = bed_figures_at(session, ids[code], moment.at)
                assert (figures.beds_total, figures.beds_occupied, figures.beds_closed) == (
                    beds.beds,
                    beds.occupied,
                    beds.closed,
                )
                assert figures.staff_on_duty == staff_on_duty(session, ids[code], day_start, day_end)
                assert len(figures.stock_alerts) == len(stock_alerts(session, ids[code]))
        assert sum(f.present_now for f in report.facilities) > 0
        assert sum(f.admitted for f in report.facilities) + sum(f.released for f in report.facilities) > 0
        # A fixed number of statements for 51 facilities: no query per facility.
        assert queries < 20, queries
    finally:
        desk.close()
