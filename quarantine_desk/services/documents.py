"""Documents the district and the people receive: rosters, the 16:00 daily report and its district merge,
release certificates (with a verification code), the commitment form, and the import of tracing teams' lists.

The services gather plain rows; ``quarantine_desk.exports`` writes the files. Long work takes a progress callback
and a "should I stop" check, so the window can run it off the GUI thread with a Cancel button.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from quarantine_desk.db.models import Facility, MedicalTest, Person, Stay
from quarantine_desk.domain import certificates as certs
from quarantine_desk.domain.capacity import RELEASE_HORIZON_DAYS
from quarantine_desk.domain.errors import BadFile, InvalidInput, NotFound, SigningKeyMissing
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.reports import figure_problems
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.stays import (
    ROSTER_VARIANTS,
    ReportMoment,
    StayOutcome,
    TestResult,
    days_stayed,
    is_child,
    report_moment,
    roster_moment,
)
from quarantine_desk.domain.text import nfc
from quarantine_desk.exports.common import (
    atomic_output,
    capacity_line,
    dmy,
    kit_shortage_line,
    stock_alert_line,
)
from quarantine_desk.exports.rows import (
    FIGURE_FIELDS,
    CertificateData,
    CommitmentData,
    DailyFigures,
    DailyReport,
    RosterDocument,
    RosterRow,
    SentReport,
    TestCell,
)
from quarantine_desk.lazy import lazy_module
from quarantine_desk.services import audit, scope
from quarantine_desk.services.capacity import Capacity, capacity_each
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.moments import day_bounds
from quarantine_desk.services.people import person_by_ref
from quarantine_desk.services.presence import (
    BedFigures,
    bed_figures,
    present_at,
    present_between,
    present_counted,
    rooms_at_each,
)
from quarantine_desk.services.shifts import staff_on_duty_each
from quarantine_desk.services.stays import stay_query
from quarantine_desk.services.supplies import kit_shortages_each, stock_alerts_each

if TYPE_CHECKING:
    from quarantine_desk.exports import pdf, xlsx
else:
    # reportlab and openpyxl load when a document is first written, not when the window starts.
    pdf = lazy_module("quarantine_desk.exports.pdf")
    xlsx = lazy_module("quarantine_desk.exports.xlsx")


@dataclass(frozen=True)
class WrittenFile:
    """A document as written: where, how big, and its pages (PDF) or its lines (Excel, JSON)."""

    file: Path
    bytes: int
    pages: int | None = None
    rows: int | None = None


def written(path: Path, rows: int | None = None) -> WrittenFile:
    """The facts of a document just written; a PDF's pages are counted, ``rows`` given by the writer."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return WrittenFile(path, path.stat().st_size, pages=pdf.count_pages(path))
    return WrittenFile(path, path.stat().st_size, rows=rows)


# --- rosters -------------------------------------------------------------------------------------------------------


def _variant_condition(variant: str, on: date, moment: datetime) -> ColumnElement[bool]:
    """``present``: the people in the facility at ``moment``; the others: what happened on day ``on``."""
    start, end = day_bounds(on)
    if variant == "present":
        return present_at(moment)
    if variant == "admitted":
        return (Stay.admitted_at >= start) & (Stay.admitted_at < end)
    if variant == "released":
        return (
            (Stay.released_at >= start) & (Stay.released_at < end) & (Stay.outcome != StayOutcome.TRANSFERRED)
        )
    if variant == "due_tomorrow":
        return Stay.released_at.is_(None) & (Stay.planned_release == on + timedelta(days=1))
    if variant == "positive":
        return (Stay.positive_at >= start) & (Stay.positive_at < end) | (
            (Stay.released_at >= start) & (Stay.released_at < end) & (Stay.outcome == StayOutcome.TRANSFERRED)
        )
    raise InvalidInput("variant", "bad_value", variant)


def _roster_query() -> Select[Any]:
    """The columns a roster prints, through the joins of ``stay_query``, as plain rows: no ORM object per row,
    which for the 20,000 people of a field hospital was seconds of the export."""
    from quarantine_desk.db.models import Bed, Cohort, Room

    return (
        select(
            Stay.id,
            Person.id,
            Person.full_name,
            Person.birth_year,
            Person.birth_date,
            Person.sex,
            Person.id_number,
            Person.phone,
            Person.address,
            Cohort.name,
            Room.name,
            Bed.label,
            Stay.admitted_at,
            Stay.planned_release,
            Stay.released_at,
            Stay.outcome,
            Stay.positive_at,
            Stay.transfer_to,
            Stay.override_reason,
            Person.special_watch,
            Person.conditions,
            Person.pregnant,
            Person.f_level,
            Person.exposure,
        )
        .join(Person, Person.id == Stay.person_id)
        .join(Room, Room.id == Stay.room_id)
        .join(Bed, Bed.id == Stay.bed_id)
        .join(Cohort, Cohort.id == Stay.cohort_id)
    )


def roster_rows(
    desk: Desk, facility_id: int, variant: str, on: date, moment: datetime | None = None
) -> Iterator[RosterRow]:
    """Rows streamed from the database in Vietnamese order, a page at a time (constant memory)."""
    moment = moment or roster_moment(on, desk.now())
    with desk.read(Permission.EXPORT) as session:
        query = (
            _roster_query()
            .where(Stay.facility_id == facility_id, _variant_condition(variant, on, moment))
            .order_by(Person.sort_key, Person.id)
            .execution_options(yield_per=500)
        )
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            # the rows are read in batches through a server-side cursor, for which PostgreSQL by default plans to
            # return the first tenth fast: walking people in name order and probing their stays, ten times
            # slower than sorting the facility's stays once for the whole roster, which is what is read
            connection.execute(sql_text("SET LOCAL cursor_tuple_fraction = 1"))
        page: list[Any] = []
        # through the connection: plain columns need none of the ORM's loading, a third of the time of reading
        for row in connection.execute(query):
            page.append(row)
            if len(page) == 500:
                yield from _with_tests(session, page)
                page = []
        if page:
            yield from _with_tests(session, page)


_LEVEL_WORDS = {"f1": "F1", "f2": "F2", "returnee": "Về từ vùng dịch", "other": "Khác"}


def own_exposure(f_level: str | None, exposure: str | None) -> str | None:
    """ "F2 – chợ Đầm": what the person's record says of how they came, beside the cohort's (None if nothing)."""
    text = " – ".join(p for p in (_LEVEL_WORDS.get(f_level or "", ""), exposure or "") if p)
    return text or None


def _with_tests(session: Session, page: list[Any]) -> Iterator[RosterRow]:
    """The page's rows of ``_roster_query`` with their tests, read in one query."""
    ids = [row[0] for row in page]
    tests: dict[int, list[TestCell]] = {}
    for stay_id, sampled_at, kind, result in session.connection().execute(
        select(MedicalTest.stay_id, MedicalTest.sampled_at, MedicalTest.kind, MedicalTest.result)
        .where(MedicalTest.stay_id.in_(ids))
        .order_by(MedicalTest.sampled_at)
    ):
        tests.setdefault(stay_id, []).append(TestCell(sampled_at, kind, result))
    for (
        stay_id,
        person_id,
        full_name,
        birth_year,
        birth_date,
        sex,
        id_number,
        phone,
        address,
        cohort,
        room,
        bed,
        admitted_at,
        planned_release,
        released_at,
        outcome,
        positive_at,
        transfer_to,
        override_reason,
        special_watch,
        conditions,
        pregnant,
        f_level,
        exposure,
    ) in page:
        yield RosterRow(
            person_id,
            full_name,
            birth_year,
            birth_date,
            sex,
            id_number,
            phone,
            address,
            cohort,
            room,
            bed,
            admitted_at,
            planned_release,
            released_at,
            outcome,
            tuple(tests.get(stay_id, ())),
            awaiting_transfer=positive_at is not None and outcome != StayOutcome.TRANSFERRED,
            transfer_to=transfer_to,
            override_reason=override_reason,
            special_watch=bool(special_watch),
            conditions=conditions,
            pregnant=bool(pregnant),
            own_exposure=own_exposure(f_level, exposure),
        )


def export_roster(
    desk: Desk,
    facility_code: str,
    out: Path,
    *,
    on: date | None = None,
    variant: str = "present",
    at: datetime | None = None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> Path:
    """Write the roster of a facility on a day as .xlsx or .pdf (by the file's extension).

    The "present" roster lists the people in the facility at the end of day ``on`` (now for today), or at ``at``.
    """
    moment = at if at is not None else roster_moment(on, desk.now())
    on = on or moment.date()
    out = Path(out)
    if variant not in ROSTER_VARIANTS:
        raise InvalidInput("variant", "bad_value", variant)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise BadFile(str(out), "unknown_format")
    with desk.read(Permission.EXPORT) as session:
        facility = facility_by_code(session, facility_code)
        total = (
            session.scalar(
                select(func.count())
                .select_from(Stay)
                .where(Stay.facility_id == facility.id, _variant_condition(variant, on, moment))
            )
            or 0
        )
        header = (facility.id, facility.code, facility.name, facility.district, facility.province)
    doc = RosterDocument(
        header[1],
        header[2],
        header[3],
        header[4],
        on,
        variant,
        roster_rows(desk, header[0], variant, on, moment),
        total,
    )
    writer = xlsx.write_roster_xlsx if suffix == ".xlsx" else pdf.write_roster_pdf
    written_path = writer(doc, out, progress, should_stop)
    audit.record_done(
        desk,
        Permission.EXPORT,
        "export.roster",
        "facility",
        header[0],
        facility=header[1],
        variant=variant,
        on=on,
        file=Path(out).name,
        rows=total,
    )
    return written_path


# --- the daily report ------------------------------------------------------------------------------------------------


def _figures(session: Session, facilities: Sequence[Facility], moment: ReportMoment) -> list[DailyFigures]:
    """The facilities' figures as of ``moment.at``: people and beds then, movements since 16:00 the day before.
    A fixed number of grouped queries, whatever the number of facilities.

    ``present_start + admitted - released - transferred == present_now`` by construction: all four count the
    same stays against the same two moments, with the one definition of presence (``services.presence``).
    """
    since, at = moment.since, moment.at
    ids = [f.id for f in facilities]
    reported = set(ids)
    beds = {fid: bed_figures(rooms) for fid, rooms in rooms_at_each(session, ids, at).items()}

    def counted(*conditions: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((and_(*conditions), 1), else_=0))

    transferred = Stay.outcome == StayOutcome.TRANSFERRED.value
    left = and_(Stay.released_at > since, Stay.released_at <= at)
    stays = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                Stay.facility_id,
                present_counted(since),
                counted(Stay.admitted_at > since, Stay.admitted_at <= at),
                counted(left, ~transferred),
                counted(left, transferred),
                present_counted(at),
                counted(present_at(at), Stay.planned_release == moment.day + timedelta(days=1)),
            )
            # Every figure counts stays present at some moment of the period: only those are read.
            .where(Stay.facility_id.in_(ids), present_between(since, at))
            .group_by(Stay.facility_id)
        ).tuples()
    }
    # The tests of the period, of every facility, are few and found by their time; the facilities not reported
    # on are left out here rather than in SQL, where a list of facilities would have SQLite read every stay of
    # every facility first, and each of their tests (seconds on a province's database).
    tests = {
        row[0]: row[1:]
        for row in session.execute(
            select(
                Stay.facility_id,
                func.count(),
                func.sum(case((MedicalTest.result == TestResult.POSITIVE, 1), else_=0)),
            )
            .join(Stay, Stay.id == MedicalTest.stay_id)
            .where(MedicalTest.sampled_at > since, MedicalTest.sampled_at <= at)
            .group_by(Stay.facility_id)
        ).tuples()
        if row[0] in reported
    }
    day_start, day_end = day_bounds(moment.day)
    staff = staff_on_duty_each(session, ids, day_start, day_end)
    low = stock_alerts_each(session, ids)
    kits = kit_shortages_each(session, ids)
    ahead = capacity_each(session, facilities, at, RELEASE_HORIZON_DAYS, beds)
    figures = []
    for facility in facilities:
        bed = beds.get(facility.id, BedFigures(0, 0, 0))
        start, admitted, released, moved, now, due = (int(v or 0) for v in stays.get(facility.id, (0,) * 6))
        taken, positives = (int(v or 0) for v in tests.get(facility.id, (0, 0)))
        figures.append(
            DailyFigures(
                facility_code=facility.code,
                facility_name=facility.name,
                beds_total=bed.beds,
                beds_occupied=bed.occupied,
                beds_free=bed.free,
                beds_closed=bed.closed,
                present_start=start,
                admitted=admitted,
                released=released,
                transferred_positive=moved,
                present_now=now,
                due_tomorrow=due,
                tests_taken=taken,
                positives=positives,
                staff_on_duty=staff.get(facility.id, 0),
                capacity_notes=(_capacity_note(ahead[facility.id]),),
                stock_alerts=tuple(
                    kit_shortage_line(k.item, k.tests, k.since) for k in kits.get(facility.id, ())
                )
                + tuple(
                    stock_alert_line(a.name, a.quantity, a.unit, a.min_stock)
                    for a in low.get(facility.id, ())
                ),
            )
        )
    return figures


def _capacity_note(ahead: Capacity) -> str:
    return capacity_line(
        ahead.occupied, ahead.beds, ahead.percent, ahead.arrivals_per_day, ahead.over_90_on, ahead.full_on,
        ahead.today, RELEASE_HORIZON_DAYS,
    )  # fmt: skip


def daily_report(desk: Desk, facility_code: str | None = None, on: date | None = None) -> DailyReport:
    """The figures of day ``on`` as of 16:00 (or as of now, when that is earlier: the report says so), of one
    facility, or of every facility that is open or had people in that time."""
    now = desk.now()
    moment = report_moment(on or now.date(), now)
    with desk.read(Permission.EXPORT) as session:
        if facility_code:
            chosen = [facility_by_code(session, facility_code)]
        else:
            had_people = select(Stay.facility_id).where(present_between(moment.since, moment.at))
            chosen = list(
                session.scalars(
                    select(Facility)
                    .where(or_(Facility.active.is_(True), Facility.id.in_(had_people)))
                    .where(scope.where(session, Facility.id))  # a facility's staff: their own facilities
                    .order_by(Facility.code)
                )
            )
        figures = tuple(_figures(session, chosen, moment))
        # A facility's staff report on their own facilities, under their codes, never as the district's report.
        if facility_code:
            reported = facility_code.upper()
        else:
            reported = "ALL" if scope.allowed(session) is None else "+".join(f.code for f in chosen)
    return DailyReport(
        on=moment.day,
        made_at=now,
        scope=reported,
        facilities=figures,
        as_of=moment.at,
    )


def write_daily_report(
    desk: Desk,
    out: Path,
    *,
    facility_code: str | None = None,
    on: date | None = None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> Path:
    report = daily_report(desk, facility_code, on)
    path = write_report_file(report, Path(out), progress, should_stop)
    _remember_report(desk, report, Path(out).name)
    return path


def write_report_file(
    report: DailyReport, out: Path, progress: Progress | None = None, should_stop: ShouldStop | None = None
) -> Path:
    writers = {
        ".xlsx": xlsx.write_daily_report_xlsx,
        ".pdf": pdf.write_daily_report_pdf,
        ".json": xlsx.write_daily_report_json,
    }
    writer = writers.get(out.suffix.lower())
    if writer is None:
        raise BadFile(str(out), "unknown_format")
    return writer(report, out, progress, should_stop)


def _remember_report(desk: Desk, report: DailyReport, file: str) -> None:
    """Note that today's report was made, so every PC stops showing the 15:30 reminder; the report is audited
    with the user who made it in the same transaction (a viewer's report too: it clears the reminder for all)."""
    from quarantine_desk.db.models import Setting

    # A report of some facilities (a facility user's) counts for each of them; the district's is "ALL".
    scopes = [report.scope] if report.scope == "ALL" else [f.facility_code for f in report.facilities]
    with desk.write(Permission.EXPORT) as session:
        for scope_code in dict.fromkeys(scopes):
            key = f"daily_report:{scope_code}"
            setting = session.get(Setting, key)
            if setting is None:
                session.add(Setting(key=key, value=report.on.isoformat()))
            else:
                setting.value = max(setting.value, report.on.isoformat())
        audit.record(
            session,
            desk,
            "report.daily",
            "report",
            None,
            scope=report.scope,
            on=report.on,
            facilities=[f.facility_code for f in report.facilities],
            file=file,
        )


def daily_report_made(desk: Desk, on: date, scope: str = "ALL") -> bool:
    from quarantine_desk.db.models import Setting

    with desk.read() as session:
        setting = session.get(Setting, f"daily_report:{scope}")
        return setting is not None and setting.value >= on.isoformat()


#: What a forced merge takes, marked; reports of other days or one facility twice never merge.
MERGE_FORCEABLE = frozenset({"visible_differs", "figures_inconsistent", "occupied_over_beds"})


def merge_reports(paths: list[Path], out: Path, *, force: bool = False) -> DailyReport:
    """The district's summary from several facilities' daily reports (xlsx or json written by this program).

    A file whose visible figures differ from its data sheet, or whose figures do not hold together (the day's
    balance, beds in use over beds), is refused, naming the facility, the file and the cell; with ``force``
    it is merged on the figures it shows, and the merged report marks each such figure. Reports of different
    days, or one facility twice, are always refused.
    """
    if not paths:
        raise InvalidInput("file", "empty")
    sent: list[SentReport] = []
    for path in paths:
        if not Path(path).exists():
            raise BadFile(str(path), "not_found")
        sent.append(xlsx.read_sent_report(Path(path)))
    _refuse_mixed_reports(sent)
    checked = [_checked_report(item, force) for item in sent]
    merged = xlsx.merge_daily_reports(checked)
    write_report_file(merged, Path(out))
    return merged


def _refuse_mixed_reports(sent: list[SentReport]) -> None:
    """Reports of one day, each facility once: else the file that breaks it is named, with the one it clashes
    with."""
    first = sent[0]
    seen: dict[str, str] = {}
    for item in sent:
        if item.report.on != first.report.on:
            raise BadFile(
                item.path,
                "other_day",
                on=dmy(item.report.on),
                first_on=dmy(first.report.on),
                first=Path(first.path).name,
            )
        for figures in item.report.facilities:
            earlier = seen.get(figures.facility_code)
            if earlier is not None:
                raise BadFile(
                    item.path,
                    "facility_twice",
                    facility=figures.facility_code,
                    on=dmy(item.report.on),
                    first=Path(earlier).name,
                )
            seen[figures.facility_code] = item.path


def _checked_report(item: SentReport, force: bool) -> DailyReport:
    """The report as its sender saw it, each facility's figures checked; what is wrong refuses the file, or
    with ``force`` goes into the facility's remarks."""
    facilities: list[DailyFigures] = []
    for figures in item.as_shown().facilities:
        code = figures.facility_code
        remarks: list[str] = []
        for mismatch in (m for m in item.mismatches if m.facility_code == code):
            if not force:
                raise BadFile(
                    item.path,
                    "visible_differs",
                    facility=code,
                    cell=mismatch.cell,
                    field=xlsx.figure_label(mismatch.field),
                    visible="(trống)" if mismatch.visible is None else mismatch.visible,
                    data=mismatch.data,
                )
            remarks.append(xlsx.mismatch_remark(mismatch))
        values = {name: getattr(figures, name) for name in FIGURE_FIELDS}
        for problem in figure_problems(values):
            cell = item.cells.get((code, problem.fields[-1]), xlsx.figure_label(problem.fields[-1]))
            if not force:
                raise BadFile(
                    item.path,
                    "figures_inconsistent" if problem.kind == "balance" else "occupied_over_beds",
                    facility=code,
                    cell=cell,
                    expected=problem.expected,
                    found=problem.found,
                )
            remarks.append(xlsx.problem_remark(problem.kind, cell, problem.expected, problem.found))
        facilities.append(replace(figures, remarks=(*figures.remarks, *remarks)) if remarks else figures)
    return item.report.with_facilities(facilities)


# --- certificates ------------------------------------------------------------------------------------------------------


def certificate_number(facility_code: str, stay_id: int) -> str:
    """The certificate's number, unique across facilities: ``125/GXN-F01``."""
    return f"{stay_id}/GXN-{facility_code}"


def _ensure_signing_keys(desk: Desk, facility_ids: set[int]) -> None:
    """Makes the key pair of a facility that has none (one restored from a backup older than the keys).

    A facility with a public key but no signing key (restored from a backup without keys) is refused rather
    than given a new pair silently: the certificates it issued would no longer check out against its key."""
    with desk.write(Permission.EXPORT) as session:
        for facility in session.scalars(
            select(Facility)
            .where(Facility.id.in_(facility_ids), Facility.signing_key.is_(None))
            .with_for_update()
        ):
            if facility.public_key is not None:
                raise SigningKeyMissing(facility.code)
            facility.signing_key, facility.public_key = certs.new_key_pair()


def renew_signing_key(desk: Desk, facility_code: str) -> str:
    """A new key pair for the facility (administrators only); returns the new public key. Certificates signed
    with the old key no longer check out against the database: the old public key file still checks them."""
    with desk.write(Permission.BACKUP) as session:
        facility = facility_by_code(session, facility_code)
        facility.signing_key, facility.public_key = certs.new_key_pair()
        audit.record(session, desk, "facility.new_key", "facility", facility.id, facility=facility.code)
        return facility.public_key


def _certificate(session: Session, stay: Stay, on: date) -> CertificateData:
    scope.require_id(session, stay.facility_id)
    person = session.get(Person, stay.person_id)
    facility = session.get(Facility, stay.facility_id)
    assert person is not None and facility is not None and stay.released_at is not None
    assert facility.signing_key is not None
    tests = tuple(
        TestCell(t.sampled_at, t.kind, t.result)
        for t in session.scalars(
            select(MedicalTest).where(MedicalTest.stay_id == stay.id).order_by(MedicalTest.sampled_at)
        )
    )
    birth = person.birth_date.strftime("%d/%m/%Y") if person.birth_date else str(person.birth_year or "")
    number = certificate_number(facility.code, stay.id)
    claim = certs.CertificateClaim(
        number=number,
        name=person.full_name,
        birth_year=person.birth_date.year if person.birth_date else person.birth_year,
        id_last4=certs.id_last4(person.id_number),
        facility_code=facility.code,
        facility_name=facility.name,
        start=stay.admitted_at.date(),
        end=stay.released_at.date(),
        outcome=str(stay.outcome),
    )
    return CertificateData(
        verification_code=certs.sign(claim, facility.signing_key),
        full_name=person.full_name,
        birth=birth,
        sex=person.sex,
        id_number=person.id_number,
        address=person.address,
        facility_name=facility.name,
        facility_address=facility.address,
        district=facility.district,
        province=facility.province,
        admitted_on=stay.admitted_at.date(),
        released_on=stay.released_at.date(),
        tests=tests,
        stay_id=stay.id,
        issued_on=on,
        outcome=stay.outcome or "",
        reason=stay.override_reason,
        days=days_stayed(stay.admitted_at, stay.released_at),
        number=number,
        home_address=stay.home_address,
    )


def _completed_stay(session: Session, person_ref: str | int) -> Stay:
    person = person_by_ref(session, person_ref)
    stay = session.scalar(
        select(Stay)
        .where(Stay.person_id == person.id, Stay.outcome == StayOutcome.COMPLETED)
        .order_by(Stay.released_at.desc())
        .limit(1)
    )
    if stay is None:
        raise NotFound("certificate", person.full_name)
    return stay


def certificate(desk: Desk, person_ref: str | int, out: Path) -> CertificateData:
    """The release certificate of the person's last completed stay (never of a transfer or another ending)."""
    with desk.read(Permission.EXPORT) as session:
        stay = _completed_stay(session, person_ref)
        facility_id, keyed = (
            stay.facility_id,
            session.scalar(select(Facility.signing_key.is_not(None)).where(Facility.id == stay.facility_id)),
        )
    if not keyed:
        _ensure_signing_keys(desk, {facility_id})
    with desk.read(Permission.EXPORT) as session:
        data = _certificate(session, _completed_stay(session, person_ref), desk.now().date())
    pdf.write_certificates_pdf([data], Path(out))
    _audit_paper(desk, "certificate.issue", data, out)
    return data


def _audit_paper(desk: Desk, action: str, data: CertificateData, out: Path) -> None:
    with desk.read(Permission.EXPORT) as session:
        person_id = session.scalar(select(Stay.person_id).where(Stay.id == data.stay_id))
    audit.record_done(
        desk,
        Permission.EXPORT,
        action,
        "stay",
        data.stay_id,
        person=person_id,
        number=data.number,
        file=Path(out).name,
    )


# The outcomes that get a release paper rather than the completion certificate.
PAPER_OUTCOMES = (
    StayOutcome.RELEASED_EARLY.value,
    StayOutcome.HOME_QUARANTINE.value,
    StayOutcome.OTHER.value,
)


def release_paper(desk: Desk, person_ref: str | int, out: Path) -> CertificateData:
    """The release paper of the person's last stay that ended early, at home or otherwise: the dates, the real
    number of days and the reason. Never the completion certificate, which only a completed stay gets."""
    with desk.read(Permission.EXPORT) as session:
        person = person_by_ref(session, person_ref)
        stay = session.scalar(
            select(Stay)
            .where(Stay.person_id == person.id, Stay.outcome.in_(PAPER_OUTCOMES))
            .order_by(Stay.released_at.desc())
            .limit(1)
        )
        if stay is None:
            raise NotFound("release_paper", person.full_name)
        data = _certificate(session, stay, desk.now().date())
    pdf.write_certificates_pdf([data], Path(out))
    _audit_paper(desk, "certificate.release_paper", data, out)
    return data


def certificates(
    desk: Desk,
    facility_code: str,
    on: date,
    out: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
    *,
    papers: bool = False,
) -> int:
    """Every completion certificate of a facility's releases on one day, in one PDF; returns how many.
    ``papers``: the release papers instead, of those who left early, for home quarantine or otherwise that day
    (never a completion certificate for them)."""
    start, end = day_bounds(on)
    with desk.read(Permission.EXPORT) as session:
        facility = facility_by_code(session, facility_code)
        facility_id, keyed = facility.id, facility.signing_key is not None
    if not keyed:
        _ensure_signing_keys(desk, {facility_id})
    with desk.read(Permission.EXPORT) as session:
        stays = session.scalars(
            select(Stay)
            .join(Person)
            .where(
                Stay.facility_id == facility_id,
                Stay.outcome.in_(PAPER_OUTCOMES) if papers else Stay.outcome == StayOutcome.COMPLETED,
                Stay.released_at >= start,
                Stay.released_at < end,
            )
            .order_by(Person.sort_key)
        )
        data = [_certificate(session, s, desk.now().date()) for s in stays]
    if not data:
        raise NotFound("release_paper" if papers else "certificate", f"{facility_code} {on.isoformat()}")
    pdf.write_certificates_pdf(data, Path(out), progress, should_stop)
    audit.record_done(
        desk,
        Permission.EXPORT,
        "certificate.batch",
        "facility",
        facility_id,
        facility=facility_code.upper(),
        on=on,
        numbers=[d.number for d in data],
        file=Path(out).name,
    )
    return len(data)


def facility_public_key(desk: Desk, facility_code: str) -> str:
    """The text of the facility's public key file, for communes and checkpoints to check its certificates."""
    with desk.read(Permission.READ) as session:
        facility = facility_by_code(session, facility_code)
        facility_id, keyed = facility.id, facility.public_key is not None
    if not keyed:
        _ensure_signing_keys(desk, {facility_id})
    with desk.read(Permission.READ) as session:
        facility = facility_by_code(session, facility_code)
        assert facility.public_key is not None
        return certs.public_key_file(facility.code, facility.name, facility.public_key)


def export_facility_key(desk: Desk, facility_code: str, out: Path) -> Path:
    """Writes the facility's public key file (never the private key)."""
    text = facility_public_key(desk, facility_code)
    out = Path(out)
    with atomic_output(out) as temp:
        temp.write_text(text, encoding="utf-8")
    audit.record_done(
        desk,
        Permission.READ,
        "facility.key_export",
        "facility",
        None,
        facility=facility_code.upper(),
        file=out.name,
    )
    return out


def read_key_file(path: Path) -> dict[str, str]:
    """The public key in a file made by ``facility key export``: {facility code: key}."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadFile(str(path), "not_found") from None
    except (OSError, UnicodeDecodeError):
        raise BadFile(str(path), "unreadable") from None
    found = certs.read_public_key_file(text)
    if found is None:
        raise BadFile(str(path), "not_a_key")
    return {found[0]: found[1]}


def known_public_keys(desk: Desk) -> dict[str, str]:
    """The public keys of the facilities in this database, to check certificates without a key file."""
    with desk.read(Permission.READ) as session:
        return {
            code: key
            for code, key in session.execute(select(Facility.code, Facility.public_key)).tuples()
            if key is not None
        }


def verify_certificate(text: str, public_keys: dict[str, str]) -> certs.CertificateCheck:
    """Checks a certificate's QR text against public keys: no database, no login needed. A certificate is
    genuine only when its facility's key signed exactly this text, and it states a completed quarantine."""
    result = certs.check(text, public_keys)
    if result.valid and result.claim is not None and result.claim.outcome != StayOutcome.COMPLETED:
        return certs.CertificateCheck(False, "not_completed", result.claim)
    return result


def _open_stay_row(session: Session, person_ref: str | int) -> tuple[Stay, Person, str, str, str]:
    person = person_by_ref(session, person_ref)
    row = (
        session.execute(stay_query().where(Stay.person_id == person.id, Stay.released_at.is_(None)))
        .tuples()
        .first()
    )
    if row is None:
        raise NotFound("stay", person.full_name)
    stay, person, _code, _zone, room, bed, cohort = row
    scope.require_id(session, stay.facility_id)
    return stay, person, room, bed, cohort


def _guardian(session: Session, stay: Stay, person: Person) -> str | None:
    """The adult of the child's household staying in the same facility (in the same room first): who signs."""
    if person.household_id is None:
        return None
    on = stay.admitted_at.date()
    candidates = session.execute(
        select(Person, Stay.room_id)
        .join(Stay, Stay.person_id == Person.id)
        .where(
            Person.household_id == person.household_id,
            Person.id != person.id,
            Stay.facility_id == stay.facility_id,
            Stay.released_at.is_(None),
        )
        .order_by(Person.id)
    ).tuples()
    adults = [
        (room_id != stay.room_id, p.full_name)
        for p, room_id in candidates
        if not is_child(p.birth_year, p.birth_date, on)
    ]
    return min(adults)[1] if adults else None


def commitment_pdf(desk: Desk, person_ref: str | int, out: Path) -> Path:
    """The commitment form (bản cam kết) of the person's open stay, pre-filled for signature: for a child under
    16 on the admission day, by the guardian (R9: the adult of the household who stays with the child)."""
    with desk.read(Permission.EXPORT) as session:
        stay, person, room, bed, cohort = _open_stay_row(session, person_ref)
        facility = session.get(Facility, stay.facility_id)
        assert facility is not None
        birth = person.birth_date.strftime("%d/%m/%Y") if person.birth_date else str(person.birth_year or "")
        child = is_child(person.birth_year, person.birth_date, stay.admitted_at.date())
        data = CommitmentData(
            person.full_name,
            birth,
            person.sex,
            person.id_number,
            person.phone,
            person.address,
            facility.name,
            facility.district,
            facility.province,
            room,
            bed,
            stay.admitted_at,
            stay.planned_release,
            cohort,
            guardian=_guardian(session, stay, person) if child else None,
        )
        stay_id, person_id = stay.id, person.id
    path = pdf.write_commitment_pdf(data, Path(out))
    audit.record_done(
        desk, Permission.EXPORT, "commitment.print", "stay", stay_id, person=person_id, file=Path(out).name
    )
    return path


@dataclass(frozen=True)
class CommitmentRecord:
    """That the commitment of a stay was signed: when, by whom, and who at the facility received it."""

    person: int
    stay: int
    name: str
    signed_on: date
    signed_by: str
    received_by: str
    child: bool


def record_commitment(
    desk: Desk,
    person_ref: str | int,
    *,
    signed_on: date | None = None,
    signed_by: str | None = None,
    received_by: str | None = None,
) -> CommitmentRecord:
    """Records that the person's open stay has its signed commitment. ``signed_by`` defaults to the person, or
    for a child to the guardian staying with them (a child with none needs the name given); ``received_by`` to
    the user recording it."""
    user = desk.require(Permission.ADMIT)
    on = signed_on or desk.now().date()
    if on > desk.now().date():
        raise InvalidInput("date", "in_future", on.isoformat())
    with desk.write(Permission.ADMIT) as session:
        stay, person, *_ = _open_stay_row(session, person_ref)
        stay = session.scalars(select(Stay).where(Stay.id == stay.id).with_for_update()).one()
        if on < stay.admitted_at.date():
            raise InvalidInput("date", "before_admission", on.isoformat())
        child = is_child(person.birth_year, person.birth_date, stay.admitted_at.date())
        signer = nfc(signed_by or "") or (_guardian(session, stay, person) if child else person.full_name)
        if not signer:
            raise InvalidInput("signed_by", "empty")
        receiver = nfc(received_by or "") or user.full_name or user.username
        stay.commitment_signed_on = on
        stay.commitment_signed_by = signer[:200]
        stay.commitment_received_by = receiver[:200]
        audit.record(
            session,
            desk,
            "stay.commitment",
            "stay",
            stay.id,
            signed_on=on,
            signed_by=signer,
            received_by=receiver,
        )
        return CommitmentRecord(person.id, stay.id, person.full_name, on, signer, receiver, child)
