"""Quarantine policies (R6): the effective-dated profiles that give a stay its period and test days.

The 2021 profiles are added to a new database; a manager may add or change profiles, which apply to admissions from
then on (a stay copies its period at admission).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import QuarantinePolicy
from quarantine_desk.domain.errors import InvalidInput, NotFound
from quarantine_desk.domain.policy import DEFAULT_PROFILES, PolicyKind, PolicyProfile
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.text import nfc
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk


def profile_of(policy: QuarantinePolicy) -> PolicyProfile:
    """The stored policy as the domain reads it."""
    return PolicyProfile(
        id=policy.id,
        name=policy.name,
        effective_from=policy.effective_from,
        effective_to=policy.effective_to,
        kind=PolicyKind(policy.kind),
        days=policy.days,
        test_days=tuple(int(d) for d in policy.test_days.split(",") if d.strip()),
    )


def profiles(session: Session) -> list[PolicyProfile]:
    """Every profile, as the choice of a policy (R6) reads them."""
    return [profile_of(p) for p in session.scalars(select(QuarantinePolicy))]


def ensure_default_policies(session: Session) -> None:
    """The 2021 profiles, added to a database that has none (first set-up)."""
    if session.scalar(select(func.count()).select_from(QuarantinePolicy)):
        return
    for p in DEFAULT_PROFILES:
        session.add(
            QuarantinePolicy(
                name=p.name,
                effective_from=p.effective_from,
                effective_to=p.effective_to,
                kind=p.kind.value,
                days=p.days,
                test_days=",".join(str(d) for d in p.test_days),
            )
        )
    session.flush()


def list_policies(desk: Desk) -> list[PolicyProfile]:
    with desk.read() as session:
        return sorted(profiles(session), key=lambda p: (p.effective_from, p.kind.value))


def save_policy(desk: Desk, profile: PolicyProfile) -> PolicyProfile:
    """Add (id None) or change a profile. A change applies to admissions from then on; stays already open keep
    the planned release they were given."""
    name = nfc(profile.name)
    if not name:
        raise InvalidInput("name", "empty")
    if not 1 <= profile.days <= 60:
        raise InvalidInput("days", "out_of_range", profile.days, minimum=1, maximum=60)
    if not profile.test_days or any(not 1 <= d <= profile.days for d in profile.test_days):
        raise InvalidInput(
            "test_days",
            "out_of_range",
            ",".join(map(str, profile.test_days)),
            minimum=1,
            maximum=profile.days,
        )
    if profile.effective_to is not None and profile.effective_to < profile.effective_from:
        raise InvalidInput("effective_to", "before_start", profile.effective_to.isoformat())
    with desk.write(Permission.MANAGE_POLICY) as session:
        if profile.id is None:
            policy = QuarantinePolicy()
            session.add(policy)
        else:
            found = session.get(QuarantinePolicy, profile.id)
            if found is None:
                raise NotFound("policy", profile.id)
            policy = found
        policy.name = name
        policy.effective_from = profile.effective_from
        policy.effective_to = profile.effective_to
        policy.kind = profile.kind.value
        policy.days = profile.days
        policy.test_days = ",".join(str(d) for d in sorted(set(profile.test_days)))
        session.flush()
        audit.record(
            session,
            desk,
            "policy.save",
            "quarantine_policy",
            policy.id,
            name=name,
            effective_from=profile.effective_from,
            effective_to=profile.effective_to,
            kind=profile.kind.value,
            days=profile.days,
            test_days=policy.test_days,
        )
        return profile_of(policy)
