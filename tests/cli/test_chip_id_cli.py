"""The chip ID's QR text on the command line: `person add --qr`, and `people search` given the whole text."""

from __future__ import annotations

import json

from tests.cli.test_import_cli import qd  # noqa: F401  (the fixture)
from tests.unit.test_chip_id import SON


def test_person_add_from_the_qr_text_and_search_by_it(qd, tmp_path):  # noqa: F811
    code, out, _ = qd("--json", "person", "add", "--qr", SON, "--phone", "0905111222")
    assert code == 0, out
    added = json.loads(out)
    assert (added["name"], added["born"], added["sex"], added["id_number"]) == (
        "Nguyễn Văn Sơn",
        "1985-03-15",
        "M",
        "062085000111",
    )
    code, out, _ = qd("--json", "people", "search", SON)
    assert code == 0
    assert [(p["person"], p["phone"]) for p in json.loads(out)] == [(added["person"], "0905111222")]
    code, out, _ = qd("--json", "person", "add", "--qr", SON)
    assert code == 3, out  # the same card twice: refused, nobody added
    code, out, _ = qd("--json", "people", "search", "nguyen van son")
    assert len(json.loads(out)) == 1


def test_malformed_qr_text_is_a_sentence_and_adds_nobody(qd):  # noqa: F811
    code, out, err = qd("person", "add", "--qr", SON.replace("|Nam|", "|Nữ|"))
    assert code == 2
    assert "không khớp với giới tính" in err and "Traceback" not in err
    code, out, err = qd("person", "add", "--qr", "062085000111|233123456|Nguyễn Văn Sơn")
    assert code == 2
    assert "Mã QR trên CCCD" in err and "có 3 phần ngăn bởi dấu |, cần 7" in err
    code, out, err = qd("person", "add", "--qr", SON, "--name", "Khác")
    assert code == 2 and "--name: đã có trong mã QR" in err
    code, out, _ = qd("--json", "people", "search", "son")
    assert json.loads(out) == []
