"""Users with their facilities, unlocking after wrong passwords, and the audit verification, from the command
line."""

from __future__ import annotations

import sqlite3

from tests.cli.test_cli import qd, setup_facility  # noqa: F401 - the fixture

PASSWORD = "mat-khau-dai-2021"


def test_user_add_needs_facilities_or_the_district(qd, monkeypatch):  # noqa: F811
    setup_facility(qd)
    monkeypatch.setenv("QUARANTINE_DESK_NEW_PASSWORD", PASSWORD)
    assert qd("user", "add", "ql1", "--role", "manager")[0] == 2
    assert qd("user", "add", "ql1", "--role", "manager", "--facility", "F01", "--district")[0] == 2
    code, row = qd("user", "add", "ql1", "--role", "manager", "--facility", "f01")
    assert code == 0 and row["facilities"] == ["F01"]
    code, row = qd("user", "add", "huyen1", "--role", "viewer", "--district")
    assert code == 0 and row["facilities"] == []
    code, out = qd("user", "add", "ql2", "--role", "manager", "--facility", "F99")
    assert code == 4 and out["error"] == "not_found"
    code, row = qd("user", "set", "ql1", "--district")
    assert code == 0 and row["facilities"] == []
    code, rows = qd("user", "list")
    assert {r["username"]: r["facilities"] for r in rows} == {"admin": [], "huyen1": [], "ql1": []}


def test_user_unlock_lifts_the_wait(qd, monkeypatch, tmp_path, capsys):  # noqa: F811
    monkeypatch.setenv("QUARANTINE_DESK_NEW_PASSWORD", PASSWORD)
    assert qd("user", "add", "yte1", "--role", "medical", "--district")[0] == 0
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    from quarantine_desk import cli

    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", "sai-mat-khau")
    for _ in range(3):
        assert cli.run(["--db", url, "--user", "yte1", "--json", "rooms", "F01"]) == 5
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", PASSWORD)
    assert cli.run(["--db", url, "--user", "yte1", "--json", "facility", "list"]) == 5  # must wait now
    assert '"login_slowed_down"' in capsys.readouterr().out
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", "mật-khẩu-quản-trị")
    code, out = qd("user", "unlock", "yte1")
    assert code == 0 and out == {"user": "yte1", "sources": 1}
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", PASSWORD)
    assert cli.run(["--db", url, "--user", "yte1", "--json", "facility", "list"]) == 0


def test_audit_verify_names_what_was_changed_by_hand(qd, tmp_path):  # noqa: F811
    setup_facility(qd)
    assert qd("audit", "verify") == (0, [])
    with sqlite3.connect(tmp_path / "cli.sqlite3") as conn:
        conn.execute("UPDATE audit_event SET username = 'ai-do' WHERE seq = 2")
        conn.execute("UPDATE app_user SET role = 'viewer' WHERE username = 'admin'")
    code, problems = qd("audit", "verify")
    # The administrator's own row was changed: the login is refused before anything else.
    assert code == 5 and problems["error"] == "account_tampered"
    with sqlite3.connect(tmp_path / "cli.sqlite3") as conn:
        conn.execute("UPDATE app_user SET role = 'admin' WHERE username = 'admin'")
    code, problems = qd("audit", "verify")
    assert code == 3
    assert [p["problem"] for p in problems] == ["audit_event_edited"]
    code, text = qd("audit", "verify", as_json=False)
    assert code == 3 and "Sự kiện nhật ký bị sửa: #2" in text
