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
