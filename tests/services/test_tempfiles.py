"""The journal of temporary files: what a killed process left is removed at the next start, what a running one
is writing is not."""

from __future__ import annotations

import os
import subprocess
import sys

from quarantine_desk import tempfiles


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_leftovers_of_a_dead_process_are_removed_and_a_living_ones_kept(tmp_path):
    folder = tempfiles.journal_dir()
    folder.mkdir(parents=True)
    dead, alive = _dead_pid(), os.getpid()
    for pid, name in ((dead, ".ds.1a2b.xlsx.part"), (alive, ".bc.3c4d.pdf.part")):
        (tmp_path / name).write_bytes(b"personal data")
        (folder / f"{pid}-entry{name[1:3]}").write_text(str(tmp_path / name), encoding="utf-8")
    scratch = tempfiles.scratch_dir()
    (scratch / f"{dead}-x").mkdir()
    (scratch / f"{dead}-x" / "backup.sqlite3").write_bytes(b"every person")
    (scratch / f"{alive}-y").mkdir()
    not_ours = tmp_path / "ds.xlsx"  # an entry naming a file that is not a temporary one is never followed
    not_ours.write_bytes(b"the finished list")
    (folder / f"{dead}-other").write_text(str(not_ours), encoding="utf-8")

    removed = tempfiles.clean_stale()
    assert sorted(p.name for p in removed) == sorted([".ds.1a2b.xlsx.part", f"{dead}-x"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [".bc.3c4d.pdf.part", "ds.xlsx"]
    assert sorted(p.name for p in scratch.iterdir()) == [f"{alive}-y"]
    assert [p.name for p in folder.iterdir()] == [f"{alive}-entrybc"]


def test_a_journaled_write_strikes_itself_off(tmp_path):
    with tempfiles.journaled(tmp_path / ".x.part"):
        assert len(list(tempfiles.journal_dir().iterdir())) == 1
    assert list(tempfiles.journal_dir().iterdir()) == []
