"""Lists sent back to the home communes, one sheet (Excel) or one section (PDF) per commune: the people handed
over on a day ("bàn giao cho địa phương") and the people of an F1 list who have not arrived.

Plain rows in, like every writer here; written atomically; text cells never taken for formulas; the national
header and the signatures of both sides on every commune's part.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, LongTable, PageBreak, Spacer

from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.text import name_sort_key

from .common import MOTTO, NATION, atomic_output, check_stop, place_and_date
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
Cell = str | int | date | None


@dataclass(frozen=True)
class CommuneGroup:
    commune: str  # "Không rõ xã/phường" when the address does not say
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class CommuneLists:
    """A list split by home commune: ``columns`` and, for each group, rows of the same width (without the
    STT column, which the writers add)."""

    title: str
    subtitle: str
    facility: str
    district: str | None
    province: str | None
    on: date
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # relative widths, one per column
    groups: tuple[CommuneGroup, ...]
    signers: tuple[tuple[str, str], ...] = (
        ("Đại diện khu cách ly (bên giao)", SIGN_HINT),
        ("Đại diện xã/phường (bên nhận)", SIGN_HINT),
    )


def write_commune_lists(
    doc: CommuneLists, path: Path, progress: Progress | None = None, should_stop: ShouldStop | None = None
) -> Path:
    """.xlsx or .pdf, by the file's extension."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return _write_pdf(doc, path, progress, should_stop)
    return _write_xlsx(doc, path, progress, should_stop)


def _sheet_title(commune: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", commune).strip()[:28] or "Xã"
    title, n = base, 2
    while title.lower() in taken:
        title = f"{base[:26]} ({n})"
        n += 1
    taken.add(title.lower())
    return title


def _write_xlsx(
    doc: CommuneLists, path: Path, progress: Progress | None, should_stop: ShouldStop | None
) -> Path:
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    taken: set[str] = set()
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)
    columns = ("STT", *doc.columns)
    last = get_column_letter(len(columns))
    groups = doc.groups or (CommuneGroup("Không có ai", ()),)
    for done, group in enumerate(groups, start=1):
        check_stop(should_stop)
        ws = wb.create_sheet(_sheet_title(group.commune, taken))
        half = max(2, len(columns) // 2)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=half)
        ws.cell(1, 1, doc.facility.upper()).font = bold
        ws.merge_cells(start_row=1, start_column=half + 1, end_row=1, end_column=len(columns))
        ws.cell(1, half + 1, NATION).font = bold
        ws.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=len(columns))
        ws.cell(2, half + 1, MOTTO).font = Font(bold=True, underline="single")
        for row in (1, 2):
            for col in (1, half + 1):
                ws.cell(row, col).alignment = center
        ws.merge_cells(f"A4:{last}4")
        ws["A4"] = doc.title
        ws["A4"].font = Font(bold=True, size=14)
        ws["A4"].alignment = center
        ws.merge_cells(f"A5:{last}5")
        ws["A5"] = f"Xã/phường: {group.commune} — {doc.subtitle}"
        ws["A5"].alignment = center
        header_row = 7
        for col, title in enumerate(columns, start=1):
            cell = ws.cell(header_row, col, title)
            cell.font, cell.fill, cell.border, cell.alignment = bold, head_fill, border, center
        for n, values in enumerate(group.rows, start=1):
            r = header_row + n
            ws.cell(r, 1, n).border = border
            for col, value in enumerate(values, start=2):
                if isinstance(value, str):
                    cell = ws.cell(r, col)
                    set_text(cell, value)
                else:
                    cell = ws.cell(r, col, value)
                    if isinstance(value, date):
                        cell.number_format = DATE_FORMAT
                cell.border, cell.alignment = border, wrap
        end = header_row + len(group.rows) + 2
        ws.cell(end, 1, f"Tổng cộng: {len(group.rows)} người").font = bold
        ws.cell(end + 2, half + 1, place_and_date(doc.on, doc.province, doc.district)).alignment = center
        ws.merge_cells(start_row=end + 2, start_column=half + 1, end_row=end + 2, end_column=len(columns))
        for i, (who, hint) in enumerate(doc.signers[:2]):
            col = 1 if i == 0 else half + 1
            stop = half if i == 0 else len(columns)
            for offset, text, font in ((3, who, bold), (4, hint, Font(italic=True))):
                ws.merge_cells(
                    start_row=end + offset, start_column=col, end_row=end + offset, end_column=stop
                )
                cell = ws.cell(end + offset, col, text)
                cell.font, cell.alignment = font, center
        ws.column_dimensions["A"].width = 5
        total = sum(doc.widths)
        for col, share in enumerate(doc.widths, start=2):
            ws.column_dimensions[get_column_letter(col)].width = max(8, round(110 * share / total))
        ws.freeze_panes = ws.cell(header_row + 1, 1)
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if progress is not None:
            progress(done, len(groups))
    with atomic_output(path) as temp:
        wb.save(temp)
    return path


def _write_pdf(
    doc: CommuneLists, path: Path, progress: Progress | None, should_stop: ShouldStop | None
) -> Path:
    register_fonts()
    st = _Styles()
    pagesize = landscape(A4)
    margin = 1.2 * cm
    width = pagesize[0] - 2 * margin
    head = _style("hhead", 8, bold=True, leading=9.5, align=TA_CENTER)
    cell = _style("hcell", 8.5, leading=10.5)
    total = sum(doc.widths)
    col_widths = [1.1 * cm] + [(width - 1.1 * cm) * w / total for w in doc.widths]
    story: list[Flowable] = []
    groups = doc.groups or (CommuneGroup("Không có ai", ()),)
    for done, group in enumerate(groups, start=1):
        check_stop(should_stop)
        if story:
            story.append(PageBreak())
        story += [
            _national_header(st, width, doc.facility, doc.district, doc.province),
            _p(doc.title, st.title),
            _p(f"Xã/phường: {group.commune} — {doc.subtitle}", st.subtitle),
        ]
        data: list[list[object]] = [[_p(c, head) for c in ("STT", *doc.columns)]]
        for n, values in enumerate(group.rows, start=1):
            data.append([str(n), *(_p(_text(v), cell) for v in values)])
        if not group.rows:
            data.append(["", _p("Không có ai.", cell), *[""] * (len(doc.columns) - 1)])
        table = LongTable(data, colWidths=col_widths, repeatRows=1)
        table.setStyle(
            _table_style(
                [
                    ("FONT", (0, 0), (-1, -1), "DejaVuSans", 8.5, 10.5),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ALIGN", (0, 1), (0, -1), "CENTER"),
                ]
            )
        )
        story += [
            table,
            Spacer(1, 0.2 * cm),
            _p(f"Tổng cộng: {len(group.rows)} người", _style("htotal", 10, bold=True)),
            _signatures(st, width, doc.on, doc.province, doc.district, doc.signers),
        ]
        if progress is not None:
            progress(done, len(groups))
    with atomic_output(path) as temp:
        _build(temp, story, pagesize, doc.title, should_stop, margins=margin)
    return path


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def group_rows(
    rows: Sequence[tuple[str, tuple[Cell, ...]]], unknown: str, key: Callable[[str], str] = str
) -> tuple[CommuneGroup, ...]:
    """(commune or "", row) pairs into groups of one ``key`` (spellings of one commune), each named by its
    shortest spelling, in the Vietnamese order of the names, the unknown last."""
    by: dict[str, list[tuple[Cell, ...]]] = {}
    names: dict[str, str] = {}
    for commune, row in rows:
        k = key(commune) if commune else ""
        by.setdefault(k, []).append(row)
        name = commune or unknown
        if k not in names or len(name) < len(names[k]):
            names[k] = name
    # Vietnamese order ("Đắk Mar" after "Dục Nội", before "Hà Mòn"): the sort key of names, read in order
    order = sorted(by, key=lambda k: (k == "", [name_sort_key(w) for w in names[k].split()]))
    return tuple(CommuneGroup(names[k], tuple(by[k])) for k in order)
