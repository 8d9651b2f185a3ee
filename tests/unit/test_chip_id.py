"""The chip ID card's QR text: real-shaped strings, and the malformed ones a scanner or a worn card gives."""

from __future__ import annotations

from datetime import date

import pytest

from quarantine_desk.domain.address import home_commune, same_commune, split_address
from quarantine_desk.domain.chip_id import id_number_in, looks_like_chip_qr, parse_chip_qr
from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.people import Sex

TODAY = date(2021, 8, 10)
SON = "062085000111|233123456|Nguyễn Văn Sơn|15031985|Nam|Thôn 1, Hà Mòn, Đắk Hà, Kon Tum|10052021"
HUE = (
    "046301000222||Trần Thị Thu Hà|14072001|Nữ|Số 5, Lê Lợi, Phường Vĩnh Ninh, Thành phố Huế, Thừa Thiên Huế"
    "|20042021"
)


def test_a_full_qr_text() -> None:
    card = parse_chip_qr(SON, TODAY)
    assert (card.id_number, card.old_id_number, card.full_name) == (
        "062085000111",
        "233123456",
        "Nguyễn Văn Sơn",
    )
    assert (card.birth_date, card.born, card.sex) == (date(1985, 3, 15), "15/03/1985", Sex.MALE)
    assert (card.street, card.commune, card.district, card.province) == (
        "Thôn 1",
        "Hà Mòn",
        "Đắk Hà",
        "Kon Tum",
    )
    assert card.address == "Thôn 1, Hà Mòn, Đắk Hà, Kon Tum"
    assert card.issued_on == date(2021, 5, 10)


def test_no_old_id_a_long_street_and_nfd_text_from_the_scanner() -> None:
    import unicodedata

    card = parse_chip_qr(unicodedata.normalize("NFD", HUE) + "\r\n", TODAY)
    assert card.old_id_number is None
    assert card.full_name == "Trần Thị Thu Hà" and card.sex is Sex.FEMALE
    assert card.street == "Số 5, Lê Lợi"
    assert (card.commune, card.district, card.province) == (
        "Phường Vĩnh Ninh",
        "Thành phố Huế",
        "Thừa Thiên Huế",
    )


def test_later_cards_with_more_fields_are_read_for_the_first_seven() -> None:
    assert parse_chip_qr(SON + "|Nguyễn Văn Cha|Lê Thị Mẹ", TODAY).full_name == "Nguyễn Văn Sơn"


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("062085000111|233123456|Nguyễn Văn Sơn|15031985|Nam", "qr", "missing_fields"),
        (SON.replace("15031985", "31021985"), "born", "bad_format"),
        (SON.replace("15031985", "1503198"), "born", "bad_format"),
        (SON.replace("|Nam|", "|Nữ|"), "id_number", "sex_mismatch"),
        (SON.replace("062085", "062285"), "id_number", "century_mismatch"),
        (SON.replace("062085000111", "999085000111"), "id_number", "bad_province_code"),
        (SON.replace("062085000111", "06208500011"), "id_number", "bad_format"),
        (SON.replace("|Nam|", "|Không rõ|"), "sex", "bad_value"),
        (SON.replace("Nguyễn Văn Sơn", ""), "name", "empty"),
        (SON.replace("10052021", "10052031"), "issued_on", "in_future"),
        (SON.replace("10052021", "10051980"), "issued_on", "before_birth"),
        (SON.replace("Thôn 1, Hà Mòn, Đắk Hà, Kon Tum", ""), "address", "empty"),
    ],
)
def test_malformed_text_is_refused_whole(text: str, field: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_chip_qr(text, TODAY)
    assert (err.value.field, err.value.reason) == (field, reason)


def test_what_counts_as_a_qr_text() -> None:
    assert looks_like_chip_qr(SON) and id_number_in(SON) == "062085000111"
    assert looks_like_chip_qr("062085000111|233123456|Nguyễn")  # cut short: still reported as a QR text
    assert not looks_like_chip_qr("Nguyễn Văn Sơn")
    assert not looks_like_chip_qr("062085000111")
    assert id_number_in("nguyen van son") is None


def test_address_parts() -> None:
    assert split_address("Kon Tum") == (None, None, None, "Kon Tum")
    assert split_address("Đắk Hà, Kon Tum") == (None, None, "Đắk Hà", "Kon Tum")
    assert split_address("Hà Mòn,  Đắk Hà ,Kon Tum") == (None, "Hà Mòn", "Đắk Hà", "Kon Tum")


@pytest.mark.parametrize(
    ("address", "commune"),
    [
        ("Thôn 1, Hà Mòn, Đắk Hà, Kon Tum", "Hà Mòn"),
        ("Thôn 1, Hà Mòn", "Hà Mòn"),
        ("Số 5, Lê Lợi, Phường Vĩnh Ninh, Thành phố Huế, Thừa Thiên Huế", "Phường Vĩnh Ninh"),
        ("Thôn 1, Xã Hà Mòn, Huyện Đắk Hà", "Xã Hà Mòn"),
        ("Thôn 2, Hà Mòn, Huyện Đắk Hà", "Hà Mòn"),
        ("Hà Mòn, Đắk Hà, Tỉnh Kon Tum", "Hà Mòn"),
        ("Kon Tum", None),
        ("", None),
        (None, None),
    ],
)
def test_home_commune(address: str | None, commune: str | None) -> None:
    assert home_commune(address) == commune


def test_same_commune() -> None:
    assert same_commune("Xã Hà Mòn", "ha mon") and same_commune("Phường Vĩnh Ninh", "P. Vĩnh Ninh")
    assert not same_commune("Hà Mòn", "Đắk Mar") and not same_commune(None, "Hà Mòn")
