"""`import people` on the command line: the mapping printed first, the exit codes a script relies on, the
rejected rows saved beside the list, progress on the terminal."""

from __future__ import annotations

import json

import pytest

from quarantine_desk import cli
from tests.exports.commune_lists import moh_form, rows_xlsx
from tests.helpers import ADMIN_PASSWORD, sqlite_copy


@pytest.fixture
def qd(template_db, tmp_path, monkeypatch, capsys):
    """Run a command as the administrator on a fresh SQLite file; returns (exit code, stdout, stderr)."""
    url = sqlite_copy(template_db, tmp_path / "cli.sqlite3")  # what `init --admin admin` makes, made once
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)
    capsys.readouterr()

    def run(*args: str):
        code = cli.run(["--db", url, "--user", "admin", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_the_mapping_comes_first_and_a_clean_list_exits_0(qd, tmp_path):
    code, out, _ = qd("import", "people", str(moh_form(tmp_path / "f1.xlsx")))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "Dòng tiêu đề: 12–13"
    assert "Cột B → Họ và tên đệm (ghép với Tên thành Họ và tên)  («Họ và tên / Họ và tên đệm»)" in lines
    assert any(line.startswith("Cột D → Năm sinh của nam") for line in lines)
    assert lines.index("Cột F → Số CCCD/CMND/hộ chiếu  («Số CCCD/CMND»)") < len(lines) - 1
    assert "Cột J → Ghi chú  («Ghi chú»)" in lines
    assert "Bỏ qua các dòng không phải người (chữ ký, tổng cộng, ghi chú): 14, 20, 22, 23, 24, 27." in lines
    assert lines[-1] == "Đã nhập: 4 người mới, 0 người đã có, 0 dòng bị từ chối."
    code, out, _ = qd("import", "people", str(tmp_path / "f1.xlsx"))
    assert code == 0
    assert "Dòng 16: đã có Trần Thị Thu Hà (số 2, cùng họ tên và năm sinh); không thêm lần nữa." in out
    assert out.splitlines()[-1] == "Đã nhập: 0 người mới, 4 người đã có, 0 dòng bị từ chối."
    code, out, _ = qd("--json", "people", "search", "ha mon")
    assert code == 0


def test_rejected_rows_exit_3_and_go_back_beside_the_list(qd, tmp_path):
    path = rows_xlsx(
        tmp_path / "f1.xlsx",
        [["Họ và tên", "Năm sinh", "Giới tính"], ["Mai Văn Đúng", 1990, "Nam"], ["Mai Văn Sai", 2990, "Nam"]],
    )
    code, out, _ = qd("import", "people", str(path), "--dry-run")
    assert code == 3
    assert "Dòng 3: Năm sinh / ngày sinh (“2990”)" in out
    assert f"Các dòng bị từ chối (kèm lý do) đã lưu vào {tmp_path / 'f1_tu_choi.xlsx'}." in out
    assert (tmp_path / "f1_tu_choi.xlsx").exists()
    code, out, _ = qd("--json", "import", "people", str(path))
    result = json.loads(out)
    assert code == 3
    assert (result["accepted"], result["rejected"][0]["row"]) == (1, 3)
    assert result["found"][0] == {"letter": "A", "header": "Họ và tên", "role": "name"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("none.xlsx", None, "không tồn tại"),
        (
            "f1.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            "tệp .xls (Excel 97–2003): hãy lưu lại thành .xlsx",
        ),
        ("f1.xlsx", "header", "không tìm thấy dòng tiêu đề có cột Họ và tên trong 30 dòng đầu"),
    ],
)
def test_unreadable_files_exit_6_with_a_sentence(qd, tmp_path, name, content, message):
    path = tmp_path / name
    if content == "header":
        rows_xlsx(path, [["Năm sinh", "Giới tính"], [1990, "Nam"]])
    elif content is not None:
        path.write_bytes(content)
    code, out, err = qd("import", "people", str(path))
    assert code == 6
    assert message in err
    assert "Traceback" not in err + out


def test_a_long_list_prints_a_line_every_500_rows(qd, tmp_path):
    rows: list[list[object]] = [["Họ và tên", "Năm sinh", "Giới tính", "SĐT"]]
    rows += [["Phan Văn Long", 1950 + n % 50, "Nam", f"09{n:08d}"] for n in range(1200)]
    code, out, err = qd("import", "people", str(rows_xlsx(tmp_path / "f1.xlsx", rows)))
    assert code == 0, out
    assert err.splitlines() == ["… 500/1200 dòng", "… 1000/1200 dòng", "… 1200/1200 dòng"]
    assert out.splitlines()[-1] == "Đã nhập: 1200 người mới, 0 người đã có, 0 dòng bị từ chối."


def test_update_existing_on_the_command_line(qd, tmp_path):
    code, out, _ = qd("--json", "person", "add", "--name", "Tạ Văn Cũ", "--sex", "M", "--born", "1970")
    assert code == 0, out
    path = rows_xlsx(
        tmp_path / "f1.xlsx",
        [["Họ và tên", "Năm sinh", "Giới tính", "SĐT"], ["Tạ Văn Cũ", 1970, "Nam", "0905123123"]],
    )
    code, out, _ = qd("import", "people", str(path))
    assert "có thể bổ sung (--update-existing): Số điện thoại." in out
    code, out, _ = qd("import", "people", str(path), "--update-existing")
    assert code == 0
    assert "đã bổ sung: Số điện thoại." in out
    assert out.splitlines()[-1].endswith("1 người được bổ sung thông tin.")
    code, out, _ = qd("--json", "people", "search", "0905123123")
    assert [p["name"] for p in json.loads(out)] == ["Tạ Văn Cũ"]


def test_export_handover_and_not_arrived(qd, tmp_path):
    assert qd("facility", "add", "F01", "Khu cách ly Trường Quân sự", "--province", "Kon Tum")[0] == 0
    assert qd("room", "add", "F01", "Tầng 1", "101", "--beds", "2")[0] == 0
    path = rows_xlsx(
        tmp_path / "f1.xlsx",
        [
            ["Họ và tên", "Năm sinh", "Giới tính", "CCCD", "Địa chỉ"],
            ["Hà Văn Về", 1985, "Nam", "062085000111", "Thôn 1, Hà Mòn, Đắk Hà, Kon Tum"],
            ["Hà Văn Chưa", 1986, "Nam", "062086000222", "Thôn 2, Hà Mòn, Đắk Hà, Kon Tum"],
        ],
    )
    assert qd("import", "people", str(path))[0] == 0
    assert qd("admit", "062085000111", "--facility", "F01", "--cohort", "F1 Hà Mòn")[0] == 0
    code, out, _ = qd("release", "062085000111", "--override", "Về cách ly tại nhà theo chỉ đạo")
    assert code == 0, out
    code, out, _ = qd(
        "--json", "export", "handover", "F01", "--commune", "Hà Mòn", "--out", str(tmp_path / "bg.xlsx")
    )
    assert code == 0, out
    assert (json.loads(out)["people"], json.loads(out)["communes"]) == (1, ["Hà Mòn"])
    code, out, _ = qd("export", "not-arrived", "--days", "0", "--out", str(tmp_path / "chua-den.pdf"))
    assert code == 0, out
    assert "1 người" in out and (tmp_path / "chua-den.pdf").exists()
    code, out, err = qd("export", "handover", "F01", "--out", str(tmp_path / "bg.doc"))
    assert code == 6 and "Traceback" not in err


def test_person_edit_sets_the_record_fields(qd):
    code, out, _ = qd("--json", "person", "add", "--name", "Hồ Văn Ba", "--sex", "M", "--born", "1960")
    assert code == 0, out
    code, out, _ = qd(
        "--json",
        "person",
        "edit",
        str(json.loads(out)["person"]),
        "--commune",
        "Hà Mòn",
        "--f-level",
        "F2",
        "--relative-phone",
        "0905000000",
        "--conditions",
        "Tiểu đường",
        "--watch",
        "--notes",
        "ăn chay",
    )
    assert code == 0, out
    edited = json.loads(out)
    assert (edited["commune"], edited["f_level"], edited["special_watch"], edited["pregnant"]) == (
        "Hà Mòn",
        "f2",
        True,
        False,
    )
    code, out, err = qd("person", "edit", str(edited["person"]), "--f-level", "F9")
    assert code == 2 and "Phân loại F" in err and "Traceback" not in err
