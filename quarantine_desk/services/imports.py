"""Importing a tracing team's list of people (F1 lists) into the pre-registration list.

The file is read whole and every row checked in memory first; then, in one short transaction, the rows are
matched against the people already registered (one query per batch of ``BATCH`` rows) and the new people
written with one bulk insert. A person is the same person when the ID number is the same or, without one,
when the name and birth year are the same and nothing else contradicts it (sex, phone, address, ID number):
a list imported twice creates nobody twice, and each match is reported. ``update_existing`` fills only the
empty fields of the person found, never one already filled.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, insert, or_, select, text, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from quarantine_desk import faults
from quarantine_desk.db.models import Household, Person, PersonToken, Stay
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.text import fold, name_sort_key
from quarantine_desk.exports.common import check_stop
from quarantine_desk.lazy import lazy_module
from quarantine_desk.services import audit
from quarantine_desk.services.changes import wrote
from quarantine_desk.services.context import Desk
from quarantine_desk.services.people import (
    CheckedPerson,
    Details,
    NewPerson,
    check_details,
    check_new_person,
    index_people,
    search_tokens,
)

if TYPE_CHECKING:
    from quarantine_desk.exports import importer
else:
    importer = lazy_module("quarantine_desk.exports.importer")  # openpyxl: loaded when a list is first read

BATCH = 500

#: Fields a list may carry that the person record has no place for: shown in the mapping as left out.
NOT_KEPT: frozenset[str] = frozenset()

_NO = frozenset({"", "0", "-", "khong", "ko", "k", "no", "false"})

#: What a re-import may fill in an existing person, when that field is still empty.
FILLABLE = ("id_number", "phone", "address", "household", "birth_date", "doses", "last_dose_on")


@dataclass(frozen=True)
class Rejected:
    row: int
    field: str
    reason: str
    message: str
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A row that is a person already registered: ``by`` is ``id_number`` or ``name_born`` (name and birth
    year, nothing contradicting); ``filled`` the empty fields that were (or, on a dry run, would be) filled."""

    row: int
    person: int
    name: str
    by: str
    staying: bool
    filled: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportResult:
    accepted: int  # people added (or, on a dry run, that would be)
    rejected: tuple[Rejected, ...]
    dry_run: bool
    columns: dict[str, str]
    matched: tuple[Match, ...] = ()
    found: tuple[importer.Column, ...] = ()
    header: tuple[str, ...] = ()
    ignored: tuple[int, ...] = ()
    rows: int = 0
    update_existing: bool = False

    @property
    def updated(self) -> int:
        return sum(1 for m in self.matched if m.filled) if self.update_existing else 0


@dataclass(frozen=True)
class _Good:
    """A checked row, with what the write needs worked out beforehand (outside the transaction, so that the
    write lock is held for the writing only): the name's sort key, its folded form and the search words."""

    row: int
    person: CheckedPerson
    details: dict[str, object]
    key: str = ""
    folded: str = ""
    tokens: tuple[str, ...] = ()

    @classmethod
    def of(cls, row: int, person: CheckedPerson, details: dict[str, object]) -> _Good:
        return cls(
            row,
            person,
            details,
            name_sort_key(person.full_name),
            fold(person.full_name),
            tuple(sorted(search_tokens(person.full_name, person.id_number, person.phone))),
        )


def read_list(path: Path) -> importer.ImportSheet:
    """The list's sheet as found (columns, rows), without checking a row: for showing the mapping first."""
    return importer.read_people_sheet(Path(path))


def import_people(
    desk: Desk,
    path: Path,
    *,
    dry_run: bool = False,
    update_existing: bool = False,
    lang: str = "vi",
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
    on_columns: Callable[[importer.ImportSheet], None] | None = None,
) -> ImportResult:
    """Check every row; unless a dry run, add the new people to the pre-registration list in one transaction.

    ``on_columns(sheet)`` is told the columns found before anything is written; ``progress(done, total)``
    counts rows, every ``BATCH`` rows.
    """
    desk.require(Permission.REGISTER_PERSON)
    sheet = read_list(Path(path))
    if on_columns is not None:
        on_columns(sheet)
    total = len(sheet.rows)
    today = desk.now().date()
    rejected: list[Rejected] = []
    good: list[_Good] = []
    by_id: dict[str, int] = {}
    by_name: dict[tuple[str, int], list[tuple[int, CheckedPerson]]] = {}
    for done, raw in enumerate(sheet.rows, start=1):
        try:
            checked = check_new_person(_new_person(raw.values), today)
            details = check_details(_details(raw.values))
            _not_twice_in_file(checked, raw.row_number, by_id, by_name)
        except InvalidInput as exc:
            rejected.append(Rejected(raw.row_number, exc.field, exc.reason, _describe(exc, lang), raw.cells))
        else:
            good.append(_Good.of(raw.row_number, checked, details))
        if done % BATCH == 0:
            check_stop(should_stop)
            if progress is not None:
                progress(done, total)
    check_stop(should_stop)
    matched: list[Match] = []
    if dry_run:
        with desk.read(Permission.REGISTER_PERSON) as session:
            new = _match(session, desk, good, matched, rejected, update_existing, lang, write=False)
    else:
        with desk.write(Permission.REGISTER_PERSON) as session:
            new = _match(session, desk, good, matched, rejected, update_existing, lang, write=True)
            _insert(session, desk, new)
            faults.point("import")
            audit.record(
                session,
                desk,
                "person.import",
                "person",
                None,
                file=Path(path).name,
                accepted=len(new),
                matched=len(matched),
                rejected=len(rejected),
            )
    if progress is not None:
        progress(total, total)
    rejected.sort(key=lambda r: r.row)
    matched.sort(key=lambda m: m.row)
    return ImportResult(
        len(new),
        tuple(rejected),
        dry_run,
        dict(sheet.columns),
        tuple(matched),
        sheet.found,
        sheet.header,
        sheet.ignored,
        total,
        update_existing,
    )


def rejected_file(source: Path) -> Path:
    """Where the rejected rows go: beside the list, "<name>_tu_choi.xlsx"."""
    source = Path(source)
    return source.with_name(f"{source.stem}_tu_choi.xlsx")


def save_rejected(result: ImportResult, source: Path, out: Path | None = None, lang: str = "vi") -> Path:
    """The rejected rows with their reasons, as an .xlsx beside the source (or at ``out``)."""
    title = "Lý do không nhập" if lang == "vi" else "Reason not imported"
    rows = [(r.row, r.cells, r.message) for r in result.rejected]
    return importer.write_rejected_rows(
        Path(out) if out else rejected_file(source), result.header, rows, title
    )


# --- checking a row ----------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+")


def _details(values: dict[str, str]) -> Details:
    """The record's other fields of a row; a mark or text under "Có thai" is a pregnancy, and a pregnancy or an
    underlying condition raises the "cần theo dõi đặc biệt" flag."""
    pregnant = fold(values.get("pregnant", "")) not in _NO
    conditions = values.get("conditions", "")
    if pregnant and fold(values.get("pregnant", "")) not in ("x", "co", "1", "yes", "v", "true", "co thai"):
        conditions = "; ".join(p for p in (conditions, values["pregnant"]) if p)  # "thai 20 tuần"
    return Details(
        commune=values.get("commune", ""),
        district=values.get("district", ""),
        province=values.get("province", ""),
        f_level=values.get("f_level", ""),
        exposure=values.get("exposure", ""),
        relative_name=values.get("relative_name", ""),
        relative_phone=values.get("relative_phone", ""),
        conditions=conditions,
        pregnant=pregnant,
        special_watch=pregnant or bool(conditions.strip()),
        notes=values.get("note", ""),
    )


def _new_person(values: dict[str, str]) -> NewPerson:
    return NewPerson(
        name=values.get("name", ""),
        sex=values.get("sex", ""),
        born=values.get("born", ""),
        id_number=values.get("id_number", ""),
        phone=values.get("phone", ""),
        address=_address(values),
        household=values.get("household", ""),
        doses=_doses(values.get("doses", "")),
        last_dose_on=values.get("last_dose_on", ""),
    )


def _address(values: dict[str, str]) -> str:
    """The address line, with the commune, district and province of their own columns added when missing."""
    parts = [values.get("address", "")]
    for key in ("commune", "district", "province"):
        part = values.get(key, "")
        if part and fold(part) not in fold(", ".join(parts)):
            parts.append(part)
    return ", ".join(p for p in parts if p)


def _doses(text: str) -> str:
    """The number of doses in "2", "2 mũi", "Đã tiêm 2 mũi"; no number ("chưa tiêm") is 0; two numbers stay
    as written for the check to reject."""
    numbers: list[str] = _NUMBER.findall(text)
    if len(numbers) == 1:
        return numbers[0]
    return text if numbers else "0"


def _not_twice_in_file(
    checked: CheckedPerson,
    row: int,
    by_id: dict[str, int],
    by_name: dict[tuple[str, int], list[tuple[int, CheckedPerson]]],
) -> None:
    if checked.id_number:
        if checked.id_number in by_id:
            raise InvalidInput(
                "id_number", "duplicate_in_file", checked.id_number, row=by_id[checked.id_number]
            )
        by_id[checked.id_number] = row
    key = (fold(checked.full_name), checked.birth_year)
    for earlier_row, earlier in by_name.get(key, []):
        if _same_person(earlier, checked.sex.value, checked.id_number, checked.phone, checked.address):
            raise InvalidInput("name", "duplicate_in_file", checked.full_name, row=earlier_row)
    by_name.setdefault(key, []).append((row, checked))


def _same_person(
    known: CheckedPerson | Person, sex: str, id_number: str | None, phone: str | None, address: str | None
) -> bool:
    """Same name and birth year (already compared) and nothing that tells them apart."""
    known_sex = known.sex.value if isinstance(known, CheckedPerson) else known.sex
    if known_sex != sex:
        return False
    for mine, theirs in ((id_number, known.id_number), (phone, known.phone)):
        if mine and theirs and mine != theirs:
            return False
    return not (address and known.address and fold(address) != fold(known.address))


def _describe(exc: InvalidInput, lang: str) -> str:
    from quarantine_desk.messages import describe

    return describe(exc, lang)


# --- matching and writing ----------------------------------------------------------------------------------------


def _match(
    session: Session,
    desk: Desk,
    good: list[_Good],
    matched: list[Match],
    rejected: list[Rejected],
    update_existing: bool,
    lang: str,
    *,
    write: bool,
) -> list[_Good]:
    """Sorts the checked rows into new people, matches (filled in when asked) and conflicts; one query a batch."""
    new: list[_Good] = []
    for start in range(0, len(good), BATCH):
        batch = good[start : start + BATCH]
        ids = {g.person.id_number for g in batch if g.person.id_number}
        # The (name, year) pairs themselves, not every name with every year: a list of common names and fifty
        # birth years would otherwise match a good part of a province's records.
        named = {(g.person.full_name, g.person.birth_year) for g in batch}
        # The (name's sort key, year) pairs, looked up in the index on the two (the name is not indexed); the keys
        # and the years apart would match most people of common names. PostgreSQL looks up a list of pairs;
        # SQLite would read such a list by scanning the table, and is given the pairs as one JSON array instead,
        # read as a table (``json_each``) and joined to the index.
        pairs = sorted({(g.key, g.person.birth_year) for g in batch}, key=str)
        if desk.dialect == "postgresql":
            by_name = tuple_(Person.sort_key, Person.birth_year).in_(pairs)
        else:
            each = func.json_each(json.dumps(pairs)).table_valued("value")
            by_name = Person.id.in_(
                select(Person.id)
                .select_from(each)
                .join(
                    Person,
                    and_(
                        Person.sort_key == func.json_extract(each.c.value, "$[0]"),
                        Person.birth_year == func.json_extract(each.c.value, "$[1]"),
                    ),
                )
            )
        # One query a batch: the people of these ID numbers or these names and years, with their open stay
        found = (
            session.execute(
                select(Person, Stay.id)
                .outerjoin(Stay, and_(Stay.person_id == Person.id, Stay.released_at.is_(None)))
                .where(
                    or_(Person.id_number.in_(ids), by_name),
                    # Exactly the names and years of the batch (the key is shared by names differing in case).
                    or_(Person.id_number.in_(ids), tuple_(Person.full_name, Person.birth_year).in_(named)),
                )
            )
            .tuples()
            .all()
            if batch
            else []
        )
        known = [p for p, _ in found]
        staying = {p.id for p, stay in found if stay is not None}
        known_by_id = {p.id_number: p for p in known if p.id_number}
        known_by_name: dict[tuple[str, int | None], list[Person]] = {}
        for p in known:
            known_by_name.setdefault((fold(p.full_name), p.birth_year), []).append(p)
        for g in batch:
            c = g.person
            person: Person | None = None
            by = "id_number"
            if c.id_number and c.id_number in known_by_id:
                person = known_by_id[c.id_number]
                if fold(person.full_name) != g.folded:
                    error = InvalidInput("id_number", "belongs_to_other", c.id_number, name=person.full_name)
                    rejected.append(Rejected(g.row, "id_number", error.reason, _describe(error, lang)))
                    continue
            else:
                by = "name_born"
                for candidate in known_by_name.get((g.folded, c.birth_year), []):
                    if _same_person(candidate, c.sex.value, c.id_number, c.phone, c.address):
                        person = candidate
                        break
            if person is None:
                new.append(g)
                continue
            filled = _fill(
                session, desk, person, c, g.details, write=write and update_existing, known_ids=known_by_id
            )
            matched.append(Match(g.row, person.id, person.full_name, by, person.id in staying, filled))
    return new


def _fill(
    session: Session,
    desk: Desk,
    person: Person,
    c: CheckedPerson,
    details: dict[str, object],
    *,
    write: bool,
    known_ids: dict[str, Person],
) -> tuple[str, ...]:
    """The empty fields of ``person`` that the row can fill; filled in (and audited) when ``write``."""
    changes: dict[str, Any] = {}
    if c.id_number and not person.id_number and c.id_number not in known_ids:
        taken = session.scalar(select(Person.id).where(Person.id_number == c.id_number))
        if taken is None:
            changes["id_number"] = c.id_number
            changes["id_kind"] = c.id_kind
    if c.phone and not person.phone:
        changes["phone"] = c.phone
    if c.address and not person.address:
        changes["address"] = c.address
    if c.household and person.household_id is None:
        changes["household"] = c.household
    if c.birth_date and not person.birth_date and person.birth_year == c.birth_year:
        changes["birth_date"] = c.birth_date
    if c.doses and not person.doses:
        changes["doses"] = c.doses
    if c.last_dose_on and not person.last_dose_on:
        changes["last_dose_on"] = c.last_dose_on
    for field, value in details.items():
        if value and not getattr(person, field):
            changes[field] = value
    if not write or not changes:
        return tuple(k for k in changes if k != "id_kind")
    before = {k: (getattr(person, k) if k != "household" else None) for k in changes}
    for key, value in changes.items():
        if key == "household":
            person.household = _households(session, {value: c.address})[value]
        else:
            setattr(person, key, value)
    person.version = (person.version or 1) + 1  # an editor open on the older record will be refused
    session.flush()
    if "id_number" in changes or "phone" in changes:
        session.execute(delete(PersonToken).where(PersonToken.person_id == person.id))
        index_people(session, [(person.id, person.full_name, person.id_number, person.phone)])
    audit.record(
        session, desk, "person.update", "person", person.id, before=before, after=changes, source="import"
    )
    return tuple(k for k in changes if k != "id_kind")


def _households(session: Session, codes: dict[str, str | None]) -> dict[str, Household]:
    """The households of these codes, those not yet known created (with the first address given)."""
    if not codes:
        return {}
    found = {h.code: h for h in session.scalars(select(Household).where(Household.code.in_(codes)))}
    missing = [Household(code=code, address=address) for code, address in codes.items() if code not in found]
    if missing:
        session.add_all(missing)
        session.flush()
        found.update({h.code: h for h in missing})
    return found


def _insert(session: Session, desk: Desk, new: Sequence[_Good]) -> None:
    """The new people and their search words in two bulk writes (COPY on PostgreSQL)."""
    if not new:
        return
    codes: dict[str, str | None] = {}
    for g in new:
        if g.person.household:
            codes.setdefault(g.person.household, g.person.address)
    households = {code: h.id for code, h in _households(session, codes).items()}
    now = desk.now()
    rows = [
        {
            "full_name": c.full_name,
            "sex": c.sex.value,
            "birth_year": c.birth_year,
            "birth_date": c.birth_date,
            "id_number": c.id_number,
            "id_kind": c.id_kind,
            "phone": c.phone,
            "address": c.address,
            "household_id": households.get(c.household) if c.household else None,
            "doses": c.doses,
            "last_dose_on": c.last_dose_on,
            "recovered_on": c.recovered_on,
            "pre_registered": True,
            "sort_key": g.key,
            "created_at": now,
            **g.details,
        }
        for g, c in ((g, g.person) for g in new)
    ]
    # Core statements, not the ORM's bulk insert: the ORM's bookkeeping per row doubles the time of a long list.
    connection = session.connection()
    wrote(session, "person", "person_token")  # written on the connection, past the session
    if connection.dialect.name == "postgresql":
        # Numbers taken from the sequence first, then COPY: psycopg parses a multi-row INSERT of this size slowly
        ids = (
            connection.execute(
                text("SELECT nextval(pg_get_serial_sequence('person', 'id')) FROM generate_series(1, :n)"),
                {"n": len(rows)},
            )
            .scalars()
            .all()
        )
        columns = ["id", *rows[0]]
        _copy(connection, "person", columns, ([i, *r.values()] for i, r in zip(ids, rows, strict=True)))
        tokens = _tokens(ids, new)
        _copy(
            connection,
            "person_token",
            ["person_id", "token", "sort_key"],
            ([t["person_id"], t["token"], t["sort_key"]] for t in tokens),
        )
    else:
        # SQLite: the numbers after the highest, given with the rows (what SQLite itself would give them; the
        # transaction holds the one write lock), so the rows go in as one executemany with no RETURNING.
        first = (connection.execute(select(func.max(Person.id))).scalar() or 0) + 1
        ids = list(range(first, first + len(rows)))
        connection.execute(insert(Person), [{"id": i, **r} for i, r in zip(ids, rows, strict=True)])
        connection.execute(insert(PersonToken), _tokens(ids, new))


def _tokens(ids: Sequence[int], new: Sequence[_Good]) -> list[dict[str, Any]]:
    return [
        {"person_id": person_id, "token": token, "sort_key": g.key}
        for person_id, g in zip(ids, new, strict=True)
        for token in g.tokens
    ]


def _copy(connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL's COPY FROM STDIN, inside the session's transaction."""
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()
