"""Every command of the command line, given malformed arguments, answers with a message and an exit code of its
own, never exit 1 "internal" and never a traceback.

The commands and their arguments are read from the parser itself, so a command added later is tried as well.
For each command a fixed number of argument lists is drawn (a fixed seed: every run tries the same ones) from
values that go wrong in the field: empty, a NUL or another control character, a megabyte of text, negative and
huge numbers, a folder or a file in a missing folder where a file is written, a missing file where one is read,
dates that do not exist, formula text. They run in-process on a SQLite database holding the demo facility.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import random
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import String

from quarantine_desk import cli
from quarantine_desk.db.models import Base
from tests.helpers import ADMIN_PASSWORD

SEED = 2021
TRIES_PER_COMMAND = 12
MEGABYTE = "Nguyễn" * 180_000  # a little over 1 MB


def leaf_commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every command the parser knows, as its words and its own parser."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        yield path, parser
        return
    for action in subparsers:
        for name, sub in action.choices.items():
            yield from leaf_commands(sub, (*path, name))


def bad_values(folder: Path) -> list[str]:
    return [
        "",
        " ",
        "x\x00y",
        "\x1b[31m",
        MEGABYTE,
        "-1",
        "0",
        "1000000000000",
        "99999999999999999999999",
        "1e309",
        "nan",
        "abc",
        '=HYPERLINK("http://x")',
        "2021-02-30",
        "31/31/2021 25:99",
        "../../etc",
        str(folder),  # a folder where a file is meant
        str(folder / "không-có" / "x.xlsx"),  # a file in a missing folder
        str(folder / "không-có.xlsx"),  # a file that does not exist
        "KT01",
        "1",
        "A101",
        "\ud800",  # a lone surrogate
    ]


def draws(parser: argparse.ArgumentParser, rng: random.Random, values: list[str]) -> list[list[str]]:
    """Argument lists for one command: its positionals and options filled with bad values, options at random."""
    lists = []
    for _ in range(TRIES_PER_COMMAND):
        words: list[str] = []
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            choices = [str(c) for c in action.choices] if action.choices else []
            pool = values + choices * 3 + ["bogus-choice"] * bool(choices)
            if not action.option_strings:  # positional
                count = 2 if action.nargs in ("+", "*") else 1
                words += [rng.choice(pool) for _ in range(count)]
                continue
            if not action.required and rng.random() < 0.5:
                continue
            words.append(action.option_strings[-1])
            if action.nargs != 0:
                words.append(rng.choice(pool))
        lists.append(words)
    return lists


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'qd.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)
        assert cli.run(["--db", url, "init", "--admin", "admin"]) == 0
        assert cli.run(["--db", url, "--user", "admin", "demo", "--people", "30"]) == 0
    return url


def test_no_command_ends_in_an_internal_error(demo_database, tmp_path, monkeypatch, capsys, caplog):
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("QUARANTINE_DESK_NEW_PASSWORD", "mật-khẩu-mới-đủ-dài")
    monkeypatch.setattr("sys.stdin", None)
    monkeypatch.chdir(tmp_path)  # relative file names land here
    caplog.set_level(logging.ERROR)
    rng = random.Random(SEED)
    values = bad_values(tmp_path)
    commands = list(leaf_commands(cli.build_parser()))
    assert len(commands) > 40  # the walk found the commands
    tried: list[list[str]] = []
    failures: list[str] = []
    for words, parser in commands:
        for args in draws(parser, rng, values):
            argv = ["--db", demo_database, "--user", "admin", "--json", *words, *args]
            code = cli.run(argv)
            out, err = capsys.readouterr()
            tried.append(argv)
            internal = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
            caplog.clear()
            if code == 1 or "Traceback" in out + err or internal:
                failures.append(
                    f"{' '.join(words)} {[a[:40] for a in args]} -> {code} {out[:200]} {internal[:1]}"
                )
            elif out.strip():
                json.loads(out)  # --json output stays JSON, whatever went in
    assert failures == [], "\n".join(failures)
    assert len(tried) == len(commands) * TRIES_PER_COMMAND
    assert stored_text_problems(demo_database) == []


def stored_text_problems(url: str) -> list[str]:
    """Text in the database that the domain should have refused: control characters, or longer than its column."""
    problems = []
    with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String) or table.name == "audit_event":
                    continue
                for (value,) in connection.execute(f'SELECT "{column.name}" FROM "{table.name}"'):
                    if not isinstance(value, str):
                        continue
                    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
                        problems.append(f"{table.name}.{column.name}: control character in {value[:40]!r}")
                    if column.type.length and len(value) > column.type.length:
                        problems.append(f"{table.name}.{column.name}: {len(value)} characters")
    return problems


def test_malformed_global_options(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)
    for db in (
        "mysql://u:p@h/db",
        "postgresql://nobody@127.0.0.1:1/none",
        "postgresql://u:secret@h:notaport/db",
        str(tmp_path),
        "x\x00y",
        "://",
    ):
        code = cli.run(["--db", db, "--user", "admin", "--json", "rooms", "KT01"])
        out = capsys.readouterr().out
        assert code != 0 and json.loads(out)["error"] not in ("internal", "usage"), (db, code, out)
        assert "secret" not in out
    cli.run(["--db", "mysql://u:p@h/db", "--user", "admin", "rooms", "KT01"])
    assert "PostgreSQL" in capsys.readouterr().err
