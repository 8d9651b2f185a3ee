"""The audit trail is tamper-evident: every event carries the hash of the one before it, so an event edited,
deleted or added by hand is named by the verification; on PostgreSQL the database refuses to change or delete
a chained event at all."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from quarantine_desk.domain.audit import GENESIS
from quarantine_desk.services import audit, stays
from tests.helpers import pg_desk
from tests.services.fixtures import AUG1, facility, person

NAMES = [
    "Trần Văn An",
    "Lê Thị Bình",
    "Phạm Văn Cường",
    "Hoàng Thị Dung",
    "Vũ Văn Giang",
    "Đỗ Thị Hà",
    "Bùi Văn Khánh",
    "Ngô Thị Lan",
]


def _history(desk) -> list[int]:  # type: ignore[no-untyped-def]
    facility(desk)
    people = [person(desk, name, id_number=f"00108500{i:04d}") for i, name in enumerate(NAMES[:3])]
    stays.admit(desk, people[0], "F01", "Nhóm A", room="101", at=AUG1)
    return people


def _chain(desk) -> list[tuple[int, int, str, str]]:  # type: ignore[no-untyped-def]
    with desk.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(text("SELECT id, seq, prev_hash, hash FROM audit_event ORDER BY seq"))
        ]


def _by_hand(desk, sql: str, **params: object) -> None:  # type: ignore[no-untyped-def]
    """What someone with the database's password could do, around the program (and, on PostgreSQL, around the
    trigger: a superuser can switch it off)."""
    with desk.engine.begin() as conn:
        if desk.dialect == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        conn.execute(text(sql), params)
        if desk.dialect == "postgresql":
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))


def test_every_event_is_chained_to_the_one_before(desk):
    _history(desk)
    chain = _chain(desk)
    assert len(chain) >= 5
    assert chain[0][2] == GENESIS or chain[0][1] > 1
    for before, after in zip(chain, chain[1:], strict=False):
        assert after[1] == before[1] + 1 and after[2] == before[3]
    assert audit.verify(desk) == []


def test_an_event_edited_by_hand_is_found(desk):
    _history(desk)
    victim = _chain(desk)[2]
    _by_hand(desk, "UPDATE audit_event SET username = 'ai-do' WHERE id = :id", id=victim[0])
    problems = audit.verify(desk)
    assert [p.problem for p in problems] == ["audit_event_edited"]
    assert problems[0].where.startswith(f"#{victim[1]} (id {victim[0]}")


def test_an_event_deleted_by_hand_is_found(desk):
    _history(desk)
    victim = _chain(desk)[2]
    _by_hand(desk, "DELETE FROM audit_event WHERE id = :id", id=victim[0])
    problems = audit.verify(desk)
    assert [p.problem for p in problems] == ["audit_event_missing"]
    assert problems[0].where.startswith(f"#{victim[1] + 1} ")


def test_the_last_event_deleted_by_hand_is_found(desk):
    _history(desk)
    last = _chain(desk)[-1]
    _by_hand(desk, "DELETE FROM audit_event WHERE id = :id", id=last[0])
    assert [p.problem for p in audit.verify(desk)] == ["audit_chain_head"]


def test_an_event_slipped_in_by_hand_is_found(desk):
    _history(desk)
    _by_hand(
        desk,
        "INSERT INTO audit_event (at, username, action, entity, summary, search) "
        "VALUES ('2021-08-01 09:00:00', 'admin', 'stay.release', 'stay', '{}', '')",
    )
    assert [p.problem for p in audit.verify(desk)] == ["audit_event_unchained"]


def test_a_rolled_back_transaction_leaves_no_event_and_no_gap(desk):
    _history(desk)
    before = _chain(desk)
    with pytest.raises(RuntimeError), desk.write(None) as session:
        audit.record(session, desk, "test.nothing", "stay", None)
        raise RuntimeError("stop")
    facility(desk, "F02")
    after = _chain(desk)
    assert after[: len(before)] == before and after[len(before)][1] == before[-1][1] + 1
    assert audit.verify(desk) == []


def test_postgresql_refuses_to_change_or_delete_a_chained_event(pg_url, clock):
    desk = pg_desk(pg_url, clock)
    _history(desk)
    victim = _chain(desk)[1][0]
    for sql in (
        "UPDATE audit_event SET username = 'ai-do' WHERE id = :id",
        "DELETE FROM audit_event WHERE id = :id",
    ):
        with (
            pytest.raises(DBAPIError, match="audit events cannot be changed or deleted"),
            desk.engine.begin() as conn,
        ):
            conn.execute(text(sql), {"id": victim})
    assert audit.verify(desk) == []
    desk.close()


def test_pcs_writing_at_once_never_fork_the_chain(desk):
    """Eight writers at once: each transaction chains its events under the head's lock, so the chain stays one
    line (no two events with the same place or the same previous hash)."""
    facility(desk)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(5):
                person(desk, f"{NAMES[n]} {NAMES[i].split()[-1]}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    chain = _chain(desk)
    assert len({c[2] for c in chain}) == len(chain)
    assert audit.verify(desk) == []


def test_check_names_what_was_changed_by_hand(desk):
    """The invariant checker (``quarantine-desk check``) includes the chain and the users' seals."""
    from quarantine_desk.services import check

    _history(desk)
    assert check.check(desk) == []
    victim = _chain(desk)[2]
    _by_hand(desk, "UPDATE audit_event SET username = 'ai-do' WHERE id = :id", id=victim[0])
    with desk.engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET role = 'manager' WHERE username = 'admin'"))
    found = {(p.problem, p.where.split(" ")[0]) for p in check.check(desk)}
    assert found == {("audit_event_edited", f"#{victim[1]}"), ("user_seal", "admin")}


def test_every_kind_of_tampering_has_words():
    from quarantine_desk.messages import CHECK_PROBLEMS
    from quarantine_desk.services import check

    for lang in ("vi", "en"):
        assert set(check.TAMPERING) <= set(CHECK_PROBLEMS[lang])
