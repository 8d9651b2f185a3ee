"""Vietnamese text: normal form, the check of free-text fields, accent-insensitive search and the sort order of
people's names.

Stored names are NFC with single spaces (``nfc``); every free-text field goes through ``clean_text`` (or
``required_text``), which also holds the field's length limit. Search compares folded text (``fold``): lowercase, no
diacritics, "đ" as "d", so "nguyen van a" finds "Nguyễn Văn A". Lists of people are ordered the Vietnamese
way, by given name first (``name_sort_key``); the key is plain ASCII so the database can sort on it as well.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from quarantine_desk.domain.errors import InvalidInput

_SPACES = re.compile(r"\s+")

# Combining marks that make a separate letter of the Vietnamese alphabet (ă â ê ô ơ ư).
_BREVE = "\u0306"
_CIRCUMFLEX = "\u0302"
_HORN = "\u031b"
_LETTER_MARKS = {_BREVE, _CIRCUMFLEX, _HORN}

# Tone marks in the order of the dictionaries: ngang (none) < huyền < hỏi < ngã < sắc < nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# The Vietnamese alphabet, with f j w z (foreign names) in their Latin places and digits before letters.
_ALPHABET: tuple[str, ...] = (
    *"0123456789",
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
)
# Two decimal digits per letter, "10" upwards: every code is above the separators below, so a word that is
# a prefix of another sorts first.
_CODES = {letter: f"{index + 10:02d}" for index, letter in enumerate(_ALPHABET)}
_WORD_SEPARATOR = ","
_TONE_SEPARATOR = "!"  # below the word separator: "An" ends before "An Nguyễn" goes on


def nfc(s: str) -> str:
    """Unicode NFC, stripped, each run of whitespace made one space.

    Some Vietnamese keyboards and old files give decomposed text ("e" + combining marks); stored text is NFC.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFC", s)).strip()


# The longest text each free-text field takes, in characters: the width of its database column.
TEXT_LIMITS: dict[str, int] = {
    "name": 120,  # a staff member's full name (people's names: people.parse_name, same width)
    "facility_name": 200,
    "policy_name": 200,
    "district": 100,
    "province": 100,
    "address": 300,
    "household": 50,
    "zone": 100,
    "rooms": 50,  # each room name of a list
    "cohort": 200,
    "to": 200,  # where a person is transferred
    "override": 1000,  # a manager's reason for an early release
    "by": 100,  # who disinfected a room
    "symptoms": 300,
    "item_name": 200,
    "unit": 30,
    "reason": 200,  # of a stock movement
    "position": 100,
    "round_name": 200,  # a relief round ("Đợt 2")
    "goods": 300,  # what a relief round gives
    "note": 200,  # of a planned arrival
}

# Unicode categories that never belong in a stored text: control characters (NUL, BEL, ESC…) and lone
# surrogates. Tabs and line breaks are whitespace and become single spaces first.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs"})


def clean_text(raw: str | None, field: str) -> str | None:
    """A free-text field as stored: NFC, single spaces, None when empty. Refuses control characters and text
    longer than the field's limit (``TEXT_LIMITS``), with ``InvalidInput`` naming the field."""
    text = nfc(raw or "")
    if not text:
        return None
    if any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in text):
        raise InvalidInput(field, "control_character")
    limit = TEXT_LIMITS[field]
    if len(text) > limit:
        raise InvalidInput(field, "too_long", text, maximum=limit)
    return text


def printable_key(raw: str) -> bool:
    """True when a key typed to look something up (a code, an ID number) could be stored at all: no control
    character. A key that could not is simply not found, without asking the database (PostgreSQL refuses a NUL)."""
    return not any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in raw)


def shown_key(raw: str) -> str:
    """A key as a message may show it: control characters as "?", at most 60 characters."""
    text = "".join("?" if unicodedata.category(ch) in _REFUSED_CATEGORIES else ch for ch in raw[:61])
    return text if len(text) <= 60 else text[:60] + "…"


def required_text(raw: str | None, field: str) -> str:
    """``clean_text`` for a field that must not be empty."""
    text = clean_text(raw, field)
    if text is None:
        raise InvalidInput(field, "empty")
    return text


def fold(s: str) -> str:
    """Text for accent-insensitive search: lowercase, no diacritics, "đ" as "d", single spaces."""
    decomposed = unicodedata.normalize("NFD", nfc(s).lower().replace("đ", "d").replace("Đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return nfc(bare)


def _letters_and_tone(word: str) -> tuple[list[str], int]:
    """The letters of a word in the Vietnamese alphabet and its tone (0 when unmarked)."""
    letters: list[str] = []
    tone = 0
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tone = _TONES[ch]
        elif ch in _LETTER_MARKS:
            # In NFD a dot below may come between the letter and its circumflex ("ậ"), so modify the last
            # letter rather than the previous character.
            if letters:
                letters[-1] = unicodedata.normalize("NFC", letters[-1] + ch)
        elif unicodedata.combining(ch):
            continue  # marks of foreign names (ü, ç): sorted as the bare letter
        elif ch.isalnum():
            letters.append(ch)
    return letters, tone


def name_sort_key(full_name: str) -> str:
    """An ASCII key that orders full names as a Vietnamese list does.

    Given name (the last word) first, then the family and middle names in order; letters in the order of the
    Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y), case-insensitive; tones
    only break ties between names with the same letters. Plain ``sorted`` and a database ``ORDER BY`` with
    binary ("C") collation on the stored key give the same order.
    """
    words = nfc(full_name).split(" ")
    ordered = words[-1:] + words[:-1]
    primary: list[str] = []
    tones: list[str] = []
    for word in ordered:
        coded, tone = _word_key(word)
        if not coded:
            continue  # a word of punctuation only ("-") does not take part in the order
        primary.append(coded)
        tones.append(tone)
    return _WORD_SEPARATOR.join(primary) + _TONE_SEPARATOR + "".join(tones)


@lru_cache(maxsize=16_384)
def _word_key(word: str) -> tuple[str, str]:
    """A word's letters coded and its tone, for ``name_sort_key``. Kept for the words met: Vietnamese names
    are made of a few thousand words, so a list of 5,000 people codes each only once."""
    letters, tone = _letters_and_tone(word)
    # Letters of other scripts have no place in the alphabet; they are left out rather than guessed.
    return "".join(_CODES.get(letter, "") for letter in letters), str(tone)


def words_match(query: str, text_folded: str) -> bool:
    """True when every word of ``query`` begins a word of ``text_folded`` (already folded), in any order.

    "nguyen a" matches "nguyen van an"; "van" does not match "nguyen ivan".
    """
    wanted = fold(query).split()
    words = text_folded.split()
    return all(any(word.startswith(w) for word in words) for w in wanted)
