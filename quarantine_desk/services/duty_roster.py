"""The week's duty roster of a facility, for the people on duty and the district: each shift of the ISO week with
its people by role group (medical, security, logistics and service, other), the gaps marked: a shift without
one of each required group, or without anybody. A staff member flagged to quarantine is shown so and does not
count."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from quarantine_desk.db.models import Staff
from quarantine_desk.domain.errors import BadFile, InvalidInput
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.shifts import OTHER_ROLE, ROLE_GROUPS, missing_roles, role_group
from quarantine_desk.domain.text import name_sort_key
from quarantine_desk.exports.common import dmy
from quarantine_desk.exports.tables import Section, TableDocument, write_table_document
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code
from quarantine_desk.services.shifts import roster_of_shifts

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
GROUPS = (*(g for g, _ in ROLE_GROUPS), OTHER_ROLE)
FLAGGED = "phải cách ly"


def parse_week(text: str) -> date:
    """``2021-W32`` (ISO week) → the Monday of that week."""
    match = _WEEK.match(text.strip())
    if match is None:
        raise InvalidInput("week", "bad_format", text)
    try:
        return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        raise InvalidInput("week", "bad_format", text) from None


@dataclass(frozen=True)
class RosterLine:
    shift: int
    name: str
    day: date
    hours: str  # "06:00–14:00"
    people: dict[str, tuple[str, ...]]  # role group → names (a flagged one with "(phải cách ly)")
    missing: tuple[str, ...]  # required role groups nobody who may serve fills
    empty: bool  # nobody at all

    @property
    def gap(self) -> bool:
        return self.empty or bool(self.missing)

    @property
    def remark(self) -> str:
        if self.empty:
            return "CHƯA CÓ NGƯỜI TRỰC"
        return "THIẾU: " + ", ".join(self.missing) if self.missing else ""


@dataclass(frozen=True)
class WeekRoster:
    facility: str
    facility_name: str
    district: str | None
    province: str | None
    monday: date
    lines: tuple[RosterLine, ...]

    @property
    def gaps(self) -> int:
        return sum(1 for line in self.lines if line.gap)


def week_roster(desk: Desk, facility_code: str, monday: date) -> WeekRoster:
    with desk.read() as session:
        place = facility_by_code(session, facility_code)
        flagged = {
            s.id for s in session.scalars(
                select(Staff).where(Staff.facility_id == place.id, Staff.quarantine_from.is_not(None))
            )
        }  # fmt: skip
        header = (place.code, place.name, place.district, place.province)
    lines = []
    for shift in roster_of_shifts(desk, facility_code, monday, monday + timedelta(days=7)):
        people: dict[str, list[str]] = {g: [] for g in GROUPS}
        serving = []
        for s in sorted(shift.staff, key=lambda r: name_sort_key(r.full_name)):
            group = role_group(s.position)
            label = s.full_name + (f" ({s.position})" if group == OTHER_ROLE and s.position else "")
            if s.id in flagged:
                label += f" ({FLAGGED})"
            else:
                serving.append(s.position)
            people[group].append(label)
        lines.append(
            RosterLine(
                shift.id,
                shift.name,
                shift.starts_at.date(),
                f"{shift.starts_at:%H:%M}–{shift.ends_at:%H:%M}",
                {g: tuple(names) for g, names in people.items()},
                missing_roles(serving),
                not serving,
            )
        )
    return WeekRoster(*header, monday, tuple(lines))


def write_week_roster(
    desk: Desk,
    facility_code: str,
    week: str,
    out: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> tuple[Path, WeekRoster]:
    """The roster of the ISO week ``week`` (``2021-W32``) as xlsx or pdf."""
    if out.suffix.lower() not in (".xlsx", ".pdf"):
        raise BadFile(str(out), "unknown_format")
    roster = week_roster(desk, facility_code, parse_week(week))
    sections = []
    for offset in range(7):
        day = roster.monday + timedelta(days=offset)
        lines = [line for line in roster.lines if line.day == day]
        rows = tuple(
            (line.name, line.hours, *("\n".join(line.people[g]) for g in GROUPS), line.remark)
            for line in lines
        )
        marked = frozenset(i for i, line in enumerate(lines) if line.gap)
        sections.append(
            Section(
                f"{WEEKDAYS[offset]}, {dmy(day)}",
                rows or (("Chưa lập ca trực", "", "", "", "", "", "CHƯA CÓ CA"),),
                marked if rows else frozenset({0}),
            )
        )
    sunday = roster.monday + timedelta(days=6)
    year, number, _ = roster.monday.isocalendar()
    doc = TableDocument(
        title="LỊCH PHÂN CÔNG TRỰC 24/24",
        subtitle=f"{roster.facility_name} — tuần {number:02d}/{year}, từ {dmy(roster.monday)} đến {dmy(sunday)}",
        facility=roster.facility_name,
        district=roster.district,
        province=roster.province,
        on=roster.monday - timedelta(days=1) if roster.monday > desk.now().date() else desk.now().date(),
        columns=("Ca", "Giờ", *GROUPS, "Ghi chú"),
        widths=(1, 1.5, 2.4, 2.4, 2.4, 1.4, 1.8),
        sections=tuple(sections),
        notes=(
            "Mỗi ca cần ít nhất một người của mỗi nhóm: y tế (bác sĩ, điều dưỡng), an ninh (công an, quân đội), "
            "hậu cần, phục vụ (hậu cần, tình nguyện viên). Dòng tô đậm: ca còn thiếu người; người có ghi "
            f"“{FLAGGED}” không được tính.",
            f"Số ca trong tuần: {len(roster.lines)}; số ca còn thiếu: {roster.gaps}.",
        ),
        signers=(
            ("Người lập lịch", "(Ký, ghi rõ họ tên)"),
            ("Trưởng ban quản lý khu cách ly", "(Ký, ghi rõ họ tên)"),
        ),
    )
    return write_table_document(doc, out, progress, should_stop), roster
