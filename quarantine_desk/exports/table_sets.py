"""Documents made of several tables, each with its own columns, under the national header: the kitchen's meal
sheet (per diet, per zone, the changes since the cut-off), the report of a relief round (summary, given, not
given), the Resolution 68 support list (with its totals line). One writer for Excel and PDF, chosen by the file's
extension. (A document of one table whose rows fall into sections is ``exports.tables``'s.)

Plain rows in, like every writer here; written atomically; text cells never taken for formulas; numbers stay
numbers (thousands grouped), dates real dates; the place-and-date line and the signatures close the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, LongTable, Spacer

from quarantine_desk.domain.progress import Progress, ShouldStop

from .common import MOTTO, NATION, DocumentHead, atomic_output, check_stop, place_and_date
from .pdf import (
    KEEP_ROWS,
    SIGN_HINT,
    _build,
    _KeepWithLastRows,
    _national_header,
    _p,
    _signatures,
    _style,
    _Styles,
    _table_style,
    register_fonts,
)
from .safe import set_text

Cell = str | int | date | datetime | None

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
NUMBER_FORMAT = "#,##0"


@dataclass(frozen=True)
class Table:
    """One table of a document: a heading over it, the columns with their widths (characters), the rows, a
    bold total line; ``marked`` rows (by index) are shown in red, as changes."""

    columns: tuple[str, ...]
    widths: tuple[float, ...]
    rows: tuple[tuple[Cell, ...], ...]
    heading: str | None = None
    total: tuple[Cell, ...] | None = None
    marked: frozenset[int] = frozenset()
    empty: str = "Không có ai."


@dataclass(frozen=True)
class TableSet(DocumentHead):
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = ()
    signers: tuple[tuple[str, str], ...] = (("Người lập biểu", SIGN_HINT), ("Trưởng ban quản lý", SIGN_HINT))
    wide: bool = False  # landscape
    sheet: str = "Danh sách"
    keywords: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def write_table_set(
    doc: TableSet, path: Path, progress: Progress | None = None, should_stop: ShouldStop | None = None
) -> Path:
    """.xlsx or .pdf, by the file's extension."""
    path = Path(path)
    check_stop(should_stop)
    if progress is not None:
        progress(0, 1)
    if path.suffix.lower() == ".pdf":
        _write_pdf(doc, path, should_stop)
    else:
        _write_xlsx(doc, path, should_stop)
    if progress is not None:
        progress(1, 1)
    return path


def cell_text(value: Cell) -> str:
    """A value as the PDF prints it: 1.234.000 with Vietnamese grouping, 05/08/2021, 05/08/2021 11:00."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


# --- Excel ---------------------------------------------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = Font(name="Times New Roman", size=12)
_BOLD = Font(name="Times New Roman", size=12, bold=True)
_RED = Font(name="Times New Roman", size=12, color="B00020")
_RED_BOLD = Font(name="Times New Roman", size=12, bold=True, color="B00020")
_TITLE = Font(name="Times New Roman", size=14, bold=True)
_ITALIC = Font(name="Times New Roman", size=12, italic=True)
_MOTTO = Font(name="Times New Roman", size=12, bold=True, underline="single")
_FILL = PatternFill("solid", fgColor="DDE6F0")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
_NUMBER = Alignment(horizontal="right", vertical="top")


def _put(ws: Any, row: int, col: int, value: Cell, **style: Any) -> Any:
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, bool):
        cell.value = "x" if value else None
    else:
        cell.value = value
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
        elif isinstance(value, int):
            cell.number_format = NUMBER_FORMAT
    for name, attr in style.items():
        setattr(cell, name, attr)
    return cell


def _write_xlsx(doc: TableSet, path: Path, should_stop: ShouldStop | None) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = doc.sheet[:31]
    ncols = max(len(t.columns) for t in doc.tables) if doc.tables else 2
    widths = [0.0] * ncols
    for t in doc.tables:
        for i, w in enumerate(t.widths):
            widths[i] = max(widths[i], w)
    last = get_column_letter(ncols)
    split = max(1, ncols // 2 - (1 if ncols > 5 else 0))
    place = ", ".join(p for p in (doc.district, doc.province) if p)
    _put(ws, 1, 1, doc.facility.upper(), font=_BOLD, alignment=_CENTER)
    _put(ws, 1, split + 1, NATION, font=_BOLD, alignment=_CENTER)
    _put(ws, 2, 1, place, font=_ITALIC, alignment=_CENTER)
    _put(ws, 2, split + 1, MOTTO, font=_MOTTO, alignment=_CENTER)
    _put(ws, 4, 1, doc.title, font=_TITLE, alignment=_CENTER)
    _put(ws, 5, 1, doc.subtitle, font=_ITALIC, alignment=_CENTER)
    for r in (1, 2):
        if split > 1:
            ws.merge_cells(f"A{r}:{get_column_letter(split)}{r}")
        if ncols > split + 1:
            ws.merge_cells(f"{get_column_letter(split + 1)}{r}:{last}{r}")
        ws.row_dimensions[r].height = 32
    for r in (4, 5):
        if ncols > 1:
            ws.merge_cells(f"A{r}:{last}{r}")
    ws.row_dimensions[4].height = 22
    row = 6
    first_header = 0
    for table in doc.tables:
        check_stop(should_stop)
        row += 1
        if table.heading:
            _put(ws, row, 1, table.heading, font=_BOLD)
            row += 1
        first_header = first_header or row
        for col, name in enumerate(table.columns, start=1):
            _put(ws, row, col, name, font=_BOLD, fill=_FILL, border=_BORDER, alignment=_CENTER)
        ws.row_dimensions[row].height = 32
        if not table.rows:
            row += 1
            _put(ws, row, 1, table.empty, font=_ITALIC)
        for index, values in enumerate(table.rows):
            row += 1
            font = _RED if index in table.marked else _FONT
            for col, value in enumerate(values, start=1):
                align = _NUMBER if isinstance(value, int) and not isinstance(value, bool) else _WRAP
                _put(ws, row, col, value, font=font, border=_BORDER, alignment=align)
        if table.total is not None:
            row += 1
            for col, value in enumerate(table.total, start=1):
                align = _NUMBER if isinstance(value, int) else _WRAP
                _put(ws, row, col, value, font=_BOLD, border=_BORDER, alignment=align)
        row += 1
    for note in doc.notes:
        row += 1
        _put(ws, row, 1, note, font=_ITALIC)
    row += 2
    _put(
        ws,
        row,
        split + 1,
        place_and_date(doc.on, doc.province, doc.district),
        font=_ITALIC,
        alignment=_CENTER,
    )
    if ncols > split + 1:
        ws.merge_cells(f"{get_column_letter(split + 1)}{row}:{last}{row}")
    row += 1
    n = max(1, len(doc.signers))
    bounds = [round(ncols * k / n) for k in range(n + 1)] if n > 2 else [0, split, ncols]
    for i, (who, hint) in enumerate(doc.signers[:n]):
        col, stop = bounds[i] + 1, max(bounds[i + 1], bounds[i] + 1)
        for offset, text, font in ((0, who, _BOLD), (1, hint, _ITALIC)):
            _put(ws, row + offset, col, text, font=font, alignment=_CENTER)
            if stop > col:
                ws.merge_cells(
                    start_row=row + offset, start_column=col, end_row=row + offset, end_column=stop
                )
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = max(width, 5)
    if len(doc.tables) == 1 and first_header:
        ws.freeze_panes = f"A{first_header + 1}"
        ws.print_title_rows = f"{first_header}:{first_header}"
    ws.page_setup.orientation = "landscape" if doc.wide else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "Trang &P/&N"
    wb.properties.title = doc.title
    wb.properties.keywords = doc.keywords
    with atomic_output(path) as temp:
        wb.save(temp)


# --- PDF -----------------------------------------------------------------------------------------------------------


def _write_pdf(doc: TableSet, path: Path, should_stop: ShouldStop | None) -> None:
    register_fonts()
    st = _Styles()
    pagesize = landscape(A4) if doc.wide else A4
    margin = 1.3 * cm
    width = pagesize[0] - 2 * margin
    head = _style("thead", 8.5, bold=True, leading=10.5, align=TA_CENTER)
    text = _style("tcell", 8.5, leading=10.5, align=TA_LEFT)
    number_style = _style("tnumber", 8.5, leading=10.5, align=TA_RIGHT)
    red_text = _style("tred", 8.5, leading=10.5, align=TA_LEFT, textColor=colors.HexColor("#B00020"))
    red_number = _style("tredn", 8.5, leading=10.5, align=TA_RIGHT, textColor=colors.HexColor("#B00020"))
    bold_text = _style("tbold", 8.5, bold=True, leading=10.5, align=TA_LEFT)
    bold_number = _style("tboldn", 8.5, bold=True, leading=10.5, align=TA_RIGHT)
    heading = _style("theading", 10.5, bold=True, spaceBefore=8, spaceAfter=4)
    note = _style("tnote", 9.5, leading=12.5)
    story: list[Flowable] = [
        _national_header(st, width, doc.facility, doc.district, doc.province),
        _p(doc.title, st.title),
        _p(doc.subtitle, st.subtitle),
    ]

    def grid(table: Table, lines: list[list[object]]) -> LongTable:
        total_width = sum(table.widths) or 1.0
        made = LongTable(
            [[_p(c, head) for c in table.columns], *lines],
            colWidths=[width * w / total_width for w in table.widths],
            repeatRows=1,
        )
        commands: list[tuple[Any, ...]] = [
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if not table.rows:
            commands.append(("SPAN", (0, 1), (-1, 1)))
        made.setStyle(_table_style(commands))
        return made

    tail: list[Flowable] = [
        *(_p(n, note) for n in doc.notes),
        _signatures(st, width, doc.on, doc.province, doc.district, doc.signers),
    ]
    for number, table in enumerate(doc.tables, start=1):
        check_stop(should_stop)
        if table.heading:
            story.append(_p(table.heading, heading))
        lines: list[list[object]] = []
        for index, values in enumerate(table.rows):
            red = index in table.marked
            lines.append(
                [
                    _p(
                        cell_text(v),
                        (red_number if red else number_style) if _numeric(v) else (red_text if red else text),
                    )
                    for v in values
                ]
            )
        if not table.rows:
            lines.append([_p(table.empty, text), *[""] * (len(table.columns) - 1)])
        if table.total is not None:
            lines.append([_p(cell_text(v), bold_number if _numeric(v) else bold_text) for v in table.total])
        if number < len(doc.tables):
            story += [grid(table, lines), Spacer(1, 0.2 * cm)]
        else:  # the notes and the signatures never stand alone on the last page: the last rows go with them
            keep = KEEP_ROWS + (table.total is not None)  # the total line, and rows above it
            story.append(
                _KeepWithLastRows(partial(grid, table), lines, [Spacer(1, 0.2 * cm), *tail], keep=keep)
            )
            tail = []
    story += tail
    with atomic_output(path) as temp:
        _build(temp, story, pagesize, doc.title, should_stop, margins=margin)


def _numeric(value: Cell) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def column_widths(columns: Sequence[tuple[str, float]]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Names and widths of ``(name, width)`` pairs."""
    return tuple(c for c, _ in columns), tuple(w for _, w in columns)
