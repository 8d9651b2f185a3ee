"""The demo from the command line: bounded, one transaction, never over existing data."""

from __future__ import annotations

from tests.cli.test_cli import qd, setup_facility  # noqa: F401  (the fixture)


def test_the_demo_is_bounded_and_never_mixed_into_real_data(qd):  # noqa: F811
    for people in ("0", "-1", "50001", "1000000000000"):
        code, result = qd("demo", "--people", people)
        assert code == 2 and "50000" in result["message"], result
    code, result = qd("demo", "--people", "12")
    assert code == 0 and result["staying"] > 0
    code, result = qd("demo")
    assert code == 3 and result["error"] == "database_not_empty"
    assert "init --admin" in result["message"]


def test_the_demo_refuses_a_database_with_a_facility(qd):  # noqa: F811
    setup_facility(qd)
    code, result = qd("demo")
    assert code == 3 and "dữ liệu mẫu chỉ được tạo trong một cơ sở dữ liệu trống" in result["message"]
    assert [f["code"] for f in qd("facility", "list")[1]] == ["F01"]
