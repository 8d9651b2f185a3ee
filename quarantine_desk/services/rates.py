"""Effective-dated rates and caps (``domain.rates``): what a portion costs, the Resolution 68 support and its cap.

A manager records a new value from a day on; the days before keep the value they had, so a list or a cost of a
past day never changes. A second value from the same day replaces the first (audited with the one before).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import EffectiveRate
from quarantine_desk.domain import rates as rules
from quarantine_desk.domain.roles import Permission
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk


@dataclass(frozen=True)
class RateRow:
    key: str
    value: int  # in force on the day asked
    unit: str
    since: date | None  # the start of that value; None for the default
    default: int


def history(session: Session, key: str) -> list[tuple[date, int]]:
    return [
        (r.effective_from, r.value)
        for r in session.scalars(select(EffectiveRate).where(EffectiveRate.key == key))
    ]


def value_on(session: Session, key: str, day: date) -> int:
    """The value of ``key`` on ``day`` inside the caller's transaction."""
    return rules.value_on(key, history(session, key), day)


def values_on(session: Session, keys: tuple[str, ...], day: date) -> dict[str, int]:
    return {key: value_on(session, key, day) for key in keys}


def list_rates(desk: Desk, on: date | None = None) -> list[RateRow]:
    """Every rate with its value on ``on`` (today by default) and since when."""
    day = on or desk.now().date()
    with desk.read() as session:
        rows = []
        for spec in rules.RATE_KEYS:
            past = [(start, value) for start, value in history(session, spec.key) if start <= day]
            since, value = max(past) if past else (None, spec.default)
            rows.append(RateRow(spec.key, value, spec.unit, since, spec.default))
        return rows


def set_rate(desk: Desk, key: str, value: int, effective_from: date) -> RateRow:
    """``key`` is ``value`` from ``effective_from`` on (until a later start)."""
    spec = rules.rate_key(key)
    rules.check_value(key, value)
    with desk.write(Permission.MANAGE_POLICY) as session:
        row = session.scalar(
            select(EffectiveRate)
            .where(EffectiveRate.key == key, EffectiveRate.effective_from == effective_from)
            .with_for_update()
        )
        before = rules.value_on(key, history(session, key), effective_from)
        if row is None:
            row = EffectiveRate(
                key=key, effective_from=effective_from, value=value, set_at=desk.now(), set_by=desk.username
            )
            session.add(row)
        else:
            row.value, row.set_at, row.set_by = value, desk.now(), desk.username
        session.flush()
        audit.record(
            session, desk, "rate.set", "effective_rate", row.id,
            key=key, value=value, effective_from=effective_from, before=before,
        )  # fmt: skip
        return RateRow(key, value, spec.unit, effective_from, spec.default)
