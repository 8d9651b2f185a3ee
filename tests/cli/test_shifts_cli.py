"""The staff and shift commands, run in-process: --json shapes, text output and exit codes."""

from __future__ import annotations

import pytest

from tests.cli.test_cli import qd  # noqa: F401 - the fixture


def setup(qd) -> dict[str, int]:  # type: ignore[no-untyped-def]  # noqa: F811
    assert qd("facility", "add", "F01", "Khu cách ly Trường Quân sự")[0] == 0
    ids = {}
    for name, position in (("Nguyễn Văn Hùng", "Bác sĩ"), ("Phạm Thị Lan", "Điều dưỡng")):
        code, out = qd("staff", "add", "F01", name, "--position", position, "--phone", "0905 123 401")
        assert code == 0, out
        ids[name] = out["staff"]
    return ids


def test_staff_add_and_list(qd) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ids = setup(qd)
    code, rows = qd("staff", "list", "F01")
    assert code == 0
    # Vietnamese name order: by the given name, so Hùng before Lan.
    assert rows[1] == {
        "staff": ids["Phạm Thị Lan"],
        "name": "Phạm Thị Lan",
        "position": "Điều dưỡng",
        "phone": "0905123401",
    }
    code, text = qd("staff", "list", "F01", as_json=False)
    assert "Nguyễn Văn Hùng\tBác sĩ" in text
    code, err = qd("staff", "add", "F01", "Lê Văn Tám", "--phone", "123")
    assert code == 2 and err["error"] == "invalid_input"
    assert "Số điện thoại" in err["message"]


def test_plan_list_assign_and_gaps(qd) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ids = setup(qd)
    code, out = qd("shifts", "plan", "F01", "--from", "2021-08-10", "--days", "2")
    assert code == 0 and out["created"] == 6 and out["existing"] == 0 and out["pattern"] == "3x8"
    code, out = qd("shifts", "plan", "F01", "--from", "2021-08-11", "--days", "1", as_json=False)
    assert code == 0 and "Đã lập 0 ca trực" in out and "3 ca đã có từ trước" in out

    code, rows = qd("shifts", "F01", "--from", "2021-08-10", "--days", "1")
    assert code == 0 and len(rows) == 3
    assert set(rows[0]) == {"shift", "name", "starts_at", "ends_at", "staff"}
    assert rows[2]["name"] == "Ca đêm" and rows[2]["starts_at"] == "2021-08-10T22:00:00"
    assert rows[2]["ends_at"] == "2021-08-11T06:00:00"

    morning = rows[0]["shift"]
    code, out = qd("shifts", "assign", "F01", str(morning), str(ids["Nguyễn Văn Hùng"]))
    assert code == 0 and [s["name"] for s in out["staff"]] == ["Nguyễn Văn Hùng"] and out["warning"] is None
    code, text = qd("shifts", "list", "F01", "--from", "2021-08-10", "--days", "1", as_json=False)
    assert "Ca sáng\t06:00 10/08/2021 – 14:00 10/08/2021\tNguyễn Văn Hùng" in text
    assert "CHƯA CÓ NGƯỜI" in text

    code, gaps = qd("shifts", "gaps", "F01", "--from", "2021-08-10", "--days", "1")
    assert code == 0
    assert [g["name"] for g in gaps["unstaffed"]] == ["Ca chiều", "Ca đêm"]
    assert gaps["uncovered"] == [
        {"from": "2021-08-10T00:00:00", "to": "2021-08-10T06:00:00", "hours": 6.0},
        {"from": "2021-08-10T14:00:00", "to": "2021-08-11T00:00:00", "hours": 10.0},
    ]
    code, text = qd("shifts", "gaps", "F01", "--from", "2021-08-10", "--days", "1", as_json=False)
    assert "Ca chưa có người (2)" in text and "14:00 10/08/2021 – 00:00 11/08/2021\t10 giờ" in text

    code, out = qd("shifts", "unassign", "F01", str(morning), str(ids["Nguyễn Văn Hùng"]))
    assert code == 0 and out["staff"] == []


def test_double_booking_exits_3(qd) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ids = setup(qd)
    qd("shifts", "plan", "F01", "--from", "2021-08-10", "--days", "1", "--pattern", "3x8")
    qd("shifts", "plan", "F01", "--from", "2021-08-10", "--days", "1", "--pattern", "2x12")
    _, rows = qd("shifts", "F01", "--from", "2021-08-10", "--days", "1")
    by_start = {r["starts_at"][11:16]: r["shift"] for r in rows}
    hung = str(ids["Nguyễn Văn Hùng"])
    assert qd("shifts", "assign", "F01", str(by_start["06:00"]), hung)[0] == 0
    code, err = qd("shifts", "assign", "F01", str(by_start["07:00"]), hung)
    assert code == 3
    assert err["error"] == "staff_double_booked" and err["rule"] is None
    assert "Ca sáng" in err["message"] and "hai ca cùng lúc" in err["message"]


def test_sixteen_hours_warning_in_text(qd) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    ids = setup(qd)
    qd("shifts", "plan", "F01", "--from", "2021-08-10", "--days", "1", "--pattern", "2x12")
    _, rows = qd("shifts", "F01", "--from", "2021-08-10", "--days", "1")
    hung = str(ids["Nguyễn Văn Hùng"])
    qd("shifts", "assign", "F01", str(rows[0]["shift"]), hung)
    code, text = qd("shifts", "assign", "F01", str(rows[1]["shift"]), hung, as_json=False)
    assert code == 0 and "trực 24 giờ trong 24 giờ" in text


@pytest.mark.parametrize(
    "args",
    [
        ("shifts", "plan", "F01", "--days", "2"),  # no --from
        ("shifts", "assign", "F01", "1"),
        ("shifts", "F01", "extra"),
        ("shifts", "plan", "F01", "--from", "2021-08-10", "--days", "2", "--pattern", "1x24"),
    ],
)
def test_usage_errors_exit_2(qd, args) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    setup(qd)
    code, err = qd(*args)
    assert code == 2 and err["error"] in ("usage", "invalid_input")


def test_not_found_exits_4(qd) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    setup(qd)
    assert qd("shifts", "assign", "F01", "999", "1")[0] == 4
    assert qd("staff", "list", "NOPE")[0] == 4
    code, err = qd("shifts", "F01", "--from", "10.08.2021")
    assert code == 2 and err["error"] == "invalid_input"
