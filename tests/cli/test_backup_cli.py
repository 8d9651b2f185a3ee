"""Backups from the command line: encrypted with a passphrase from the environment, listed, restored."""

from __future__ import annotations

import stat

from tests.cli.test_cli import qd, setup_facility  # noqa: F401  (the fixture)


def test_encrypted_backup_and_restore(qd, tmp_path, monkeypatch):  # noqa: F811
    setup_facility(qd)
    out = tmp_path / "sao-luu.qdb"
    code, result = qd("backup", "--out", str(out), "--passphrase-env", "QD_BACKUP_PASS")
    assert code == 2
    assert result["error"] == "invalid_input" and "QD_BACKUP_PASS" in result["message"]
    assert not out.exists()
    monkeypatch.setenv("QD_BACKUP_PASS", "một mật khẩu đủ dài")
    code, result = qd("backup", "--out", str(out), "--passphrase-env", "QD_BACKUP_PASS")
    assert code == 0 and result["encrypted"] is True
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    code, result = qd("restore", str(out))
    assert code == 6 and result["error"] == "bad_file" and "--passphrase-env" in result["message"]
    monkeypatch.setenv("QD_WRONG", "không phải mật khẩu này")
    code, result = qd("restore", str(out), "--passphrase-env", "QD_WRONG")
    assert code == 6 and "mật khẩu sao lưu không đúng" in result["message"]
    assert qd("facility", "add", "F02", "Khu sau")[0] == 0
    code, result = qd("restore", str(out), "--passphrase-env", "QD_BACKUP_PASS")
    assert code == 0
    assert [f["code"] for f in qd("facility", "list")[1]] == ["F01"]


def test_backup_list_shows_the_copy_made_before_a_restore(qd, tmp_path):  # noqa: F811
    setup_facility(qd)
    assert qd("backup", "list") == (0, [])
    qd("backup", "--out", str(tmp_path / "b.sqlite3"))
    assert qd("restore", str(tmp_path / "b.sqlite3"))[0] == 0
    code, listed = qd("backup", "list")
    assert code == 0 and [b["kind"] for b in listed] == ["before-restore"]
    assert listed[0]["encrypted"] is False and listed[0]["bytes"] > 0
    code, text = qd("backup", "list", as_json=False)
    assert "trước khi khôi phục" in text
    assert qd("backup")[0] == 2  # neither --out nor list


def test_backup_to_a_folder_or_a_missing_folder(qd, tmp_path):  # noqa: F811
    for out in (tmp_path, tmp_path / "không-có" / "b.sqlite3"):
        code, result = qd("backup", "--out", str(out))
        assert code == 6 and result["error"] == "bad_file", result
        assert "Traceback" not in result["message"]
