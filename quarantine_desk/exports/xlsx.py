"""Excel files for the district: rosters (constant memory, 20,000 rows) and the 16:00 daily report.

Every file is written to a temporary file beside the target and moved into place at the end, so a cancelled
or failed export leaves nothing behind. Text cells go through :mod:`.safe`, so nothing becomes a formula.
The daily report carries a hidden sheet with its figures in machine form, so the district can merge the
files of several facilities (:func:`read_daily_report`, :func:`merge_daily_reports`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from quarantine_desk.domain.errors import BadFile
from quarantine_desk.domain.progress import Progress, ShouldStop

from .common import (
    MOTTO,
    NATION,
    Ticker,
    atomic_output,
    check_stop,
    dmy,
    place_and_date,
    release_note,
    sex_label,
    test_label,
    time_of_day,
)
from .rows import (
    FIGURE_FIELDS,
    CellMismatch,
    DailyFigures,
    DailyReport,
    RosterDocument,
    RosterRow,
    SentReport,
)
from .safe import cell_text, is_risky, set_text

log = logging.getLogger(__name__)

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"

TEST_COLUMNS = 3

#: (header, width in characters) of the roster table: narrow enough to print across an A4 landscape page at
#: 70 % or more (see print_layout); long names, addresses and notes wrap, and their rows grow to fit.
ROSTER_COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 5),
    ("Họ và tên", 21),
    ("Năm sinh", 6.5),
    ("Ngày sinh", 10.5),
    ("Giới tính", 5.5),
    ("Số CCCD/CMND", 13.5),
    ("Số điện thoại", 11.5),
    ("Địa chỉ", 24),
    ("Nhóm (đợt) cách ly", 15),
    ("Phòng – giường", 8.5),
    ("Ngày vào", 15.5),
    ("Ngày dự kiến ra", 10.5),
    *((f"Xét nghiệm lần {n}", 12) for n in range(1, TEST_COLUMNS + 1)),
    ("Ghi chú", 16),
)

#: The daily report's columns: (field, header, width).
FIGURE_HEADERS: dict[str, str] = {
    "beds_total": "Tổng số giường",
    "beds_occupied": "Giường đang sử dụng",
    "beds_free": "Giường trống",
    "beds_closed": "Giường tạm đóng",
    "present_start": "Số người đầu ngày",
    "admitted": "Tiếp nhận trong ngày",
    # Completed, early, to home quarantine, other: every departure but the transfers.
    "released": "Ra khỏi khu cách ly",
    "transferred_positive": "Dương tính, chuyển điều trị",
    "present_now": "Đang cách ly",
    "due_tomorrow": "Dự kiến ra ngày mai",
    "tests_taken": "Số mẫu xét nghiệm",
    "positives": "Số ca dương tính",
    "staff_on_duty": "Cán bộ trực",
}


def figure_label(field: str) -> str:
    """The column header of a report's figure (or "Khu cách ly" for the name), as the official sees it."""
    return "Khu cách ly" if field == "facility_name" else FIGURE_HEADERS.get(field, field)


def mismatch_remark(mismatch: CellMismatch) -> str:
    """How the merged report marks a figure typed over on the visible sheet and merged anyway."""
    return (
        f"ô {mismatch.cell} ({figure_label(mismatch.field)}) hiển thị {mismatch.visible}, "
        f"trang dữ liệu ghi {mismatch.data}; đã tổng hợp theo số hiển thị"
    )


def problem_remark(kind: str, cell: str, expected: int, found: int) -> str:
    """How the merged report marks figures that do not hold together and were merged anyway."""
    if kind == "balance":
        return (
            f"ô {cell}: đang cách ly {found}, nhưng đầu ngày + tiếp nhận − hoàn thành − chuyển điều trị = "
            f"{expected}"
        )
    return f"ô {cell}: giường đang sử dụng {found}, nhiều hơn tổng số giường {expected}"


REPORT_FORMAT = "quarantine-desk/daily-report"
REPORT_VERSION = 1
DATA_SHEET = "_du_lieu"
#: The visible sheet's header row; the facilities' lines follow it, then the totals.
REPORT_HEADER_ROW = 7
REPORT_TITLE = "BÁO CÁO NHANH TÌNH HÌNH CÁCH LY TẬP TRUNG"
REMARKS_TITLE = "Lưu ý khi tổng hợp (số liệu chưa được khu cách ly xác nhận lại):"

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(name="Times New Roman", bold=True, size=12)
_TITLE = Font(name="Times New Roman", bold=True, size=14)
_MOTTO = Font(name="Times New Roman", bold=True, size=12, underline="single")
_ITALIC = Font(name="Times New Roman", italic=True, size=12)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_MARKED_FILL = PatternFill("solid", fgColor="F8D7DA")
_RED = Font(name="Times New Roman", size=12, color="B00020")
_RED_BOLD = Font(name="Times New Roman", size=12, bold=True, color="B00020")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
_TOP = Alignment(vertical="top")


# --- roster ------------------------------------------------------------------------------------------------------


def roster_cells(row: RosterRow) -> list[object]:
    """The values of one roster line after STT, in column order, shared by the PDF roster."""
    # one type per column, so that both sort: the year always a number, the date a date or empty
    year = row.birth_date.year if row.birth_date is not None else row.birth_year
    tests = [test_label(t) for t in row.tests[:TEST_COLUMNS]]
    tests += [""] * (TEST_COLUMNS - len(tests))
    note = release_note(row)
    extra = [f"XN lần {n}: {test_label(t)}" for n, t in enumerate(row.tests[TEST_COLUMNS:], TEST_COLUMNS + 1)]
    if extra:
        note = "; ".join([*extra, note] if note else extra)
    return [
        row.full_name,
        year,
        row.birth_date,
        sex_label(row.sex),
        row.id_number or "",
        row.phone or "",
        row.address or "",
        row.cohort,
        f"{row.room} – {row.bed}",
        row.admitted_at,
        row.planned_release,
        *tests,
        note,
    ]


#: Points per line of 11-point text in a row, as Excel sets a row of one line; of 12-point Times New Roman.
LINE_HEIGHT = 15.0
_TIMES_LINE = 16.0


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapping cell ``width`` characters wide.

    Column widths count the widest digit of the default font; a letter is narrower on average (0.85 of it,
    as measured in LibreOffice's print of the roster) and a capital wider. A character is left for the cell's
    margins. It errs on the tall side: a row a little too tall prints, one too short hides text.
    """
    room = max(width - 1.0, 1.0)
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            size = sum(1.15 if c.isupper() or c in "MWmw" else 0.85 for c in word)
            gap = 0.45 if used else 0.0
            if used and used + gap + size > room:
                lines += 1
                used = 0.0
                gap = 0.0
            while size > room:  # a word longer than the column is broken anywhere
                lines += 1
                size -= room
            used += gap + size
    return max(lines, 1)


class _RowWriter:
    """Serialises roster lines to sheet XML quickly: 300,000 cells through openpyxl's cell writer take
    many seconds, a ready string per cell almost nothing.

    The styles are registered in the workbook that openpyxl writes, so their ids are valid there.
    """

    def __init__(self, ws: Any) -> None:
        base = {"border": _BORDER, "alignment": _TOP}
        wrap = {"border": _BORDER, "alignment": _LEFT_WRAP}
        specs: dict[str, dict[str, Any]] = {
            "text": base,
            "quoted": {**base, "quotePrefix": True},
            "wrap": wrap,
            "quoted_wrap": {**wrap, "quotePrefix": True},
            "number": {"border": _BORDER, "alignment": Alignment(horizontal="center", vertical="top")},
            "date": {**base, "number_format": DATE_FORMAT},
            "datetime": {**base, "number_format": DATETIME_FORMAT},
            "bold": {"font": _BOLD},
            "italic": {"font": _ITALIC},
        }
        self.ids = {kind: self._style_id(ws, attrs) for kind, attrs in specs.items()}
        self.letters = [get_column_letter(n) for n in range(1, 64)]

    @staticmethod
    def _style_id(ws: Any, attrs: dict[str, Any]) -> int:
        cell = WriteOnlyCell(ws)
        for name, value in attrs.items():
            setattr(cell, name, value)
        return int(cell.style_id)

    def cell(self, ref: str, value: object, wrap: bool = False, kind: str | None = None) -> str:
        if value is None or value == "":
            return f'<c r="{ref}" s="{self.ids[kind or "text"]}"/>'
        if isinstance(value, str):
            text = cell_text(value)
            if kind is None:
                kind = "quoted" if is_risky(text) else "text"
                if wrap:
                    kind += "_wrap" if kind == "quoted" else ""
                    kind = "wrap" if kind == "text" else kind
            body = escape(text).replace("\r", "&#13;")
            return f'<c r="{ref}" s="{self.ids[kind]}" t="inlineStr"><is><t xml:space="preserve">{body}</t></is></c>'
        if isinstance(value, datetime | date):
            kind = kind or ("datetime" if isinstance(value, datetime) else "date")
            return f'<c r="{ref}" s="{self.ids[kind]}"><v>{to_excel(value)}</v></c>'
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f'<c r="{ref}" s="{self.ids[kind or "number"]}"><v>{value}</v></c>'
        return self.cell(ref, str(value), wrap, kind)

    def row(
        self,
        number: int,
        values: Sequence[object],
        wrapped: frozenset[int] = frozenset(),
        kinds: Sequence[str | None] = (),
        widths: Sequence[float] = (),
    ) -> str:
        """One ``<row>``; ``kinds`` overrides the style of the first cells (None: by value, no border).

        With ``widths``, the row is as tall as its wrapped cells' lines need: neither Excel nor LibreOffice
        grows a row whose height the file does not give, and the text would print over the next row.
        """
        height = ""
        if widths:
            lines = max(
                (
                    wrapped_lines(v, widths[i])
                    for i, v in enumerate(values)
                    if i in wrapped and isinstance(v, str) and i < len(widths)
                ),
                default=1,
            )
            if lines > 1:
                height = f' ht="{lines * LINE_HEIGHT:g}" customHeight="1"'
        parts = []
        for i, value in enumerate(values):
            ref = f"{self.letters[i]}{number}"
            if i < len(kinds):
                if value is not None:
                    parts.append(self.cell(ref, value, kind=kinds[i]))
            else:
                parts.append(self.cell(ref, value, i in wrapped))
        return f'<row r="{number}"{height}>{"".join(parts)}</row>'


def write_roster_xlsx(
    doc: RosterDocument,
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> Path:
    """Writes the roster as an .xlsx in constant memory; returns ``path``.

    The table's lines go to a temporary file as sheet XML while the rows come in; openpyxl then writes the
    workbook around them (title block, header, styles, print set-up), and the lines are spliced into its
    sheet while the package is copied to the target. Neither the rows nor the table are ever held whole.
    """
    path = Path(path)
    ticker = Ticker(doc.total, progress, should_stop)
    ticker.start()
    ncols = len(ROSTER_COLUMNS)
    last = get_column_letter(ncols)
    header_row = 7
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Danh sách"
    writer = _RowWriter(ws)
    # Name, address, cohort, note: wide enough for the usual values on one line; longer ones wrap.
    wrapped = frozenset({1, 7, 8, *range(12, 12 + TEST_COLUMNS), 12 + TEST_COLUMNS})
    widths = [width for _, width in ROSTER_COLUMNS]
    with atomic_output(path) as temp, _scratch(temp, ".rows") as rows_file, _scratch(temp, ".frame") as frame:
        count = 0
        with open(rows_file, "w", encoding="utf-8") as out:
            for count, row in enumerate(doc.rows, start=1):
                out.write(writer.row(header_row + count, [count, *roster_cells(row)], wrapped, widths=widths))
                ticker.tick()
            footer = header_row + count + 2
            out.write(writer.row(footer, [f"Tổng số: {count} người"], kinds=("bold",)))
            place = place_and_date(doc.on, doc.province, doc.district)
            out.write(
                writer.row(
                    footer + 1, [None] * (ncols - 5) + [place], kinds=(None,) * (ncols - 5) + ("italic",)
                )
            )
        check_stop(should_stop)
        _roster_frame(ws, doc, header_row)
        ws.auto_filter.ref = f"A{header_row}:{last}{header_row + count}"
        wb.save(frame)
        check_stop(should_stop)
        _splice_rows(frame, rows_file, temp, f"A1:{last}{footer + 1}")
    ticker.finish()
    return path


@contextlib.contextmanager
def _scratch(beside: Path, suffix: str) -> Iterator[Path]:
    """A scratch file next to ``beside``, removed afterwards whatever happens."""
    scratch = beside.with_name(beside.name + suffix)
    try:
        yield scratch
    finally:
        with contextlib.suppress(OSError):
            scratch.unlink()


def _roster_frame(ws: Any, doc: RosterDocument, header_row: int) -> None:
    """The title block, the table header and the sheet's layout: everything but the table's lines."""
    ncols = len(ROSTER_COLUMNS)
    last = get_column_letter(ncols)
    split = 7  # the facility block takes columns A..G, the national header the rest
    place = ", ".join(p for p in (doc.district, doc.province) if p)

    def put(row: int, col: int, value: str, **style: Any) -> None:
        cell = ws.cell(row=row, column=col)
        set_text(cell, value)
        for name, attr in style.items():
            setattr(cell, name, attr)

    put(1, 1, doc.facility_name.upper(), font=_BOLD, alignment=_CENTER)
    put(1, split + 1, NATION, font=_BOLD, alignment=_CENTER)
    put(2, 1, place, font=_ITALIC, alignment=_CENTER)
    put(2, split + 1, MOTTO, font=_MOTTO, alignment=_CENTER)
    put(4, 1, doc.title, font=_TITLE, alignment=_CENTER)
    put(5, 1, f"Ngày {dmy(doc.on)}", font=_ITALIC, alignment=_CENTER)
    for r in (1, 2):
        ws.merge_cells(f"A{r}:{get_column_letter(split)}{r}")
        ws.merge_cells(f"{get_column_letter(split + 1)}{r}:{last}{r}")
    for r in (4, 5):
        ws.merge_cells(f"A{r}:{last}{r}")
    facility_width = sum(width for _, width in ROSTER_COLUMNS[:split]) * 0.8  # bold Times capitals: wider
    ws.row_dimensions[1].height = 18 * wrapped_lines(doc.facility_name.upper(), facility_width)
    ws.row_dimensions[4].height = 22
    ws.row_dimensions[header_row].height = 32
    for col, (name, width) in enumerate(ROSTER_COLUMNS, start=1):
        put(header_row, col, name, font=_BOLD, alignment=_CENTER, fill=_HEADER_FILL, border=_BORDER)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"C{header_row + 1}"
    _print_setup(ws, header_row, [width for _, width in ROSTER_COLUMNS], title_columns="A:B")


_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')


def _splice_rows(frame: Path, rows_file: Path, target: Path, dimension: str) -> None:
    """Copies the workbook ``frame`` to ``target`` with the lines of ``rows_file`` at the end of its sheet."""
    with zipfile.ZipFile(frame) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, data)
                continue
            head, sep, tail = data.partition(b"</sheetData>")
            if not sep:
                raise RuntimeError("the frame sheet has no sheetData")
            head = _DIMENSION.sub(f'<dimension ref="{dimension}"/>'.encode(), head, count=1)
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(entry, "w") as sheet:
                sheet.write(head)
                with open(rows_file, "rb") as lines:
                    shutil.copyfileobj(lines, sheet, 1 << 20)
                sheet.write(sep + tail)


#: A4 in points, and the side margins the sheets print with (0.3 inch each side).
_A4 = (595.3, 841.9)
_SIDE_MARGINS = 2 * 0.3 * 72
#: Below this scale, fitting the columns to the page's width makes text too small to read on paper.
MIN_FIT_SCALE = 0.7


def column_points(width: float) -> float:
    """The printed width of a column ``width`` characters wide (default font: 7 pixels a character, plus 5
    pixels of padding, at 96 pixels an inch)."""
    return (int(width * 7 + 5)) * 0.75


def print_layout(widths: Sequence[float]) -> tuple[str, float | None]:
    """The orientation and the fit-to-width scale for columns this wide: portrait at 100 % when they fit on
    it, else landscape at 100 %, else landscape scaled down to the width if the scale stays readable (at
    least ``MIN_FIT_SCALE``); else landscape at 100 % across several pages (scale ``None``)."""
    total = sum(column_points(w) for w in widths)
    portrait, landscape = _A4[0] - _SIDE_MARGINS, _A4[1] - _SIDE_MARGINS
    if total <= portrait:
        return "portrait", 1.0
    if total <= landscape:
        return "landscape", 1.0
    scale = landscape / total
    return ("landscape", scale) if scale >= MIN_FIT_SCALE else ("landscape", None)


def _print_setup(ws: Any, header_row: int, widths: Sequence[float], title_columns: str | None = None) -> None:
    """A4, the header row repeated on every printed page, and a scale that keeps the text readable: fitted to
    the page's width only when that stays at 70 % or more; a wider table prints at 100 % across pages, each
    page repeating ``title_columns`` (the number and the name) so a page on its own still says who."""
    orientation, scale = print_layout(widths)
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = "9"  # A4
    if scale is not None and scale < 1:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.page_setup.scale = 100
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        if scale is None and title_columns:
            ws.print_title_cols = title_columns
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = scale is not None
    ws.page_margins.left = ws.page_margins.right = 0.3
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "Trang &P/&N"


# --- daily report --------------------------------------------------------------------------------------------------


def write_daily_report_xlsx(
    report: DailyReport,
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> Path:
    """Writes the 16:00 report: one line per facility, the totals, the stock alerts, a hidden data sheet."""
    path = Path(path)
    check_stop(should_stop)
    if progress is not None:
        progress(0, 1)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Báo cáo"
    headers = ["STT", "Khu cách ly", *(FIGURE_HEADERS[f] for f in FIGURE_FIELDS)]
    ncols = len(headers)
    last = get_column_letter(ncols)
    split = 3
    first_name = (
        report.facilities[0].facility_name if len(report.facilities) == 1 else "BAN CHỈ ĐẠO PHÒNG, CHỐNG DỊCH"
    )

    def put(row: int, col: int, value: object, **style: Any) -> None:
        cell = ws.cell(row=row, column=col)
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
        for name, attr in style.items():
            setattr(cell, name, attr)

    put(1, 1, first_name.upper(), font=_BOLD, alignment=_CENTER)
    put(1, split + 1, NATION, font=_BOLD, alignment=_CENTER)
    put(2, split + 1, MOTTO, font=_MOTTO, alignment=_CENTER)
    put(4, 1, REPORT_TITLE, font=_TITLE, alignment=_CENTER)
    put(5, 1, report.as_of_text, font=_ITALIC, alignment=_CENTER)
    for r in (1, 2):
        ws.merge_cells(f"A{r}:{get_column_letter(split)}{r}")
        ws.merge_cells(f"{get_column_letter(split + 1)}{r}:{last}{r}")
    for r in (4, 5):
        ws.merge_cells(f"A{r}:{last}{r}")
    header_row = REPORT_HEADER_ROW
    ws.row_dimensions[header_row].height = 48
    widths = [6.0, 30.0, *([12.0] * len(FIGURE_FIELDS))]
    for col, name in enumerate(headers, start=1):
        put(header_row, col, name, font=_BOLD, alignment=_CENTER, fill=_HEADER_FILL, border=_BORDER)
        ws.column_dimensions[get_column_letter(col)].width = widths[col - 1]
    lines: list[tuple[str, DailyFigures]] = [(str(n), f) for n, f in enumerate(report.facilities, start=1)]
    lines.append(("", report.totals()))
    row = header_row
    for number, figures in lines:
        row += 1
        bold = figures is lines[-1][1]
        font = _BOLD if bold else Font(name="Times New Roman", size=12)
        put(row, 1, int(number) if number else "", border=_BORDER, font=font, alignment=_CENTER)
        put(row, 2, figures.facility_name, border=_BORDER, font=font, alignment=_LEFT_WRAP)
        if figures.remarks and not bold:
            ws.cell(row=row, column=2).fill = _MARKED_FILL
        name_lines = wrapped_lines(figures.facility_name, widths[1])
        if name_lines > 1:  # else the name prints over the next line
            ws.row_dimensions[row].height = name_lines * _TIMES_LINE
        for col, name in enumerate(FIGURE_FIELDS, start=3):
            put(row, col, getattr(figures, name), border=_BORDER, font=font, alignment=_CENTER)
    ws.freeze_panes = f"C{header_row + 1}"
    row += 2
    alerts = report.totals().stock_alerts
    put(row, 1, "Cảnh báo vật tư:" if alerts else "Cảnh báo vật tư: không có.", font=_BOLD)
    for alert in alerts:
        row += 1
        put(row, 2, f"- {alert}")
    notes = report.totals().capacity_notes
    if notes:
        row += 2
        put(row, 1, "Sức chứa:", font=_BOLD)
        for note in notes:
            row += 1
            put(row, 2, f"- {note}")
    remarks = report.totals().remarks
    if remarks:  # figures merged in spite of what was wrong with them: said, in red, never hidden
        row += 2
        put(row, 1, REMARKS_TITLE, font=_RED_BOLD)
        for remark in remarks:
            row += 1
            put(row, 2, f"- {remark}", font=_RED)
    row += 2
    put(
        row,
        ncols - 5,
        f"Lập lúc {time_of_day(report.made_at)}",
        font=_ITALIC,
    )
    _print_setup(ws, header_row, widths)
    _write_data_sheet(wb, report)
    wb.properties.title = REPORT_TITLE
    wb.properties.keywords = REPORT_FORMAT
    with atomic_output(path) as temp:
        check_stop(should_stop)
        wb.save(temp)
    if progress is not None:
        progress(1, 1)
    return path


def _write_data_sheet(wb: Workbook, report: DailyReport) -> None:
    data = wb.create_sheet(DATA_SHEET)
    data.sheet_state = "hidden"
    rows: list[list[object]] = [
        ["format", REPORT_FORMAT],
        ["version", REPORT_VERSION],
        ["on", report.on.isoformat()],
        ["made_at", report.made_at.isoformat()],
        ["scope", report.scope],
        ["note", "Trang dữ liệu để tổng hợp báo cáo, xin đừng sửa."],
        ["facility_code", "facility_name", *FIGURE_FIELDS, "stock_alerts", "remarks", "capacity_notes"],
    ]
    for f in report.facilities:
        rows.append(
            [
                f.facility_code,
                f.facility_name,
                *(getattr(f, n) for n in FIGURE_FIELDS),
                json.dumps(list(f.stock_alerts), ensure_ascii=False),
                json.dumps(list(f.remarks), ensure_ascii=False),
                json.dumps(list(f.capacity_notes), ensure_ascii=False),
            ]
        )
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = data.cell(row=r, column=c)
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value


def report_to_dict(report: DailyReport) -> dict[str, Any]:
    return {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "on": report.on.isoformat(),
        "made_at": report.made_at.isoformat(),
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "scope": report.scope,
        "facilities": [
            {
                "facility_code": f.facility_code,
                "facility_name": f.facility_name,
                **{n: getattr(f, n) for n in FIGURE_FIELDS},
                "stock_alerts": list(f.stock_alerts),
                "remarks": list(f.remarks),
                "capacity_notes": list(f.capacity_notes),
            }
            for f in report.facilities
        ],
        "totals": {n: getattr(report.totals(), n) for n in FIGURE_FIELDS},
    }


def write_daily_report_json(
    report: DailyReport,
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> Path:
    path = Path(path)
    check_stop(should_stop)
    text = json.dumps(report_to_dict(report), ensure_ascii=False, indent=2)
    with atomic_output(path) as temp:
        temp.write_text(text + "\n", encoding="utf-8")
    if progress is not None:
        progress(1, 1)
    return path


def _texts(path: Path, value: object) -> list[str]:
    """A list of texts, given as a list or as its JSON (the data sheet's form); none when absent."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise BadFile(str(path), "not_a_daily_report") from None
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise BadFile(str(path), "not_a_daily_report")
    return value


def _figures(path: Path, item: dict[str, Any]) -> DailyFigures:
    try:
        numbers = {n: item[n] for n in FIGURE_FIELDS}
        code, name = item["facility_code"], item["facility_name"]
    except (KeyError, TypeError):
        raise BadFile(str(path), "not_a_daily_report") from None
    alerts, remarks = _texts(path, item.get("stock_alerts")), _texts(path, item.get("remarks"))
    notes = _texts(path, item.get("capacity_notes"))
    ok = (
        all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in numbers.values())
        and isinstance(code, str)
        and code
        and isinstance(name, str)
    )
    if not ok:
        raise BadFile(str(path), "not_a_daily_report")
    return DailyFigures(
        facility_code=code,
        facility_name=name,
        stock_alerts=tuple(alerts),
        capacity_notes=tuple(notes),
        remarks=tuple(remarks),
        **numbers,
    )


def _report_from_dict(path: Path, data: object) -> DailyReport:
    if not isinstance(data, dict) or data.get("format") != REPORT_FORMAT:
        raise BadFile(str(path), "not_a_daily_report")
    try:
        version = int(data.get("version", 0))
        on = date.fromisoformat(str(data["on"]))
        made_at = datetime.fromisoformat(str(data["made_at"]))
        as_of = datetime.fromisoformat(str(data["as_of"])) if data.get("as_of") else None
        scope = str(data["scope"])
        items = data["facilities"]
    except (KeyError, ValueError, TypeError):
        raise BadFile(str(path), "not_a_daily_report") from None
    if version > REPORT_VERSION:
        raise BadFile(str(path), "not_a_daily_report", version=version)
    if not isinstance(items, list):
        raise BadFile(str(path), "not_a_daily_report")
    return DailyReport(
        on=on, made_at=made_at, scope=scope, facilities=tuple(_figures(path, i) for i in items), as_of=as_of
    )


def read_daily_report(path: Path) -> DailyReport:
    """Reads back a daily report this program wrote, as .xlsx or .json: the figures of its data."""
    return read_sent_report(path).report


def read_sent_report(path: Path) -> SentReport:
    """Reads a daily report as a facility sent it: the figures of its data sheet (or its JSON) and, for a
    workbook, every figure its visible sheet shows otherwise, cell by cell. What the official who filled it in
    saw is the visible sheet; a difference means someone typed over it, and the merge must not hide that."""
    path = Path(path)
    try:
        head = path.read_bytes()[:4]
    except OSError:
        raise BadFile(str(path), "unreadable") from None
    if head.startswith(b"PK"):
        return _read_report_xlsx(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise BadFile(str(path), "unreadable") from None
    return SentReport(str(path), _report_from_dict(path, data))


def _read_report_xlsx(path: Path) -> SentReport:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        log.info("not a workbook %s: %s", path, exc)
        raise BadFile(str(path), "unreadable") from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        log.info("not a workbook %s: %s", path, exc)
        raise BadFile(str(path), "unreadable") from None
    try:
        if DATA_SHEET not in wb.sheetnames:
            raise BadFile(str(path), "not_a_daily_report")
        rows = [list(r) for r in wb[DATA_SHEET].iter_rows(values_only=True)]
        visible_sheet = next((name for name in wb.sheetnames if name != DATA_SHEET), None)
        visible = (
            [list(r) for r in wb[visible_sheet].iter_rows(min_row=REPORT_HEADER_ROW + 1, values_only=True)]
            if visible_sheet
            else []
        )
    finally:
        wb.close()
    meta = {str(r[0]): r[1] for r in rows[:6] if r and len(r) > 1 and r[0] is not None}
    if len(rows) < 7:
        raise BadFile(str(path), "not_a_daily_report")
    names = [str(v) if v is not None else "" for v in rows[6]]
    items = [dict(zip(names, r, strict=False)) for r in rows[7:] if r and r[0] is not None]
    report = _report_from_dict(path, {**meta, "facilities": items})
    mismatches, cells = _compare_visible(report, visible)
    return SentReport(str(path), report, tuple(mismatches), cells)


def _as_figure(value: object) -> object:
    """A visible cell's value as the number it shows, if it shows one (12, 12.0 or "12"); else as it is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _compare_visible(
    report: DailyReport, visible: list[list[object]]
) -> tuple[list[CellMismatch], dict[tuple[str, str], str]]:
    """Each facility's line of the visible sheet (in the order of the data) against its data."""
    mismatches: list[CellMismatch] = []
    cells: dict[tuple[str, str], str] = {}
    columns = [("facility_name", 2), *((name, col) for col, name in enumerate(FIGURE_FIELDS, start=3))]
    for offset, figures in enumerate(report.facilities):
        line = visible[offset] if offset < len(visible) else []
        number = REPORT_HEADER_ROW + 1 + offset
        for name, col in columns:
            cell = f"{get_column_letter(col)}{number}"
            cells[(figures.facility_code, name)] = cell
            shown = _as_figure(line[col - 1] if col - 1 < len(line) else None)
            data = getattr(figures, name)
            if shown != data:
                mismatches.append(CellMismatch(figures.facility_code, name, cell, shown, data))
    return mismatches, cells


def merge_daily_reports(reports: Sequence[DailyReport] | Iterable[DailyReport]) -> DailyReport:
    """One report of all facilities of one day; refuses two reports of one facility or different days."""
    reports = list(reports)
    if not reports:
        raise BadFile("", "empty")
    on = reports[0].on
    if any(r.on != on for r in reports):
        raise BadFile("", "different_dates", dates=sorted({r.on.isoformat() for r in reports}))
    seen: dict[str, DailyFigures] = {}
    for report in reports:
        for figures in report.facilities:
            if figures.facility_code in seen:
                raise BadFile("", "duplicate_facility", facility=figures.facility_code, on=on.isoformat())
            seen[figures.facility_code] = figures
    return DailyReport(
        on=on,
        made_at=max(r.made_at for r in reports),
        scope="ALL",
        facilities=tuple(seen[code] for code in sorted(seen)),
        # A merge is as old as its oldest part.
        as_of=min((r.as_of for r in reports if r.as_of), default=None),
    )
