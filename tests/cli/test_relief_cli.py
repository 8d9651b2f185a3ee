"""Relief rounds, the Resolution 68 support list and the rates from the command line: JSON shapes, exit codes."""

from __future__ import annotations

from openpyxl import load_workbook

from tests.cli import test_cli
from tests.cli.test_cli import add, setup_facility

qd = test_cli.qd


def test_relief_round_give_twice_refused_pending_and_report(qd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    setup_facility(qd)
    an, binh = add(qd, "Nguyễn Văn An"), add(qd, "Trần Văn Bình")
    for pid in (an, binh):
        assert qd("admit", str(pid), "--facility", "F01", "--cohort", "Nhóm 1", "--room", "101",
                  "--at", "2021-08-01T08:00")[0] == 0  # fmt: skip
    code, text = qd("relief", "add", "F01", "Đợt 2", "--date", "2021-08-05", "--goods", "1 thùng mì", as_json=False)
    assert code == 0 and text.strip().isdigit()
    number = text.strip()
    code, given = qd("relief", "give", number, str(an), "--at", "2021-08-05T09:00")
    assert code == 0 and given["name"] == "Nguyễn Văn An" and given["goods"] == "1 thùng mì"
    code, refused = qd("relief", "give", number, str(an))
    assert code == 3 and refused["error"] == "already_handed_out"
    assert "đã nhận" in refused["message"]
    code, pending = qd("relief", "pending", number)
    assert code == 0 and pending == [{"person": binh, "name": "Trần Văn Bình", "room": "101", "household": None}]
    report = tmp_path / "dot2.xlsx"
    code, done = qd("relief", "report", number, "--out", str(report))
    assert code == 0 and (done["given"], done["not_given"]) == (1, 1)
    values = [c.value for row in load_workbook(report).active.iter_rows() for c in row]
    assert "Trần Văn Bình" in values and "BÁO CÁO PHÁT HÀNG CỨU TRỢ" in values
    assert qd("relief", "give", "999", str(an))[0] == 4
    assert qd("relief", "list", "F01")[1][0]["name"] == "Đợt 2"


def test_support_list_json_rows(qd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    setup_facility(qd)
    an = add(qd, "Nguyễn Văn An")
    assert qd("admit", str(an), "--facility", "F01", "--cohort", "Nhóm 1", "--at", "2021-08-01T08:00")[0] == 0
    assert qd("transfer", str(an), "--to", "Bệnh viện tỉnh", "--at", "2021-08-06T15:00")[0] == 0
    code, rows = qd("support-list", "F01", "--from", "2021-08-01", "--to", "2021-08-31")
    assert code == 0
    assert [{k: r[k] for k in ("person", "name", "days", "days_paid", "amount", "child_support", "outcome")}
            for r in rows] == [
        {"person": an, "name": "Nguyễn Văn An", "days": 5, "days_paid": 5, "amount": 400_000, "child_support": 0,
         "outcome": "transferred"},
    ]  # fmt: skip
    pdf = tmp_path / "nq68.pdf"
    assert qd("support-list", "F01", "--from", "2021-08-01", "--to", "2021-08-31", "--out", str(pdf))[0] == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert qd("support-list", "F01", "--from", "2021-08-31", "--to", "2021-08-01")[0] == 2
    code, rates = qd("rates", "set", "support.daily", "100000", "--from", "2021-08-01")
    assert code == 0 and rates["value"] == 100_000
    assert qd("support-list", "F01", "--from", "2021-08-01", "--to", "2021-08-31")[1][0]["amount"] == 500_000
    listed = {r["key"]: r["value"] for r in qd("rates", "list", "--date", "2021-08-02")[1]}
    assert listed["support.daily"] == 100_000 and listed["support.max_days"] == 21
    assert qd("rates", "set", "support.weekly", "1", "--from", "2021-08-01")[0] == 2
