"""What every writer shares: atomic output, progress and cancel checks, Vietnamese wording of values."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from quarantine_desk import faults, tempfiles
from quarantine_desk.domain.errors import BadFile, Cancelled
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.stays import StayOutcome, TestKind, TestResult

from .rows import RosterRow, TestCell

#: What an operating system error while writing a file means for the person who chose the file.
_WRITE_ERRORS = {
    errno.ENOSPC: "no_space",
    getattr(errno, "EDQUOT", errno.ENOSPC): "no_space",
    errno.EACCES: "not_writable",
    errno.EPERM: "not_writable",
    errno.EROFS: "read_only",
    errno.EISDIR: "is_a_folder",
    errno.ENOENT: "no_folder",
    errno.ENAMETOOLONG: "bad_name",
}


def write_error(path: Path, exc: OSError) -> BadFile:
    """The typed error for an operating system error while writing ``path``."""
    return BadFile(str(path), _WRITE_ERRORS.get(exc.errno or 0, "cannot_write"))


def check_output_path(path: Path) -> Path:
    """The file a command is asked to write, checked before any work: not a folder, in a folder that exists."""
    path = Path(path)
    if not path.name or path.is_dir():
        raise BadFile(str(path), "is_a_folder")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise BadFile(str(path), "no_folder")
    if not folder.is_dir():
        raise BadFile(str(path), "no_folder")
    return path


@contextlib.contextmanager
def atomic_output(path: Path, *, private: bool = False) -> Iterator[Path]:
    """Yields a temporary path beside ``path``; on success it replaces ``path``, on any error it is removed.

    A cancelled or failed export thus leaves neither a half-written file nor a temporary one, and an existing
    file at ``path`` stays as it was; one killed half-way is removed at the next start (``tempfiles``). A full
    disk, a read-only or missing folder become ``BadFile`` naming ``path``. ``private`` makes the file the
    owner's only (0600), as a backup is.
    """
    path = check_output_path(Path(path))
    folder = path.parent if str(path.parent) else Path(".")
    # mkstemp would make the file private (0600); an export is for sharing, so the umask decides
    mode = 0o600 if private else 0o666
    while True:
        temp = folder / f".{path.stem}.{secrets.token_hex(4)}{path.suffix}{tempfiles.TEMP_SUFFIX}"
        with tempfiles.journaled(temp):
            try:
                os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
            except FileExistsError:
                continue
            except OSError as exc:
                raise write_error(path, exc) from exc
            try:
                yield temp
                faults.point("output.before_rename")
                os.replace(temp, path)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    temp.unlink()
                raise write_error(path, exc) from exc
            except BaseException:
                with contextlib.suppress(OSError):
                    temp.unlink()
                raise
            return


def check_stop(should_stop: ShouldStop | None) -> None:
    if should_stop is not None and should_stop():
        raise Cancelled()


class Ticker:
    """Reports progress every ``step`` items and checks for Cancel at the same time."""

    def __init__(
        self, total: int, progress: Progress | None, should_stop: ShouldStop | None, step: int = 200
    ):
        self.total = max(total, 0)
        self.progress = progress
        self.should_stop = should_stop
        self.step = step
        self.done = 0

    def start(self) -> None:
        check_stop(self.should_stop)
        if self.progress is not None:
            self.progress(0, self.total)

    def tick(self) -> None:
        self.done += 1
        if self.done % self.step == 0:
            check_stop(self.should_stop)
            if self.progress is not None:
                self.progress(self.done, max(self.total, self.done))

    def finish(self) -> None:
        check_stop(self.should_stop)
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done))


@dataclass(frozen=True)
class DocumentHead:
    """What a document under the national header says before its tables: its title and subtitle, the facility
    with its district and province, and the day of the place-and-date line over the signatures."""

    title: str
    subtitle: str
    facility: str
    district: str | None
    province: str | None
    on: date


# --- Vietnamese wording -----------------------------------------------------------------------------------------


NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

_SEX = {"M": "Nam", "F": "Nữ"}
_KIND: dict[str, str] = {TestKind.RAPID: "Test nhanh", TestKind.PCR: "PCR"}
_RESULT: dict[str, str] = {
    TestResult.NEGATIVE: "âm tính",
    TestResult.POSITIVE: "dương tính",
    TestResult.PENDING: "chờ kết quả",
}
_OUTCOME: dict[str, str] = {
    StayOutcome.COMPLETED: "Hoàn thành cách ly",
    StayOutcome.RELEASED_EARLY: "Ra sớm",
    StayOutcome.TRANSFERRED: "Chuyển điều trị",
    StayOutcome.HOME_QUARANTINE: "Chuyển cách ly tại nhà",
    StayOutcome.OTHER: "Ra khỏi khu (lý do khác)",
}


def sex_label(sex: str) -> str:
    return _SEX.get(sex, sex)


def kind_label(kind: str) -> str:
    return _KIND.get(kind, kind)


def result_label(result: str) -> str:
    return _RESULT.get(result, result)


def outcome_label(outcome: str | None) -> str:
    return "" if outcome is None else _OUTCOME.get(outcome, outcome)


def test_label(test: TestCell, with_year: bool = False) -> str:
    """``27/07 PCR âm tính``."""
    when = test.sampled_at.strftime("%d/%m/%Y" if with_year else "%d/%m")
    return f"{when} {kind_label(test.kind)} {result_label(test.result)}"


def dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def dmy_hm(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M")


def time_of_day(moment: datetime) -> str:
    """ "11:00 ngày 05/08/2021": a moment as the documents say it after "lúc"."""
    return f"{moment:%H:%M} ngày {dmy(moment.date())}"


def long_date(day: date) -> str:
    """``ngày 05 tháng 08 năm 2021`` as on official documents."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def place_and_date(day: date, province: str | None, district: str | None) -> str:
    place = province or district or ""
    return f"{place}, {long_date(day)}" if place else long_date(day).capitalize()


def release_note(row: RosterRow) -> str:
    """The remark column: the person's own F-level and F0 case where they are not the cohort's, who needs special
    watch (and why), a positive waiting for transfer, where a person went or why they left early, then how and
    when they left, if they did."""
    parts = [row.own_exposure] if row.own_exposure else []
    if row.special_watch:
        why = "; ".join(p for p in ("có thai" if row.pregnant else "", (row.conditions or "")[:80]) if p)
        parts.append(f"Cần theo dõi đặc biệt ({why})" if why else "Cần theo dõi đặc biệt")
    if row.awaiting_transfer:
        parts.append("Dương tính – chờ chuyển điều trị")
    elif row.transfer_to:
        parts.append(f"Chuyển: {row.transfer_to}")
    elif row.override_reason:
        parts.append(f"Ra sớm: {row.override_reason}")
    if row.released_at is not None:
        label = outcome_label(row.outcome) or "Ra khỏi khu cách ly"
        parts.append(f"{label} lúc {dmy_hm(row.released_at)}")
    elif row.outcome:
        parts.append(outcome_label(row.outcome))
    return "; ".join(parts)


def stock_alert_line(name: str, quantity: int, unit: str, min_stock: int) -> str:
    """An item below its minimum as the 16:00 report says it: ``Gạo: còn 40 kg (tối thiểu 100)``."""
    return f"{name}: còn {quantity} {unit} (tối thiểu {min_stock})"


def kit_shortage_line(item: str, tests: int, since: datetime) -> str:
    """Tests made without a kit as the 16:00 report says it."""
    return f"{item}: {tests} xét nghiệm đã làm khi kho hết kit (từ {dmy_hm(since)}), cần nhập bù"


def number_text(value: float) -> str:
    """``2,5``: a decimal comma, as written in Vietnam."""
    return f"{value:g}".replace(".", ",")


def capacity_line(
    occupied: int, beds: int, percent: int, arrivals_per_day: float, over_90_on: date | None, full_on: date | None,
    today: date, days: int,
) -> str:  # fmt: skip
    """The beds ahead as the 16:00 report says it: the 90 % warning, or when it is expected, and when full."""
    now = f"đang dùng {occupied}/{beds} giường, bình quân {number_text(arrivals_per_day)} người đến mỗi ngày"
    full = f"hết giường ngày {dmy(full_on)}" if full_on else f"chưa hết giường trong {days} ngày tới"
    if over_90_on is not None and over_90_on <= today:
        return f"ĐÃ DÙNG {percent} % SỐ GIƯỜNG (từ 90 % phải chuẩn bị khu mới); dự kiến {full} ({now})."
    if over_90_on is not None:
        return f"Dự kiến vượt 90 % số giường ngày {dmy(over_90_on)}, {full} ({now})."
    return f"Chưa vượt 90 % số giường trong {days} ngày tới ({now})."


def capacity_assumption(arrivals_per_day: float) -> str:
    """What a projection of beds assumes, said wherever it is shown."""
    return (
        f"Giả định: mỗi ngày nhận thêm bình quân {number_text(arrivals_per_day)} người như 7 ngày qua; mọi người "
        "ra đúng ngày dự kiến (người dương tính chờ chuyển ra trong ngày); giường đang đóng vẫn đóng."
    )
