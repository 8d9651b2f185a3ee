"""The document commands: dates as people write them, the path and size of every document written, and a
reader that closes the pipe early (``… | head``) ends the command quietly."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from datetime import date, datetime

import pytest

from quarantine_desk import cli
from quarantine_desk.cli.args import parse_at, parse_date
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.messages import describe
from tests.helpers import ADMIN_PASSWORD, sqlite_copy


@pytest.fixture
def qd(template_db, tmp_path, monkeypatch, capsys):
    """A command on a fresh SQLite database with one facility and two people admitted on 1 August 2021."""
    url = sqlite_copy(template_db, tmp_path / "cli.sqlite3")  # what `init --admin admin` makes, made once
    monkeypatch.setenv("QUARANTINE_DESK_PASSWORD", ADMIN_PASSWORD)

    def run(*args: str, as_json: bool = True):
        capsys.readouterr()
        prefix = ["--db", url, "--user", "admin"] + (["--json"] if as_json else [])
        code = cli.run(prefix + list(args))
        captured = capsys.readouterr()
        return code, (json.loads(captured.out) if as_json and captured.out.strip() else captured)

    assert run("facility", "add", "F01", "Khu cách ly Trường Quân sự", "--province", "Kon Tum")[0] == 0
    assert run("room", "add", "F01", "Tầng 1", "101", "--beds", "4")[0] == 0
    for name in ("Nguyễn Văn An", "Trần Văn Bình"):
        code, out = run("person", "add", "--name", name, "--sex", "M", "--born", "1990")
        assert code == 0
        assert (
            run(
                "admit", str(out["person"]), "--facility", "F01", "--cohort", "Đợt 1", "--at", "1/8/2021 8:00"
            )[0]
            == 0
        )
    return run


@pytest.mark.parametrize("text", ["2021-08-01", "01/08/2021", "1/8/2021", " 1/8/2021 "])
def test_dates_as_people_write_them(text: str) -> None:
    assert parse_date(text) == date(2021, 8, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-08-01T08:05", datetime(2021, 8, 1, 8, 5)),
        ("2021-08-01 08:05", datetime(2021, 8, 1, 8, 5)),
        ("01/08/2021 08:05", datetime(2021, 8, 1, 8, 5)),
        ("1/8/2021 8:05", datetime(2021, 8, 1, 8, 5)),
        ("1/8/2021", datetime(2021, 8, 1)),
    ],
)
def test_times_as_people_write_them(text: str, expected: datetime) -> None:
    assert parse_at(text) == expected


@pytest.mark.parametrize(
    "text", ["32/08/2021", "1/13/2021", "2021-13-01", "hôm qua", "1/8/21", "1/8/2021 8:00"]
)
def test_a_bad_date_names_the_formats(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(text)
    assert "2021-08-01, 01/08/2021 hoặc 1/8/2021" in describe(caught.value, "vi")
    assert "2021-08-01, 01/08/2021 or 1/8/2021" in describe(caught.value, "en")


def test_the_command_line_takes_day_first_dates_and_explains_a_bad_one(qd, tmp_path) -> None:
    code, out = qd("roster", "F01", "--date", "2/8/2021")
    assert code == 0 and len(out) == 2
    code, out = qd("export", "roster", "F01", "--out", str(tmp_path / "ds.xlsx"), "--date", "08/32/2021")
    assert code == 2 and "01/08/2021" in out["message"] and not (tmp_path / "ds.xlsx").exists()


@pytest.mark.parametrize("suffix", [".xlsx", ".pdf"])
def test_export_roster_says_what_it_wrote(qd, tmp_path, suffix) -> None:
    path = tmp_path / f"ds{suffix}"
    code, out = qd("export", "roster", "F01", "--out", str(path), "--date", "02/08/2021")
    assert code == 0
    assert out["file"] == str(path) and out["bytes"] == path.stat().st_size > 0
    assert (out.get("rows"), out.get("pages")) == ((2, None) if suffix == ".xlsx" else (None, 1))
    code, captured = qd("export", "roster", "F01", "--out", str(path), "--date", "2021-08-02", as_json=False)
    assert code == 0 and str(path) in captured.out


@pytest.mark.parametrize(
    ("suffix", "key", "value"), [(".xlsx", "rows", 1), (".json", "rows", 1), (".pdf", "pages", 1)]
)
def test_daily_report_says_what_it_wrote(qd, tmp_path, suffix, key, value) -> None:
    path = tmp_path / f"bc{suffix}"
    code, out = qd("report", "daily", "--facility", "F01", "--date", "1/8/2021", "--out", str(path))
    assert code == 0 and out["file"] == str(path) and out[key] == value
    assert out["bytes"] == path.stat().st_size


def test_a_closed_pipe_ends_the_command_quietly(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env = {**os.environ, "QUARANTINE_DESK_PASSWORD": ADMIN_PASSWORD}
    command = [sys.executable, "-m", "quarantine_desk", "--db", url, "--json", "init", "--admin", "admin"]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None
    child.stdout.close()  # as `head` does once it has read enough
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()


def test_a_certificate_checked_anywhere_with_only_the_public_key(qd, tmp_path, monkeypatch) -> None:
    for day in ("1/8/2021 9:00", "07/08/2021 09:00", "2021-08-14T09:00"):  # the tests of days 1, 7, 14
        assert qd("test", "1", "--kind", "rapid", "--result", "negative", "--at", day)[0] == 0
    code, out = qd("release", "1", "--at", "15/08/2021 09:00")
    assert code == 0, out
    gxn = tmp_path / "gxn.pdf"
    code, cert = qd("certificate", "1", "--out", str(gxn))
    assert code == 0 and cert["file"] == str(gxn) and cert["pages"] == 1 and cert["bytes"] > 0
    assert cert["number"].endswith("/GXN-F01") and cert["qr"].startswith("QDC1|" + cert["number"] + "|")
    key = tmp_path / "F01.key"
    code, out = qd("facility", "key", "export", "F01", "--out", str(key))
    assert code == 0 and out["file"] == str(key) and "PUBLIC KEY" in key.read_text()

    # another PC: no database, no login; the default database must not even be created
    nowhere = tmp_path / "no-such-folder" / "db.sqlite3"
    monkeypatch.setenv("QUARANTINE_DESK_DB", f"sqlite:///{nowhere}")
    monkeypatch.delenv("QUARANTINE_DESK_PASSWORD")

    def run_verify(text: str, *more: str) -> tuple[int, dict]:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = cli.run(["--json", "verify", text, *more])
        return code, json.loads(buffer.getvalue())

    code, out = run_verify(cert["qr"], "--key", str(key))
    assert code == 0, out
    assert out["valid"] is True and out["number"] == cert["number"] and out["name"] == "Nguyễn Văn An"
    assert (out["facility"], out["from"], out["to"], out["outcome"]) == (
        "Khu cách ly Trường Quân sự",
        "2021-08-01",
        "2021-08-15",
        "completed",
    )
    changed = cert["qr"].replace("Nguyễn Văn An", "Nguyễn Văn Án")
    code, out = run_verify(changed, "--key", str(key))
    assert code == 3 and out["valid"] is False and out["reason"] == "bad_signature"
    code, out = run_verify(cert["qr"])
    assert code == 3 and out["reason"] == "no_key" and out["number"] == cert["number"]
    assert not nowhere.parent.exists()


def test_commitment_printed_for_a_child_names_the_guardian_and_its_signing_is_recorded(qd, tmp_path) -> None:
    from pypdf import PdfReader

    assert qd("room", "add", "F01", "Tầng 2", "201", "--beds", "4")[0] == 0
    household = ("--household", "H1")
    code, mother = qd("person", "add", "--name", "Phạm Thị Mai", "--sex", "F", "--born", "1985", *household)
    assert code == 0
    code, child = qd("person", "add", "--name", "Phạm Minh Khôi", "--sex", "M", "--born", "2014", *household)
    assert code == 0
    people = (str(mother["person"]), str(child["person"]))
    code, out = qd("admit", *people, "--facility", "F01", "--cohort", "Đợt 2")
    assert code == 0, out
    path = tmp_path / "ck.pdf"
    code, out = qd("commitment", str(child["person"]), "--out", str(path))
    assert (
        code == 0 and out["file"] == str(path) and out["pages"] == 1 and out["bytes"] == path.stat().st_size
    )
    text = PdfReader(path).pages[0].extract_text()
    assert "Phạm Thị Mai" in text and "người giám hộ" in text and "Người giám hộ" in text
    assert "Phạm Minh Khôi" in text
    code, out = qd("commitment", str(child["person"]), "--signed", "--received-by", "Y tá Lan")
    assert code == 0 and out["child"] is True
    assert (out["signed_by"], out["received_by"]) == ("Phạm Thị Mai", "Y tá Lan")
    code, out = qd("commitment", "1", "--signed")  # an adult signs for himself; the user received it
    assert code == 0 and out["signed_by"] == "Nguyễn Văn An" and out["received_by"]
    code, out = qd("commitment", "1", "--signed", "--date", "1/1/2020")
    assert code == 2 and "trước ngày vào cách ly" in out["message"]
    code, out = qd("commitment", "1")
    assert code == 2 and out["error"] == "usage"


def test_an_adults_commitment_is_signed_by_the_person(qd, tmp_path) -> None:
    from pypdf import PdfReader

    path = tmp_path / "ck.pdf"
    assert qd("commitment", "1", "--out", str(path))[0] == 0
    text = PdfReader(path).pages[0].extract_text()
    assert "Tôi tên là" in text and "Người cách ly" in text and "người giám hộ" not in text
