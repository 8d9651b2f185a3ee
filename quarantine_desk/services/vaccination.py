"""A person's vaccination doses (each with its date and vaccine, when known) and recovery, and corrections of a
person's record. A correction that changes which policy applies to an open stay recomputes its planned release
by the same rule as at admission (R6), audited; the person then shows in the release worklist when due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from quarantine_desk.db.models import Person, Stay
from quarantine_desk.domain.errors import InvalidInput, StaleEdit
from quarantine_desk.domain.policy import choose_policy, planned_release
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.text import nfc
from quarantine_desk.services import audit
from quarantine_desk.services.context import Desk
from quarantine_desk.services.people import (
    MAX_DOSES,
    Details,
    Dose,
    NewPerson,
    PersonRow,
    check_details,
    check_new_person,
    doses_of,
    person_by_ref,
    person_row,
    protected_on,
    set_doses,
    update_person_in,
)
from quarantine_desk.services.policies import copy_policy, profiles, stay_policy


@dataclass(frozen=True)
class PersonEdit:
    """What to change; None leaves a field as it is."""

    name: str | None = None
    sex: str | None = None
    born: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    household: str | None = None
    doses: Sequence[Dose] | None = None  # the whole history, replacing the one kept
    recovered_on: date | None = None
    clear_recovered: bool = False
    details: Details = (
        Details()
    )  # commune, F-level, relative, conditions, notes…: None fields left as they are
    # The record's version when the editor opened it; another PC's edit since then refuses this one (StaleEdit).
    version: int | None = None


@dataclass(frozen=True)
class Recomputed:
    stay: int
    policy_before: str
    policy_after: str
    planned_before: date
    planned_after: date


@dataclass(frozen=True)
class EditResult:
    person: PersonRow
    doses: tuple[Dose, ...]
    recomputed: Recomputed | None


def person_doses(desk: Desk, ref: str | int) -> tuple[Dose, ...]:
    with desk.read() as session:
        return doses_of(session, person_by_ref(session, ref).id)


def _check_doses(doses: Sequence[Dose], today: date) -> tuple[Dose, ...]:
    if len(doses) > MAX_DOSES:
        raise InvalidInput("doses", "bad_value", len(doses), maximum=MAX_DOSES)
    checked = []
    for dose in doses:
        if dose.given_on is not None and dose.given_on > today:
            raise InvalidInput("dose", "in_future", dose.given_on.isoformat())
        vaccine = nfc(dose.vaccine or "") or None
        if vaccine and len(vaccine) > 60:
            raise InvalidInput("vaccine", "too_long", vaccine, maximum=60)
        checked.append(Dose(dose.given_on, vaccine))
    return tuple(sorted(checked, key=lambda d: (d.given_on is not None, d.given_on)))


def recompute_open_stay(session: Session, desk: Desk, person: Person) -> Recomputed | None:
    """Choose the policy of the person's open stay again, by the rule of its admission day; when it changes, the
    stay gets the new policy's copy and planned release, audited."""
    stay = session.scalar(
        select(Stay).where(Stay.person_id == person.id, Stay.released_at.is_(None)).with_for_update()
    )
    if stay is None:
        return None
    admitted_on = stay.admitted_at.date()
    chosen = choose_policy(profiles(session), admitted_on, protected_on(person, admitted_on))
    if chosen.id == stay.policy_id:
        return None
    before = stay_policy(stay)
    planned_before = stay.planned_release
    copy_policy(stay, chosen)
    stay.version = (stay.version or 1) + 1
    stay.planned_release = planned_release(stay.period_start, chosen)
    audit.record(
        session,
        desk,
        "stay.policy_recomputed",
        "stay",
        stay.id,
        person=person.id,
        name=person.full_name,
        reason="person_corrected",
        policy_before=before.name,
        policy_after=chosen.name,
        planned_before=planned_before,
        planned_after=stay.planned_release,
    )
    return Recomputed(stay.id, before.name, chosen.name, planned_before, stay.planned_release)


def edit_person(desk: Desk, ref: str | int, edit: PersonEdit) -> EditResult:
    """Correct a person's record (the window's editor and ``person edit``), in one transaction."""
    today = desk.now().date()
    doses = _check_doses(edit.doses, today) if edit.doses is not None else None
    if edit.recovered_on is not None and edit.recovered_on > today:
        raise InvalidInput("recovered_on", "in_future", edit.recovered_on.isoformat())
    details = check_details(edit.details)
    with desk.write(Permission.REGISTER_PERSON) as session:
        person = person_by_ref(session, ref, lock=True)
        if edit.version is not None and edit.version != (person.version or 1):
            raise StaleEdit("person", person.full_name)
        current = person_row(person, None)
        new = NewPerson(
            name=edit.name if edit.name is not None else current.full_name,
            sex=edit.sex if edit.sex is not None else current.sex.value,
            born=edit.born if edit.born is not None else current.born,
            id_number=edit.id_number if edit.id_number is not None else current.id_number or "",
            phone=edit.phone if edit.phone is not None else current.phone or "",
            address=edit.address if edit.address is not None else current.address or "",
            household=edit.household if edit.household is not None else current.household or "",
            doses=str(current.doses),
            last_dose_on=current.last_dose_on.isoformat() if current.last_dose_on else "",
            recovered_on=current.recovered_on.isoformat() if current.recovered_on else "",
        )
        checked = check_new_person(new, today)
        if edit.clear_recovered:
            checked = replace(checked, recovered_on=None)
        elif edit.recovered_on is not None:
            checked = replace(checked, recovered_on=edit.recovered_on)
        update_person_in(session, desk, person, checked, keep_doses=True, details=details)
        if doses is not None:
            before = doses_of(session, person.id)
            set_doses(session, person, doses)
            if before != doses:
                audit.record(
                    session,
                    desk,
                    "person.doses",
                    "person",
                    person.id,
                    before=[(d.given_on, d.vaccine) for d in before],
                    after=[(d.given_on, d.vaccine) for d in doses],
                )
        session.flush()
        recomputed = recompute_open_stay(session, desk, person)
        return EditResult(person_row(person, None), doses_of(session, person.id), recomputed)
