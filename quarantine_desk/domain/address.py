"""Vietnamese addresses as written: from the house to the province, the parts divided by commas.

"Số 5, Lê Lợi, Phường Vĩnh Ninh, Thành phố Huế, Thừa Thiên Huế" is the street, the commune (ward), the district
and the province. Lists made by hand often stop at the commune ("Thôn 1, Hà Mòn").
"""

from __future__ import annotations

import re

from quarantine_desk.domain.text import fold as _fold


def fold(text: str) -> str:
    """Folded, with punctuation as spaces ("P. Vĩnh Ninh" is "p vinh ninh")."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", _fold(text)).split())


_COMMUNE_WORDS = ("xa ", "phuong ", "thi tran ", "tt ", "p ", "x ")
_DISTRICT_WORDS = ("huyen ", "quan ", "thi xa ", "thanh pho ", "tp ")
_PROVINCE_WORDS = ("tinh ",)


def split_address(address: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(street, commune, district, province) of a full address: the last three parts name the commune, the
    district and the province; what comes before them is the street or hamlet."""
    parts = [p.strip() for p in address.split(",") if p.strip()]
    province = parts.pop() if parts else None
    district = parts.pop() if parts else None
    commune = parts.pop() if parts else None
    street = ", ".join(parts) or None
    return street, commune, district, province


def home_commune(address: str | None) -> str | None:
    """The commune (ward, town) of an address: the part that says "Xã", "Phường" or "Thị trấn"; else, in a full
    address, the third part from the end; in a two-part one ("Thôn 1, Hà Mòn"), the last. None when unknown."""
    parts = [p.strip() for p in (address or "").split(",") if p.strip()]
    for part in parts:
        if (fold(part) + " ").startswith(_COMMUNE_WORDS):
            return part
    if len(parts) >= 4:
        return parts[-3]
    if len(parts) == 3:
        # "Thôn 1, Hà Mòn, Đắk Hà" or "Hà Mòn, Đắk Hà, Kon Tum": a district or province word tells which
        last = fold(parts[-1]) + " "
        return (
            parts[-3]
            if last.startswith(_PROVINCE_WORDS) or not last.startswith(_DISTRICT_WORDS)
            else parts[-2]
        )
    if len(parts) == 2:
        return parts[-1]
    return None


def commune_key(name: str) -> str:
    """One key for every spelling of a commune: "Xã Hà Mòn", "xa Ha Mon" and "Hà Mòn" give "ha mon"."""
    folded = fold(name) + " "
    for word in _COMMUNE_WORDS:
        if folded.startswith(word):
            return folded[len(word) :].strip()
    return folded.strip()


def same_commune(a: str | None, b: str | None) -> bool:
    """Whether two spellings name one commune (see ``commune_key``)."""
    return bool(a and b) and commune_key(a or "") == commune_key(b or "")
