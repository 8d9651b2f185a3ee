"""Sample rows shared by the export tests: Vietnamese names, hostile text, one-pass generators."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

from quarantine_desk.exports.rows import (
    CertificateData,
    CommitmentData,
    DailyFigures,
    DailyReport,
    RosterDocument,
    RosterRow,
    TestCell,
)

ON = date(2021, 7, 27)

NAMES = (
    "Nguyễn Thị Hường",
    "Trần Văn Đức",
    "Lê Thị Ngọc Ánh",
    "Phạm Quốc Việt",
    "Hoàng Thị Thu Trang",
    "Võ Minh Khôi",
    "Đặng Thị Mỹ Duyên",
    "Bùi Văn Lực",
)

HOSTILE = ('=HYPERLINK("http://example.com","x")', "+84912345678", "-1", "@SUM(A1)", "\tTab", "=1+1")


def roster_row(n: int, name: str | None = None, phone: str | None = None, tests: int = 2) -> RosterRow:
    admitted = datetime(2021, 7, 20, 8, 30) + timedelta(minutes=n)
    return RosterRow(
        person_id=n,
        full_name=name or NAMES[n % len(NAMES)],
        birth_year=1960 + n % 50,
        birth_date=date(1985, 3, 14) if n % 3 == 0 else None,
        sex="F" if n % 2 == 0 else "M",
        id_number=f"{n:012d}",
        phone=phone if phone is not None else f"09{n:08d}",
        address="Số 12 đường Lê Lợi, phường Phú Hội, thành phố Huế, tỉnh Thừa Thiên Huế, một địa chỉ dài để xuống dòng",
        cohort="Đợt 20/07 - chuyến bay VN123",
        room=f"A{100 + n % 30}",
        bed=str(1 + n % 4),
        admitted_at=admitted,
        planned_release=date(2021, 8, 3),
        released_at=None,
        outcome=None,
        tests=tuple(
            TestCell(admitted + timedelta(days=7 * k), "pcr" if k % 2 == 0 else "rapid", "negative")
            for k in range(tests)
        ),
    )


def roster_rows(count: int) -> Iterator[RosterRow]:
    """A one-pass generator, as the services stream rows from the database."""
    for n in range(1, count + 1):
        yield roster_row(n)


def roster_doc(rows: object, total: int, variant: str = "present") -> RosterDocument:
    return RosterDocument(
        facility_code="F01",
        facility_name="Khu cách ly tập trung Ký túc xá Đại học Huế",
        district="Thành phố Huế",
        province="Thừa Thiên Huế",
        on=ON,
        variant=variant,
        rows=rows,  # type: ignore[arg-type]
        total=total,
    )


def figures(code: str, name: str, scale: int = 1, alerts: tuple[str, ...] = ()) -> DailyFigures:
    return DailyFigures(
        facility_code=code,
        facility_name=name,
        beds_total=200 * scale,
        beds_occupied=150 * scale,
        beds_free=40 * scale,
        beds_closed=10 * scale,
        present_start=140 * scale,
        admitted=20 * scale,
        released=8 * scale,
        transferred_positive=2 * scale,
        present_now=150 * scale,
        due_tomorrow=12 * scale,
        tests_taken=60 * scale,
        positives=2 * scale,
        staff_on_duty=15 * scale,
        stock_alerts=alerts,
    )


def daily_report(*codes: str, on: date = ON) -> DailyReport:
    facilities = tuple(
        figures(
            code,
            f"Khu cách ly {code} - Trường Chính trị tỉnh",
            n + 1,
            ("Test nhanh: còn 40 bộ, dưới mức tối thiểu 100",) if n == 0 else (),
        )
        for n, code in enumerate(codes)
    )
    return DailyReport(
        on=on,
        made_at=datetime(on.year, on.month, on.day, 16, 0),
        scope=codes[0] if len(codes) == 1 else "ALL",
        facilities=facilities,
    )


def certificate(n: int = 1) -> CertificateData:
    return CertificateData(
        verification_code=f"QD-F01-{n:06d}-7K3M",
        full_name="Nguyễn Thị Hường",
        birth="14/03/1985",
        sex="F",
        id_number="046185001234",
        address="Số 12 đường Lê Lợi, phường Phú Hội, thành phố Huế, tỉnh Thừa Thiên Huế",
        facility_name="Khu cách ly tập trung Ký túc xá Đại học Huế",
        facility_address="Số 3 Lê Lợi, thành phố Huế",
        district="Thành phố Huế",
        province="Thừa Thiên Huế",
        admitted_on=date(2021, 7, 20),
        released_on=date(2021, 8, 3),
        tests=(
            TestCell(datetime(2021, 7, 21, 8), "pcr", "negative"),
            TestCell(datetime(2021, 7, 27, 8), "rapid", "negative"),
            TestCell(datetime(2021, 8, 2, 8), "pcr", "negative"),
        ),
        stay_id=1000 + n,
        issued_on=date(2021, 8, 3),
    )


def commitment() -> CommitmentData:
    return CommitmentData(
        full_name="Nguyễn Thị Hường",
        birth="1985",
        sex="F",
        id_number="046185001234",
        phone="0912345678",
        address="Số 12 đường Lê Lợi, phường Phú Hội, thành phố Huế",
        facility_name="Khu cách ly tập trung Ký túc xá Đại học Huế",
        district="Thành phố Huế",
        province="Thừa Thiên Huế",
        room="A101",
        bed="2",
        admitted_at=datetime(2021, 7, 20, 8, 30),
        planned_release=date(2021, 8, 3),
        cohort="Đợt 20/07 - chuyến bay VN123",
    )


def stop_after(n: int) -> Callable[[], bool]:
    """A should_stop that turns true after ``n`` calls."""
    calls = [0]

    def should_stop() -> bool:
        calls[0] += 1
        return calls[0] > n

    return should_stop
