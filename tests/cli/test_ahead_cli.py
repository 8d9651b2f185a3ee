"""The look-ahead commands: stock kit, stock forecast."""

from __future__ import annotations

from tests.cli import test_cli
from tests.cli.test_cli import setup_facility

qd = test_cli.qd  # the same fixture: a fresh database, commands run in-process


def test_stock_forecast_json_shape(qd) -> None:  # type: ignore[no-untyped-def]
    setup_facility(qd)
    assert qd("stock", "add-item", "F01", "TN", "Test nhanh", "--unit", "test")[0] == 0
    code, out = qd("stock", "kit", "F01", "TN", "--kind", "rapid", "--pack", "25")
    assert code == 0 and out == {"code": "TN", "name": "Test nhanh", "kit_kind": "rapid", "pack_size": 25}
    assert qd("stock", "receive", "F01", "TN", "1")[0] == 0
    code, out = qd("stock", "forecast", "F01", "--days", "3")
    assert code == 0, out
    assert len(out["days"]) == 3
    first = out["days"][0]
    assert set(first) >= {"date", "tests_due", "kits_left"}
    assert set(first["tests_due"]) == {"rapid", "pcr"} and set(first["kits_left"]) == {"rapid", "pcr"}
    assert first["kits_left"]["pcr"] is None  # no PCR kit item
    assert out["shortfall_on"] is None  # nobody stays: no test due
    code, text = qd("stock", "forecast", "F01", as_json=False)
    assert code == 0 and "Đủ kit cho cả giai đoạn." in text and "Chưa chọn vật tư làm kit RT-PCR" in text


def test_stock_forecast_bad_days_and_bad_kind(qd) -> None:  # type: ignore[no-untyped-def]
    setup_facility(qd)
    code, out = qd("stock", "forecast", "F01", "--days", "0")
    assert code == 2 and out["error"] == "invalid_input"
    assert qd("stock", "kit", "F01", "KHONG-CO", "--kind", "rapid")[0] == 4


def test_stock_report_and_request_files(qd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    setup_facility(qd)
    qd("stock", "add-item", "F01", "GAO", "Gạo", "--unit", "kg", "--min", "50")
    qd("stock", "receive", "F01", "GAO", "30", "--at", "2021-08-01T08:00")
    out_file = tmp_path / "kho.xlsx"
    code, out = qd(
        "stock", "report", "F01", "--from", "1/8/2021", "--to", "31/8/2021", "--out", str(out_file)
    )
    assert code == 0, out
    assert out["file"] == str(out_file) and out["rows"] == 1 and out_file.exists()
    code, out = qd("stock", "request", "F01", "--out", str(tmp_path / "de-nghi.pdf"))
    assert code == 0 and out["items"] == 1 and out["pages"] == 1  # 20 kg short of the minimum
    code, out = qd(
        "stock", "report", "F01", "--from", "31/8/2021", "--to", "1/8/2021", "--out", str(out_file)
    )
    assert code == 2 and out["error"] == "invalid_input"
    code, out = qd("stock", "report", "F01", "--from", "1/8/2021", "--to", "2/8/2021", "--out", "x.txt")
    assert code == 6


def test_capacity_json_shape(qd) -> None:  # type: ignore[no-untyped-def]
    setup_facility(qd)
    code, out = qd("capacity", "F01", "--days", "3")
    assert code == 0, out
    assert {k: out[k] for k in ("facility", "beds", "occupied", "free", "arrivals_per_day", "full_on", "over_90_on")} == {
        "facility": "F01", "beds": 8, "occupied": 0, "free": 8, "arrivals_per_day": 0.0, "full_on": None,
        "over_90_on": None,
    }  # fmt: skip
    assert len(out["days"]) == 3 and len(out["releases"]) == 14 and "Giả định" in out["assumption"]
    code, rows = qd("capacity")
    assert code == 0 and [r["facility"] for r in rows] == ["F01", "ALL"]
    code, text = qd("capacity", "F01", as_json=False)
    assert code == 0 and "8 giường" in text and "Giả định" in text
    assert qd("capacity", "F09")[0] == 4
    assert qd("capacity", "F01", "--days", "0")[0] == 2


def test_staff_tests_and_the_week_roster(qd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    setup_facility(qd)
    code, out = qd("staff", "add", "F01", "Nguyễn Văn Hùng", "--position", "Bác sĩ")
    staff = out["staff"]
    code, out = qd("staff", "schedule", "F01", "--every", "3")
    assert code == 0 and out == {"facility": "F01", "every": 3, "kind": "rapid"}
    code, out = qd("staff", "test", str(staff), "--kind", "rapid", "--result", "positive")
    assert code == 0 and out["must_quarantine"] is True and out["kit_short"] is False
    code, rows = qd("staff", "tests", "F01")
    assert code == 0 and rows[0]["must_quarantine"] is True and rows[0]["reason"] == "positive"
    assert qd("staff", "unflag", str(staff))[1] == {"staff": staff, "must_quarantine": False}
    code, out = qd("staff", "flag", str(staff), "--reason", "exposure", "--note", "F1 của ca bệnh BN123")
    assert code == 0 and out["must_quarantine"] is True
    assert qd("staff", "test", "999", "--kind", "rapid", "--result", "negative")[0] == 4
    assert qd("shifts", "plan", "F01", "--from", "2021-08-09", "--days", "7")[0] == 0
    path = tmp_path / "lich.xlsx"
    code, out = qd("shifts", "export", "F01", "--week", "2021-W32", "--out", str(path))
    assert code == 0, out
    assert (out["shifts"], out["gaps"], out["week"]) == (21, 21, "2021-W32") and path.exists()
    code, out = qd("shifts", "export", "F01", "--week", "2021-32", "--out", str(path))
    assert code == 2 and out["error"] == "invalid_input"


def test_a_document_command_says_pages_and_bytes(qd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    setup_facility(qd)
    path = tmp_path / "kho.pdf"
    code, text = qd(
        "stock", "report", "F01", "--from", "1/8/2021", "--to", "2/8/2021", "--out", str(path), as_json=False
    )
    assert code == 0 and "(1 trang, " in text and text.rstrip().endswith(" byte).")
