"""A program killed half-way (kill -9, a power cut) leaves all or nothing, and no temporary file behind.

Each test runs a command in its own process with ``QUARANTINE_DESK_CRASH_AT`` naming a crash point inside the
work (``quarantine_desk.faults``): the process kills itself there with SIGKILL, at the same point every run, no
timing involved. Then the database must hold exactly what it held before (its integrity intact), and the next start
of the program must remove what the killed one left: the temporary file beside the target, the scratch folder.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quarantine_desk import cli
from quarantine_desk.resources import data_dir
from tests.exports.commune_lists import moh_form
from tests.helpers import ADMIN_PASSWORD, sqlite_copy

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="kill -9 is a POSIX signal")

TABLES = ("facility", "room", "bed", "person", "stay", "medical_test", "stock_movement")


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with the demo facility in it (20 people), made once for the module."""
    folder = tmp_path_factory.mktemp("faults-template")
    url = f"sqlite:///{folder / 'qd.sqlite3'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)
        patch.setenv("XDG_DATA_HOME", str(folder / "data"))  # not the user's profile
        patch.setenv("QUARANTINE_DESK_LOG_DIR", str(folder / "logs"))
        assert cli.run(["--db", url, "init", "--admin", "admin"]) == 0
        assert cli.run(["--db", url, "--user", "admin", "demo", "--people", "20"]) == 0
    return db_file(url)


@pytest.fixture
def database(demo_template, tmp_path, monkeypatch, capsys) -> str:
    """A copy of the demo database of its own for each test (each one kills a program writing to it)."""
    url = sqlite_copy(demo_template, tmp_path / "qd.sqlite3")
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)
    capsys.readouterr()
    return url


def db_file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def counts(url: str) -> dict[str, int]:
    """Rows of the data, and the audit events of everything but logging in (a login is audited before the work
    it was killed in, and rightly stays)."""
    with contextlib.closing(sqlite3.connect(db_file(url))) as connection:
        found = {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        found["audit_event"] = connection.execute(
            "SELECT count(*) FROM audit_event WHERE action NOT LIKE 'login%' AND action NOT LIKE 'user.login%'"
        ).fetchone()[0]
        return found


def integrity(url: str) -> str:
    with contextlib.closing(sqlite3.connect(db_file(url))) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def run(url: str, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QUARANTINE_DESK_PASSWORD": ADMIN_PASSWORD,
        "QUARANTINE_DESK_PASSPHRASE": "mật khẩu dài",
    }
    env.pop("QUARANTINE_DESK_CRASH_AT", None)
    if crash_at:
        env["QUARANTINE_DESK_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "quarantine_desk", "--db", url, "--user", "admin", "--json", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def leftovers(*folders: Path) -> list[Path]:
    """Temporary files beside the targets, and anything in the scratch folder."""
    found = [p for folder in folders for p in folder.iterdir() if p.name.endswith(".part")]
    scratch = data_dir() / "tmp"
    if scratch.is_dir():
        found += list(scratch.iterdir())
    return found


def killed(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == -signal.SIGKILL, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr


def test_kill_during_an_import_writes_nobody(database, tmp_path):
    before = counts(database)
    result = run(database, "import", "people", str(moh_form(tmp_path / "f1.xlsx")), crash_at="import")
    killed(result)
    assert integrity(database) == "ok"
    assert counts(database) == before
    done = run(database, "import", "people", str(tmp_path / "f1.xlsx"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert counts(database)["person"] == before["person"] + 4  # the same import, whole, afterwards


def test_kill_during_an_export_leaves_no_file_and_no_temporary_file(database, tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    result = run(
        database, "export", "roster", "KT01", "--out", str(out / "ds.xlsx"), crash_at="output.before_rename"
    )
    killed(result)
    assert [p.name for p in out.iterdir() if p.name.endswith(".part")], "killed before the temporary file"
    assert not (out / "ds.xlsx").exists()
    assert run(database, "facility", "list").returncode == 0  # the next start cleans up
    assert leftovers(out) == [] and list(out.iterdir()) == []
    assert integrity(database) == "ok"


def test_kill_during_a_backup_leaves_no_file_and_no_clear_copy(database, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    target = usb / "sao-luu.qdb"
    args = ("backup", "--out", str(target), "--passphrase-env", "QUARANTINE_DESK_PASSPHRASE")
    for point in ("backup", "output.before_rename"):  # while the rows are copied; while the file is written
        result = run(database, *args, crash_at=point)
        killed(result)
        assert not target.exists()
        assert leftovers(usb), f"killed at {point} before anything was written"
        assert run(database, "facility", "list").returncode == 0
        assert leftovers(usb) == [] and list(usb.iterdir()) == []
    assert integrity(database) == "ok"
    assert run(database, *args).returncode == 0 and target.exists()


def test_kill_during_a_restore_keeps_the_data_as_it_was(database, tmp_path):
    backup_file = tmp_path / "b.sqlite3"
    assert run(database, "backup", "--out", str(backup_file)).returncode == 0
    assert run(database, "facility", "add", "F02", "Khu mới").returncode == 0
    before = counts(database)
    result = run(database, "restore", str(backup_file), crash_at="restore")
    killed(result)
    assert integrity(database) == "ok"
    assert counts(database) == before  # not half the backup's rows over half the old ones
    assert run(database, "facility", "list").returncode == 0
    assert leftovers(tmp_path) == []
    done = run(database, "restore", str(backup_file))
    assert done.returncode == 0, done.stdout + done.stderr
    assert counts(database)["facility"] == before["facility"] - 1


def test_kill_during_the_demo_leaves_an_empty_database(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)
    assert cli.run(["--db", url, "init", "--admin", "admin"]) == 0
    capsys.readouterr()
    before = counts(url)
    for point in ("demo.people", "demo"):  # half-way through the people; at the very end, before the commit
        killed(run(url, "demo", "--people", "40", crash_at=point))
        assert integrity(url) == "ok"
        assert counts(url) == before
    done = run(url, "demo", "--people", "40")
    assert done.returncode == 0, done.stdout + done.stderr
    assert counts(url)["person"] == 40
