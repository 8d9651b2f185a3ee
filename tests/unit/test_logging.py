"""The log keeps no secret and no personal data: password hashes, keys, SQL parameters and the values a database
error echoes, ID and phone numbers (the last 3 digits stay), the text someone searched for; and its size is
bounded by rotation."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from quarantine_desk import logging_setup
from quarantine_desk.domain.errors import InvalidInput, NotFound
from quarantine_desk.logging_setup import redact

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$2hhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"


def test_a_password_hash_is_hidden() -> None:
    assert redact(f"hash {HASH} end") == "hash $argon2[hash] end"
    assert redact(f"('{HASH}', 'x')") == "('$argon2[hash]', 'x')"


def test_id_and_phone_numbers_keep_their_last_three_digits() -> None:
    assert redact("CCCD 001085000111, CMND 123456789, ĐT 0905123456") == (
        "CCCD *********111, CMND ******789, ĐT *******456"
    )
    assert redact("hộ chiếu C1234567") == "hộ chiếu C****567"


def test_times_counts_and_addresses_are_left_alone() -> None:
    text = "at 2021-08-01 09:00:00, 1234567 rows, 127.0.0.1:5432, 0.42 s, id 1000000000000"
    assert redact(text) == text


def test_keys_and_chain_hashes_are_hidden() -> None:
    assert redact("key " + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08") == "key [hex]"


def test_what_a_database_error_echoes_is_hidden() -> None:
    error = (
        '(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint "uq_person_id_number"\n'
        "DETAIL:  Key (id_number)=(001085000111) already exists.\n"
        "[SQL: INSERT INTO person (full_name, id_number) VALUES (%(full_name)s, %(id_number)s)]\n"
        "[parameters: {'full_name': 'Nguyễn Văn An', 'id_number': '001085000111'}]\n"
        "(Background on this error at: https://sqlalche.me/e/20/gkpj)"
    )
    shown = redact(error)
    assert "Nguyễn" not in shown and "001085000111" not in shown
    assert (
        "Key (id_number)=(…)" in shown and "[parameters: …]" in shown and "[SQL: INSERT INTO person" in shown
    )
    assert redact("Failing row contains (7, Nguyễn Văn An, M).") == "Failing row contains (…)."
    assert (
        redact('invalid input syntax for type integer: "Nguyễn"')
        == 'invalid input syntax for type integer: "…"'
    )


def test_a_typed_error_logs_its_codes_not_what_was_typed() -> None:
    err = NotFound("person", "Nguyễn Văn An")
    assert "Nguyễn" not in str(err) and "Nguyễn" not in repr(err)
    assert "not_found" in str(err) and "'kind': 'person'" in str(err)
    bad = InvalidInput("id_number", "bad_format", "00108500011X")
    assert "00108500011X" not in str(bad) and "id_number" in str(bad) and "bad_format" in str(bad)


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = logging_setup.configure(folder=tmp_path, max_bytes=20_000, backups=2)
    assert path is not None
    yield path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, logging_setup._OURS, False)]:
        root.removeHandler(handler)
        handler.close()


def test_the_file_holds_the_redacted_lines_and_tracebacks(log_file: Path) -> None:
    log = logging.getLogger("quarantine_desk.test")
    log.info("searched for %s", "001085000111")
    try:
        raise ValueError(f"[SQL: UPDATE app_user]\n[parameters: ('{HASH}', 'Nguyễn Văn An')]")
    except ValueError:
        log.exception("unexpected error")
    text = log_file.read_text(encoding="utf-8")
    assert "searched for *********111" in text and "Traceback" in text
    assert "$argon2id$" not in text and "Nguyễn" not in text and "001085000111" not in text


def test_the_log_is_bounded(log_file: Path) -> None:
    log = logging.getLogger("quarantine_desk.test")
    for n in range(2_000):
        log.info("line %d %s", n, "x" * 80)
    files = list(log_file.parent.glob("quarantine-desk.log*"))
    assert len(files) == 3  # the file and 2 older ones
    assert sum(f.stat().st_size for f in files) <= 3 * 20_000


def test_configured_twice_writes_each_line_once(tmp_path: Path, log_file: Path) -> None:
    again = logging_setup.configure(folder=log_file.parent, max_bytes=20_000, backups=2)
    logging.getLogger("quarantine_desk.test").info("once")
    assert again is not None and again.read_text(encoding="utf-8").count("once") == 1
