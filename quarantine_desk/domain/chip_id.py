"""The QR code on the back of a chip citizen identity card (CCCD gắn chip), as a gate scanner types it.

The code holds ``CCCD|CMND cũ|Họ và tên|ngày sinh ddmmyyyy|Nam/Nữ|địa chỉ thường trú|ngày cấp ddmmyyyy``, e.g.
``062085000111|233123456|Nguyễn Văn Sơn|15031985|Nam|Thôn 1, Hà Mòn, Đắk Hà, Kon Tum|10052021``. A USB scanner
types it like a keyboard, followed by Enter. ``parse_chip_qr`` checks every part (a text that is cut short, a
date that does not exist, a sex the ID number contradicts) and raises ``InvalidInput`` rather than give back
half a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from quarantine_desk.domain.address import split_address
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.people import (
    IdKind,
    Sex,
    check_cccd_digit,
    normalise_id_number,
    parse_id_number,
    parse_name,
    parse_sex,
)
from quarantine_desk.domain.text import nfc

FIELD_COUNT = 7
_DDMMYYYY = re.compile(r"(\d{2})(\d{2})(\d{4})")


@dataclass(frozen=True)
class ChipId:
    id_number: str
    old_id_number: str | None
    full_name: str
    birth_date: date
    sex: Sex
    address: str  # the permanent address as printed
    street: str | None  # house, street, hamlet: what comes before the commune
    commune: str | None
    district: str | None
    province: str | None
    issued_on: date

    @property
    def born(self) -> str:
        """The birth date as a person types it: dd/mm/yyyy."""
        return self.birth_date.strftime("%d/%m/%Y")


def looks_like_chip_qr(text: str) -> bool:
    """True for text that is meant as a chip ID's QR code (a 12-digit number, then fields divided by "|"),
    even a damaged one, so that it is reported as such rather than searched as a name."""
    parts = text.strip().split("|")
    return len(parts) >= 3 and normalise_id_number(parts[0]).isdigit()


def id_number_in(text: str) -> str | None:
    """The ID number at the start of a chip ID's QR text, or None when the text is not one."""
    if not looks_like_chip_qr(text):
        return None
    return normalise_id_number(text.strip().split("|")[0])


def _ddmmyyyy(raw: str, field: str, today: date) -> date:
    match = _DDMMYYYY.fullmatch(raw.strip())
    if match is None:
        raise InvalidInput(field, "bad_format", raw)
    day, month, year = (int(g) for g in match.groups())
    try:
        value = date(year, month, day)
    except ValueError:
        raise InvalidInput(field, "bad_format", raw) from None
    if value > today:
        raise InvalidInput(field, "in_future", raw)
    if year < 1900:
        raise InvalidInput(field, "too_old", raw)
    return value


def parse_chip_qr(text: str, today: date) -> ChipId:
    """The person a chip ID's QR text describes; ``InvalidInput`` (field ``qr`` for its shape) when it is not
    whole and consistent."""
    parts = [nfc(p) for p in nfc(text).strip().split("|")]
    if len(parts) < FIELD_COUNT:
        raise InvalidInput("qr", "missing_fields", text, count=len(parts), expected=FIELD_COUNT)
    id_raw, old_raw, name_raw, born_raw, sex_raw, address, issued_raw = parts[:FIELD_COUNT]
    kind, id_number = parse_id_number(id_raw)
    if kind is not IdKind.CCCD:
        raise InvalidInput("id_number", "not_cccd", id_raw)
    old_id_number: str | None = None
    if old_raw:
        old_kind, old_id_number = parse_id_number(old_raw)
        if old_kind is IdKind.PASSPORT:
            raise InvalidInput("id_number", "bad_format", old_raw)
    full_name = parse_name(name_raw)
    birth_date = _ddmmyyyy(born_raw, "born", today)
    sex = parse_sex(sex_raw)
    check_cccd_digit(id_number, sex, birth_date.year)
    if not address:
        raise InvalidInput("address", "empty")
    issued_on = _ddmmyyyy(issued_raw, "issued_on", today)
    if issued_on < birth_date:
        raise InvalidInput("issued_on", "before_birth", issued_raw)
    street, commune, district, province = split_address(address)
    return ChipId(
        id_number,
        old_id_number,
        full_name,
        birth_date,
        sex,
        address,
        street,
        commune,
        district,
        province,
        issued_on,
    )
