"""Stays in time and the words of a stay as stored.

The kinds and results of tests and how a stay ended are stored as these values (the database's checks and the
command line's JSON use them; the screens and documents turn them into words of their language). One definition
of present serves every list, count and report: a stay is present at moment ``t`` when it was admitted at or
before ``t`` and had not ended by ``t`` (a release at 08:00 is present at 07:59, gone at 08:00); the services turn
``is_present`` into the same condition in SQL (``services.presence``). Also here: the moments the roster and the
16:00 report are taken at, and the policy a stay keeps from its admission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from quarantine_desk.domain.policy import PolicyKind, PolicyProfile

# "Định kỳ hằng ngày vào lúc 16 giờ ... báo cáo": the daily report's figures are taken at 16:00.
REPORT_TIME = time(16, 0)
# The last second of a day: the moment a roster "of day D" is taken at (times are kept to the second).
END_OF_DAY = time(23, 59, 59)


# From this temperature (°C) a health check counts as fever.
FEVER_FROM = 37.5


class TestKind(StrEnum):
    __test__ = False  # not a pytest test class, despite the name

    RAPID = "rapid"  # rapid antigen test
    PCR = "pcr"  # RT-PCR


class TestResult(StrEnum):
    __test__ = False

    NEGATIVE = "negative"
    POSITIVE = "positive"
    PENDING = "pending"


class StayOutcome(StrEnum):
    """How a stay ended, as it happened."""

    COMPLETED = "completed"  # period over, required tests present
    RELEASED_EARLY = "released_early"  # a manager's override, with the reason
    TRANSFERRED = "transferred"  # to a treatment facility (where: ``transfer_to``)
    HOME_QUARANTINE = "home_quarantine"  # moved to quarantine at home (the address)
    OTHER = "other"  # with a reason (also a release although a test was positive)


# Outcomes a release may be given; "transferred" has its own use case (``transfer``).
RELEASE_OUTCOMES = (
    StayOutcome.COMPLETED,
    StayOutcome.RELEASED_EARLY,
    StayOutcome.HOME_QUARANTINE,
    StayOutcome.OTHER,
)

#: The lists of stays a roster can be: who is present, admitted or released on the day, due out tomorrow, positive.
ROSTER_VARIANTS = ("present", "admitted", "released", "due_tomorrow", "positive")


def is_present(admitted_at: datetime, released_at: datetime | None, at: datetime) -> bool:
    """Whether a stay is in the facility at moment ``at``."""
    return admitted_at <= at and (released_at is None or released_at > at)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY)


def roster_moment(day: date | None, now: datetime) -> datetime:
    """The moment a roster "of day D" is taken at: now for today (or no day), else the end of D."""
    if day is None or day == now.date():
        return now
    return end_of_day(day)


@dataclass(frozen=True)
class ReportMoment:
    """When the daily report of ``day`` takes its figures.

    ``at`` is 16:00 of the day, or the moment the report is made when that is earlier (``early`` says so, and the
    report prints it). Admissions and departures are counted from ``since`` (16:00 of the day before) to ``at``.
    """

    day: date
    at: datetime
    since: datetime
    early: bool


def report_moment(day: date, made_at: datetime) -> ReportMoment:
    deadline = datetime.combine(day, REPORT_TIME)
    since = datetime.combine(day - timedelta(days=1), REPORT_TIME)
    if made_at < deadline:
        made_at = made_at.replace(microsecond=0)
        return ReportMoment(day, made_at, min(since, made_at), True)
    return ReportMoment(day, deadline, since, False)


@dataclass(frozen=True)
class StayPolicy:
    """The policy as copied onto a stay at admission (and at each restart): later edits of the policy never
    change it, only an explicit, audited "apply to stays in progress"."""

    policy_id: int | None
    name: str
    version: int
    kind: PolicyKind
    days: int
    test_days: tuple[int, ...]

    @classmethod
    def of(cls, profile: PolicyProfile) -> StayPolicy:
        return cls(profile.id, profile.name, profile.version, profile.kind, profile.days, profile.test_days)

    def differs_from(self, profile: PolicyProfile) -> bool:
        """Whether applying ``profile`` would change the stay's period or tests."""
        return (self.days, tuple(sorted(self.test_days))) != (profile.days, tuple(sorted(profile.test_days)))


def days_stayed(admitted_at: datetime, released_at: datetime) -> int:
    """The real number of days of a stay, counted as the quarantine counts them: the admission day is day 1, the
    morning after the last day is the release; a release on the admission day is 1 day."""
    return max(1, (released_at.date() - admitted_at.date()).days)


# The age below which a person is a child who is never placed alone (R9).
CHILD_UNDER = 16


def is_child(birth_year: int | None, birth_date: date | None, on: date) -> bool:
    """Under 16 on ``on``. With the year alone, the age reached in that year is taken (born 2010: 16 in 2026)."""
    if birth_date is not None:
        age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
        return age < CHILD_UNDER
    if birth_year is not None:
        return on.year - birth_year < CHILD_UNDER
    return False
