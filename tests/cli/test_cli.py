"""The command line: the stay commands with --json and their exit codes, run in-process for speed."""

from __future__ import annotations

import json

import pytest

from quarantine_desk import cli
from tests.helpers import ADMIN_PASSWORD, sqlite_copy


@pytest.fixture
def qd(template_db, tmp_path, monkeypatch, capsys):
    """Run a command on a fresh SQLite database as the administrator; returns (exit code, parsed JSON or text)."""
    url = sqlite_copy(template_db, tmp_path / "cli.sqlite3")  # what `init --admin admin` makes, made once
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)
    capsys.readouterr()

    def run(*args: str, as_json: bool = True):
        prefix = ["--db", url, "--user", "admin"] + (["--json"] if as_json else [])
        code = cli.run(prefix + list(args))
        out = capsys.readouterr().out
        return code, (json.loads(out) if as_json and out.strip() else out)

    return run


def setup_facility(qd) -> None:
    assert qd("facility", "add", "F01", "Khu cách ly Trường Quân sự", "--district", "Đắk Hà")[0] == 0
    assert qd("room", "add", "F01", "Tầng 1", "101-102", "--beds", "2", "--sex", "M")[0] == 0
    assert qd("room", "add", "F01", "Tầng 2", "201", "--beds", "4")[0] == 0


def add(qd, name: str, sex: str = "M", *extra: str) -> int:
    code, out = qd("person", "add", "--name", name, "--sex", sex, "--born", "1990", *extra)
    assert code == 0, out
    return out["person"]


def test_rooms_json_shape(qd):
    setup_facility(qd)
    code, rooms = qd("rooms", "F01")
    assert code == 0
    assert rooms[0] == {
        "zone": "Tầng 1",
        "room": "101",
        "beds": 2,
        "occupants": 0,
        "state": "ready",
        "cohort": None,
        "sex": "M",
        "days_to_release": None,
        "disinfected_at": None,
        "special_watch": 0,
    }


def test_admit_with_and_without_room(qd):
    setup_facility(qd)
    a = add(qd, "Nguyễn Văn An", "M", "--id-number", "062090000123")
    code, out = qd(
        "admit", "062090000123", "--facility", "F01", "--cohort", "F1 chợ Đầm", "--at", "2021-08-01T08:00"
    )
    assert code == 0
    assert set(out) >= {"stay", "person", "room", "bed", "cohort", "planned_release", "test_days"}
    assert out["person"] == a and out["planned_release"] == "2021-08-15"
    assert out["test_days"] == ["2021-08-01", "2021-08-07", "2021-08-14"]
    b = add(qd, "Trần Văn Bình")
    code, out = qd(
        "admit",
        str(b),
        "--facility",
        "F01",
        "--cohort",
        "F1 khác",
        "--room",
        out["room"],
        "--at",
        "2021-08-01T09:00",
    )
    assert code == 3
    assert out["error"] == "room_cohort_conflict" and out["rule"] == "R2"
    assert "F1 chợ Đầm" in out["message"]


def test_roster_and_search(qd):
    setup_facility(qd)
    pid = add(qd, "Nguyễn Thị Hường", "F")
    qd("admit", str(pid), "--facility", "F01", "--cohort", "Nhóm 1", "--at", "2021-08-01T08:00")
    code, found = qd("people", "search", "nguyen thi huong")
    assert code == 0 and found[0]["name"] == "Nguyễn Thị Hường" and found[0]["person"] == pid
    code, roster = qd("roster", "F01", "--date", "2021-08-02")
    assert code == 0
    assert roster[0]["name"] == "Nguyễn Thị Hường" and roster[0]["room"] == "201"
    assert set(roster[0]) >= {
        "person",
        "id_number",
        "name",
        "sex",
        "room",
        "bed",
        "cohort",
        "admitted_at",
        "planned_release",
    }


def test_positive_transfer_release_disinfect(qd):
    setup_facility(qd)
    a = add(qd, "Nguyễn Văn An")
    b = add(qd, "Lê Văn Bảo")
    qd("admit", str(a), str(b), "--facility", "F01", "--cohort", "Nhóm 1", "--at", "2021-08-01T08:00")
    code, out = qd("test", str(a), "--kind", "pcr", "--result", "positive", "--at", "2021-08-03T08:00")
    assert code == 0 and out["room_closed"] == "101" and out["roommates_restarted"] == [b]
    code, rooms = qd("rooms", "F01")
    assert rooms[0]["state"] == "closed"
    assert qd("transfer", str(a), "--to", "Bệnh viện tỉnh", "--at", "2021-08-03T10:00")[0] == 0
    code, out = qd("release", str(b), "--at", "2021-08-05T08:00")
    assert code == 3 and out["rule"] == "R6"
    assert qd("release", str(b), "--at", "2021-08-05T08:00", "--override", "Có chỉ đạo của huyện")[0] == 0
    assert qd("rooms", "F01")[1][0]["state"] == "awaiting_disinfection"
    assert qd("disinfect", "F01", "101")[0] == 0
    assert qd("rooms", "F01")[1][0]["state"] == "ready"


def test_exit_codes(qd, monkeypatch):
    setup_facility(qd)
    assert qd("room", "add", "F01", "X", "301", "--beds", "0")[0] == 2
    assert qd("room", "add", "F01", "X", "301", "--beds", "500")[0] == 2
    assert qd("facility", "add", "F01", "Trùng mã")[0] == 3
    assert qd("admit", "999", "--facility", "F01", "--cohort", "x")[0] == 4
    assert qd("rooms", "F99")[0] == 4
    code, out = qd("admit", "--facility", "F01")
    assert code == 2 and out["error"] == "usage"
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", "sai-mat-khau")
    code, out = qd("rooms", "F01")
    assert code == 5 and out["error"] == "login_failed"


def test_text_output_is_vietnamese(qd):
    setup_facility(qd)
    code, text = qd("rooms", "F01", as_json=False)
    assert code == 0 and "Phòng" in text and "sẵn sàng" in text


def test_unreachable_database_is_a_sentence(capsys):
    code = cli.run(["--db", "postgresql://nobody@127.0.0.1:1/x", "--user", "admin", "rooms", "F01"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Không mở được cơ sở dữ liệu" in err and "Traceback" not in err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        cli.run(["--version"])
    assert info.value.code == 0
    assert "quarantine-desk" in capsys.readouterr().out


def test_backup_and_restore_commands(qd, tmp_path):
    setup_facility(qd)
    code, out = qd("backup", "--out", str(tmp_path / "bk.sqlite3"))
    assert code == 0 and out["rows"]["room"] == 3
    assert qd("facility", "add", "F02", "Khu thêm")[0] == 0
    code, out = qd("restore", str(tmp_path / "bk.sqlite3"))
    assert code == 0
    assert [f["code"] for f in qd("facility", "list")[1]] == ["F01"]
    (tmp_path / "junk.sqlite3").write_text("không phải")
    code, out = qd("restore", str(tmp_path / "junk.sqlite3"))
    assert code == 6 and out["error"] == "bad_file"


def test_report_merge_refuses_a_typed_over_report_unless_forced(qd, tmp_path):
    import openpyxl

    from quarantine_desk.exports.xlsx import write_daily_report_xlsx
    from tests.exports.export_samples import daily_report

    one = write_daily_report_xlsx(daily_report("F01"), tmp_path / "f01.xlsx")
    two = write_daily_report_xlsx(daily_report("F02"), tmp_path / "f02.xlsx")
    wb = openpyxl.load_workbook(two)
    wb["Báo cáo"]["G8"] = 12
    wb.save(two)
    code, out = qd("report", "merge", str(one), str(two), "--out", str(tmp_path / "tong.xlsx"))
    assert code == 6 and out["error"] == "bad_file"
    assert "F02" in out["message"] and "G8" in out["message"] and str(two) in out["message"]
    assert not (tmp_path / "tong.xlsx").exists()
    code, out = qd("report", "merge", str(one), str(two), "--out", str(tmp_path / "tong.pdf"), "--force")
    assert code == 0 and list(out["marked"]) == ["F02"] and "G8" in out["marked"]["F02"][0]
