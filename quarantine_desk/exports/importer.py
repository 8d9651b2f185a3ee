"""Reads a list of people (.xlsx or .csv) as the districts send it: headers found, values as plain text.

Only the shape of the file is checked here (readable, a header row with a name column, some rows); whether each
row is a valid person is the services' business, which report it by ``row_number``.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import load_workbook

from quarantine_desk.domain.errors import BadFile

log = logging.getLogger(__name__)

FIELDS = ("name", "born", "sex", "id_number", "phone", "address", "household", "doses", "note")

#: Header texts, accent- and case-folded (see :func:`fold`), for each field.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": (
        "ho va ten",
        "ho ten",
        "ten",
        "ho va ten nguoi cach ly",
        "ho ten nguoi cach ly",
        "full name",
        "name",
    ),
    "born": ("nam sinh", "ngay sinh", "ngay thang nam sinh", "sinh ngay", "ns", "born", "date of birth"),
    "sex": ("gioi tinh", "gioi", "nam nu", "gt", "sex", "gender"),
    "id_number": (
        "cccd",
        "cmnd",
        "cccd cmnd",
        "cmnd cccd",
        "so cccd",
        "so cmnd",
        "so cccd cmnd",
        "so cmnd cccd",
        "so giay to",
        "giay to tuy than",
        "so giay to tuy than",
        "ho chieu",
        "so ho chieu",
        "cccd cmnd ho chieu",
        "so cccd cmnd ho chieu",
        "cmnd cccd ho chieu",
        "so dinh danh",
        "id",
        "id number",
    ),
    "phone": ("sdt", "so dt", "so dien thoai", "dien thoai", "dt", "phone"),
    "address": (
        "dia chi",
        "noi o",
        "noi cu tru",
        "dia chi thuong tru",
        "dia chi cu tru",
        "noi o hien nay",
        "address",
    ),
    "household": ("ho gia dinh", "ho", "ma ho", "ma ho gia dinh", "household"),
    "doses": ("so mui tiem", "so mui", "so mui vac xin", "so mui vaccine", "so mui da tiem", "doses"),
    "note": ("ghi chu", "note", "notes"),
}
_LOOKUP = {text: field for field, texts in HEADERS.items() for text in texts}

HEADER_SEARCH_ROWS = 10
_OLE2 = b"\xd0\xcf\x11\xe0"
_ZIP = b"PK"


@dataclass(frozen=True)
class RawRow:
    """One data row as found: ``row_number`` is the row the user sees in Excel (or the CSV record)."""

    row_number: int
    values: dict[str, str]


@dataclass(frozen=True)
class ImportSheet:
    """The recognised columns (field -> header text as written) and the non-blank rows."""

    columns: dict[str, str]
    rows: tuple[RawRow, ...]


def fold(text: str) -> str:
    """``Số CCCD/CMND (*)`` -> ``so cccd cmnd``: no accents, no case, no punctuation, no parenthesised notes."""
    text = re.sub(r"\(.*?\)", " ", text)
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def header_field(text: str) -> str | None:
    folded = fold(text)
    if folded == "ho" and "ọ" in text.lower():
        return None  # "Họ" is a family name (beside "Tên"), not "Hộ", the household
    return _LOOKUP.get(folded)


def cell_value(value: object) -> str:
    """A cell as stripped text: dates as YYYY-MM-DD, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def read_people_sheet(path: Path) -> ImportSheet:
    """Reads the first sheet (or the CSV) whose header row names the people; see the module's docstring."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        raise BadFile(str(path), "unreadable") from None
    if not head:
        raise BadFile(str(path), "empty")
    if head.startswith(_OLE2):
        # an .xlsx with a password is an OLE2 compound file holding the encrypted package
        if (
            path.suffix.lower() in (".xlsx", ".xlsm")
            or b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P" in path.read_bytes()
        ):
            raise BadFile(str(path), "encrypted")
        raise BadFile(str(path), "unreadable")
    if head.startswith(_ZIP):
        return _from_rows(path, _xlsx_rows(path))
    if path.suffix.lower() in (".csv", ".txt"):
        return _from_rows(path, _csv_rows(path))
    raise BadFile(str(path), "unreadable")


def _xlsx_rows(path: Path) -> list[Iterator[tuple[int, Sequence[object]]]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it cannot read
            wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign zip: openpyxl raises many kinds
        log.info("cannot open %s as a workbook: %s", path, exc)
        raise BadFile(str(path), "unreadable") from None
    try:
        sheets = [list(enumerate(ws.iter_rows(values_only=True), start=1)) for ws in wb.worksheets]
    except Exception as exc:
        log.info("cannot read %s: %s", path, exc)
        raise BadFile(str(path), "unreadable") from None
    finally:
        wb.close()
    return [iter(rows) for rows in sheets]


def _csv_rows(path: Path) -> list[Iterator[tuple[int, Sequence[object]]]]:
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise BadFile(str(path), "unreadable")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on a Vietnamese Windows saves "CSV" in the ANSI code page, Windows-1258
        text = unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))
    if not text.strip():
        raise BadFile(str(path), "empty")
    sample = text[:4096]
    delimiter = max((";", ",", "\t"), key=sample.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [(n, row) for n, row in enumerate(reader, start=1)]
    except csv.Error:
        raise BadFile(str(path), "unreadable") from None
    return [iter(rows)]


def _from_rows(path: Path, sheets: Iterable[Iterator[tuple[int, Sequence[object]]]]) -> ImportSheet:
    any_content = False
    for rows in sheets:
        head: list[tuple[int, Sequence[object]]] = []
        for item in rows:
            head.append(item)
            if len(head) == HEADER_SEARCH_ROWS:
                break
        if any(cell_value(v) for _, row in head for v in row):
            any_content = True
        found = _find_header(head)
        if found is None:
            continue
        index, mapping = found
        columns = {field: cell_value(head[index][1][col]) for col, field in mapping.items()}
        data: list[RawRow] = []
        for number, row in [*head[index + 1 :], *rows]:
            values = {field: cell_value(row[col]) if col < len(row) else "" for col, field in mapping.items()}
            if any(values.values()):
                data.append(RawRow(number, values))
        if not data:
            raise BadFile(str(path), "empty")
        return ImportSheet(columns=columns, rows=tuple(data))
    raise BadFile(str(path), "no_name_column" if any_content else "empty")


def _find_header(head: Sequence[tuple[int, Sequence[object]]]) -> tuple[int, dict[int, str]] | None:
    """The first of the rows that names the most fields, if it names the person's name."""
    best: tuple[int, dict[int, str]] | None = None
    for index, (_, row) in enumerate(head):
        mapping: dict[int, str] = {}
        for col, value in enumerate(row):
            field = header_field(cell_value(value)) if isinstance(value, str) else None
            if field and field not in mapping.values():
                mapping[col] = field
        if mapping and (best is None or len(mapping) > len(best[1])):
            best = (index, mapping)
    if best is None or "name" not in best[1].values():
        return None
    return best
