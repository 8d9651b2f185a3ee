"""Every error a person can meet has a sentence of its own, in Vietnamese and in English."""

from __future__ import annotations

import re
from datetime import date

import pytest

from quarantine_desk.domain import errors as e
from quarantine_desk.messages import describe

OPTIONS = (e.RoomOption("102", "Tầng 1", 3),)
SAMPLES = [
    e.InvalidInput("beds", "out_of_range", 0, minimum=1, maximum=50),
    e.BadFile("f1.xlsx", "encrypted"),
    e.Cancelled(),
    e.NotFound("facility", "F09"),
    e.AlreadyExists("facility", "F01"),
    e.IdNumberTaken("001085000111", "Tran Van Nam", 1985, "F01", "101"),
    e.IdNumberTaken("001085000111", "Tran Van Nam", None),
    e.NotAllowed("admit", "viewer"),
    e.LoginFailed("admin", 3),
    e.AccountLocked("admin", 5),
    e.LoginRequired(),
    e.DatabaseUnavailable("sqlite:///x", "not_sqlite"),
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
]
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
FALLBACK = "Đã xảy ra lỗi; chi tiết trong nhật ký."


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
