"""The logistics commands: stock list, receive, issue, add-item, movements, distribute; meal counts."""

from __future__ import annotations

from tests.cli import test_cli
from tests.cli.test_cli import add, setup_facility

qd = test_cli.qd  # the same fixture: a fresh database, commands run in-process


def with_item(qd) -> None:  # type: ignore[no-untyped-def]
    setup_facility(qd)
    code, out = qd(
        "stock", "add-item", "F01", "test-nhanh", "Test nhanh kháng nguyên", "--unit", "hộp", "--min", "100"
    )
    assert code == 0, out
    assert out["code"] == "TEST-NHANH"


def test_stock_list_json_shape(qd) -> None:  # type: ignore[no-untyped-def]
    with_item(qd)
    assert qd("stock", "receive", "F01", "TEST-NHANH", "40", "--reason", "Sở Y tế cấp")[0] == 0
    code, rows = qd("stock", "F01")
    assert code == 0
    assert rows == [
        {
            "code": "TEST-NHANH",
            "name": "Test nhanh kháng nguyên",
            "unit": "hộp",
            "quantity": 40,
            "min_stock": 100,
            "low": True,
            "days_left": None,
        }
    ]
    assert qd("stock", "list", "F01")[1] == rows


def test_issue_and_its_refusal(qd) -> None:  # type: ignore[no-untyped-def]
    with_item(qd)
    qd("stock", "receive", "F01", "TEST-NHANH", "40")
    code, out = qd("stock", "issue", "F01", "TEST-NHANH", "15", "--reason", "Xét nghiệm ngày 7")
    assert code == 0 and out["stock"] == 25 and out["quantity"] == -15
    code, out = qd("stock", "issue", "F01", "TEST-NHANH", "26")
    assert code == 2
    assert out["error"] == "invalid_input"
    assert out["message"] == "Số lượng (“26”) lớn hơn số còn trong kho (25 hộp)."
    code, text = qd("stock", "movements", "F01", "TEST-NHANH", as_json=False)
    assert code == 0 and "còn 25" in text and "Xét nghiệm ngày 7" in text


def test_text_output_marks_low_items(qd) -> None:  # type: ignore[no-untyped-def]
    with_item(qd)
    code, text = qd("stock", "F01", as_json=False)
    assert code == 0 and "DƯỚI MỨC TỐI THIỂU" in text


def test_exit_codes(qd) -> None:  # type: ignore[no-untyped-def]
    with_item(qd)
    assert qd("stock", "issue", "F01", "KHONG-CO", "1")[0] == 4
    assert qd("stock", "F99")[0] == 4
    assert qd("stock", "add-item", "F01", "TEST-NHANH", "Trùng", "--unit", "hộp")[0] == 3
    assert qd("stock", "receive", "F01", "TEST-NHANH", "nhiều")[0] == 2
    assert qd("stock")[0] == 2


def test_distribute_relief_goods(qd) -> None:  # type: ignore[no-untyped-def]
    setup_facility(qd)
    qd("stock", "add-item", "F01", "MI-TOM", "Mì tôm", "--unit", "thùng")
    qd("stock", "receive", "F01", "MI-TOM", "10")
    for name in ("Nguyễn Văn An", "Trần Văn Bình", "Lê Văn Cường"):
        person = add(qd, name)
        assert qd("admit", str(person), "--facility", "F01", "--cohort", "Nhóm 1")[0] == 0
    code, plan = qd("stock", "distribute", "F01", "MI-TOM", "10", "--dry-run")
    assert code == 0 and not plan["recorded"]
    assert (plan["per_person"], plan["distributed"], plan["remainder"]) == (3, 9, 1)
    assert qd("stock", "F01")[1][0]["quantity"] == 10
    code, done = qd("stock", "distribute", "F01", "MI-TOM", "10", "--reason", "Hàng cứu trợ")
    assert code == 0 and done["recorded"]
    assert qd("stock", "F01")[1][0]["quantity"] == 1


def test_meal_counts_and_records(qd, tmp_path) -> None:  # type: ignore[no-untyped-def]
    setup_facility(qd)
    person = add(qd, "Nguyễn Văn An")
    qd("admit", str(person), "--facility", "F01", "--cohort", "Nhóm 1", "--room", "101", "--at", "2021-08-01T10:59")
    assert qd("person", "edit", str(person), "--diet", "chay")[0] == 0
    code, out = qd("meals", "F01", "--date", "2021-08-01", "--staff", "4")
    assert code == 0
    # admitted at 10:59: no breakfast at 06:30, lunch at 11:00 and dinner at 17:00
    assert [(m["meal"], m["at"], m["people"], m["staff"], m["total"]) for m in out] == [
        ("breakfast", "2021-08-01T06:30:00", 0, 4, 4),
        ("lunch", "2021-08-01T11:00:00", 1, 4, 5),
        ("dinner", "2021-08-01T17:00:00", 1, 4, 5),
    ]
    assert out[1]["by_diet"] == {"regular": 0, "vegetarian": 1, "child": 0, "soft": 0, "special": 0}
    assert out[1]["by_zone"] == {"Tầng 1": 1} and out[0]["by_zone"] == {}
    assert qd("meals", "record", "F01", "lunch", "1", "--date", "2021-08-01")[0] == 0
    assert qd("meals", "record", "F01", "lunch", "4", "--diners", "staff", "--date", "2021-08-01")[0] == 0
    lunch = qd("meals", "counts", "F01", "--date", "2021-08-01")[1][1]
    assert (lunch["served_quarantined"], lunch["served_staff"]) == (1, 4)
    assert qd("meals", "F01", "--date", "hôm qua")[0] == 2
    code, text = qd("meals", "F01", "--date", "2021-08-01", as_json=False)
    assert code == 0 and "Bữa trưa" in text and "11:00" in text
    code, times = qd("meals", "times", "F01", "--lunch", "11:30", "--cutoff", "14:00")
    assert code == 0 and (times["lunch"], times["cutoff"]) == ("11:30", "14:00")
    assert qd("meals", "times", "F01", "--lunch", "5:00")[0] == 2
    sheet = tmp_path / "bep.xlsx"
    code, made = qd("meals", "sheet", "F01", "--date", "2021-08-02", "--out", str(sheet))
    assert code == 0 and sheet.exists() and made["changed_after_cutoff"] is False
