"""Quarantine policies (R6): the effective-dated profiles that give a stay its period and test days.

The 2021 profiles are added to a new database; a manager may add or change profiles, which apply to admissions from
then on: a stay keeps a copy of its policy from admission. Only ``apply_policy``, listed first and confirmed,
changes the policy of stays in progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import Person, QuarantinePolicy, Room, Stay
from quarantine_desk.domain.errors import InvalidInput, NotFound, StaleEdit
from quarantine_desk.domain.policy import (
    DEFAULT_PROFILES,
    PolicyKind,
    PolicyProfile,
    planned_release,
    test_schedule,
)
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.stays import StayPolicy
from quarantine_desk.domain.text import required_text
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk
from quarantine_desk.services.facilities import facility_by_code


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
        version=policy.version,
    )


def stay_policy(stay: Stay) -> StayPolicy:
    """The policy as copied onto the stay: what its release and tests are judged by."""
    return policy_copy(
        stay.policy_id,
        stay.policy_name,
        stay.policy_version,
        stay.policy_kind,
        stay.policy_days,
        stay.policy_test_days,
    )


#: The stay's columns that hold its copy of the policy, in the order ``policy_copy`` takes them.
POLICY_COLUMNS = (
    Stay.policy_id,
    Stay.policy_name,
    Stay.policy_version,
    Stay.policy_kind,
    Stay.policy_days,
    Stay.policy_test_days,
)


def policy_copy(
    policy_id: int | None, name: str, version: int, kind: str, days: int, test_days: str
) -> StayPolicy:
    """``stay_policy`` from the stay's columns (``POLICY_COLUMNS``), for lists read as plain rows."""
    return StayPolicy(
        policy_id,
        name,
        version,
        PolicyKind(kind),
        days,
        tuple(int(d) for d in test_days.split(",") if d.strip()),
    )


def copy_policy(stay: Stay, profile: PolicyProfile) -> None:
    """Keep ``profile`` on the stay as it is now (at admission, and when a manager applies a new one)."""
    assert profile.id is not None
    stay.policy_id = profile.id
    stay.policy_name = profile.name
    stay.policy_version = profile.version
    stay.policy_kind = profile.kind.value
    stay.policy_days = profile.days
    stay.policy_test_days = ",".join(str(d) for d in sorted(set(profile.test_days)))


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


def save_policy(desk: Desk, profile: PolicyProfile, *, expected_version: int | None = None) -> PolicyProfile:
    """Add (id None) or change a profile. A change applies to admissions from then on; stays already open keep
    the planned release they were given. ``expected_version``: the version the editor showed; if another PC has
    saved the profile since, the change is refused (StaleEdit)."""
    name = required_text(profile.name, "policy_name")
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
            found = session.get(QuarantinePolicy, profile.id, with_for_update=True)
            if found is None:
                raise NotFound("policy", profile.id)
            if expected_version is not None and expected_version != (found.version or 1):
                raise StaleEdit("policy", found.name)
            policy = found
        policy.name = name
        policy.effective_from = profile.effective_from
        policy.effective_to = profile.effective_to
        policy.kind = profile.kind.value
        policy.days = profile.days
        policy.test_days = ",".join(str(d) for d in sorted(set(profile.test_days)))
        # Each edit is a new version; stays keep the copy they were admitted under.
        policy.version = 1 if profile.id is None else (policy.version or 1) + 1
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


@dataclass(frozen=True)
class PolicyChange:
    """A stay in progress as applying a policy would change it."""

    stay: int
    person: int
    full_name: str
    room: str
    policy_before: str
    planned_before: date
    planned_after: date
    test_days_after: tuple[date, ...]


@dataclass(frozen=True)
class PolicyApplication:
    policy: str
    facility: str
    changes: tuple[PolicyChange, ...]
    applied: bool


def apply_policy(
    desk: Desk, policy_id: int, facility_code: str, *, confirm: bool = False
) -> PolicyApplication:
    """Apply a policy to the stays in progress of a facility that are under a policy of the same kind (standard
    or protected) and would change: the only way an edited or new policy reaches a stay already admitted.

    Without ``confirm`` nothing changes: the stays it would change are listed, for the manager to confirm. With
    it, each stay takes a copy of the policy and a planned release counted from its own day 1, audited.
    """
    permission = Permission.MANAGE_POLICY
    scope = desk.write(permission) if confirm else desk.read(permission)
    with scope as session:
        facility = (
            facility_by_code(session, facility_code, lock=True)
            if confirm
            else facility_by_code(session, facility_code)
        )
        found = session.get(QuarantinePolicy, policy_id)
        if found is None:
            raise NotFound("policy", policy_id)
        profile = profile_of(found)
        query = (
            select(Stay, Person.full_name, Room.name)
            .join(Person, Person.id == Stay.person_id)
            .join(Room, Room.id == Stay.room_id)
            .where(
                Stay.facility_id == facility.id,
                Stay.released_at.is_(None),
                Stay.positive_at.is_(None),
                Stay.policy_kind == profile.kind.value,
            )
            .order_by(Person.sort_key, Person.id)
        )
        if confirm:
            query = query.with_for_update(of=Stay)
        changes = []
        for stay, name, room in session.execute(query).tuples():
            kept = stay_policy(stay)
            if (kept.policy_id, kept.version) == (profile.id, profile.version) and not kept.differs_from(
                profile
            ):
                continue
            after = planned_release(stay.period_start, profile)
            changes.append(
                PolicyChange(
                    stay.id,
                    stay.person_id,
                    name,
                    room,
                    kept.name,
                    stay.planned_release,
                    after,
                    tuple(due for _, due in test_schedule(stay.period_start, profile)),
                )
            )
            if confirm:
                copy_policy(stay, profile)
                stay.version = (stay.version or 1) + 1
                stay.planned_release = after
                audit.record(
                    session,
                    desk,
                    "stay.policy_apply",
                    "stay",
                    stay.id,
                    person=stay.person_id,
                    name=name,
                    policy_before=kept.name,
                    policy_after=profile.name,
                    version=profile.version,
                    planned_before=changes[-1].planned_before,
                    planned_after=after,
                )
        if confirm:
            audit.record(
                session,
                desk,
                "policy.apply",
                "quarantine_policy",
                profile.id,
                facility=facility.code,
                policy=profile.name,
                version=profile.version,
                stays=[c.stay for c in changes],
            )
        return PolicyApplication(profile.name, facility.code, tuple(changes), confirm)
