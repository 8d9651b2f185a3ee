"""Parsing of what is typed at the gate: ID numbers, phones, birth dates, sex, names; and protection status."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.people import (
    PROVINCE_CODES,
    IdKind,
    Sex,
    is_protected,
    normalise_id_number,
    parse_birth,
    parse_id_number,
    parse_name,
    parse_phone,
    parse_sex,
)

TODAY = date(2021, 9, 15)


def assert_invalid(exc: pytest.ExceptionInfo[InvalidInput], field: str, reason: str) -> None:
    assert exc.value.field == field
    assert exc.value.reason == reason


# --- province codes --------------------------------------------------------------------------------------------


def test_sixty_three_provinces() -> None:
    assert len(PROVINCE_CODES) == 63
    assert len(set(PROVINCE_CODES.values())) == 63
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("001", "Hà Nội"),
        ("079", "Hồ Chí Minh"),
        ("048", "Đà Nẵng"),
        ("096", "Cà Mau"),
        ("077", "Bà Rịa - Vũng Tàu"),
    ],
)
def test_province_names(code: str, name: str) -> None:
    assert PROVINCE_CODES[code] == name


def test_province_names_are_nfc() -> None:
    assert all(unicodedata.is_normalized("NFC", name) for name in PROVINCE_CODES.values())


# --- ID numbers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("001090012345", (IdKind.CCCD, "001090012345")),
        (" 079 190 012 345 ", (IdKind.CCCD, "079190012345")),
        ("096.185.000.111", (IdKind.CCCD, "096185000111")),
        ("123456789", (IdKind.CMND, "123456789")),
        ("012 345 678", (IdKind.CMND, "012345678")),
        ("C1234567", (IdKind.PASSPORT, "C1234567")),
        ("c1234567", (IdKind.PASSPORT, "C1234567")),
        ("B12345678", (IdKind.PASSPORT, "B12345678")),
        ("AB123456", (IdKind.PASSPORT, "AB123456")),
        ("ab 1234 5678", (IdKind.PASSPORT, "AB12345678")),
    ],
)
def test_parse_id_number(raw: str, expected: tuple[IdKind, str]) -> None:
    assert parse_id_number(raw) == expected
    assert normalise_id_number(raw) == expected[1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("001 085.000 111", "001085000111"), ("\tb1234567\n", "B1234567"), ("12-34", "12-34"), ("", "")],
)
def test_normalise_id_number(raw: str, expected: str) -> None:
    assert normalise_id_number(raw) == expected


@pytest.mark.parametrize("raw", ["003090012345", "000123456789", "097123456789", "999999999999"])
def test_cccd_with_unknown_province(raw: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_id_number(raw)
    assert_invalid(exc, "id_number", "bad_province_code")
    assert exc.value.value == raw


@pytest.mark.parametrize(
    "raw",
    [
        "12345678",  # 8 digits
        "1234567890",  # 10
        "12345678901",  # 11
        "0010900123456",  # 13
        "ABC123456",  # three letters
        "C12345",  # too few digits
        "C123456789",  # too many
        "1234567C",
        "C-1234567",
        "００１０９００１２３４５",  # full-width digits
        "Đ1234567",
    ],
)
def test_bad_id_numbers(raw: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_id_number(raw)
    assert_invalid(exc, "id_number", "bad_format")


@pytest.mark.parametrize("raw", ["", "   ", " . . "])
def test_empty_id_number(raw: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_id_number(raw)
    assert_invalid(exc, "id_number", "empty")


# --- phones ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("+84 0912 345 678", "0912345678"),
        ("(091) 234-5678", "0912345678"),
    ],
)
def test_parse_phone(raw: str, expected: str) -> None:
    assert parse_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "912345678",  # no leading zero
        "091234567",  # 9 digits
        "09123456789",  # 11 digits starting with 0
        "+85 912 345 678",  # another country
        "+1 912 345 6789",
        "8491234567",  # 84 with only 8 digits
        "849123456789",  # 84 with 10 digits not starting with 0
        "09l2345678",  # letter l for 1
        "０９１２３４５６７８",
    ],
)
def test_bad_phones(raw: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_phone(raw)
    assert_invalid(exc, "phone", "bad_format")
    assert exc.value.value == raw


# --- birth -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1980", (1980, None)),
        (" 1980 ", (1980, None)),
        ("1980-03-15", (1980, date(1980, 3, 15))),
        ("15/03/1980", (1980, date(1980, 3, 15))),
        ("5/3/1980", (1980, date(1980, 3, 5))),
        ("05/3/1980", (1980, date(1980, 3, 5))),
        ("29/02/2000", (2000, date(2000, 2, 29))),
        ("1900", (1900, None)),
        ("2021", (2021, None)),
        ("15/09/2021", (2021, TODAY)),
    ],
)
def test_parse_birth(raw: str, expected: tuple[int, date | None]) -> None:
    assert parse_birth(raw, TODAY) == expected


def test_day_comes_first() -> None:
    # 03/05 is the 3rd of May in Vietnam, never March 5th.
    assert parse_birth("03/05/1990", TODAY) == (1990, date(1990, 5, 3))


@pytest.mark.parametrize("raw", ["2022", "16/09/2021", "2021-09-16", "2030"])
def test_birth_in_future(raw: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_birth(raw, TODAY)
    assert_invalid(exc, "born", "in_future")


@pytest.mark.parametrize("raw", ["1899", "31/12/1899", "1000-01-01"])
def test_birth_too_old(raw: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_birth(raw, TODAY)
    assert_invalid(exc, "born", "too_old")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "80",
        "19800",
        "31/02/1980",
        "1980-13-01",
        "15/13/1980",
        "0/1/1980",
        "1980/03/15",
        "mười",
        "15-03/1980",
    ],
)
def test_birth_bad_format(raw: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_birth(raw, TODAY)
    assert_invalid(exc, "born", "bad_format")


# --- sex -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("M", Sex.MALE),
        ("m", Sex.MALE),
        ("nam", Sex.MALE),
        ("Nam", Sex.MALE),
        ("NAM", Sex.MALE),
        (" male ", Sex.MALE),
        ("F", Sex.FEMALE),
        ("f", Sex.FEMALE),
        ("nữ", Sex.FEMALE),
        ("Nữ", Sex.FEMALE),
        ("NỮ", Sex.FEMALE),
        (unicodedata.normalize("NFD", "Nữ"), Sex.FEMALE),
        ("nu", Sex.FEMALE),
        ("Female", Sex.FEMALE),
    ],
)
def test_parse_sex(raw: str, expected: Sex) -> None:
    assert parse_sex(raw) is expected


@pytest.mark.parametrize("raw", ["", "x", "nư", "nam nữ", "man", "woman", "1", "any"])
def test_bad_sex(raw: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_sex(raw)
    assert_invalid(exc, "sex", "bad_value")


def test_sex_values_match_the_command_line() -> None:
    assert [s.value for s in Sex] == ["M", "F"]


# --- names -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("  Trần   Thị  Bình ", "Trần Thị Bình"),
        (unicodedata.normalize("NFD", "Đặng Thị Hường"), "Đặng Thị Hường"),
        ("Jean-Pierre O'Brien", "Jean-Pierre O'Brien"),
        ("A", "A"),
    ],
)
def test_parse_name(raw: str, expected: str) -> None:
    assert parse_name(raw) == expected


def test_name_empty() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_name("  \t ")
    assert_invalid(exc, "name", "empty")


def test_name_length_limit_counts_after_normalising() -> None:
    assert len(parse_name("A" * 120)) == 120
    assert parse_name("  " + "A" * 120 + "  ") == "A" * 120
    with pytest.raises(InvalidInput) as exc:
        parse_name("A" * 121)
    assert_invalid(exc, "name", "too_long")


@pytest.mark.parametrize(
    "raw", ["Nguyễn Văn 2", "Trần Thị B1nh", "=HYPERLINK()", "An@mail", "Lê\x00An", "Tô ①"]
)
def test_name_bad_format(raw: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_name(raw)
    assert_invalid(exc, "name", "bad_format")


# --- protection (6288/BYT-MT) ----------------------------------------------------------------------------------

ON = date(2021, 9, 15)


@pytest.mark.parametrize(
    ("doses", "last_dose_on", "expected"),
    [
        (2, date(2021, 9, 1), True),  # exactly 14 days
        (2, date(2021, 9, 2), False),  # 13 days: not yet effective
        (2, date(2020, 9, 15), True),  # exactly 12 months
        (2, date(2020, 9, 14), False),  # longer ago than 12 months
        (3, date(2021, 6, 1), True),
        (1, date(2021, 6, 1), False),  # one dose is not enough
        (0, None, False),
        (2, None, False),  # doses without a date cannot be checked
        (2, date(2021, 9, 20), False),  # a date after ``on``
    ],
)
def test_protected_by_vaccination(doses: int, last_dose_on: date | None, expected: bool) -> None:
    assert is_protected(doses, last_dose_on, None, ON) is expected


@pytest.mark.parametrize(
    ("recovered_on", "expected"),
    [
        (date(2021, 3, 15), True),  # exactly 6 months
        (date(2021, 3, 14), False),
        (date(2021, 9, 15), True),
        (date(2021, 9, 16), False),  # in the future
    ],
)
def test_protected_by_recovery(recovered_on: date, expected: bool) -> None:
    assert is_protected(0, None, recovered_on, ON) is expected


def test_month_arithmetic_at_month_ends() -> None:
    # 31 August minus 6 months is 28 February (2021 is not a leap year).
    assert is_protected(0, None, date(2021, 2, 28), date(2021, 8, 31))
    assert not is_protected(0, None, date(2021, 2, 27), date(2021, 8, 31))
    # 29 February 2024 minus 12 months is 28 February 2023.
    assert is_protected(2, date(2023, 2, 28), None, date(2024, 2, 29))
    assert not is_protected(2, date(2023, 2, 27), None, date(2024, 2, 29))


def test_either_ground_is_enough() -> None:
    assert is_protected(1, date(2021, 9, 10), date(2021, 8, 1), ON)
    assert not is_protected(1, date(2021, 9, 10), date(2020, 8, 1), ON)
