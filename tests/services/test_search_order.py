"""Search reads through the rarest word and stops at the people shown; what it finds, and in which order, is what
the one-statement form (``search_statement``: every match of every word, sorted) finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from quarantine_desk.db.models import Person
from quarantine_desk.services import people
from quarantine_desk.services.context import Desk
from tests.helpers import Clock, create_pg_database, drop_pg_database, pg_desk, sqlite_desk
from tests.services.fixtures import person

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng")
MIDDLE = ("Văn", "Thị", "Hữu", "Ngọc", "Minh")
GIVEN = ("An", "Hường", "Hùng", "Hương", "Huy", "Nam", "Ngân", "Nga", "Nghĩa", "Bình", "Dũng", "Hà")

QUERIES = (
    "nguyen",
    "nguyen van",
    "van nguyen",
    "thi huong",
    "huong",
    "hu",
    "h",
    "n",
    "ng",
    "nguyen ng",
    "van thi",
    "tran hung",
    "09",
    "0905",
    "0621",
    "xyz",
    "nguyen xyz",
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def crowd(request: pytest.FixtureRequest, template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Desk:
    """Two hundred people whose names share common words, some with a phone, some on the tracing lists.

    Built once per database for the module: the tests that use it only search. On PostgreSQL it has a database of
    its own, as the run's database is emptied before every test that takes ``desk``."""
    if request.param == "sqlite":
        desk = sqlite_desk(template_db, tmp_path_factory.mktemp("crowd"), Clock())
    else:
        url = create_pg_database()
        request.addfinalizer(lambda: drop_pg_database(url))
        desk = pg_desk(url, Clock())
    request.addfinalizer(desk.close)
    for i in range(200):
        name = f"{FAMILY[i % 8]} {MIDDLE[i % 5]} {GIVEN[(i * 7) % 12]}"
        born = 1950 + i % 50
        fields = {"phone": f"0905{i:06d}"} if i % 3 else {"id_number": f"062{i % 2}{born % 100:02d}{i:06d}"}
        person(desk, name, "F" if i % 2 else "M", str(born), **fields)
    with desk.write(None) as session:
        session.execute(update(Person).where(Person.id % 4 == 0).values(pre_registered=True))
    return desk


def _by_statement(desk: Desk, text: str, limit: int, pre_registered_only: bool) -> list[int]:
    statement = people.search_statement(text, limit=limit, pre_registered_only=pre_registered_only)
    with desk.read() as session:
        return [p.id for p, _code, _room in session.execute(statement).tuples()]


@pytest.mark.parametrize(
    ("rare_enough", "walked_words", "sort_at_most"),
    [(1_000, 32, 5_000), (5, 32, 5_000), (5, 2, 5_000), (5, 2, 6)],
    ids=["rare-words-sorted", "common-words-walked", "short-prefixes-sorted", "short-prefixes-people-walked"],
)
def test_same_people_in_the_same_order_as_the_one_statement(
    crowd, monkeypatch, rare_enough, walked_words, sort_at_most
):
    # Small thresholds make this crowd's words "common", so every way through the index is taken.
    monkeypatch.setattr(people, "RARE_ENOUGH", rare_enough)
    monkeypatch.setattr(people, "MAX_WALKED_WORDS", walked_words)
    monkeypatch.setattr(people, "SORT_AT_MOST", sort_at_most)
    for text in QUERIES:
        for limit in (1, 7, 50):
            for pre_registered_only in (False, True):
                expected = _by_statement(crowd, text, limit, pre_registered_only)
                found = [
                    p.id
                    for p in people.search_people(
                        crowd, text, limit=limit, pre_registered_only=pre_registered_only
                    )
                ]
                # (No number typed here is a whole ID or phone, which would come first: see below.)
                assert found == expected, (text, limit, pre_registered_only)


def test_common_words_found_and_nothing_else(crowd):
    found = people.search_people(crowd, "nguyen van")
    assert found and all("Nguyễn" in p.full_name and "Văn" in p.full_name for p in found)
    assert people.search_people(crowd, "nguyen xyz") == []


def test_an_exact_id_number_or_phone_comes_first(desk):
    first_in_order = person(desk, "Lê Thị An", "F", id_number="062190000123")  # a CCCD
    exact = person(desk, "Trần Thị Yến", "F", id_number="062190000")  # an old CMND, the CCCD's first 9 digits
    assert [p.id for p in people.search_people(desk, "062190000")] == [exact, first_in_order]
    assert [p.id for p in people.search_people(desk, "06219")] == [
        first_in_order,
        exact,
    ]  # no exact: name order
    assert [p.id for p in people.search_people(desk, "062190000123")] == [first_in_order]


def test_a_renamed_person_moves_in_the_order(desk):
    an = person(desk, "Nguyễn Văn An")
    binh = person(desk, "Nguyễn Văn Bình")
    assert [p.id for p in people.search_people(desk, "nguyen")] == [an, binh]
    people.update_person(desk, an, people.NewPerson(name="Nguyễn Văn Cường", sex="M", born="1990"))
    assert [p.id for p in people.search_people(desk, "nguyen")] == [binh, an]
