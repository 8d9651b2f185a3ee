"""``--version`` and ``--help`` answer without loading the database layer or the document libraries.

Each runs in a fresh interpreter (this one has loaded everything already) through the program's own entry point;
what matters is which modules were imported, not how long it took. The services a command area names are
registered lazily (quarantine_desk.lazy), so only the top-level libraries are looked for here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from quarantine_desk.cli import build_parser

HEAVY = ("sqlalchemy", "alembic", "reportlab", "openpyxl", "PySide6", "psycopg")

PROBE = """
import json, sys
from quarantine_desk.__main__ import main
sys.argv = ["quarantine-desk", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("\\n@@" + json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def _loaded(*args: str, tmp_path) -> tuple[str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"QUARANTINE_DESK_LOG_DIR": str(tmp_path), "PATH": "", "HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text, _, modules = done.stdout.rpartition("\n@@")
    return text, set(json.loads(modules))


@pytest.mark.parametrize(
    "args", [("--version",), ("--help",), ("admit", "--help"), ("export", "roster", "--help")]
)
def test_answers_without_the_heavy_libraries(args, tmp_path):
    text, loaded = _loaded(*args, tmp_path=tmp_path)
    assert "quarantine-desk" in text or "usage" in text.lower()
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_a_command_still_loads_what_it_needs(tmp_path):
    """The lazy modules do load when a command uses them (here: the database, to find nobody)."""
    db = tmp_path / "empty.sqlite3"
    _, loaded = _loaded("--db", f"sqlite:///{db}", "--json", "people", "search", "x", tmp_path=tmp_path)
    assert "sqlalchemy" in loaded


WINDOW_PROBE = """
import json, sys
from quarantine_desk.services.context import open_desk
import quarantine_desk.ui.app, quarantine_desk.ui.main_window
open_desk(sys.argv[1]).close()
print("\\n@@" + json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_the_window_starts_on_an_up_to_date_database_without_the_document_libraries(tmp_path):
    """Alembic is for upgrading a schema, reportlab and openpyxl for writing documents: none at start-up."""
    from quarantine_desk.services.setup import initialise

    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    desk, _ = initialise(url, "admin", "mat-khau-dai-1")
    desk.close()
    done = subprocess.run(
        [sys.executable, "-c", WINDOW_PROBE, url],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "PATH": ""},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.rpartition("\n@@")[2]))
    assert "sqlalchemy" in loaded and "PySide6" in loaded
    assert loaded.isdisjoint({"alembic", "reportlab", "openpyxl"}), sorted(
        loaded & {"alembic", "reportlab", "openpyxl"}
    )


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.extend(_parsers(sub))
    return found


def test_every_command_has_a_help_that_formats():
    # argparse expands "%" in help texts: a bare "90 %" makes `--help` of that command end in a ValueError.
    parsers = _parsers(build_parser())
    assert len(parsers) > 40
    for parser in parsers:
        assert parser.format_help()
