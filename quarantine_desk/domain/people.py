"""People: sex, identity documents, phone numbers, birth dates and names as typed at the gate or imported.

Each ``parse_*`` function takes raw text and returns the stored form, or raises ``InvalidInput`` with the
field and a reason code. ``is_protected`` says whether vaccination or recovery shortens the quarantine (R6).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, timedelta
from enum import StrEnum

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.text import TEXT_LIMITS, nfc


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class IdKind(StrEnum):
    CCCD = "cccd"  # 12-digit citizen identity card; the first 3 digits are the province of birth registration
    CMND = "cmnd"  # 9-digit identity card, older
    PASSPORT = "passport"


PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

NAME_MAX_LENGTH = TEXT_LIMITS["name"]

_ID_SEPARATORS = re.compile(r"[\s.]+")
_PASSPORT = re.compile(r"[A-Z]{1,2}[0-9]{6,8}")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]+")
_YEAR = re.compile(r"(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Day first, as written in Vietnam; "/" is the usual separator, "-" and "." come from spreadsheets.
_DAY_FIRST_DATE = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
# Punctuation that real names carry (foreign names: "O'Brien", "Jean-Pierre", "Jr.").
_NAME_PUNCTUATION = frozenset(" -'’.,()")


def normalise_id_number(raw: str) -> str:
    """An identity document number as stored and looked up: no spaces or dots, upper case ("001 085.000 111",
    typed or scanned, is "001085000111"). It says nothing about validity; ``parse_id_number`` checks that."""
    return _ID_SEPARATORS.sub("", unicodedata.normalize("NFC", raw)).upper()


def parse_id_number(raw: str) -> tuple[IdKind, str]:
    """The kind and the stored form of an identity document number (CCCD, CMND or passport)."""
    number = normalise_id_number(raw)
    if not number:
        raise InvalidInput("id_number", "empty")
    if number.isascii() and number.isdigit():
        if len(number) == 12:
            if number[:3] not in PROVINCE_CODES:
                raise InvalidInput("id_number", "bad_province_code", raw)
            return IdKind.CCCD, number
        if len(number) == 9:
            return IdKind.CMND, number
    elif _PASSPORT.fullmatch(number):
        return IdKind.PASSPORT, number
    raise InvalidInput("id_number", "bad_format", raw)


def sex_from_id(kind: IdKind, number: str) -> Sex | None:
    """The sex a 12-digit CCCD gives in its fourth digit (even: male, odd: female; the digit also says the
    century of birth); None for the other papers, which do not say."""
    if kind is not IdKind.CCCD or len(number) != 12 or not number[3].isdigit():
        return None
    return Sex.MALE if int(number[3]) % 2 == 0 else Sex.FEMALE


def check_cccd_digit(number: str, sex: Sex, birth_year: int) -> None:
    """The 4th digit of a CCCD gives the century of birth and the sex (Circular 07/2016/TT-BCA: 0/1 a man/woman
    born 1900-1999, 2/3 born 2000-2099, and so on by century); raises InvalidInput when it contradicts them."""
    digit = int(number[3])
    if digit % 2 != (0 if sex is Sex.MALE else 1):
        raise InvalidInput("id_number", "sex_mismatch", number, sex=sex.value)
    if 19 + digit // 2 != birth_year // 100:
        raise InvalidInput("id_number", "century_mismatch", number, year=birth_year)


def parse_phone(raw: str) -> str:
    """A Vietnamese phone number as 10 digits beginning with 0; "+84 912 345 678" gives "0912345678"."""
    number = _PHONE_SEPARATORS.sub("", raw)
    if number.startswith("+"):
        number = number[1:]
        if not number.startswith("84"):
            raise InvalidInput("phone", "bad_format", raw)
    if number.startswith("84") and len(number) == 11:
        number = "0" + number[2:]
    elif number.startswith("840") and len(number) == 12:
        number = number[2:]  # "+84 0912 345 678": the trunk zero kept after the country code
    if len(number) != 10 or not number.isascii() or not number.isdigit() or not number.startswith("0"):
        raise InvalidInput("phone", "bad_format", raw)
    return number


def parse_birth(raw: str, today: date) -> tuple[int, date | None]:
    """Year of birth and, when given, the date: "1980", "1980-03-15", "15/03/1980" or "5/3/1980"."""
    text = raw.strip()
    born: date | None = None
    if match := _YEAR.fullmatch(text):
        year = int(match.group(1))
    else:
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := _DAY_FIRST_DATE.fullmatch(text):
            day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        else:
            raise InvalidInput("born", "bad_format", raw)
        try:
            born = date(year, month, day)
        except ValueError:
            raise InvalidInput("born", "bad_format", raw) from None
    if year > today.year or (born is not None and born > today):
        raise InvalidInput("born", "in_future", raw)
    if year < 1900:
        raise InvalidInput("born", "too_old", raw)
    return year, born


_SEX_WORDS: dict[str, Sex] = {
    "m": Sex.MALE,
    "nam": Sex.MALE,
    "male": Sex.MALE,
    "f": Sex.FEMALE,
    "nữ": Sex.FEMALE,
    "nu": Sex.FEMALE,
    "female": Sex.FEMALE,
}


def parse_sex(raw: str) -> Sex:
    """Sex from "M"/"F", "nam"/"nữ" (or "nu" typed without accents), "male"/"female", any case."""
    sex = _SEX_WORDS.get(nfc(raw).lower())
    if sex is None:
        raise InvalidInput("sex", "bad_value", raw)
    return sex


def parse_name(raw: str) -> str:
    """A person's full name as stored: NFC, single spaces; letters and the punctuation of names only."""
    name = nfc(raw)
    if not name:
        raise InvalidInput("name", "empty")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput("name", "too_long", raw, maximum=NAME_MAX_LENGTH)
    for ch in name:
        category = unicodedata.category(ch)
        if ch not in _NAME_PUNCTUATION and category[0] not in "LM":
            raise InvalidInput("name", "bad_format", raw)
    return name


def _months_before(on: date, months: int) -> date:
    """The same day ``months`` earlier, or the last day of that month when it is shorter (31 Aug -> 28 Feb)."""
    index = on.year * 12 + on.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(on.day, calendar.monthrange(year, month)[1]))


def is_protected(doses: int, last_dose_on: date | None, recovered_on: date | None, on: date) -> bool:
    """True when the person is fully vaccinated or recently recovered on ``on``.

    Dispatch 6288/BYT-MT (August 2021): two doses, the last between 14 days and 12 months before; or
    recovered from COVID-19 within the last 6 months.
    """
    vaccinated = (
        doses >= 2
        and last_dose_on is not None
        and _months_before(on, 12) <= last_dose_on <= on - timedelta(days=14)
    )
    recovered = recovered_on is not None and _months_before(on, 6) <= recovered_on <= on
    return vaccinated or recovered


class FLevel(StrEnum):
    """How the person came to quarantine: contact of an F0 (F1), contact of an F1 (F2), returnee, other."""

    F1 = "f1"
    F2 = "f2"
    RETURNEE = "returnee"
    OTHER = "other"


_F_LEVEL_WORDS: dict[str, FLevel] = {
    "f1": FLevel.F1,
    "f2": FLevel.F2,
    "returnee": FLevel.RETURNEE,
    "ve tu vung dich": FLevel.RETURNEE,
    "nguoi ve tu vung dich": FLevel.RETURNEE,
    "nhap canh": FLevel.RETURNEE,
    "tro ve": FLevel.RETURNEE,
    "other": FLevel.OTHER,
    "khac": FLevel.OTHER,
}


def parse_f_level(raw: str) -> FLevel | None:
    """The F-level from "F1", "f2", "về từ vùng dịch", "nhập cảnh", "khác" (any case, accents or not); None
    for an empty text."""
    from quarantine_desk.domain.text import fold

    text = " ".join(fold(raw).replace("/", " ").split())
    if not text:
        return None
    level = _F_LEVEL_WORDS.get(text)
    if level is None:
        raise InvalidInput("f_level", "bad_value", raw)
    return level
