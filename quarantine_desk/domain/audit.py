"""What an audit event is about, read from the details it records: the person, the facility and the room, and
the words it is found by. The service stores these beside the event, so the audit log filters, searches and
counts in SQL; the window turns the codes into sentences."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

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
