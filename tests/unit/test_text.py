"""Vietnamese normal form, folding for search and the name sort order."""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quarantine_desk.domain.errors import InvalidInput
from quarantine_desk.domain.text import (
    TEXT_LIMITS,
    clean_text,
    fold,
    name_sort_key,
    nfc,
    required_text,
    words_match,
)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


# --- nfc -----------------------------------------------------------------------------------------------------


def test_nfc_composes_decomposed_input() -> None:
    decomposed = nfd("Nguyễn Thị Hường")
    assert decomposed != "Nguyễn Thị Hường"
    assert nfc(decomposed) == "Nguyễn Thị Hường"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Trần   Văn  An ", "Trần Văn An"),
        ("Lê\tThị\nMai", "Lê Thị Mai"),
        ("\u00a0Phạm\u00a0Hùng\u3000", "Phạm Hùng"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_nfc_strips_and_collapses_whitespace(raw: str, expected: str) -> None:
    assert nfc(raw) == expected


def test_nfc_keeps_case() -> None:
    assert nfc("ĐỖ văn BA") == "ĐỖ văn BA"


# --- fold ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nguyễn Thị Hường", "nguyen thi huong"),
        ("Đặng Đình Đức", "dang dinh duc"),
        ("đ Đ", "d d"),
        ("ƯỚC ƠN ĂN ÂN ÊM ÔNG", "uoc on an an em ong"),
        ("  Lý   Quỳnh  ", "ly quynh"),
        ("Hoàng Bảo Ngọc", "hoang bao ngoc"),
        ("abc", "abc"),
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected


def test_fold_same_for_composed_and_decomposed() -> None:
    assert fold(nfd("Trương Mỹ Lệ")) == fold("Trương Mỹ Lệ") == "truong my le"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(s: str) -> None:
    once = fold(s)
    assert fold(once) == once
    assert "  " not in once
    assert once == once.strip()


def test_fold_output_of_vietnamese_letters_is_ascii() -> None:
    letters = "aàảãáạăằẳẵắặâầẩẫấậđeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵ"
    assert fold(letters).isascii()
    assert fold(letters.upper()).isascii()


# --- words_match -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("nguyen van a", "Nguyễn Văn A", True),
        ("Nguyễn", "Nguyễn Văn An", True),
        ("nguyen an", "Nguyễn Văn An", True),
        ("an nguyen", "Nguyễn Văn An", True),
        ("ngu", "Nguyễn Văn An", True),
        ("van", "Nguyễn Ivan", False),
        ("binh", "Nguyễn Văn An", False),
        ("", "Nguyễn Văn An", True),
        ("duc", "Đặng Đức", True),
    ],
)
def test_words_match(query: str, text: str, expected: bool) -> None:
    assert words_match(query, fold(text)) is expected


# --- name_sort_key ---------------------------------------------------------------------------------------------


def ordered(*names: str) -> list[str]:
    return sorted(names, key=name_sort_key)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("An", "Ánh"),  # a-n before a-n-h: the tone of Ánh does not matter
        ("Anh", "Ân"),  # a before â
        ("Azu", "Ăn"),  # every A… before Ă
        ("Ăn", "Ân"),
        ("Dũng", "Đạt"),  # every D… before Đ
        ("Dzung", "Đa"),
        ("Ha", "Hà"),
        ("Hà", "Hả"),
        ("Hả", "Hã"),
        ("Hã", "Há"),
        ("Há", "Hạ"),
        ("Ha", "Hạ"),
        ("Hạ", "Hai"),  # letters first: h-a before h-a-i, whatever the tones
        ("Nguyễn Văn An", "Trần Thị Bình"),  # given name first: An before Bình
        ("Trần Văn An", "Nguyễn Văn Bình"),
        ("Lê Văn Nam", "Nguyễn Văn Nam"),  # same given name: family name decides
        ("Nguyễn Thị Nam", "Nguyễn Văn Nam"),  # same given and family names: middle decides
        ("Nam", "Nguyễn Nam"),  # a shorter name that is a prefix sorts first
        ("Nguyễn Nam", "Nguyễn Văn Nam"),
        ("Bùi An", "An Bùi"),  # An < Bùi on the given name
        ("Ê", "G"),
        ("E", "Ê"),
        ("O", "Ô"),
        ("Ô", "Ơ"),
        ("Ơ", "P"),
        ("U", "Ư"),
        ("Ư", "V"),
        ("Y", "Z"),
        ("Ý", "Yến"),
        ("Long", "Lương"),  # o before ư
        ("Lưu", "Ly"),
        ("Lý Văn Quý", "Lê Văn Quỳnh"),
    ],
)
def test_name_order(first: str, second: str) -> None:
    assert name_sort_key(first) < name_sort_key(second)
    assert ordered(second, first) == [first, second]


def test_tones_in_dictionary_order() -> None:
    names = ["Hạ", "Há", "Hã", "Hả", "Hà", "Ha"]
    random.Random(4).shuffle(names)
    assert ordered(*names) == ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]


def test_tones_break_ties_word_by_word_in_sort_order() -> None:
    # Same letters; the given name's tone is compared before the family name's.
    assert name_sort_key("Lẽ Ha") < name_sort_key("Le Hà")
    assert name_sort_key("Le Hạ") < name_sort_key("Lẽ Hạ")
    # Different letters decide before any tone: e before ê.
    assert name_sort_key("Lẹ Hạ") < name_sort_key("Lê Ha")


def test_case_insensitive() -> None:
    assert name_sort_key("NGUYỄN VĂN AN") == name_sort_key("nguyễn văn an") == name_sort_key("Nguyễn Văn An")
    assert name_sort_key("ĐẠT") == name_sort_key("đạt")


def test_decomposed_and_extra_spaces_give_the_same_key() -> None:
    assert name_sort_key(nfd("  Nguyễn   Thị   Ậu ")) == name_sort_key("Nguyễn Thị Ậu")


def test_tone_and_vowel_mark_in_either_order() -> None:
    # "ậ" as a + dot below + circumflex (canonical NFD) and as â + dot below.
    assert name_sort_key("a\u0323\u0302n") == name_sort_key("ận") == name_sort_key("â\u0323n")
    assert name_sort_key("ận") > name_sort_key("ân")
    assert name_sort_key("ận") > name_sort_key("Anh")


def test_key_is_printable_ascii() -> None:
    for name in ["Nguyễn Thị Hường", "Đặng Ưng Ơn", "", "Jean-Pierre O'Brien", "李 小龍", "Ñoño Müller"]:
        key = name_sort_key(name)
        assert key.isascii()
        assert key.isprintable()
        assert " " not in key  # trailing spaces are ignored in some SQL comparisons


def test_bytewise_order_equals_python_order() -> None:
    names = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Đạt",
        "Phạm Dũng",
        "Hoàng Ánh",
        "Vũ Ân",
        "Đỗ Anh",
        "Bùi Hà",
        "Bùi Hạ",
        "Bùi Ha",
        "Ngô Ăn",
    ]
    by_key = sorted(names, key=name_sort_key)
    by_bytes = sorted(names, key=lambda n: name_sort_key(n).encode("ascii"))
    assert by_key == by_bytes


def test_realistic_list() -> None:
    names = [
        "Trần Thị Bình",
        "Nguyễn Văn An",
        "Lê Văn Đạt",
        "Phạm Thị Dung",
        "Hoàng Minh Dũng",
        "Vũ Thị Ánh",
        "Đỗ Văn Anh",
        "Ngô Thị Ân",
        "Bùi Quang Hải",
        "Nguyễn Thị Hà",
    ]
    assert ordered(*names) == [
        "Nguyễn Văn An",
        "Đỗ Văn Anh",
        "Vũ Thị Ánh",
        "Ngô Thị Ân",
        "Trần Thị Bình",
        # Dung and Dũng have the same letters, so the family name decides before the tone does.
        "Hoàng Minh Dũng",
        "Phạm Thị Dung",
        "Lê Văn Đạt",
        "Nguyễn Thị Hà",
        "Bùi Quang Hải",
    ]


def test_punctuation_only_words_are_ignored() -> None:
    assert name_sort_key("Nguyễn - An") == name_sort_key("Nguyễn An")


_VIET = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=_VIET, min_size=1, max_size=6), min_size=1, max_size=4))
def test_key_depends_only_on_letters_then_tones(words: list[str]) -> None:
    name = " ".join(words)
    key = name_sort_key(name)
    # The same name with every tone removed is never after it, and has the same letter part.
    toneless = "".join(
        ch for ch in unicodedata.normalize("NFD", name) if ch not in "\u0300\u0309\u0303\u0301\u0323"
    )
    plain_key = name_sort_key(toneless)
    assert plain_key <= key
    assert plain_key.split("!")[0] == key.split("!")[0]


# --- free-text fields ----------------------------------------------------------------------------------------------


def test_clean_text_normalises_and_gives_none_for_empty() -> None:
    assert clean_text("  Khu  A\t– Tầng\n1 ", "zone") == "Khu A – Tầng 1"
    assert clean_text(nfd("Hộp"), "unit") == "Hộp"
    assert clean_text("   ", "unit") is None
    assert clean_text(None, "unit") is None


@pytest.mark.parametrize("bad", ["Gạo\x00", "\x07Gạo", "Gạo\x1b[31m", "Gạo\ud800"])
def test_clean_text_refuses_control_characters(bad: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        clean_text(bad, "item_name")
    assert (exc.value.field, exc.value.reason) == ("item_name", "control_character")


@pytest.mark.parametrize("field", sorted(TEXT_LIMITS))
def test_each_field_takes_its_limit_and_no_more(field: str) -> None:
    limit = TEXT_LIMITS[field]
    assert clean_text("a" * limit, field) == "a" * limit
    with pytest.raises(InvalidInput) as exc:
        clean_text("a" * (limit + 1), field)
    assert (exc.value.field, exc.value.reason, exc.value.params) == (field, "too_long", {"maximum": limit})


def test_required_text_refuses_empty() -> None:
    assert required_text(" Nhóm 1 ", "cohort") == "Nhóm 1"
    with pytest.raises(InvalidInput) as exc:
        required_text(" \t", "cohort")
    assert (exc.value.field, exc.value.reason) == ("cohort", "empty")


def test_an_unknown_field_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        clean_text("x", "no_such_field")
