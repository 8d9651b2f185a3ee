"""People: registration (at the gate or from a tracing team's list), search, and details.

Every text is normalised to NFC on the way in. Search ignores diacritics and case ("nguyen thi huong" finds
"Nguyễn Thị Hường"; "d" finds "Đ") and also matches ID numbers and phone numbers, so a barcode scanner that types
an ID number and Enter brings the person up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    Subquery,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    union,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, aliased, selectinload

from quarantine_desk.db.models import Facility, Household, Person, PersonToken, Room, Stay, Vaccination
from quarantine_desk.domain.chip_id import id_number_in, parse_chip_qr
from quarantine_desk.domain.errors import IdNumberTaken, InvalidInput, NotFound
from quarantine_desk.domain.meals import parse_diet
from quarantine_desk.domain.people import (
    IdKind,
    Sex,
    check_cccd_digit,
    is_protected,
    normalise_id_number,
    parse_birth,
    parse_f_level,
    parse_id_number,
    parse_name,
    parse_phone,
    parse_sex,
    sex_from_id,
)
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.text import clean_text, fold, name_sort_key, nfc, printable_key, shown_key
from quarantine_desk.services import audit, scope
from quarantine_desk.services.context import Desk

MAX_DOSES = 10


# Search: how many index entries a word's count looks at before it is "common", and how many distinct words a
# common prefix may cover for the walk in name order (beyond that, the matches are sorted, as a short prefix needs).
RARE_ENOUGH = 1_000
MAX_WALKED_WORDS = 32
# A short prefix of many words ("n", "09"): up to this many entries are sorted; beyond, people are walked in name
# order until enough have every word (a prefix that common finds them within a few hundred).
SORT_AT_MOST = 5_000


@dataclass(frozen=True)
class PersonRow:
    id: int
    full_name: str
    sex: Sex
    birth_year: int | None
    birth_date: date | None
    id_number: str | None
    id_kind: str | None
    phone: str | None
    address: str | None
    household: str | None
    doses: int
    last_dose_on: date | None
    recovered_on: date | None
    pre_registered: bool
    # The open stay, if any: where the person is now.
    facility: str | None = None
    room: str | None = None
    commune: str | None = None
    district: str | None = None
    province: str | None = None
    f_level: str | None = None
    exposure: str | None = None
    relative_name: str | None = None
    relative_phone: str | None = None
    conditions: str | None = None
    pregnant: bool = False
    special_watch: bool = False
    notes: str | None = None
    version: int = 1  # the record's edit version, handed back with an edit (StaleEdit)
    diet: str = "regular"

    @property
    def born(self) -> str:
        if self.birth_date:
            return self.birth_date.isoformat()
        return str(self.birth_year) if self.birth_year else ""


@dataclass(frozen=True)
class NewPerson:
    """What a form or an imported row gives; every field is raw text and is checked by ``check_new_person``."""

    name: str
    sex: str
    born: str
    id_number: str = ""
    phone: str = ""
    address: str = ""
    household: str = ""
    doses: str = "0"
    last_dose_on: str = ""
    recovered_on: str = ""


@dataclass(frozen=True)
class CheckedPerson:
    full_name: str
    sex: Sex
    birth_year: int
    birth_date: date | None
    id_number: str | None
    id_kind: str | None
    phone: str | None
    address: str | None
    household: str | None
    doses: int
    last_dose_on: date | None
    recovered_on: date | None


def _optional_date(raw: str, field: str, today: date) -> date | None:
    raw = nfc(raw)
    if not raw:
        return None
    try:
        _, day = parse_birth(raw, today)
    except InvalidInput as exc:
        raise InvalidInput(field, exc.reason, raw) from exc
    if day is None:
        raise InvalidInput(field, "bad_format", raw)
    return day


def parse_day(raw: str, field: str, today: date) -> date | None:
    """A date typed in a form ("15/03/2021", "2021-03-15"), None when empty; ``InvalidInput`` names ``field``."""
    return _optional_date(raw, field, today)


def check_new_person(new: NewPerson, today: date) -> CheckedPerson:
    """Validate a person's fields; raises InvalidInput naming the first bad field."""
    full_name = parse_name(new.name)
    sex = parse_sex(new.sex) if nfc(new.sex) else None
    birth_year, birth_date = parse_birth(nfc(new.born), today)
    id_kind: str | None = None
    id_number: str | None = None
    if nfc(new.id_number):
        kind, id_number = parse_id_number(new.id_number)
        id_kind = kind.value
        sex = sex or sex_from_id(kind, id_number)
    if sex is None:
        # Never a default: the sex decides the room (R3). Chosen, or read from a CCCD.
        raise InvalidInput("sex", "empty")
    if id_kind == IdKind.CCCD.value and id_number:
        check_cccd_digit(id_number, sex, birth_year)
    phone = parse_phone(new.phone) if nfc(new.phone) else None
    address = clean_text(new.address, "address")
    household = clean_text(new.household, "household")
    doses_text = nfc(new.doses) or "0"
    if not doses_text.isdigit() or int(doses_text) > MAX_DOSES:
        raise InvalidInput("doses", "bad_value", new.doses, maximum=MAX_DOSES)
    last_dose_on = _optional_date(new.last_dose_on, "last_dose_on", today)
    recovered_on = _optional_date(new.recovered_on, "recovered_on", today)
    return CheckedPerson(
        full_name,
        sex,
        birth_year,
        birth_date,
        id_number,
        id_kind,
        phone,
        address,
        household,
        int(doses_text),
        last_dose_on,
        recovered_on,
    )


def _where_staying(session: Session, person_id: int) -> tuple[str, str] | None:
    """The facility code and room of the person's open stay, if any."""
    return (
        session.execute(
            select(Facility.code, Room.name)
            .join(Stay, Stay.facility_id == Facility.id)
            .join(Room, Room.id == Stay.room_id)
            .where(Stay.person_id == person_id, Stay.released_at.is_(None))
        )
        .tuples()
        .first()
    )


def _refuse_taken_id(session: Session, id_number: str) -> None:
    """IdNumberTaken naming who holds ``id_number`` (so the gate can tell a typo from a second registration)."""
    holder = session.scalar(select(Person).where(Person.id_number == id_number))
    if holder is not None:
        where = _where_staying(session, holder.id)
        raise IdNumberTaken(
            id_number,
            holder.full_name,
            holder.birth_year,
            where[0] if where else None,
            where[1] if where else None,
        )


#: The record's other fields ("person edit", the editor, an imported list), each with its longest text.
DETAIL_LENGTHS = {
    "commune": 100,
    "district": 100,
    "province": 100,
    "exposure": 200,
    "relative_name": 120,
    "conditions": 500,
    "notes": 2000,
}


@dataclass(frozen=True)
class Details:
    """The record's fields beyond identity, as typed; None leaves a field as it is (in an edit)."""

    commune: str | None = None
    district: str | None = None
    province: str | None = None
    f_level: str | None = None
    exposure: str | None = None
    relative_name: str | None = None
    relative_phone: str | None = None
    conditions: str | None = None
    pregnant: bool | None = None
    special_watch: bool | None = None
    notes: str | None = None
    diet: str | None = None  # a code or its Vietnamese word (domain.meals.parse_diet)


def check_details(details: Details) -> dict[str, object]:
    """The fields to write (checked, NFC, empty text as None); only those given."""
    out: dict[str, object] = {}
    for field, maximum in DETAIL_LENGTHS.items():
        raw = getattr(details, field)
        if raw is None:
            continue
        text = nfc(raw)
        if len(text) > maximum:
            raise InvalidInput(field, "too_long", text, maximum=maximum)
        out[field] = text or None
    if details.f_level is not None:
        level = parse_f_level(details.f_level)
        out["f_level"] = level.value if level else None
    if details.relative_phone is not None:
        out["relative_phone"] = parse_phone(details.relative_phone) if nfc(details.relative_phone) else None
    if details.diet is not None:
        out["diet"] = parse_diet(details.diet).value
    for flag in ("pregnant", "special_watch"):
        value = getattr(details, flag)
        if value is not None:
            out[flag] = bool(value)
    return out


def search_tokens(full_name: str, id_number: str | None, phone: str | None) -> set[str]:
    """The words a person is found by: the folded name words, the ID number, the phone."""
    return {w[:60] for w in (*fold(full_name).split(), id_number or "", phone or "") if w}


def token_rows(
    person_id: int, full_name: str, id_number: str | None, phone: str | None, sort_key: str | None = None
) -> list[dict[str, Any]]:
    """The person's rows of the search index: each word with the person's place in name order (``sort_key``,
    when the caller has it already)."""
    key = sort_key if sort_key is not None else name_sort_key(full_name)
    return [
        {"person_id": person_id, "token": t, "sort_key": key}
        for t in search_tokens(full_name, id_number, phone)
    ]


def index_people(session: Session, people: Sequence[tuple[int, str, str | None, str | None]]) -> None:
    """Add the search words of new people, given as (id, full name, ID number, phone), in one statement."""
    rows = [row for person in people for row in token_rows(*person)]
    if rows:
        session.execute(insert(PersonToken), rows)


def _set_tokens(session: Session, person: Person) -> None:
    session.execute(delete(PersonToken).where(PersonToken.person_id == person.id))
    index_people(session, [(person.id, person.full_name, person.id_number, person.phone)])


def _household(session: Session, code: str | None, address: str | None) -> Household | None:
    if not code:
        return None
    household = session.scalar(select(Household).where(Household.code == code))
    if household is None:
        household = Household(code=code, address=address)
        session.add(household)
        session.flush()
    return household


def insert_person(session: Session, desk: Desk, checked: CheckedPerson, *, pre_registered: bool) -> Person:
    """Add a checked person inside an open transaction (used by registration and by the import)."""
    if checked.id_number:
        _refuse_taken_id(session, checked.id_number)
    household = _household(session, checked.household, checked.address)
    person = Person(
        full_name=checked.full_name,
        sex=checked.sex.value,
        birth_year=checked.birth_year,
        birth_date=checked.birth_date,
        id_number=checked.id_number,
        id_kind=checked.id_kind,
        phone=checked.phone,
        address=checked.address,
        household=household,
        doses=checked.doses,
        last_dose_on=checked.last_dose_on,
        recovered_on=checked.recovered_on,
        pre_registered=pre_registered,
        sort_key=name_sort_key(checked.full_name),
        created_at=desk.now(),
    )
    session.add(person)
    session.flush()
    _set_tokens(session, person)
    if checked.doses:
        set_doses(session, person, doses_from_count(checked.doses, checked.last_dose_on))
    return person


def add_person(
    desk: Desk, new: NewPerson, *, pre_registered: bool = False, details: Details | None = None
) -> PersonRow:
    """Register a person; ``details``: the record's other fields (commune, F-level, conditions…) at once."""
    checked = check_new_person(new, desk.now().date())
    more = check_details(details) if details is not None else {}
    with desk.write(Permission.REGISTER_PERSON) as session:
        person = insert_person(session, desk, checked, pre_registered=pre_registered)
        for field, value in more.items():
            setattr(person, field, value)
        audit.record(
            session,
            desk,
            "person.add",
            "person",
            person.id,
            name=person.full_name,
            id_number=person.id_number,
        )
        return person_row(person, None)


def update_person(desk: Desk, ref: str | int, new: NewPerson) -> PersonRow:
    """Replace a person's record with the fields of a form; a change of vaccination or recovery that changes the
    policy of the open stay recomputes its planned release (``vaccination.recompute_open_stay``)."""
    from quarantine_desk.services.vaccination import recompute_open_stay  # it builds on this module

    checked = check_new_person(new, desk.now().date())
    with desk.write(Permission.REGISTER_PERSON) as session:
        person = person_by_ref(session, ref, lock=True)
        staying_at = session.scalar(
            select(Stay.facility_id).where(Stay.person_id == person.id, Stay.released_at.is_(None))
        )
        if staying_at is not None:
            scope.require_id(session, staying_at)  # a person staying elsewhere is that facility's to edit
        after = update_person_in(session, desk, person, checked, keep_doses=False)
        recompute_open_stay(session, desk, person)
        return after


def update_person_in(
    session: Session,
    desk: Desk,
    person: Person,
    checked: CheckedPerson,
    *,
    keep_doses: bool,
    details: dict[str, object] | None = None,
) -> PersonRow:
    """Write ``checked`` over ``person`` inside the caller's transaction, audited. ``keep_doses``: the dose
    history is set by the caller; otherwise a changed count or last date rebuilds it from them."""
    if checked.id_number and checked.id_number != person.id_number:
        _refuse_taken_id(session, checked.id_number)
    before = person_row(person, None)
    person.full_name = checked.full_name
    person.sex = checked.sex.value
    person.birth_year = checked.birth_year
    person.birth_date = checked.birth_date
    person.id_number = checked.id_number
    person.id_kind = checked.id_kind
    person.phone = checked.phone
    person.address = checked.address
    person.household = _household(session, checked.household, checked.address)
    if not keep_doses and (checked.doses, checked.last_dose_on) != (person.doses, person.last_dose_on):
        set_doses(session, person, doses_from_count(checked.doses, checked.last_dose_on))
    person.recovered_on = checked.recovered_on
    for field, value in (details or {}).items():
        setattr(person, field, value)
    person.sort_key = name_sort_key(checked.full_name)
    person.version = (person.version or 1) + 1  # an editor open on the older record will be refused
    session.flush()
    _set_tokens(session, person)
    after = person_row(person, None)
    changed = [k for k, v in before.__dict__.items() if v != after.__dict__[k] and k != "version"]
    audit.record(
        session,
        desk,
        "person.update",
        "person",
        person.id,
        before={k: before.__dict__[k] for k in changed},
        after={k: after.__dict__[k] for k in changed},
    )
    return after


@dataclass(frozen=True)
class Dose:
    """One vaccination dose; ``given_on`` None for a dose known only by the count."""

    given_on: date | None
    vaccine: str | None = None


def doses_from_count(count: int, last_dose_on: date | None) -> tuple[Dose, ...]:
    """A history from a count and the last date, as forms and imports give it: the earlier dates unknown."""
    if count <= 0:
        return ()
    return (*(Dose(None) for _ in range(count - 1)), Dose(last_dose_on))


def doses_of(session: Session, person_id: int) -> tuple[Dose, ...]:
    """The doses, undated first, then by date."""
    rows = session.scalars(
        select(Vaccination).where(Vaccination.person_id == person_id).order_by(Vaccination.id)
    )
    return tuple(
        sorted(
            (Dose(v.given_on, v.vaccine) for v in rows), key=lambda d: (d.given_on is not None, d.given_on)
        )
    )


def set_doses(session: Session, person: Person, doses: Sequence[Dose]) -> None:
    """Replace the dose history; the count and the last date kept on the person follow it."""
    session.execute(delete(Vaccination).where(Vaccination.person_id == person.id))
    session.add_all(Vaccination(person_id=person.id, given_on=d.given_on, vaccine=d.vaccine) for d in doses)
    person.doses = len(doses)
    dates = [d.given_on for d in doses if d.given_on is not None]
    person.last_dose_on = max(dates) if dates else None


def person_by_ref(session: Session, ref: str | int, *, lock: bool = False) -> Person:
    """A person by ID number (CCCD / CMND / passport) or by the program's own number."""
    if not printable_key(str(ref)):
        raise NotFound("person", shown_key(str(ref)))
    text = normalise_id_number(str(ref))
    query = select(Person)
    if lock:
        query = query.with_for_update()
    person = session.scalar(query.where(Person.id_number == text)) if text else None
    if person is None and text.isdigit() and len(text) <= 9:
        person = session.scalar(query.where(Person.id == int(text)))
    if person is None:
        raise NotFound("person", ref)
    return person


def people_by_refs(session: Session, refs: Sequence[str | int], *, lock: bool = False) -> list[Person]:
    """``person_by_ref`` for several people at once: two queries whatever their number, in the order given;
    locked in the order of their numbers, so that two desks locking the same people cannot deadlock."""
    texts = [normalise_id_number(str(ref)) for ref in refs]
    query = select(Person).order_by(Person.id)
    if lock:
        query = query.with_for_update()
    wanted = {t for t in texts if t}
    numbers = sorted(wanted)
    # One statement for both ways of naming a person; an ID number wins over the program's own number.
    own = sorted({int(t) for t in texts if t.isdigit() and len(t) <= 9})
    ways = [Person.id_number.in_(numbers)] if numbers else []
    if own:
        ways.append(Person.id.in_(own))
    rows = list(session.scalars(query.where(or_(*ways)))) if ways else []
    by_number = {p.id_number: p for p in rows if p.id_number in wanted}
    by_id = {p.id: p for p in rows}
    found = []
    for ref, text in zip(refs, texts, strict=True):
        person = by_number.get(text) if text else None
        if person is None and text.isdigit() and len(text) <= 9:
            person = by_id.get(int(text))
        if person is None:
            raise NotFound("person", ref)
        found.append(person)
    return found


def person_row(person: Person, where: tuple[str, str] | None) -> PersonRow:
    return _person_row(person, person.household.code if person.household else None, where)


def _person_row(person: Any, household: str | None, where: tuple[str, str] | None) -> PersonRow:
    """The row of a person given as the ORM object or as a plain row of the person table's columns."""
    return PersonRow(
        id=person.id,
        full_name=person.full_name,
        sex=Sex(person.sex),
        birth_year=person.birth_year,
        birth_date=person.birth_date,
        id_number=person.id_number,
        id_kind=person.id_kind,
        phone=person.phone,
        address=person.address,
        household=household,
        doses=person.doses,
        last_dose_on=person.last_dose_on,
        recovered_on=person.recovered_on,
        pre_registered=person.pre_registered,
        facility=where[0] if where else None,
        room=where[1] if where else None,
        commune=person.commune,
        district=person.district,
        province=person.province,
        f_level=person.f_level,
        exposure=person.exposure,
        relative_name=person.relative_name,
        relative_phone=person.relative_phone,
        conditions=person.conditions,
        pregnant=bool(person.pregnant),
        special_watch=bool(person.special_watch),
        notes=person.notes,
        version=person.version or 1,
        diet=person.diet or "regular",
    )


def get_person(desk: Desk, ref: str | int) -> PersonRow:
    with desk.read() as session:
        person = person_by_ref(session, ref)
        return person_row(person, _where_staying(session, person.id))


def _search_words(text: str) -> list[str]:
    return list(dict.fromkeys(w[:60] for w in fold(id_number_in(text) or text).split()))


def _prefix(word: str, token: Any = PersonToken) -> ColumnElement[bool]:
    # A prefix as a range, so the token index is used on SQLite and PostgreSQL alike.
    return and_(token.token >= word, token.token < word + "\uffff")


def search_statement(text: str, *, limit: int = 50, pre_registered_only: bool = False) -> Select[Any]:
    """What ``search_people`` finds, written as one statement: people with a word starting with each word typed,
    in name order. ``search_people`` gets the same people another way (the tests hold the two equal); this form
    reads every match of every word, and the benchmark measures it on the bare driver as the reference."""
    query = _with_stay(select(Person, Facility.code, Room.name))
    for word in _search_words(text):
        query = query.where(Person.id.in_(select(PersonToken.person_id).where(_prefix(word))))
    if pre_registered_only:
        query = query.where(Person.pre_registered.is_(True))
    return query.order_by(Person.sort_key, Person.id).limit(limit)


def _with_stay(query: Select[Any]) -> Select[Any]:
    return (
        query.outerjoin(Stay, and_(Stay.person_id == Person.id, Stay.released_at.is_(None)))
        .outerjoin(Facility, Facility.id == Stay.facility_id)
        .outerjoin(Room, Room.id == Stay.room_id)
    )


def _matching(
    found_by: ColumnElement[bool],
    others: Sequence[str],
    pre_registered_only: bool,
    limit: int,
    *,
    several: bool,
) -> Select[tuple[str, int]]:
    """(sort key, person) of the index entries ``found_by`` selects whose person also has the ``others``, in name
    order. ``several``: the entries may hold one person more than once (a prefix of two of their words)."""
    query = select(PersonToken.sort_key, PersonToken.person_id).where(found_by)
    for word in others:
        other = aliased(PersonToken)
        query = query.where(
            select(other.person_id)
            .where(other.person_id == PersonToken.person_id, _prefix(word, other))
            .exists()
        )
    if pre_registered_only:
        query = query.where(
            select(Person.id)
            .where(Person.id == PersonToken.person_id, Person.pre_registered.is_(True))
            .exists()
        )
    if several:
        query = query.distinct()
    return query.order_by(PersonToken.sort_key, PersonToken.person_id).limit(limit)


def _people_in_order(words: Sequence[str], pre_registered_only: bool, limit: int) -> Select[tuple[str, int]]:
    """(sort key, person) of the first ``limit`` people in name order that have every word."""
    query = select(Person.sort_key, Person.id)
    for word in words:
        query = query.where(
            select(PersonToken.person_id).where(PersonToken.person_id == Person.id, _prefix(word)).exists()
        )
    if pre_registered_only:
        query = query.where(Person.pre_registered.is_(True))
    return query.order_by(Person.sort_key, Person.id).limit(limit)


def _entries_upto(session: Session, word: str, most: int) -> int:
    """How many index entries start with ``word``, counted no further than ``most``."""
    # In index order, so that both databases walk the index and stop at ``most`` (PostgreSQL would otherwise
    # gather every entry of a common word into a bitmap first).
    some = select(PersonToken.token).where(_prefix(word)).order_by(PersonToken.token).limit(most).subquery()
    return int(session.scalar(select(func.count()).select_from(some)) or 0)


def _word_facts(session: Session, words: Sequence[str]) -> tuple[dict[str, int], dict[str, list[str]]]:
    """For each word, in one statement: its index entries counted no further than RARE_ENOUGH
    (``_entries_upto``), and the distinct indexed words starting with it, at most MAX_WALKED_WORDS + 1 of them
    (a loose index scan, one step down the index for each word: neither database skips through an index by
    itself, so "nguyen" costs one step, not 80,000 entries)."""
    ctes = []
    parts = []
    params: dict[str, object] = {"most_entries": RARE_ENOUGH, "most_words": MAX_WALKED_WORDS + 1}
    for i, word in enumerate(words):
        params[f"low{i}"], params[f"high{i}"] = word, word + "\uffff"
        ctes.append(
            f"""word{i}(token, n) AS (
                SELECT min(token), 1 FROM person_token WHERE token >= :low{i} AND token < :high{i}
                UNION ALL
                SELECT (SELECT min(t.token) FROM person_token t WHERE t.token > word{i}.token AND t.token < :high{i}),
                       word{i}.n + 1
                FROM word{i} WHERE word{i}.token IS NOT NULL AND word{i}.n < :most_words
            )"""
        )
        parts.append(
            f"""SELECT {i} AS word, NULL AS token, (
                    SELECT count(*) FROM (
                        SELECT token FROM person_token WHERE token >= :low{i} AND token < :high{i}
                        ORDER BY token LIMIT :most_entries
                    ) AS entries{i}
                ) AS entries"""
        )
        parts.append(f"SELECT {i}, token, NULL FROM word{i} WHERE token IS NOT NULL")
    statement = "WITH RECURSIVE " + ",\n".join(ctes) + "\n" + "\nUNION ALL\n".join(parts)
    counts = {word: 0 for word in words}
    starting: dict[str, list[str]] = {word: [] for word in words}
    for i, token, entries in session.execute(sql_text(statement), params).tuples():
        if token is None:
            counts[words[i]] = int(entries or 0)
        else:
            starting[words[i]].append(token)
    return counts, starting


def _listed_columns() -> tuple[Any, ...]:
    """Plain rows of the person's columns: no ORM object for a list that is only shown."""
    return (Person.__table__, Household.code.label("household_code"), Facility.code, Room.name)


class Walked:
    """The walks of a search (``_walks``) and the statement of the rows of the people they find, in name order
    (built when first asked for: the search by number reads the people otherwise)."""

    def __init__(self, walks: tuple[Select[tuple[str, int]], ...], limit: int | BindParameter[int]) -> None:
        self.walks = walks
        self._limit = limit
        self._rows: Select[Any] | None = None

    def rows(self) -> Select[Any]:
        if self._rows is None:
            found_in_order = _found_in_order(self.walks, self._limit)
            self._rows = _with_stay(
                select(*_listed_columns())
                .select_from(found_in_order)
                .join(Person, Person.id == found_in_order.c.person_id)
                .outerjoin(Household, Household.id == Person.household_id)
            ).order_by(found_in_order.c.sort_key, found_in_order.c.person_id)
        return self._rows


def _walks(
    session: Session, words: Sequence[str], limit: int, pre_registered_only: bool
) -> tuple[Walked | None, dict[str, object]]:
    """The statements that give (sort key, person) of the people with every word, read through the rarest word;
    the first ``limit`` of their entries together, in name order, are the people found. None: nobody.

    A rare word's entries (fewer than RARE_ENOUGH) are few enough to check and sort. When every word is common,
    each indexed word the rarest one is a prefix of is walked in name order (the index holds the sort key) and
    the walk stops at ``limit`` people that have the other words too; the walks are merged. A short prefix of
    many distinct words ("n", "09") has its entries sorted when they are not too many, else people are walked in
    name order, each checked for every word, until ``limit`` are found.

    With the statements (``Walked``), the parameters they take.
    """
    counts, starting = _word_facts(session, words)
    rarest = min(words, key=lambda w: counts[w])
    if counts[rarest] == 0:
        return None, {}
    others = [w for w in words if w != rarest]
    if counts[rarest] < RARE_ENOUGH:
        return _walked_of(
            [_matching(_prefix(rarest), others, pre_registered_only, limit, several=True)], limit
        ), {}
    tokens = starting[rarest]
    if len(tokens) > MAX_WALKED_WORDS and _entries_upto(session, rarest, SORT_AT_MOST) < SORT_AT_MOST:
        return _walked_of(
            [_matching(_prefix(rarest), others, pre_registered_only, limit, several=True)], limit
        ), {}
    if len(tokens) > MAX_WALKED_WORDS:
        return _walked_of([_people_in_order(words, pre_registered_only, limit)], limit), {}
    joined = tuple(len(starting[w]) == 1 for w in others)
    params: dict[str, object] = {"limit": limit}
    for i, token in enumerate(tokens):
        params[f"walk{i}"] = token
    for j, word in enumerate(others):
        if joined[j]:
            params[f"other{j}"] = starting[word][0]
        else:
            params[f"other{j}_low"], params[f"other{j}_high"] = word, word + "\uffff"
    return _walked(len(tokens), joined, pre_registered_only), params


@lru_cache(maxsize=256)
def _walked(walked: int, joined: tuple[bool, ...], pre_registered_only: bool) -> Walked:
    """``_walks`` through ``walked`` indexed words of the rarest word (parameters ``walk0``…), each other word
    ``joined`` as the one indexed word it starts (``other{j}``) or looked up by its prefix
    (``other{j}_low``, ``other{j}_high``), ``limit`` people: built once for each shape, with parameters, as
    building the statements (and the keys of their compiled forms) costs about as much as running them.

    A joined word is read as the entries of its one indexed word with the same sort key and person, which are in
    the same name order as the walk, so PostgreSQL merges the two in one pass down both rather than looking up
    each person walked ("nguyen van" reads 2,000 entries in order, not 1,000 people one by one). A person has at
    most one entry of a word, so the join repeats nobody."""
    limit = bindparam("limit", type_=Integer)
    walk = [bindparam(f"walk{i}", type_=String) for i in range(walked)]
    others = [
        (bindparam(f"other{j}", type_=String),)
        if join
        else (bindparam(f"other{j}_low", type_=String), bindparam(f"other{j}_high", type_=String))
        for j, join in enumerate(joined)
    ]
    walks = []
    for token in walk:
        query = select(PersonToken.sort_key, PersonToken.person_id).where(PersonToken.token == token)
        for bounds in others:
            other = aliased(PersonToken)
            if len(bounds) == 1:
                query = query.join(
                    other,
                    and_(
                        other.token == bounds[0],
                        other.sort_key == PersonToken.sort_key,
                        other.person_id == PersonToken.person_id,
                    ),
                )
            else:
                query = query.where(
                    select(other.person_id)
                    .where(
                        other.person_id == PersonToken.person_id,
                        other.token >= bounds[0],
                        other.token < bounds[1],
                    )
                    .exists()
                )
        if pre_registered_only:
            query = query.where(
                select(Person.id)
                .where(Person.id == PersonToken.person_id, Person.pre_registered.is_(True))
                .exists()
            )
        walks.append(query.order_by(PersonToken.sort_key, PersonToken.person_id).limit(limit))
    return _walked_of(walks, limit)


def _walked_of(walks: Sequence[Select[tuple[str, int]]], limit: int | BindParameter[int]) -> Walked:
    return Walked(tuple(walks), limit)


def _found(session: Session, words: Sequence[str], limit: int, pre_registered_only: bool) -> list[int]:
    """The people with every word, in name order, the first ``limit`` (``_walks``)."""
    walked, params = _walks(session, words, limit, pre_registered_only)
    if walked is None:
        return []
    entries = {
        (key, person) for walk in walked.walks for key, person in session.execute(walk, params).tuples()
    }
    return [person for _, person in sorted(entries)[:limit]]


def _found_in_order(walks: Sequence[Select[tuple[str, int]]], limit: int | BindParameter[int]) -> Subquery:
    """What ``_found`` gives, as a subquery of (sort key, person) to join: the walks merged by the database (each
    in a subquery of its own, as a compound statement needs), the same entries once, the first ``limit``."""
    parts = [select(walk.subquery()) for walk in walks]
    merged = (union(*parts) if len(parts) > 1 else parts[0]).subquery()
    key, person = merged.c[0], merged.c[1]
    return (
        select(key.label("sort_key"), person.label("person_id"))
        .distinct()
        .order_by(key, person)
        .limit(limit)
        .subquery()
    )


def _exact(session: Session, word: str, limit: int, pre_registered_only: bool) -> list[int]:
    """The people whose ID number or phone is exactly ``word`` (a name word has no digits)."""
    if not any(ch.isdigit() for ch in word):
        return []
    return [
        p
        for _, p in session.execute(
            _matching(PersonToken.token == word, (), pre_registered_only, limit, several=False)
        ).tuples()
    ]


def search_people(
    desk: Desk, text: str, *, limit: int = 50, pre_registered_only: bool = False
) -> list[PersonRow]:
    """People with, for every word typed, a name word, ID number or phone starting with it (diacritics and case
    ignored: "nguyen thi huong" finds "Nguyễn Thị Hường"), in Vietnamese order; a person whose ID number or phone
    is exactly what was typed comes first. A chip ID's whole QR text (scanned into the search) searches by the ID
    number in it. The cost follows the people shown, not how common a name is (``_found``)."""
    words = _search_words(text)
    with desk.read() as session:
        if not words:
            query = search_statement(text, limit=limit, pre_registered_only=pre_registered_only)
        else:
            if len(words) == 1 and any(ch.isdigit() for ch in words[0]):
                # An exact ID number or phone comes first: the people are found, then read.
                found = _found(session, words, limit, pre_registered_only)
                exact = _exact(session, words[0], limit, pre_registered_only)
                found = [*exact, *(p for p in found if p not in exact)][:limit]
                if not found:
                    return []
                rows = _with_stay(
                    select(*_listed_columns()).outerjoin(Household, Household.id == Person.household_id)
                ).where(Person.id.in_(found))
                place = {person: i for i, person in enumerate(found)}
                shown = sorted(session.execute(rows).all(), key=lambda r: place[r.id])
            else:
                # The walks and the rows in one statement: each statement is a round trip to the server.
                walked, params = _walks(session, words, limit, pre_registered_only)
                if walked is None:
                    return []
                shown = list(session.execute(walked.rows(), params).all())
            return [_person_row(r, r.household_code, (r[-2], r[-1]) if r[-2] else None) for r in shown]
        found_rows = session.execute(query.options(selectinload(Person.household))).tuples().all()
        return [person_row(p, (code, room) if code else None) for p, code, room in found_rows]


def protected_on(person: Person, on: date) -> bool:
    return is_protected(person.doses, person.last_dose_on, person.recovered_on, on)


def new_person_from_qr(text: str, today: date) -> NewPerson:
    """The new-person entry a chip ID's QR text fills in; InvalidInput when the text is not whole."""
    card = parse_chip_qr(text, today)
    return NewPerson(
        name=card.full_name,
        sex=card.sex.value,
        born=card.born,
        id_number=card.id_number,
        address=card.address,
    )


def add_person_from_qr(desk: Desk, text: str, **more: str) -> PersonRow:
    """Register the person of a chip ID's QR text (``more``: the phone and other fields the card lacks)."""
    base = new_person_from_qr(text, desk.now().date())
    return add_person(desk, replace(base, **{k: v for k, v in more.items() if v}))


def household_adults(desk: Desk, ref: str | int, on: date) -> list[PersonRow]:
    """The adults (16 or over on ``on``) of the person's household, with where each stays now: who may
    accompany a child (R9). Empty for a person without a household."""
    from quarantine_desk.domain.stays import is_child  # people's own rules come first in the domain

    with desk.read() as session:
        person = person_by_ref(session, ref)
        if person.household_id is None:
            return []
        query = (
            select(Person, Facility.code, Room.name)
            .outerjoin(Stay, and_(Stay.person_id == Person.id, Stay.released_at.is_(None)))
            .outerjoin(Facility, Facility.id == Stay.facility_id)
            .outerjoin(Room, Room.id == Stay.room_id)
            .where(Person.household_id == person.household_id, Person.id != person.id)
            .order_by(Person.sort_key, Person.id)
        )
        return [
            person_row(p, (code, room) if code else None)
            for p, code, room in session.execute(query).tuples()
            if not is_child(p.birth_year, p.birth_date, on)
        ]


def share_household(desk: Desk, child_ref: str | int, adult_ref: str | int) -> str:
    """Record a child and the adult who accompanies them as one household (R9: the child is placed only beside
    an adult of the same household, who signs the commitment): the adult's household code, else the child's,
    else a new one. Audited as a change of each record touched; returns the code."""
    with desk.write(Permission.REGISTER_PERSON) as session:
        child = person_by_ref(session, child_ref, lock=True)
        adult = person_by_ref(session, adult_ref, lock=True)
        if child.id == adult.id:
            raise InvalidInput("household", "bad_value", adult.full_name)
        code = (
            adult.household.code
            if adult.household is not None
            else child.household.code
            if child.household is not None
            else f"HGĐ-{adult.id}-{child.id}"
        )
        for person in (adult, child):
            before = person.household.code if person.household is not None else None
            if before == code:
                continue
            person.household = _household(session, code, person.address)
            audit.record(
                session,
                desk,
                "person.update",
                "person",
                person.id,
                before={"household": before},
                after={"household": code},
            )
        return code
