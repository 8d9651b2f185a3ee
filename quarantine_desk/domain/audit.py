"""What an audit event is about, read from the details it records: the person, the facility and the room, and
the words it is found by. The service stores these beside the event, so the audit log filters, searches and
counts in SQL; the window turns the codes into sentences. Also what makes the trail tamper-evident: the hash chain
over the events and the seal over each user's role and facilities."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Mapping

from quarantine_desk.domain.text import fold

PERSON_KEYS = ("person", "positive_person")


def _values(value: object) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield str(key)
            yield from _values(inner)
    elif isinstance(value, list | tuple | set):
        for inner in value:
            yield from _values(inner)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def event_person(details: Mapping[str, object]) -> int | None:
    for key in PERSON_KEYS:
        value = details.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def event_place(details: Mapping[str, object]) -> tuple[str | None, str | None]:
    """The facility code and the room the event names, if it names them."""
    facility = details.get("facility")
    room = details.get("room")
    return (
        facility if isinstance(facility, str) else None,
        room if isinstance(room, str) else None,
    )


def search_words(action: str, username: str | None, details: Mapping[str, object], *names: str) -> str:
    """Every code and value of the event, folded (no diacritics, lower case), for a LIKE search: the window adds
    the codes whose shown words match what the user typed."""
    words = [action, username or "", *names, *_values(details)]
    return fold(" ".join(w for w in words if w))


# --- tamper evidence ------------------------------------------------------------------------------------------------

GENESIS = "0" * 64  # the "previous hash" of the first event of a chain


def chain_hash(
    prev_hash: str,
    seq: int,
    at: str,
    username: str | None,
    action: str,
    entity: str,
    entity_id: int | None,
    summary: str,
    person_id: int | None,
    facility: str | None,
    room: str | None,
) -> str:
    """The hash an audit event carries: its own fields and the hash of the event before it, so that an event
    edited, removed or put in another place breaks every hash after it. ``at`` is the ISO time as stored."""
    fields = [prev_hash, seq, at, username, action, entity, entity_id, summary, person_id, facility, room]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def user_seal(
    key: str, user_id: int, username: str, role: str, active: bool, facility_ids: Iterable[int]
) -> str:
    """An HMAC over what a user may do (role, whether active, which facilities; none for the district), keyed by
    the database's own secret: a role or a facility changed by hand in the database no longer matches it."""
    facilities = ",".join(str(i) for i in sorted(facility_ids)) or "district"
    message = f"{user_id}|{username}|{role}|{int(active)}|{facilities}"
    return hmac.new(bytes.fromhex(key), message.encode("utf-8"), hashlib.sha256).hexdigest()
