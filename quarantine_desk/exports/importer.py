"""Reads a list of people (.xlsx or .csv) as the communes send it: headers found, values as plain text.

A commune's list is made by hand: title lines above the table, the header on one row or on two (a merged
"Họ và tên" over "Họ và tên đệm" | "Tên", "Năm sinh" over "Nam" | "Nữ" where the year's column gives the sex), a
row of column numbers under it, and signatures, totals or notes under the table. The header is looked for in the
first ``HEADER_SEARCH_ROWS`` rows, split columns are joined into the person's fields, and the block under the
table is recognised and left out (``ImportSheet.ignored``).

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
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from quarantine_desk.domain.errors import BadFile

log = logging.getLogger(__name__)

#: The person's fields that a row can give, in the order they are reported.
FIELDS = (
    "name",
    "born",
    "sex",
    "id_number",
    "phone",
    "address",
    "commune",
    "district",
    "province",
    "household",
    "doses",
    "last_dose_on",
    "f_level",
    "exposure",
    "relative_name",
    "relative_phone",
    "conditions",
    "pregnant",
    "note",
)

#: Header texts, accent- and case-folded (see :func:`fold`), for each field, and for the parts that are joined
#: into a field: ``family_name`` + ``given_name`` into ``name``; ``dose_N_on`` into ``last_dose_on``.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": (
        "ho va ten",
        "ho ten",
        "ho va ten nguoi cach ly",
        "ho ten nguoi cach ly",
        "ho va ten cong dan",
        "ho ten cong dan",
        "ho va ten f1",
        "ho ten f1",
        "full name",
        "name",
    ),
    "family_name": ("ho va ten dem", "ho va dem", "ho dem", "ho va chu dem", "ho va ten lot", "ho lot"),
    "given_name": ("ten", "ten goi"),
    "born": (
        "nam sinh",
        "ngay sinh",
        "ngay thang nam sinh",
        "ngay thang nam",
        "sinh ngay",
        "ns",
        "nam sinh ngay sinh",
        "born",
        "date of birth",
        "year of birth",
    ),
    "sex": ("gioi tinh", "gioi", "nam nu", "gt", "sex", "gender"),
    "id_number": (
        "cccd",
        "cmnd",
        "cmt",
        "cccd cmnd",
        "cmnd cccd",
        "so cccd",
        "so cmnd",
        "so cmt",
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
        "so cmnd cccd ho chieu",
        "cccd cmnd hc",
        "so cccd cmnd hc",
        "so dinh danh",
        "so dinh danh ca nhan",
        "ma dinh danh",
        "id",
        "id number",
    ),
    "phone": (
        "sdt",
        "so dt",
        "so dien thoai",
        "dien thoai",
        "dt",
        "dtdd",
        "sdt lien he",
        "so dt lien he",
        "so dien thoai lien he",
        "dien thoai lien he",
        "phone",
    ),
    "address": (
        "dia chi",
        "noi o",
        "noi cu tru",
        "dia chi thuong tru",
        "dia chi cu tru",
        "dia chi cu the",
        "dia chi noi o",
        "dia chi noi o hien nay",
        "noi o hien nay",
        "noi o hien tai",
        "cho o hien nay",
        "noi cu tru hien nay",
        "so nha thon xom",
        "thon xom",
        "thon to",
        "thon ap",
        "address",
    ),
    "commune": (
        "xa",
        "phuong",
        "xa phuong",
        "phuong xa",
        "xa phuong thi tran",
        "phuong xa thi tran",
        "xa phuong tt",
        "commune",
        "ward",
    ),
    "district": (
        "huyen",
        "quan",
        "quan huyen",
        "huyen quan",
        "huyen thi xa",
        "huyen thi xa thanh pho",
        "quan huyen thi xa",
        "district",
    ),
    "province": ("tinh", "tinh thanh pho", "tinh tp", "tinh thanh", "thanh pho tinh", "province"),
    "household": ("ho gia dinh", "ho", "ma ho", "ma ho gia dinh", "household"),
    "doses": (
        "so mui tiem",
        "so mui",
        "so mui vac xin",
        "so mui vaccine",
        "so mui da tiem",
        "so mui vac xin da tiem",
        "so mui vaccine da tiem",
        "doses",
    ),
    "last_dose_on": ("ngay tiem mui cuoi", "ngay tiem gan nhat", "ngay tiem mui gan nhat", "last dose"),
    "dose_1_on": ("ngay tiem mui 1", "mui 1", "ngay tiem mui thu nhat", "ngay tiem mui 1 ngay tiem"),
    "dose_2_on": ("ngay tiem mui 2", "mui 2", "ngay tiem mui thu hai", "ngay tiem mui 2 ngay tiem"),
    "dose_3_on": ("ngay tiem mui 3", "mui 3", "ngay tiem mui thu ba", "ngay tiem mui 3 ngay tiem"),
    "f_level": (
        "phan loai",
        "phan loai f",
        "loai f",
        "f",
        "doi tuong",
        "phan loai doi tuong",
        "doi tuong f",
        "f0 f1 f2",
        "f1 f2",
        "contact level",
    ),
    "exposure": (
        "ca f0",
        "ma f0",
        "ma ca f0",
        "ma ca benh",
        "tiep xuc voi",
        "tiep xuc voi f0",
        "tiep xuc voi ca benh",
        "tiep xuc voi ai",
        "lien quan den",
        "lien quan ca benh",
        "nguon lay",
        "noi tiep xuc",
        "dia diem tiep xuc",
        "yeu to dich te",
        "exposure",
    ),
    "relative_name": (
        "nguoi than",
        "ho ten nguoi than",
        "ho va ten nguoi than",
        "ten nguoi than",
        "nguoi lien he",
        "nguoi giam ho",
        "relative",
    ),
    "relative_phone": (
        "sdt nguoi than",
        "so dien thoai nguoi than",
        "dien thoai nguoi than",
        "dt nguoi than",
        "so dt nguoi than",
        "sdt nguoi lien he",
        "sdt nguoi giam ho",
        "relative phone",
    ),
    "conditions": (
        "benh nen",
        "benh ly nen",
        "tien su benh",
        "benh man tinh",
        "tinh trang suc khoe",
        "underlying conditions",
    ),
    "pregnant": ("co thai", "mang thai", "dang mang thai", "phu nu co thai", "thai san", "pregnant"),
    "note": ("ghi chu", "note", "notes"),
}
_LOOKUP = {text: field for field, texts in HEADERS.items() for text in texts}

HEADER_SEARCH_ROWS = 30
_OLE2 = b"\xd0\xcf\x11\xe0"
_ZIP = b"PK"
_SEX_SPLIT = ("sex", "born")  # a header split into Nam | Nữ
# "(1)", "2", "A": the row of column numbers that MoH forms put under the header
_COLUMN_NUMBER = re.compile(r"\(?\d{1,2}\)?|\(?[a-z]\)?")
# What opens the block under a table: totals, the signer's title and name, the date line, notes.
_TRAILER = re.compile(
    r"(tong( cong| so)?|cong|nguoi lap( bieu| danh sach| bang)?|ky ten|ky ghi ro|ky va ghi|ky ho ten|xac nhan"
    r"|ghi chu|luu y|chu y|truong (tram|ban|thon|ap|khu|phong|to|doan)|pho truong|chu tich|pho chu tich|t m"
    r"|tm|kt|thu truong|lanh dao|can bo|to truong|noi nhan|danh sach co|tong hop)\b"
)
_DATE_LINE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")
_NO_MARK = frozenset({"", "0", "-", "khong", "ko", "k", "no"})


@dataclass(frozen=True)
class Column:
    """One recognised column: its letter as Excel shows it, its header as written, what it gives."""

    letter: str
    header: str
    role: str

    @property
    def field(self) -> str:
        """The person's field the column goes into (a part of a name or the sex of a split year column)."""
        return _FIELD_OF_ROLE.get(self.role, self.role)


_FIELD_OF_ROLE = {
    "family_name": "name",
    "given_name": "name",
    "sex_male": "sex",
    "sex_female": "sex",
    "born_male": "born",
    "born_female": "born",
    "dose_1_on": "last_dose_on",
    "dose_2_on": "last_dose_on",
    "dose_3_on": "last_dose_on",
}


@dataclass(frozen=True)
class RawRow:
    """One data row as found: ``row_number`` is the row the user sees in Excel (or the CSV record); ``cells`` is
    the whole row as text, for the list of rejected rows sent back to the commune."""

    row_number: int
    values: dict[str, str]
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportSheet:
    """The recognised columns (field -> header text as written) and the non-blank rows.

    ``found`` lists every recognised column in the sheet's order; ``header`` is the header text of every column
    (two-row headers joined, "Năm sinh / Nam"); ``header_rows`` the rows it was read from; ``ignored`` the rows of
    the block under the table (signatures, totals, notes) that are not people.
    """

    columns: dict[str, str]
    rows: tuple[RawRow, ...]
    found: tuple[Column, ...] = ()
    header: tuple[str, ...] = ()
    header_rows: tuple[int, ...] = ()
    ignored: tuple[int, ...] = ()


def fold(text: str) -> str:
    """``Số CCCD/CMND (*)`` -> ``so cccd cmnd``: no accents, no case, no punctuation, no parenthesised notes."""
    text = re.sub(r"\(.*?\)", " ", text)
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = (
        "".join(c for c in text if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D").lower()
    )
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def header_field(text: str) -> str | None:
    """What a header names: a field of FIELDS, or a part joined into one (``family_name``, ``dose_2_on``…)."""
    folded = fold(text)
    if folded == "ho":
        # "Họ" is a family name (beside "Tên"), "Hộ" the household
        return "family_name" if "ọ" in unicodedata.normalize("NFC", text).lower() else "household"
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
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


Rows = Iterator[tuple[int, Sequence[object]]]


def read_people_sheet(path: Path) -> ImportSheet:
    """Reads the first sheet (or the CSV) whose header row names the people; see the module's docstring."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise BadFile(str(path), "not_found") from None
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
        raise BadFile(str(path), "xls")  # Excel 97-2003, which openpyxl does not read
    if head.startswith(_ZIP):
        with _xlsx_sheets(path) as sheets:
            return _from_sheets(path, sheets)
    if path.suffix.lower() in (".csv", ".txt"):
        return _from_sheets(path, iter([_csv_rows(path)]))
    raise BadFile(str(path), "unreadable")


@contextmanager
def _xlsx_sheets(path: Path) -> Iterator[Iterator[Rows]]:
    """The rows of each sheet, streamed from the workbook opened read-only (a 5,000-row list is not loaded)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it cannot read
            reader = _SheetsOnce(path, read_only=True, data_only=True)
            reader.read()
            wb = reader.wb
    except Exception as exc:  # a damaged or foreign zip: openpyxl raises many kinds
        log.info("cannot open %s as a workbook: %s", path, exc)
        raise BadFile(str(path), "unreadable") from None
    opened: list[Generator[tuple[int, Sequence[object]], None, None]] = []

    def sheets() -> Iterator[Rows]:
        for ws in wb.worksheets:
            rows = _numbered(ws.iter_rows(values_only=True))
            opened.append(rows)
            yield rows

    try:
        yield sheets()
    except BadFile:
        raise
    except Exception as exc:
        log.info("cannot read %s: %s", path, exc)
        raise BadFile(str(path), "unreadable") from None
    finally:
        for rows in opened:
            rows.close()  # the sheet's stream in the archive, left open by a sheet read only to its header
        wb.close()


_DIMENSION = f"{{{SHEET_MAIN_NS}}}dimension"
_SHEET_DATA = f"{{{SHEET_MAIN_NS}}}sheetData"


class _SizedFromHead(ReadOnlyWorksheet):  # type: ignore[misc]
    """A read-only sheet that takes its size from the dimension record only. openpyxl looks for the record
    until the end of ``sheetData``, so a sheet written without one (openpyxl's own write-only mode, many
    programs) was parsed whole when the workbook opened and then again for its rows: 5,000 rows read twice.
    Here the search stops where the rows begin; without the record the size stays unknown, which reading
    the rows in order does not need."""

    def _get_size(self) -> None:
        with self._get_source() as src:
            for _event, element in iterparse(src, events=("start",)):
                if element.tag == _DIMENSION:
                    ref = element.get("ref")
                    if ref:
                        bounds = range_boundaries(ref)
                        if None not in bounds:
                            self._min_column, self._min_row, self._max_column, self._max_row = bounds
                    return
                if element.tag == _SHEET_DATA:
                    return


class _SheetsOnce(ExcelReader):  # type: ignore[misc]
    """openpyxl's reader, read-only, with sheets that are parsed once (see :class:`_SizedFromHead`)."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)  # kept, so that the sheets' indexes stay those of the book
                continue
            ws = _SizedFromHead(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def _numbered(rows: Iterator[Sequence[object]]) -> Generator[tuple[int, Sequence[object]], None, None]:
    yield from enumerate(rows, start=1)


def _csv_rows(path: Path) -> Rows:
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
    return iter(rows)


def _texts(row: Sequence[object]) -> list[str]:
    return [cell_value(v) for v in row]


def _from_sheets(path: Path, sheets: Iterator[Rows]) -> ImportSheet:
    any_content = False
    for rows in sheets:
        head: list[tuple[int, list[str]]] = []
        for number, row in rows:
            head.append((number, _texts(row)))
            if len(head) == HEADER_SEARCH_ROWS + 1:  # one more: the second row of a header on row 30
                break
        if any(v for _, row in head for v in row):
            any_content = True
        found = _find_header([row for _, row in head])
        if found is None:
            continue
        index, height, columns = found
        width = max(columns) + 1
        header = tuple(_joined_header(head, index, height, col) for col in range(width))
        body = ((n, r) for n, r in head[index + height :])
        rest = ((n, _texts(r)) for n, r in rows)
        data, ignored = _data_rows(columns, [*body, *rest])
        if not data:
            raise BadFile(str(path), "empty")
        found_columns = tuple(
            Column(get_column_letter(col + 1), header[col], role) for col, role in columns.items()
        )
        return ImportSheet(
            columns=_field_headers(found_columns),
            rows=tuple(data),
            found=found_columns,
            header=header,
            header_rows=tuple(head[index + k][0] for k in range(height)),
            ignored=tuple(ignored),
        )
    raise BadFile(str(path), "no_name_column" if any_content else "empty")


def _field_headers(found: Sequence[Column]) -> dict[str, str]:
    """field -> header as written; a field made of two columns shows the two ("Họ và tên đệm + Tên")."""
    out: dict[str, list[str]] = {}
    for column in found:
        out.setdefault(column.field, []).append(column.header)
    return {field: " + ".join(headers) for field, headers in out.items()}


def _joined_header(head: Sequence[tuple[int, list[str]]], index: int, height: int, col: int) -> str:
    parts = []
    for k in range(height):
        row = head[index + k][1]
        text = row[col] if col < len(row) else ""
        if k == 0 and not text and height == 2:
            text = _parent(row, head[index + 1][1], col)
        if text and text not in parts:
            parts.append(text)
    return " / ".join(parts)


def _parent(top: Sequence[str], sub: Sequence[str], col: int) -> str:
    """The header over ``col`` in the top row: its own text, or that of a merged cell to its left (read-only
    workbooks give only the first cell of a merge a value) spanning the sub-header's neighbouring cells."""
    if col < len(top) and top[col]:
        return top[col]
    c = col - 1
    while c >= 0:
        if c >= len(sub) or not sub[c]:
            return ""
        if c < len(top) and top[c]:
            return top[c]
        c -= 1
    return ""


def _single_row_roles(row: Sequence[str]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for col, text in enumerate(row):
        role = header_field(text) if text else None
        if role and role not in roles.values():
            roles[col] = role
    return roles


def _two_row_roles(top: Sequence[str], sub: Sequence[str]) -> dict[int, str] | None:
    """The roles of a header on two rows, or None when ``sub`` is not a second header row (or ``top`` no
    header row at all: a title line above a one-row header)."""
    if not any(header_field(text) for text in top if text):
        return None
    roles: dict[int, str] = {}
    sub_headers = 0
    for col in range(max(len(top), len(sub))):
        below = sub[col] if col < len(sub) else ""
        above = _parent(top, sub, col)
        role: str | None = None
        if below:
            parent = header_field(above) if above else None
            folded = fold(below)
            if parent in _SEX_SPLIT and folded in ("nam", "nu"):
                role = f"{parent}_{'male' if folded == 'nam' else 'female'}"
            else:
                role = header_field(below) or (header_field(f"{above} {below}") if above else None)
            if role is None:
                if parent == "name" or any(c.isdigit() for c in below):
                    return None  # a value, not a header: this is a data row
                continue  # a sub-header of no field of ours ("Số nhà")
            sub_headers += 1
        elif above and col < len(top) and top[col]:
            role = header_field(above)
        if role and role not in roles.values():
            roles[col] = role
    return roles if sub_headers else None


def _named(roles: dict[int, str]) -> dict[int, str] | None:
    """The roles when they name the person (a full name, or a given name with or without a family name)."""
    values = set(roles.values())
    if "given_name" in values and "family_name" not in values and "name" not in values:
        return {c: ("name" if r == "given_name" else r) for c, r in roles.items()}
    if "name" in values or {"family_name", "given_name"} <= values:
        if "name" in values and ("family_name" in values or "given_name" in values):
            return {c: r for c, r in roles.items() if r not in ("family_name", "given_name")}
        return roles
    return None


def _find_header(head: Sequence[list[str]]) -> tuple[int, int, dict[int, str]] | None:
    """(row index, 1 or 2 rows, column -> role) of the header naming the most fields, if it names the person."""
    best: tuple[int, int, dict[int, str]] | None = None
    for index in range(min(len(head), HEADER_SEARCH_ROWS)):
        row = head[index]
        candidates: list[tuple[int, dict[int, str] | None]] = []
        if index + 1 < len(head):
            two = _two_row_roles(row, head[index + 1])
            if two is not None:
                candidates.append((2, _named(two)))
        candidates.append((1, _named(_single_row_roles(row))))
        for height, roles in candidates:
            if roles and (best is None or len(roles) > len(best[2])):
                best = (index, height, roles)
                break
    return best


def _is_column_numbers(row: Sequence[str]) -> bool:
    filled = [fold(v) or v for v in row if v]
    return len(filled) >= 2 and all(_COLUMN_NUMBER.fullmatch(v) for v in filled)


def _is_trailer(row: Sequence[str]) -> bool:
    for value in row:
        folded = fold(value.replace("(", " ").replace(")", " "))
        if folded and (_TRAILER.match(folded) or _DATE_LINE.search(folded)):
            return True
    return False


def _person_like(values: dict[str, str]) -> bool:
    """A name with a birth year, an ID number, a phone or a sex beside it: a person, however badly written;
    the signer's title in the phone column ("TRƯỞNG TRẠM Y TẾ") is not."""
    if not values.get("name"):
        return False
    if any(c.isdigit() for f in ("born", "id_number", "phone") for c in values.get(f, "")):
        return True
    return fold(values.get("sex", "")) in ("nam", "nu", "m", "f", "male", "female")


def _data_rows(
    columns: dict[int, str], rows: Sequence[tuple[int, list[str]]]
) -> tuple[list[RawRow], list[int]]:
    data: list[RawRow] = []
    ignored: list[int] = []
    in_trailer = False
    for position, (number, row) in enumerate(rows):
        if position == 0 and _is_column_numbers(row):
            ignored.append(number)
            continue
        values = _values(columns, row)
        if not any(values.values()):
            if any(row):
                ignored.append(number)  # text only in columns that are not the person's (a title, "STT")
            continue
        if not _person_like(values) and data and (in_trailer or _is_trailer(row)):
            in_trailer = True
            ignored.append(number)
            continue
        data.append(RawRow(number, values, tuple(row)))
    return data, ignored


def _values(columns: dict[int, str], row: Sequence[str]) -> dict[str, str]:
    """A row's text by role, the parts joined into the person's fields."""
    raw = {role: row[col] if col < len(row) else "" for col, role in columns.items()}
    out: dict[str, str] = {}
    for role, text in raw.items():
        if role in FIELDS:
            out[role] = text
    if "family_name" in raw or "given_name" in raw:
        out["name"] = " ".join(p for p in (raw.get("family_name", ""), raw.get("given_name", "")) if p)
    if "born_male" in raw or "born_female" in raw:
        male, female = raw.get("born_male", ""), raw.get("born_female", "")
        out["born"] = male or female if not (male and female) else f"{male} / {female}"
        if "sex" not in raw:
            out["sex"] = ("Nam" if male else "Nữ") if bool(male) != bool(female) else ""
    if "sex_male" in raw or "sex_female" in raw:
        male_mark = fold(raw.get("sex_male", "")) not in _NO_MARK
        female_mark = fold(raw.get("sex_female", "")) not in _NO_MARK
        if male_mark and female_mark:
            out["sex"] = "Nam / Nữ"  # both marked: rejected as a bad value, never guessed
        else:
            out["sex"] = "Nam" if male_mark else "Nữ" if female_mark else ""
    doses = [raw[r] for r in ("dose_1_on", "dose_2_on", "dose_3_on") if raw.get(r)]
    if doses and not out.get("last_dose_on"):
        out["last_dose_on"] = doses[-1]
    return out


def write_rejected_rows(
    path: Path, header: Sequence[str], rows: Sequence[tuple[int, Sequence[str], str]], reason_title: str
) -> Path:
    """The rejected rows as the commune sent them, with the row number and the reason beside each, so the
    commune can correct them and send them again. ``rows`` holds (row number, cells, reason)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from quarantine_desk.exports.common import atomic_output
    from quarantine_desk.exports.safe import text_cell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Dòng bị từ chối")
    width = max([len(header), *(len(cells) for _, cells, _ in rows)])
    titles = [reason_title, "Dòng", *(header[c] if c < len(header) else "" for c in range(width))]
    ws.column_dimensions["A"].width = 60
    ws.column_dimensions["B"].width = 8
    for col in range(width):
        ws.column_dimensions[get_column_letter(col + 3)].width = 22
    ws.freeze_panes = "C2"
    bold = {"font": Font(bold=True), "alignment": Alignment(wrap_text=True, vertical="top")}
    ws.append([text_cell(ws, t, bold) for t in titles])
    wrap = {"alignment": Alignment(wrap_text=True, vertical="top")}
    for number, cells, reason in rows:
        ws.append([text_cell(ws, reason, wrap), number, *(text_cell(ws, c) for c in cells)])
    with atomic_output(path) as temp:
        wb.save(temp)
    return path
