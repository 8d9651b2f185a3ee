"""Text that goes into a spreadsheet cell: never a formula, never an XML-illegal character.

A name typed as ``=HYPERLINK("http://…")`` or a phone number ``+84…`` must reach the district official as the
text it is. openpyxl turns any string starting with ``=`` into a formula, and Excel re-evaluates a text
starting with ``= + - @`` once the user edits the cell, so such a cell is written with ``data_type = "s"`` and
the ``quotePrefix`` style ("the leading character is text"): Excel and LibreOffice show it unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell import WriteOnlyCell

# XML 1.0 forbids these control characters; openpyxl raises IllegalCharacterError on them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell_text(value: str) -> str:
    """The text to store: XML-illegal control characters removed, nothing else changed."""
    return _ILLEGAL.sub("", value)


def is_risky(value: str) -> bool:
    """True when a spreadsheet would take the text for a formula (or a DDE command)."""
    return value.startswith(_RISKY_START)


def text_cell(ws: Any, value: str, style: dict[str, Any] | None = None) -> WriteOnlyCell:
    """A write-only cell holding ``value`` as plain text, whatever it begins with."""
    text = cell_text(value)
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    if is_risky(text):
        cell.quotePrefix = True
    if style:
        for name, attr in style.items():
            setattr(cell, name, attr)
    return cell


def set_text(cell: Any, value: str) -> None:
    """Puts ``value`` into an ordinary (not write-only) worksheet cell as plain text."""
    text = cell_text(value)
    cell.value = text
    cell.data_type = "s"
    if is_risky(text):
        cell.quotePrefix = True
