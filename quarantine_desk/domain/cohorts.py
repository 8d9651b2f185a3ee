"""Cohorts: the people quarantined for one exposure and admitted on the same day (R2).

A cohort belongs to a facility and has an exposure or arrival date, a kind and an optional source (the F0 case
code, the flight, the checkpoint). Its people all start their quarantine on one day; a room holds people of one
start day only, so a later arrival never joins a room whose occupants started earlier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from quarantine_desk.domain.errors import CohortDayConflict, InvalidInput
from quarantine_desk.domain.people import FLevel
from quarantine_desk.domain.text import nfc


class CohortKind(StrEnum):
    F1_CONTACT = "f1_contact"  # close contact of a case (the source names the F0)
    RETURNEE = "returnee"  # back from a named place (the source names the flight, the checkpoint)
    OTHER = "other"


@dataclass(frozen=True)
class CohortInfo:
    id: int | None
    name: str
    kind: CohortKind
    exposure_date: date
    source: str | None


def parse_kind(raw: str | None) -> CohortKind:
    if raw is None or not raw.strip():
        return CohortKind.OTHER
    value = raw.strip().lower().replace("-", "_")
    aliases = {"f1": CohortKind.F1_CONTACT, "contact": CohortKind.F1_CONTACT}
    if value in aliases:
        return aliases[value]
    try:
        return CohortKind(value)
    except ValueError:
        raise InvalidInput("kind", "bad_value", raw) from None


def parse_source(raw: str | None) -> str | None:
    value = nfc(raw or "")
    if len(value) > 200:
        raise InvalidInput("source", "too_long", value, maximum=200)
    return value or None


def check_joins_cohort(name: str, cohort_day: date | None, admitted_on: date) -> None:
    """A person joins an existing cohort only on the day its people were admitted (R2); ``cohort_day`` None: the
    cohort has no one yet."""
    if cohort_day is not None and cohort_day != admitted_on:
        raise CohortDayConflict(name, cohort_day.isoformat(), admitted_on.isoformat())


@dataclass(frozen=True)
class Exposure:
    """How a person came to quarantine, as the lists show it: the F-level and the F0 case code or exposure place.
    ``from_cohort``: the person's record has neither, and the cohort's kind and source say it for everyone in it."""

    f_level: str | None
    source: str | None
    from_cohort: bool = False


# A cohort's kind says the F-level of its people: contacts of a case are F1, returnees are returnees.
_LEVEL_OF_KIND = {CohortKind.F1_CONTACT: FLevel.F1, CohortKind.RETURNEE: FLevel.RETURNEE}


def exposure_of(
    f_level: str | None, exposure: str | None, cohort_kind: str | None, cohort_source: str | None
) -> Exposure:
    """The person's own F-level and exposure where the record has them, else the cohort's, shared by its people
    (an F1 list's person keeps the F0 code the commune gave, even in a cohort named otherwise)."""
    try:
        kind = CohortKind(cohort_kind) if cohort_kind else None
    except ValueError:
        kind = None
    cohort_level = _LEVEL_OF_KIND.get(kind) if kind is not None else None
    level = f_level or (cohort_level.value if cohort_level else None)
    source = exposure or cohort_source
    shared = (not f_level and cohort_level is not None) or (not exposure and bool(cohort_source))
    return Exposure(level, source, shared)
