"""Tables for the people who act on them: the week's duty roster, the stock report of a period, the request sheet.

One document is a title, the national header, columns and sections of rows (a section has a heading: a role, a
kind of item); a row may be marked (a gap in the duty roster, an item to order) and is then filled in the Excel
file and set in bold in the PDF, with its text saying why, so it shows in black and white as well. Plain rows in,
written atomically, text cells never taken for formulas; notes (the assumptions) and signatures under the table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, LongTable, PageBreak, Spacer

from quarantine_desk.domain.progress import Progress, ShouldStop

from .common import MOTTO, NATION, DocumentHead, atomic_output, check_stop, place_and_date
from .pdf import (
    SIGN_HINT,
    _build,
    _national_header,
    _p,
    _signatures,
    _style,
    _Styles,
    _table_style,
    register_fonts,
)
from .safe import set_text

DATE_FORMAT = "dd/mm/yyyy"
Cell = str | int | float | date | None
MARK_FILL = "F8D7DA"


@dataclass(frozen=True)
class Section:
    heading: str | None
    rows: tuple[tuple[Cell, ...], ...]
    marked: frozenset[int] = frozenset()  # indexes of rows to mark


@dataclass(frozen=True)
class TableDocument(DocumentHead):
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # relative, one per column
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = ()
    signers: tuple[tuple[str, str], ...] = (
        ("Người lập biểu", SIGN_HINT),
        ("Trưởng ban quản lý khu cách ly", SIGN_HINT),
    )
    wide: bool = True  # landscape A4
    empty: str = "Không có dòng nào."

    @property
    def rows(self) -> int:
        return sum(len(s.rows) for s in self.sections)


def write_table_document(
    doc: TableDocument, path: Path, progress: Progress | None = None, should_stop: ShouldStop | None = None
) -> Path:
    """.xlsx or .pdf, by the file's extension."""
    return write_table_documents((doc,), path, progress, should_stop)


def write_table_documents(
    docs: Sequence[TableDocument],
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
    sheets: Sequence[str] = (),
) -> Path:
    """Several documents in one file: a sheet each (named by ``sheets``, else by the title) in Excel, each on
    fresh pages in the PDF (the page size is the first one's). .xlsx or .pdf, by the file's extension."""
    path = Path(path)
    check_stop(should_stop)
    if path.suffix.lower() == ".pdf":
        _write_pdf(docs, path, progress, should_stop)
    else:
        _write_xlsx(docs, path, sheets, progress, should_stop)
    return path


def sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook (``taken``, in
    lower case, gets the name)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "Bang"
    title, n = base, 2
    while title.lower() in taken:
        title = f"{base[:26]} ({n})"
        n += 1
    taken.add(title.lower())
    return title


def _write_xlsx(
    docs: Sequence[TableDocument],
    path: Path,
    sheets: Sequence[str],
    progress: Progress | None,
    should_stop: ShouldStop | None,
) -> None:
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    taken: set[str] = set()
    for done, doc in enumerate(docs, start=1):
        check_stop(should_stop)
        name = sheets[done - 1] if done <= len(sheets) else doc.title
        _fill_sheet(wb.create_sheet(sheet_title(name, taken)), doc)
        if progress is not None:
            progress(done, len(docs))
    wb.properties.title = docs[0].title if docs else ""
    with atomic_output(path) as temp:
        wb.save(temp)


def _fill_sheet(ws: Worksheet, doc: TableDocument) -> None:
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    section_fill = PatternFill("solid", fgColor="EEEEEE")
    mark_fill = PatternFill("solid", fgColor=MARK_FILL)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    n = len(doc.columns)
    last = get_column_letter(n)
    half = max(1, n // 2)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=half)
    ws.cell(1, 1, doc.facility.upper()).font = bold
    ws.merge_cells(start_row=1, start_column=half + 1, end_row=1, end_column=n)
    ws.cell(1, half + 1, NATION).font = bold
    ws.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=n)
    ws.cell(2, half + 1, MOTTO).font = Font(bold=True, underline="single")
    for row in (1, 2):
        for col in (1, half + 1):
            ws.cell(row, col).alignment = center
    ws.merge_cells(f"A4:{last}4")
    ws["A4"] = doc.title
    ws["A4"].font = Font(bold=True, size=14)
    ws["A4"].alignment = center
    ws.merge_cells(f"A5:{last}5")
    set_text(ws["A5"], doc.subtitle)
    ws["A5"].alignment = center
    header_row = 7
    for col, title in enumerate(doc.columns, start=1):
        cell = ws.cell(header_row, col, title)
        cell.font, cell.fill, cell.border, cell.alignment = bold, head_fill, border, center
    r = header_row
    for section in doc.sections:
        if section.heading is not None:
            r += 1
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
            cell = ws.cell(r, 1)
            set_text(cell, section.heading)
            cell.font, cell.fill, cell.border = bold, section_fill, border
        for index, values in enumerate(section.rows):
            r += 1
            marked = index in section.marked
            for col, value in enumerate(values, start=1):
                cell = ws.cell(r, col)
                if isinstance(value, str):
                    set_text(cell, value)
                else:
                    cell.value = value
                    if isinstance(value, date):
                        cell.number_format = DATE_FORMAT
                cell.border, cell.alignment = border, wrap
                if marked:
                    cell.fill, cell.font = mark_fill, bold
    if not doc.rows:
        r += 1
        ws.cell(r, 1, doc.empty)
    r += 1
    for note in doc.notes:
        r += 1
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
        set_text(ws.cell(r, 1), note)
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
    r += 2
    ws.merge_cells(start_row=r, start_column=half + 1, end_row=r, end_column=n)
    ws.cell(r, half + 1, place_and_date(doc.on, doc.province, doc.district)).alignment = center
    for i, (who, hint) in enumerate(doc.signers[:2]):
        col, stop = (1, half) if i == 0 else (half + 1, n)
        for offset, text, font in ((1, who, bold), (2, hint, Font(italic=True))):
            ws.merge_cells(start_row=r + offset, start_column=col, end_row=r + offset, end_column=stop)
            cell = ws.cell(r + offset, col, text)
            cell.font, cell.alignment = font, center
    total = sum(doc.widths)
    for col, share in enumerate(doc.widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = max(
            7, round((150 if doc.wide else 100) * share / total)
        )
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape" if doc.wide else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def _write_pdf(
    docs: Sequence[TableDocument], path: Path, progress: Progress | None, should_stop: ShouldStop | None
) -> None:
    register_fonts()
    st = _Styles()
    wide = docs[0].wide if docs else True
    pagesize = landscape(A4) if wide else portrait(A4)
    margin = 1.2 * cm
    width = pagesize[0] - 2 * margin
    story: list[Flowable] = []
    for done, doc in enumerate(docs, start=1):
        check_stop(should_stop)
        if story:
            story.append(PageBreak())
        story += _story(st, width, doc)
        if progress is not None:
            progress(done, len(docs))
    with atomic_output(path) as temp:
        _build(temp, story, pagesize, docs[0].title if docs else "", should_stop, margins=margin)


def _story(st: _Styles, width: float, doc: TableDocument) -> list[Flowable]:
    head = _style("thead", 8.5, bold=True, leading=10.5, align=TA_CENTER)
    cell = _style("tcell", 8.5, leading=10.5)
    marked_cell = _style("tmarked", 8.5, bold=True, leading=10.5)
    section_style = _style("tsection", 9, bold=True, leading=11)
    total = sum(doc.widths)
    col_widths = [width * w / total for w in doc.widths]
    data: list[list[object]] = [[_p(c, head) for c in doc.columns]]
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), "DejaVuSans", 8.5, 10.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for section in doc.sections:
        if section.heading is not None:
            row = len(data)
            data.append([_p(section.heading, section_style), *[""] * (len(doc.columns) - 1)])
            commands += [
                ("SPAN", (0, row), (-1, row)),
                ("BACKGROUND", (0, row), (-1, row), colors.HexColor("#EEEEEE")),
            ]
        for index, values in enumerate(section.rows):
            marked = index in section.marked
            row = len(data)
            data.append([_p(_text(v), marked_cell if marked else cell) for v in values])
            if marked:
                commands.append(("BACKGROUND", (0, row), (-1, row), colors.HexColor(f"#{MARK_FILL}")))
    if not doc.rows:
        row = len(data)
        data.append([_p(doc.empty, cell), *[""] * (len(doc.columns) - 1)])
        commands.append(("SPAN", (0, row), (-1, row)))
    table = LongTable(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(_table_style(commands))
    notes: list[Flowable] = [_p(note, _style("tnote", 9.5, leading=12)) for note in doc.notes]
    return [
        _national_header(st, width, doc.facility, doc.district, doc.province),
        _p(doc.title, st.title),
        _p(doc.subtitle, st.subtitle),
        table,
        Spacer(1, 0.3 * cm),
        *notes,
        _signatures(st, width, doc.on, doc.province, doc.district, doc.signers),
    ]
