"""Every error a person can meet has a sentence of its own, in Vietnamese and in English."""

from __future__ import annotations

import ast
import functools
import re
from datetime import date
from pathlib import Path

import pytest

from quarantine_desk import messages
from quarantine_desk.domain import errors as e
from quarantine_desk.domain.text import TEXT_LIMITS
from quarantine_desk.messages import describe

OPTIONS = (e.RoomOption("102", "Tầng 1", 3),)
SAMPLES = [
    e.InvalidInput("beds", "out_of_range", 0, minimum=1, maximum=50),
    e.BadFile("f1.xlsx", "encrypted"),
    e.Cancelled(),
    e.SigningKeyMissing("F01"),
    e.DatabaseNotEmpty("sqlite:///qd.sqlite3", 1, 150),
    e.NotFound("facility", "F09"),
    e.AlreadyExists("facility", "F01"),
    e.IdNumberTaken("001085000111", "Tran Van Nam", 1985, "F01", "101"),
    e.IdNumberTaken("001085000111", "Tran Van Nam", None),
    e.NotAllowed("admit", "viewer"),
    e.LoginFailed("admin"),
    e.LoginSlowedDown("admin", 40),
    e.AccountTampered("viewer1"),
    e.OutsideFacility("KT02", "manager"),
    e.LoginRequired(),
    e.DatabaseUnavailable("sqlite:///x", "not_sqlite"),
    e.DatabaseBusy("sqlite:///x"),
    e.StaleEdit("person", "Nguyen Van An"),
    e.UnsoundBackup("backup.sqlite3", [("bed_twice", "F01/101/1"), ("room_mixed_sexes", "F01/102")]),
    e.DatabaseNotInitialised("postgresql://server/db"),
    e.ConcurrentChange(),
    e.BedTaken("101", "2", OPTIONS),
    e.PersonAlreadyStaying("Nguyen Van An", "F01", "101"),
    e.RoomCohortConflict("101", "Nhom A", "Nhom B", OPTIONS),
    e.RoomSexConflict("101", "M", "F", OPTIONS),
    e.RoomAwaitingDisinfection("101", OPTIONS),
    e.RoomClosed("101"),
    e.RoomOutOfService("101"),
    e.RoomNotEmpty("101", 2),
    e.NoBedAvailable("F01", "Nhom A", 12),
    e.FacilityInactive("F01"),
    e.ReleaseNeedsOverride(
        "Nguyen Van An",
        (
            e.ReleaseProblem(e.ProblemKind.EARLY),
            e.ReleaseProblem(e.ProblemKind.MISSING_TEST, 7, date(2021, 8, 7)),
        ),
    ),
    e.NoPolicy("2020-01-01"),
    e.NoOpenStay("Nguyen Van An"),
    e.RoomCohortConflict("101", "Nhom A", "Nhom A", OPTIONS, "2021-11-24", "2021-12-01"),
    e.CohortDayConflict("Nhom A", "2021-11-24", "2021-12-01"),
    e.ChildAlone("Be Na", "101", "no_household"),
    e.ChildAlone("Be Na", "101", "no_adult", OPTIONS),
    e.ChildWouldBeLeftAlone("Nguyen Van An", "Be Na"),
    e.FacilityNotEmpty("F01", 10),
    e.DatabaseNotInitialised("sqlite:///x"),
    e.StaffDoubleBooked("Ngo Thu Ha", "Ca dem", "2021-08-11T22:00", "Ca toi", "2021-08-11T18:00"),
    e.StaffMustQuarantine("Ngo Thu Ha", "exposure"),
    e.AlreadyHandedOut("Dot 2", "Nguyen Van An", "2021-08-11T09:00", "hau.can", None),
    e.AlreadyHandedOut("Dot 2", "Nguyen Van An", "2021-08-11T09:00", None, "Tran Thi Binh"),
    e.NotEntitled("Dot 2", "Nguyen Van An"),
]
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
FALLBACK = "Đã xảy ra lỗi; chi tiết trong nhật ký."


DATABASE_PROBLEMS = (
    e.DatabaseUnavailable("postgresql://server/db", "unreachable"),
    e.DatabaseUnavailable("postgresql://server/db", "login_refused"),
    e.DatabaseUnavailable("sqlite:///x", "read_only"),
    e.DatabaseUnavailable("sqlite:///x", "disk_full"),
    e.DatabaseBusy("sqlite:///x"),
    e.DatabaseUnavailable("sqlite:///x", "damaged"),
    e.DatabaseUnavailable("sqlite:///x", "missing"),
    e.DatabaseUnavailable("sqlite:///x", "empty"),
    e.DatabaseUnavailable("sqlite:///x", "not_ours"),
    e.DatabaseUnavailable("sqlite:///x", "not_sqlite"),
)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_database_problem_reads_differently(lang):
    texts = [describe(err, lang) for err in DATABASE_PROBLEMS]
    assert len(set(texts)) == len(texts)
    generic = describe(e.DatabaseUnavailable("sqlite:///x", "no_such_reason"), lang)
    assert generic not in texts


@pytest.mark.parametrize("error", SAMPLES, ids=lambda err: err.code)
def test_each_error_has_its_own_sentence(error):
    vi = describe(error, "vi")
    en = describe(error, "en")
    assert vi and vi != FALLBACK
    assert VIETNAMESE.search(vi), vi
    assert en and not VIETNAMESE.search(en), en


def test_refusals_offer_the_rooms_that_fit():
    text = describe(e.RoomCohortConflict("101", "Nhóm A", "Nhóm B", OPTIONS))
    assert "Nhóm A" in text and "102 (3)" in text


def test_a_late_arrival_is_told_the_days_and_the_contact_way():
    text = describe(e.RoomCohortConflict("101", "Nhóm A", "Nhóm A", OPTIONS, "2021-11-24", "2021-12-01"))
    assert "24/11/2021" in text and "01/12/2021" in text and "tiếp xúc" in text and "102 (3)" in text


def _leaf_errors(cls: type[e.DeskError]) -> set[type[e.DeskError]]:
    found: set[type[e.DeskError]] = set()
    for sub in cls.__subclasses__():
        found |= _leaf_errors(sub) if sub.__subclasses__() else {sub}
    return found


def test_every_error_is_sampled_in_both_languages():
    assert {type(err) for err in SAMPLES} >= _leaf_errors(e.DeskError)


@pytest.mark.parametrize("table", ["FIELDS", "REASONS", "KINDS", "SEX", "FILE_REASONS"])
def test_every_code_of_the_catalogue_has_both_languages(table):
    catalogue = getattr(messages, table)
    assert set(catalogue) == {"vi", "en"}
    assert set(catalogue["vi"]) == set(catalogue["en"])
    assert all(catalogue["vi"].values()) and all(catalogue["en"].values())
    assert not any(VIETNAMESE.search(text) for text in catalogue["en"].values())


@functools.cache
def _program_calls() -> tuple[tuple[str, tuple[str | None, ...]], ...]:
    """Every call written in the program, as its name and its arguments that are literal strings (``None`` for
    the others), read once for all the scans below."""
    return tuple(
        (
            getattr(node.func, "id", getattr(node.func, "attr", "")),
            tuple(a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args),
        )
        for path in sorted((Path(messages.__file__).parent).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
    )


def _raised(name: str, position: int) -> set[str]:
    """The literal string at ``position`` of every ``name(...)`` in the program: codes the catalogue must know."""
    found: set[str] = set()
    for called, args in _program_calls():
        if called == name and len(args) > position and args[position] is not None:
            found.add(args[position])
    return found


def test_every_field_and_reason_the_program_raises_has_words():
    fields = _raised("InvalidInput", 0) | set(TEXT_LIMITS)
    reasons = _raised("InvalidInput", 1)
    assert {"name", "empty", "too_long", "control_character"} <= fields | reasons, "the scan found too little"
    assert fields - set(messages.FIELDS["vi"]) == set()
    assert reasons - set(messages.REASONS["vi"]) == set()


def test_every_kind_of_missing_thing_has_words():
    kinds = _raised("NotFound", 0) | _raised("AlreadyExists", 0)
    assert "person" in kinds and kinds - set(messages.KINDS["vi"]) == set()


def test_a_login_failure_says_nothing_about_whether_the_user_exists():
    assert describe(e.LoginFailed("admin"), "en") == "Wrong user name or password."
    assert describe(e.LoginFailed("admin"), "vi") == "Sai tên đăng nhập hoặc mật khẩu."


def test_a_slowed_down_login_says_how_long_to_wait():
    assert "40 giây" in describe(e.LoginSlowedDown("admin", 40), "vi")
    assert "15 minutes" in describe(e.LoginSlowedDown("admin", 900), "en")


def test_too_long_says_the_limit_in_both_languages():
    err = e.InvalidInput("unit", "too_long", "x" * 31, maximum=30)
    assert "30" in describe(err, "vi") and "30" in describe(err, "en")
