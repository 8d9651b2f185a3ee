"""Plain rows the exports take: frozen dataclasses filled by the services, free of Qt and SQLAlchemy.

The writers in this package read only these types, so a service (or a test) builds them once and any
writer (Excel, PDF, JSON) can turn them into a document for the district.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime

#: The roster variants and their titles, as printed at the top of the document.
ROSTER_TITLES: dict[str, str] = {
    "present": "DANH SÁCH NGƯỜI ĐANG CÁCH LY",
    "admitted": "DANH SÁCH NGƯỜI VÀO CÁCH LY TRONG NGÀY",
    "released": "DANH SÁCH NGƯỜI HOÀN THÀNH CÁCH LY TRONG NGÀY",
    "due_tomorrow": "DANH SÁCH NGƯỜI DỰ KIẾN HOÀN THÀNH CÁCH LY NGÀY MAI",
    "positive": "DANH SÁCH NGƯỜI CÓ KẾT QUẢ DƯƠNG TÍNH / CHUYỂN ĐIỀU TRỊ",
}


@dataclass(frozen=True)
class TestCell:
    """One test of a person, as shown in a roster column or on a certificate."""

    __test__ = False  # not a pytest test class, despite the name

    sampled_at: datetime
    kind: str  # a TestKind value
    result: str  # a TestResult value


@dataclass(frozen=True)
class RosterRow:
    """One stay of one person on a roster."""

    person_id: int
    full_name: str
    birth_year: int | None
    birth_date: date | None
    sex: str  # "M" or "F"
    id_number: str | None
    phone: str | None
    address: str | None
    cohort: str
    room: str
    bed: str
    admitted_at: datetime
    planned_release: date
    released_at: datetime | None
    outcome: str | None
    tests: tuple[TestCell, ...]
    awaiting_transfer: bool = False  # tested positive, not yet transferred
    transfer_to: str | None = None
    override_reason: str | None = None  # why a manager released the person early
    special_watch: bool = False  # "cần theo dõi đặc biệt": underlying conditions, pregnancy
    conditions: str | None = None
    pregnant: bool = False
    own_exposure: str | None = None  # the person's own F-level and F0 case / place, when not the cohort's


@dataclass(frozen=True)
class RosterDocument:
    """A roster to write. ``rows`` may be a one-pass iterator; ``total`` is its length, for progress."""

    facility_code: str
    facility_name: str
    district: str | None
    province: str | None
    on: date
    variant: str
    rows: Sequence[RosterRow] | Iterable[RosterRow]
    total: int

    def __post_init__(self) -> None:
        if self.variant not in ROSTER_TITLES:
            raise ValueError(f"unknown roster variant {self.variant!r}")

    @property
    def title(self) -> str:
        return ROSTER_TITLES[self.variant]


@dataclass(frozen=True)
class DailyFigures:
    """The 16:00 figures of one facility (or the totals, code ``TONG``)."""

    facility_code: str
    facility_name: str
    beds_total: int
    beds_occupied: int
    beds_free: int
    beds_closed: int
    present_start: int
    admitted: int
    released: int
    transferred_positive: int
    present_now: int
    due_tomorrow: int
    tests_taken: int
    positives: int
    staff_on_duty: int
    stock_alerts: tuple[str, ...] = ()
    #: beds ahead: the 90 % warning, the first day over 90 % and full, with the arrivals they assume
    capacity_notes: tuple[str, ...] = ()
    #: what the district's merge found wrong in the facility's file and merged anyway (``--force``)
    remarks: tuple[str, ...] = ()


#: The numeric fields of DailyFigures, in order: the columns of the report.
FIGURE_FIELDS: tuple[str, ...] = tuple(
    f.name
    for f in fields(DailyFigures)
    if f.name not in ("facility_code", "facility_name", "stock_alerts", "capacity_notes", "remarks")
)

TOTALS_CODE = "TONG"
TOTALS_NAME = "Tổng cộng"


@dataclass(frozen=True)
class DailyReport:
    """The daily report of one facility (``scope`` its code) or of several (``scope`` "ALL")."""

    on: date
    made_at: datetime
    scope: str
    facilities: tuple[DailyFigures, ...] = field(default_factory=tuple)
    # The moment the figures are taken at: 16:00 of ``on``, or when the report was made if that was earlier.
    as_of: datetime | None = None

    @property
    def as_of_text(self) -> str:
        """The line under the title that says when the figures were taken."""
        if self.as_of is None or (self.as_of.date(), self.as_of.hour, self.as_of.minute) == (self.on, 16, 0):
            return f"(Số liệu tính đến 16 giờ ngày {self.on:%d/%m/%Y})"
        return (
            f"(Số liệu tính đến {self.as_of:%H:%M} ngày {self.as_of:%d/%m/%Y}, lúc lập báo cáo, "
            "chưa đến 16 giờ)"
        )

    def totals(self) -> DailyFigures:
        sums = {name: sum(getattr(f, name) for f in self.facilities) for name in FIGURE_FIELDS}
        alerts = tuple(
            f"{f.facility_code}: {alert}" if len(self.facilities) > 1 else alert
            for f in self.facilities
            for alert in f.stock_alerts
        )
        remarks = tuple(f"{f.facility_code}: {remark}" for f in self.facilities for remark in f.remarks)
        notes = tuple(
            f"{f.facility_code}: {note}" if len(self.facilities) > 1 else note
            for f in self.facilities
            for note in f.capacity_notes
        )
        return DailyFigures(
            facility_code=TOTALS_CODE,
            facility_name=TOTALS_NAME,
            stock_alerts=alerts,
            capacity_notes=notes,
            remarks=remarks,
            **sums,
        )

    def with_facilities(self, facilities: Sequence[DailyFigures]) -> DailyReport:
        return replace(self, facilities=tuple(facilities))


@dataclass(frozen=True)
class CellMismatch:
    """A figure the report's visible sheet shows otherwise than its data sheet holds."""

    facility_code: str
    field: str  # a name of FIGURE_FIELDS, or "facility_name"
    cell: str  # where it shows, "E9"
    visible: object
    data: object


@dataclass(frozen=True)
class SentReport:
    """A daily report file as a facility sent it: the figures of its data sheet (or JSON), what its visible
    sheet shows otherwise, and where each figure shows ((facility code, field) → cell; empty for JSON)."""

    path: str
    report: DailyReport
    mismatches: tuple[CellMismatch, ...] = ()
    cells: dict[tuple[str, str], str] = field(default_factory=dict)

    def as_shown(self) -> DailyReport:
        """The report with the figures its reader saw on the visible sheet, where they differ."""
        shown = []
        for figures in self.report.facilities:
            changes = {
                m.field: m.visible
                for m in self.mismatches
                if m.facility_code == figures.facility_code
                and m.field in FIGURE_FIELDS
                and isinstance(m.visible, int)  # a figure typed over as text cannot stand for a number
            }
            shown.append(replace(figures, **changes) if changes else figures)  # type: ignore[arg-type]
        return self.report.with_facilities(shown)


@dataclass(frozen=True)
class CertificateData:
    """What a release certificate (giấy xác nhận hoàn thành cách ly) prints."""

    verification_code: str
    full_name: str
    birth: str  # a year, or dd/mm/yyyy
    sex: str  # "M" or "F"
    id_number: str | None
    address: str | None
    facility_name: str
    facility_address: str | None
    district: str | None
    province: str | None
    admitted_on: date
    released_on: date
    tests: tuple[TestCell, ...]
    stay_id: int
    issued_on: date
    # Anything but "completed" makes a release paper instead (dates, real days, reason; no "completed" wording).
    outcome: str = "completed"
    reason: str | None = None
    days: int | None = None
    number: str = ""  # "125/GXN-F01"; the QR text (verification_code) carries it too
    home_address: str | None = None  # where a person moved to home quarantine stays

    @property
    def completed(self) -> bool:
        return self.outcome == "completed"

    @property
    def printed_number(self) -> str:
        return self.number or f"{self.stay_id}/GXN-CL"


@dataclass(frozen=True)
class CommitmentData:
    """What the commitment form (bản cam kết) signed at admission is pre-filled with."""

    full_name: str
    birth: str
    sex: str
    id_number: str | None
    phone: str | None
    address: str | None
    facility_name: str
    district: str | None
    province: str | None
    room: str
    bed: str
    admitted_at: datetime
    planned_release: date
    cohort: str
    # For a child under 16 (R9): the adult of the household who signs for the child.
    guardian: str | None = None
