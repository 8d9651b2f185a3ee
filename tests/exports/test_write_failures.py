"""A file that cannot be written is named, and leaves nothing behind: a full disk, a folder without write
permission, a read-only drive. (Simulated: the tests run with the rights to write anywhere.)"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from quarantine_desk.domain.errors import BadFile
from quarantine_desk.exports import common
from quarantine_desk.exports.common import atomic_output, write_error


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSPC, "no_space"), (errno.EACCES, "not_writable"), (errno.EROFS, "read_only")],
)
def test_a_failed_write_is_named_and_leaves_the_old_file_alone(tmp_path, monkeypatch, code, reason):
    target = tmp_path / "ds.xlsx"
    target.write_bytes(b"the list of yesterday")

    def full(*_args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(common.os, "replace", full)
    with pytest.raises(BadFile) as info, atomic_output(target) as temp:
        temp.write_bytes(b"half a list")
    assert info.value.reason == reason and info.value.exit_code == 6 and info.value.path == str(target)
    assert target.read_bytes() == b"the list of yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["ds.xlsx"]


def test_a_folder_that_refuses_new_files(tmp_path, monkeypatch):
    real_open = os.open

    def refused(path: object, *args: object) -> int:
        if str(path).endswith(".part"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(common.os, "open", refused)
    with pytest.raises(BadFile) as info, atomic_output(tmp_path / "ds.pdf"):
        pass
    assert info.value.reason == "not_writable"
    assert list(tmp_path.iterdir()) == []


def test_every_write_error_has_a_sentence():
    from quarantine_desk.messages import FILE_REASONS

    for code in (errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR, errno.ENOENT, errno.EIO):
        reason = write_error(Path("x.xlsx"), OSError(code, "")).reason
        assert reason in FILE_REASONS["vi"] and reason in FILE_REASONS["en"]
