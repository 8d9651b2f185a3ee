"""Temporary files that may hold personal data, and the promise that none is left behind.

An export or a backup is written to a temporary file beside its target and renamed into place when whole; a
backup being encrypted passes through the private scratch folder (``scratch_dir``, owner-only) first. A failure
removes the temporary file on the spot, but a process that is killed (or loses power) cannot. So every temporary
file is first named in a journal: the data folder's ``pending`` folder holds one entry per file, named after the
process that writes it, and struck off once the file is renamed or removed. ``clean_stale()``, run at every
start, removes the files named by the entries of processes that are gone, and their scratch folders.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from quarantine_desk.resources import data_dir

log = logging.getLogger(__name__)

#: How the name of every temporary file ends, so that the journal only ever removes files of its own kind.
TEMP_SUFFIX = ".part"


def journal_dir() -> Path:
    return data_dir() / "pending"


def scratch_dir() -> Path:
    """The private scratch folder (owner-only): where a backup is put together before it is encrypted."""
    folder = data_dir() / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        folder.chmod(0o700)
    return folder


def _entry_name(pid: int) -> str:
    return f"{pid}-{secrets.token_hex(6)}"


@contextlib.contextmanager
def journaled(path: Path) -> Iterator[None]:
    """Names ``path`` in the journal while the block runs; the caller creates, renames or removes the file."""
    folder = journal_dir()
    entry: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        entry = folder / _entry_name(os.getpid())
        entry.write_text(str(Path(path).absolute()), encoding="utf-8")
    except OSError as exc:  # a read-only profile must not stop an export; only the clean-up is lost
        log.warning("temporary file %s not journaled: %s", path, exc)
        entry = None
    try:
        yield
    finally:
        if entry is not None:
            with contextlib.suppress(OSError):
                entry.unlink()


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A new owner-only folder in the scratch folder, removed with everything in it when the block ends."""
    folder = scratch_dir() / _entry_name(os.getpid())
    folder.mkdir(mode=0o700)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(name: str) -> int | None:
    head = name.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def clean_stale() -> list[Path]:
    """Removes the temporary files and scratch folders that killed processes left; returns what was removed.
    A data folder that cannot be read is left alone: the clean-up must never stop the program."""
    try:
        return _clean_stale()
    except OSError as exc:
        log.warning("temporary files not cleaned: %s", exc)
        return []


def _clean_stale() -> list[Path]:
    removed: list[Path] = []
    folder = journal_dir()
    if folder.is_dir():
        for entry in folder.iterdir():
            pid = _owner(entry.name)
            if pid is None or _alive(pid):
                continue
            with contextlib.suppress(OSError, UnicodeDecodeError):
                temp = Path(entry.read_text(encoding="utf-8").strip())
                if temp.name.endswith(TEMP_SUFFIX) and temp.is_file():
                    temp.unlink()
                    removed.append(temp)
            with contextlib.suppress(OSError):
                entry.unlink()
    scratch = data_dir() / "tmp"
    if scratch.is_dir():
        for item in scratch.iterdir():
            pid = _owner(item.name)
            if pid is not None and not _alive(pid):
                shutil.rmtree(item, ignore_errors=True)
                removed.append(item)
    if removed:
        log.warning("removed %d temporary files left by an interrupted program", len(removed))
    return removed
