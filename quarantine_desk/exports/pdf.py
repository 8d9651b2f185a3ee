"""PDF documents for officials: rosters, the 16:00 report, release certificates, the commitment form.

Every page carries what an official document needs: the facility on the left and the national header on the
right, the date, "Trang x/y" at the foot, signature blocks. The text is set in DejaVu Sans, embedded, which
covers all Vietnamese letters. Files are written beside the target and moved into place only when complete.
"""

from __future__ import annotations

import functools
import io
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.stays import TestKind
from quarantine_desk.resources import resource_path

from .canvas_table import CENTER, LEFT, Column, LongCanvasTable, Row, TableLayout, flowables_height
from .common import (
    MOTTO,
    NATION,
    Ticker,
    atomic_output,
    check_stop,
    dmy,
    dmy_hm,
    kind_label,
    long_date,
    place_and_date,
    release_note,
    result_label,
    sex_label,
)
from .rows import CertificateData, CommitmentData, DailyReport, RosterDocument, RosterRow, TestCell
from .xlsx import FIGURE_HEADERS, REMARKS_TITLE, REPORT_TITLE

log = logging.getLogger(__name__)

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

CERTIFICATE_TITLE = "GIẤY XÁC NHẬN HOÀN THÀNH CÁCH LY Y TẾ TẬP TRUNG"
# A stay that ended otherwise (early, moved to home quarantine, other) gets this paper: the dates and the reason.
RELEASE_PAPER_TITLE = "GIẤY XÁC NHẬN THỜI GIAN CÁCH LY Y TẾ TẬP TRUNG"
RELEASE_WAYS = {
    "released_early": "Ra khỏi khu cách ly trước thời hạn theo quyết định của Ban quản lý",
    "home_quarantine": "Chuyển sang cách ly tại nhà",
    "other": "Ra khỏi khu cách ly",
}
COMMITMENT_TITLE = "BẢN CAM KẾT THỰC HIỆN CÁCH LY Y TẾ TẬP TRUNG"
SIGN_HINT = "(Ký, ghi rõ họ tên)"

COMMITMENTS = (
    "Ở đúng phòng, giường đã được bố trí trong suốt thời gian cách ly; không tự ý sang phòng khác.",
    "Không tiếp xúc với người ở phòng khác; không tụ tập; giữ khoảng cách theo quy định.",
    "Luôn đeo khẩu trang khi ra khỏi phòng hoặc khi tiếp xúc với nhân viên; thường xuyên rửa tay, sát khuẩn.",
    "Tự đo thân nhiệt 2 lần mỗi ngày (sáng, chiều); báo ngay cho nhân viên y tế khi có sốt, ho, đau họng, "
    "khó thở, mất vị giác hoặc khứu giác.",
    "Thực hiện đầy đủ việc lấy mẫu xét nghiệm theo lịch của cơ sở cách ly.",
    "Chấp hành nội quy của khu cách ly và sự hướng dẫn của Ban quản lý, nhân viên y tế, lực lượng phục vụ.",
    "Không tự ý rời khỏi khu cách ly trước khi có quyết định hoàn thành cách ly.",
)

_registered = False


_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def count_pages(path: Path) -> int:
    """The pages of a PDF this module wrote (reportlab writes each page's dictionary in the clear)."""
    return len(_PAGE_OBJECT.findall(Path(path).read_bytes()))


def register_fonts() -> None:
    """Registers DejaVu Sans (regular, bold) with reportlab, once per process."""
    global _registered
    if _registered:
        return
    pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    # no italic face is bundled: <i> falls back to the upright one rather than to a font without Vietnamese
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _registered = True


def _style(
    name: str, size: float = 10, bold: bool = False, align: int = TA_LEFT, **kw: Any
) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=FONT_BOLD if bold else FONT,
        fontSize=size,
        leading=kw.pop("leading", size * 1.3),
        alignment=align,
        **kw,
    )


def _table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style whose cells default to DejaVu Sans: reportlab's default, Helvetica, has no Vietnamese."""
    return TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10), *commands])


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class _Styles:
    def __init__(self) -> None:
        self.body = _style("body", 11, leading=16, align=TA_JUSTIFY)
        self.center = _style("center", 11, align=TA_CENTER)
        self.center_bold = _style("center_bold", 11, bold=True, align=TA_CENTER)
        self.header_left = _style("header_left", 10, bold=True, align=TA_CENTER)
        self.header_left_small = _style("header_left_small", 9, align=TA_CENTER)
        self.nation = _style("nation", 10.5, bold=True, align=TA_CENTER)
        self.title = _style("title", 14, bold=True, align=TA_CENTER, spaceBefore=6, spaceAfter=2)
        self.subtitle = _style("subtitle", 10.5, align=TA_CENTER, spaceAfter=6)
        self.right = _style("right", 10.5, align=TA_RIGHT)
        self.cell = _style("cell", 7.2, leading=8.6)
        self.cell_center = _style("cell_center", 7.2, leading=8.6, align=TA_CENTER)
        self.head = _style("head", 7.2, bold=True, leading=8.6, align=TA_CENTER)
        self.small = _style("small", 9, align=TA_CENTER)
        self.code = _style("code", 9, align=TA_CENTER)


def _numbered_canvas(should_stop: ShouldStop | None) -> type[canvas.Canvas]:
    """A canvas whose pages say "Trang x/y" without being held until the end.

    Each page is written when it is done and draws its number as a form (a PDF XObject) that is filled in only
    when the file is saved and the number of pages is known; the page looks as if the text were drawn on it.
    """

    class NumberedCanvas(canvas.Canvas):  # type: ignore[misc]  # reportlab has no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # else every page lists Helvetica, a font without Vietnamese, among its resources
            kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
            super().__init__(*args, **kwargs)
            self._numbered: list[tuple[int, int, int]] = []  # (page, document, the document's first page)

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            check_stop(should_stop)
            page = self._pageNumber
            document = getattr(self, "_qd_document", 0)
            self._numbered.append((page, document, getattr(self, "_qd_first_page", 1)))
            self.doForm(f"qdPageNumber{page}")
            super().showPage()

        def save(self) -> None:
            totals = Counter(document for _, document, _ in self._numbered)
            for page, document, first in self._numbered:
                self.beginForm(f"qdPageNumber{page}")
                self._draw_page_number(page - first + 1, totals[document])
                self.endForm()
            super().save()

        def _draw_page_number(self, number: int, total: int) -> None:
            width, _ = self._pagesize
            self.setFont(FONT, 8)
            self.drawCentredString(width / 2, 0.8 * cm, f"Trang {number}/{total}")

    return NumberedCanvas


class _NewDocument(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Marks where the next document of a bulk file begins (on a fresh page), so that its pages are numbered
    from 1: "Trang 1/1" on each person's certificate, not "Trang 4/8"."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        self.canv._qd_document = getattr(self.canv, "_qd_document", 0) + 1
        self.canv._qd_first_page = self.canv.getPageNumber()


class _KeepWithLastRows(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A document's last table and what follows it (the total, the signatures), laid out so that what
    follows never stands alone on a page: at least ``keep`` rows of the table go with it.

    It always asks to be split; the split puts as many rows as fit on this page (fewer, when the rest would
    leave the followers without rows) and hands the remainder on as another of its kind.
    """

    def __init__(
        self,
        make_table: Callable[[list[list[object]]], Table],
        lines: list[list[object]],
        tail: list[Flowable],
        keep: int = 2,
    ) -> None:
        super().__init__()
        self.make_table = make_table
        self.lines = lines
        self.tail = tail
        self.keep = keep

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return availWidth, availHeight + 1  # never drawn whole: see split

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        canv = self.canv
        whole = self.make_table(self.lines)
        _, height = whole.wrapOn(canv, availWidth, availHeight)
        tail_height = flowables_height(self.tail, availWidth, canv)
        if height + tail_height <= availHeight:
            return [whole, *self.tail]
        keep = min(self.keep, len(self.lines))
        if height <= availHeight:
            first = len(self.lines) - keep
        else:
            parts = whole.splitOn(canv, availWidth, availHeight)
            if not parts:
                return []
            fitting = len(parts[0]._cellvalues) - parts[0].repeatRows
            first = min(fitting, len(self.lines) - keep)
        if first <= 0:
            return []  # to the next page, rows and followers together
        rest = _KeepWithLastRows(self.make_table, self.lines[first:], self.tail, self.keep)
        return [self.make_table(self.lines[:first]), rest]


def _build(
    temp: Path,
    story: list[Flowable],
    pagesize: tuple[float, float],
    title: str,
    should_stop: ShouldStop | None,
    margins: float = 1.5 * cm,
) -> None:
    register_fonts()
    doc = BaseDocTemplate(
        str(temp),
        pagesize=pagesize,
        leftMargin=margins,
        rightMargin=margins,
        topMargin=1.2 * cm,
        bottomMargin=1.5 * cm,
        title=title,
        author="Quarantine Desk",
        lang="vi",
        initialFontName=FONT,
    )
    frame = Frame(
        doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0, rightPadding=0
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_numbered_canvas(should_stop))


def _national_header(
    st: _Styles, width: float, facility: str, district: str | None, province: str | None, number: str = ""
) -> Table:
    """The facility on the left, "CỘNG HÒA … / Độc lập - Tự do - Hạnh phúc" on the right."""
    place = ", ".join(p for p in (district, province) if p)
    left: list[Flowable] = []
    if place:
        left.append(_p(place.upper(), st.header_left_small))
    left.append(_p(facility.upper(), st.header_left))
    left.append(_Rule(0.3))
    if number:
        left.append(_p(number, st.header_left_small))
    right: list[Flowable] = [
        _p(NATION, st.nation),
        Paragraph(f"<u>{escape(MOTTO)}</u>", _style("motto", 11, bold=True, align=TA_CENTER)),
    ]
    table = Table([[left, right]], colWidths=[width * 0.45, width * 0.55])
    table.setStyle(
        _table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


class _Rule(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A short centred line under the facility's name, as on official letterheads."""

    def __init__(self, fraction: float) -> None:
        super().__init__()
        self.fraction = fraction
        self.avail = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.avail = availWidth
        return availWidth, 7

    def draw(self) -> None:
        length = self.avail * self.fraction
        start = (self.avail - length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(start, 1, start + length, 1)


def _signatures(
    st: _Styles,
    width: float,
    on: date,
    province: str | None,
    district: str | None,
    columns: Sequence[tuple[str, str]] = (("Người lập biểu", SIGN_HINT), ("Trưởng ban quản lý", SIGN_HINT)),
    lead: Sequence[Flowable] = (),
) -> KeepTogether:
    """The place-and-date line over the last column, then a signature column per signer; ``lead``, the text
    the signatures must not be parted from, goes first."""
    n = len(columns)
    place = place_and_date(on, province, district)
    names = [[_p(who, st.center_bold), _p(hint, st.small)] for who, hint in columns]
    commands: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    if n > 2:  # too narrow a column for the date line: it spans the row, flush right
        date_row: list[object] = [_p(place, st.right)] + [""] * (n - 1)
        commands.append(("SPAN", (0, 0), (-1, 0)))
    else:
        date_row = [""] * (n - 1) + [_p(place, st.center)]
    table = Table([date_row, names, [""] * n], colWidths=[width / n] * n, rowHeights=[None, None, 2.2 * cm])
    table.setStyle(_table_style(commands))
    return KeepTogether([*lead, Spacer(1, 0.4 * cm), table])


# --- roster ------------------------------------------------------------------------------------------------------

ROSTER_PDF_TESTS = 3
#: header, width in points (landscape A4 less 2 × 1.2 cm = 774 pt)
ROSTER_PDF_COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 22),
    ("Họ và tên", 84),
    ("Năm sinh", 44),
    ("Giới tính", 28),
    ("Số CCCD/ CMND", 60),
    ("Số điện thoại", 52),
    ("Địa chỉ", 100),
    ("Nhóm (đợt) cách ly", 58),
    ("Phòng – giường", 42),
    ("Ngày vào", 46),
    ("Ngày dự kiến ra", 46),
    *((f"Xét nghiệm lần {n}", 46) for n in range(1, ROSTER_PDF_TESTS + 1)),
    ("Ghi chú", 54),
)
_CELL_SIZE = 7.2
_CELL_LEADING = 8.6
_CELL_PAD = 2
#: Columns whose text is centred: the number, the birth, the sex, the room, the dates.
_ROSTER_CENTRED = frozenset({0, 2, 3, 8, 9, 10})
#: Columns of short values set as they are, never broken: the number, the birth, the sex, the dates.
_ROSTER_WHOLE = frozenset({0, 2, 3, 9, 10})
#: Rows of a table that go to the next page with the signatures rather than leave them alone there.
KEEP_ROWS = 2


def _test_text(test: TestCell) -> str:
    return _test_words(test.sampled_at.date(), test.kind, test.result)


@functools.lru_cache(maxsize=4096)
def _test_words(day: date, kind: str, result: str) -> str:
    return f"{day:%d/%m} {kind_label(kind)} {result_label(result)}"


#: Dates repeat down a roster (births, admissions, releases): each is written out once.
_dmy = functools.lru_cache(maxsize=8192)(dmy)


def _roster_line(number: int, row: RosterRow) -> list[str]:
    born = _dmy(row.birth_date) if row.birth_date else (str(row.birth_year) if row.birth_year else "")
    tests = [_test_text(t) for t in row.tests[:ROSTER_PDF_TESTS]]
    tests += [""] * (ROSTER_PDF_TESTS - len(tests))
    parts = [
        f"XN lần {n}: {_test_text(t)}"
        for n, t in enumerate(row.tests[ROSTER_PDF_TESTS:], ROSTER_PDF_TESTS + 1)
    ]
    remark = release_note(row)
    note = "; ".join([*parts, remark] if remark else parts)
    return [
        str(number),
        row.full_name,
        born,
        sex_label(row.sex),
        row.id_number or "",
        row.phone or "",
        row.address or "",
        row.cohort,
        f"{row.room} – {row.bed}",
        dmy_hm(row.admitted_at).replace(" ", "\n"),
        _dmy(row.planned_release),
        *tests,
        note,
    ]


def _roster_widths(largest: int) -> list[float]:
    """The columns' widths for a roster numbered up to ``largest``: the STT column wide enough for that number
    and its paddings (a 20,000-bed hospital's "20000" is wider than the usual 22 pt), what it takes beyond its
    width given by the other columns in proportion to theirs, so that the table keeps its width."""
    widths = [w for _, w in ROSTER_PDF_COLUMNS]
    needed = pdfmetrics.stringWidth(str(max(largest, 1)), FONT, _CELL_SIZE) + 2 * _CELL_PAD
    if needed > widths[0]:
        rest = sum(widths[1:])
        scale = (rest - (needed - widths[0])) / rest
        widths = [needed, *(w * scale for w in widths[1:])]
    return widths


def roster_layout(largest: int = 1) -> TableLayout:
    """The roster's table layout, in the document's type, for a roster whose last row number is ``largest``."""
    return _roster_layout(_Styles(), largest)


def _roster_layout(st: _Styles, largest: int = 1) -> TableLayout:
    """The roster's columns, its header row (repeated on every page) and the type of its cells; ``largest``:
    the last row number, which the STT column holds."""
    widths = _roster_widths(largest)
    header = Table([[_p(name, st.head) for name, _ in ROSTER_PDF_COLUMNS]], colWidths=widths)
    header.setStyle(
        _table_style(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#DDE6F0")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    columns = [
        Column(w, CENTER if i in _ROSTER_CENTRED else LEFT, wrap=i not in _ROSTER_WHOLE)
        for i, w in enumerate(widths)
    ]
    return TableLayout(
        columns, header, FONT, _CELL_SIZE, _CELL_LEADING, padding=(_CELL_PAD, _CELL_PAD, 1.5, 1.5)
    )


class _Later(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A flowable made when it is laid out, from what is known by then (the count of a streamed list)."""

    def __init__(self, make: Callable[[], Flowable]) -> None:
        super().__init__()
        self.make = make
        self.made: Flowable | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.made = self.make()
        return self.made.wrap(availWidth, availHeight)  # type: ignore[no-any-return]

    def draw(self) -> None:
        assert self.made is not None
        self.made.drawOn(self.canv, 0, 0)


def write_roster_pdf(
    doc: RosterDocument,
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> Path:
    """Writes the roster on A4 landscape pages, the table's header repeated on each; returns ``path``.

    The rows are drawn straight on the canvas (``canvas_table``), read from ``doc.rows`` as the pages need them.
    """
    path = Path(path)
    register_fonts()
    st = _Styles()
    ticker = Ticker(doc.total, progress, should_stop, step=100)
    ticker.start()
    pagesize = landscape(A4)
    margin = 1.2 * cm
    width = pagesize[0] - 2 * margin
    # the number column is sized for the last number, before the first row is laid out: the count is known
    largest = max(doc.total, len(doc.rows) if isinstance(doc.rows, Sized) else 0)
    layout = _roster_layout(st, largest)
    counted = [0]

    def rows() -> Iterator[Row]:
        for count, row in enumerate(doc.rows, start=1):
            counted[0] = count
            yield layout.row(_roster_line(count, row))
            ticker.tick()
        if counted[0] == 0:
            yield layout.spanning_row("Không có người nào trong danh sách.")

    total = _style("total", 10, bold=True)
    tail = [
        Spacer(1, 0.2 * cm),
        _Later(lambda: _p(f"Tổng số: {counted[0]} người.", total)),
        _signatures(st, width, doc.on, doc.province, doc.district),
    ]
    story: list[Flowable] = [
        _national_header(st, width, doc.facility_name, doc.district, doc.province),
        _p(doc.title, st.title),
        _p(f"Ngày {dmy(doc.on)}", st.subtitle),
        LongCanvasTable(layout, rows(), tail, keep=KEEP_ROWS),
    ]
    with atomic_output(path) as temp:
        _build(temp, story, pagesize, doc.title, should_stop, margins=margin)
    ticker.finish()
    return path


# --- daily report --------------------------------------------------------------------------------------------------


def write_daily_report_pdf(
    report: DailyReport,
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> Path:
    """The 16:00 report: the figures of each facility and the totals, then the stock alerts."""
    from .rows import FIGURE_FIELDS

    path = Path(path)
    register_fonts()
    st = _Styles()
    check_stop(should_stop)
    if progress is not None:
        progress(0, 1)
    pagesize = landscape(A4)
    margin = 1.2 * cm
    width = pagesize[0] - 2 * margin
    head = _style("rhead", 7.5, bold=True, leading=9, align=TA_CENTER)
    cell = _style("rcell", 8.5, leading=10.5)
    cell_bold = _style("rcellb", 8.5, bold=True, leading=10.5)
    header: list[object] = [
        _p("STT", head),
        _p("Khu cách ly", head),
        *(_p(FIGURE_HEADERS[f], head) for f in FIGURE_FIELDS),
    ]
    lines: list[list[object]] = [
        [
            str(n),
            _p(figures.facility_name + (" (*)" if figures.remarks else ""), cell),
            *(str(getattr(figures, f)) for f in FIGURE_FIELDS),
        ]
        for n, figures in enumerate(report.facilities, start=1)
    ]
    totals = report.totals()
    totals_line: list[object] = [
        "",
        _p(totals.facility_name, cell_bold),
        *(str(getattr(totals, f)) for f in FIGURE_FIELDS),
    ]
    lines.append(totals_line)
    name_width = 150.0
    rest = (width - 28 - name_width) / len(FIGURE_FIELDS)

    def make_table(part: list[list[object]]) -> Table:
        table = Table([header, *part], colWidths=[28, name_width] + [rest] * len(FIGURE_FIELDS), repeatRows=1)
        commands: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), FONT, 8.5, 10.5),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 1), (0, -1), "CENTER"),
            ("ALIGN", (2, 1), (-1, -1), "CENTER"),
        ]
        if part and part[-1] is totals_line:
            commands += [
                ("FONT", (0, -1), (-1, -1), FONT_BOLD, 8.5, 10.5),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")),
            ]
        table.setStyle(_table_style(commands))
        return table

    name = (
        report.facilities[0].facility_name if len(report.facilities) == 1 else "Ban chỉ đạo phòng, chống dịch"
    )
    alerts = [_p(f"– {a}", _style("alert", 10, leftIndent=12)) for a in totals.stock_alerts]
    heading = _p(
        "Cảnh báo vật tư:" if alerts else "Cảnh báo vật tư: không có.", _style("alerts", 10, bold=True)
    )
    if totals.capacity_notes:
        alerts.append(_p("Sức chứa:", _style("capacity", 10, bold=True, spaceBefore=6)))
        alerts += [_p(f"– {n}", _style("capacity_note", 10, leftIndent=12)) for n in totals.capacity_notes]
    if totals.remarks:  # figures merged in spite of what was wrong with them: said, in red, never hidden
        red = colors.HexColor("#B00020")
        alerts.append(_p(REMARKS_TITLE, _style("remarks", 10, bold=True, textColor=red, spaceBefore=6)))
        alerts += [_p(f"– {r}", _style("remark", 10, leftIndent=12, textColor=red)) for r in totals.remarks]
    signatures = _signatures(st, width, report.on, None, None)
    # the signatures go with the last alerts, the first alerts with the table's last rows: never alone
    if len(alerts) <= 3:
        tail: list[Flowable] = [Spacer(1, 0.4 * cm), heading, *alerts, signatures]
        after: list[Flowable] = []
    else:
        tail = [Spacer(1, 0.4 * cm), heading, alerts[0]]
        after = [*alerts[1:-2], _signatures(st, width, report.on, None, None, lead=alerts[-2:])]
    story: list[Flowable] = [
        _national_header(st, width, name, None, None),
        _p(REPORT_TITLE, st.title),
        _p(report.as_of_text, st.subtitle),
        _KeepWithLastRows(make_table, lines, tail),
        *after,
    ]
    with atomic_output(path) as temp:
        _build(temp, story, pagesize, REPORT_TITLE, should_stop, margins=margin)
    if progress is not None:
        progress(1, 1)
    return path


# --- release certificates ------------------------------------------------------------------------------------------


def _qr(value: str, size: float) -> Drawing:
    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.initialFontName = FONT  # else the page lists Times-Roman
    drawing.add(widget)
    return drawing


def _details(rows: Iterable[tuple[str, str]], width: float, style: ParagraphStyle) -> Table:
    label = _style("label", style.fontSize, leading=style.leading)
    table = Table(
        [[_p(f"{k}:", label), Paragraph(f"<b>{escape(v)}</b>", style)] for k, v in rows],
        colWidths=[4.2 * cm, width - 4.2 * cm],
    )
    table.setStyle(
        _table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _release_paper_story(st: _Styles, cert: CertificateData, width: float) -> list[Flowable]:
    """The paper of a stay that did not run its full period: what happened, never that it was completed."""
    body = _style("cbody", 11.5, leading=17, align=TA_JUSTIFY)
    where = escape(cert.facility_name) + (
        f" ({escape(cert.facility_address)})" if cert.facility_address else ""
    )
    way = RELEASE_WAYS.get(cert.outcome, RELEASE_WAYS["other"])
    story: list[Flowable] = [
        _national_header(
            st, width, cert.facility_name, cert.district, cert.province, f"Số: {cert.stay_id}/GXN-RA"
        ),
        Spacer(1, 0.6 * cm),
        _p(RELEASE_PAPER_TITLE, st.title),
        Spacer(1, 0.4 * cm),
        _p(f"Ban quản lý {cert.facility_name} xác nhận:", body),
        Spacer(1, 0.15 * cm),
        _details(
            [
                ("Ông/Bà", cert.full_name),
                ("Ngày sinh" if "/" in cert.birth else "Năm sinh", cert.birth),
                ("Giới tính", sex_label(cert.sex)),
                ("Số CCCD/CMND", cert.id_number or "—"),
                ("Nơi cư trú", cert.address or "—"),
            ],
            width,
            body,
        ),
        Spacer(1, 0.2 * cm),
        Paragraph(
            f"Đã cách ly y tế tập trung tại {where} từ ngày <b>{dmy(cert.admitted_on)}</b> đến ngày "
            f"<b>{dmy(cert.released_on)}</b>, tổng cộng <b>{cert.days} ngày</b>.",
            body,
        ),
        Spacer(1, 0.1 * cm),
        Paragraph(f"Hình thức: <b>{escape(way)}</b>.", body),
        *(
            [Paragraph(f"Địa chỉ cách ly tại nhà: <b>{escape(cert.home_address)}</b>.", body)]
            if cert.home_address
            else []
        ),
        Paragraph(f"Lý do: {escape(cert.reason or '—')}.", body),
        Spacer(1, 0.3 * cm),
        _p(
            "Người được xác nhận tiếp tục tự theo dõi sức khỏe và thực hiện các biện pháp phòng, chống dịch "
            "theo hướng dẫn của cơ quan y tế địa phương.",
            body,
        ),
        Spacer(1, 0.5 * cm),
    ]
    sign = [
        _p(place_and_date(cert.issued_on, cert.province, cert.district), st.center),
        _p("TRƯỞNG BAN QUẢN LÝ KHU CÁCH LY", st.center_bold),
        _p("(Ký, ghi rõ họ tên, đóng dấu)", st.small),
    ]
    bottom = Table([["", sign]], colWidths=[width * 0.4, width * 0.6])
    bottom.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(KeepTogether([bottom]))
    return story


#: Tests listed one per line on a certificate; a longer list is summarised so the certificate keeps to one page.
CERTIFICATE_TESTS = 6
#: The longest name, address or facility text a certificate prints whole; longer ones are cut with "…".
CERTIFICATE_TEXT = 160


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _tests_summary(tests: Sequence[TestCell]) -> str:
    """``13 lần từ 21/07/2021 đến 02/08/2021 (5 RT-PCR, 8 test nhanh): 13 âm tính.``"""
    kinds = [
        f"{count} {name}"
        for kind, name in (("pcr", "RT-PCR"), ("rapid", "test nhanh"))
        if (count := sum(1 for t in tests if t.kind == kind))
    ]
    results = [
        f"{count} {result_label(result)}"
        for result in ("negative", "positive", "pending")
        if (count := sum(1 for t in tests if t.result == result))
    ]
    return (
        f"Đã xét nghiệm {len(tests)} lần từ ngày {dmy(tests[0].sampled_at.date())} đến ngày "
        f"{dmy(tests[-1].sampled_at.date())} ({', '.join(kinds)}): {', '.join(results)}. Các lần gần nhất:"
    )


def _certificate_story(st: _Styles, cert: CertificateData, width: float, compact: int = 0) -> list[Flowable]:
    """The certificate's flowables; ``compact`` 1 summarises a long list of tests, 2 also tightens the type and
    the spacing, 3 also cuts over-long texts: the writer takes the first that fits on one page."""
    if not cert.completed:
        return _release_paper_story(st, cert, width)
    size, leading, gap = (11.5, 17.0, 1.0) if compact < 2 else (10.5, 14.0, 0.6)
    body = _style("cbody", size, leading=leading, align=TA_JUSTIFY)
    limit = CERTIFICATE_TEXT if compact >= 3 else 100_000
    name, address = _clip(cert.full_name, limit), _clip(cert.address or "—", limit)
    facility, facility_address = _clip(cert.facility_name, limit), _clip(cert.facility_address or "", limit)
    story: list[Flowable] = [
        _national_header(st, width, facility, cert.district, cert.province, f"Số: {cert.printed_number}"),
        Spacer(1, 0.6 * cm * gap),
        _p(CERTIFICATE_TITLE, st.title),
        Spacer(1, 0.4 * cm * gap),
        _p(f"Ban quản lý {facility} xác nhận:", body),
        Spacer(1, 0.15 * cm),
        _details(
            [
                ("Ông/Bà", name),
                ("Ngày sinh" if "/" in cert.birth else "Năm sinh", cert.birth),
                ("Giới tính", sex_label(cert.sex)),
                ("Số CCCD/CMND", cert.id_number or "—"),
                ("Nơi cư trú", address),
            ],
            width,
            body,
        ),
        Spacer(1, 0.2 * cm * gap),
        Paragraph(
            "Đã hoàn thành thời gian cách ly y tế tập trung từ ngày "
            f"<b>{dmy(cert.admitted_on)}</b> đến ngày <b>{dmy(cert.released_on)}</b> tại "
            f"{escape(facility)}" + (f" ({escape(facility_address)})" if facility_address else "") + ".",
            body,
        ),
        Spacer(1, 0.2 * cm * gap),
    ]
    if cert.tests:
        tests = list(enumerate(cert.tests, start=1))
        story.append(_p("Kết quả xét nghiệm SARS-CoV-2 trong thời gian cách ly:", body))
        if compact >= 1 and len(tests) > CERTIFICATE_TESTS:
            story.append(_p(_tests_summary(cert.tests), body))
            tests = tests[-3:]
        data: list[list[object]] = [["Lần", "Ngày lấy mẫu", "Loại xét nghiệm", "Kết quả"]]
        data += [
            [
                str(n),
                dmy(t.sampled_at.date()),
                "Test nhanh kháng nguyên" if t.kind == TestKind.RAPID else "RT-PCR",
                result_label(t.result).capitalize(),
            ]
            for n, t in tests
        ]
        table = Table(data, colWidths=[1.5 * cm, 4 * cm, 5.5 * cm, 4 * cm], hAlign="CENTER", repeatRows=1)
        table.setStyle(
            _table_style(
                [
                    ("FONT", (0, 0), (-1, -1), FONT, 10, 13),
                    ("FONT", (0, 0), (-1, 0), FONT_BOLD, 10, 13),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ]
            )
        )
        story += [Spacer(1, 0.1 * cm), table]
    story += [
        Spacer(1, 0.3 * cm * gap),
        _p(
            "Giấy xác nhận này là căn cứ để người được xác nhận hưởng chính sách hỗ trợ theo Nghị quyết số "
            "68/NQ-CP ngày 01/7/2021 của Chính phủ về một số chính sách hỗ trợ người lao động và người sử dụng "
            "lao động gặp khó khăn do đại dịch COVID-19.",
            body,
        ),
        Spacer(1, 0.5 * cm * gap),
    ]
    # the QR carries the certificate signed by the facility: a long text, so a larger code, and under it only
    # the number and how to check it (quarantine-desk verify, or the program's "Kiểm tra giấy xác nhận")
    qr = [
        _qr(cert.verification_code, 4.2 * cm),
        _p(f"Số {cert.printed_number}. Quét mã QR để kiểm tra chữ ký số của khu cách ly.", st.code),
    ]
    sign = [
        _p(place_and_date(cert.issued_on, cert.province, cert.district), st.center),
        _p("TRƯỞNG BAN QUẢN LÝ KHU CÁCH LY", st.center_bold),
        _p("(Ký, ghi rõ họ tên, đóng dấu)", st.small),
    ]
    bottom = Table([[qr, sign]], colWidths=[width * 0.4, width * 0.6])
    bottom.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (0, 0), "CENTER")]))
    story.append(KeepTogether([bottom]))
    return story


#: The certificate's frame on A4 portrait: 2 cm margins left and right, 1.2 cm top, 1.5 cm bottom, less the
#: frame's own padding of 6 pt above and below.
_CERTIFICATE_FRAME = (A4[0] - 4 * cm, A4[1] - 2.7 * cm - 12)


def _one_page_certificate(st: _Styles, cert: CertificateData) -> list[Flowable]:
    """The least compact form of the certificate that fits on one A4 page."""
    width, height = _CERTIFICATE_FRAME
    measure = canvas.Canvas(io.BytesIO(), initialFontName=FONT)
    story: list[Flowable] = []
    for compact in range(4):
        story = _certificate_story(st, cert, width, compact)
        if flowables_height(story, width, measure) <= height:
            break
    return story


def write_certificates_pdf(
    certs: Sequence[CertificateData],
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> Path:
    """One A4 page per certificate, each with a QR code of its verification code and its own "Trang 1/1"."""
    path = Path(path)
    register_fonts()
    st = _Styles()
    ticker = Ticker(len(certs), progress, should_stop, step=1)
    ticker.start()
    story: list[Flowable] = []
    for n, cert in enumerate(certs):
        if n:
            story.append(PageBreak())
        story += [_NewDocument(), *_one_page_certificate(st, cert)]
        ticker.tick()
    if not story:
        story.append(_p("Không có giấy xác nhận nào.", st.center))
    with atomic_output(path) as temp:
        title = CERTIFICATE_TITLE if all(c.completed for c in certs) else RELEASE_PAPER_TITLE
        _build(temp, story, A4, title, should_stop, margins=2 * cm)
    ticker.finish()
    return path


# --- commitment form -----------------------------------------------------------------------------------------------


def write_commitment_pdf(
    data: CommitmentData,
    path: Path,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> Path:
    """The commitment the quarantined person and the family sign at admission, pre-filled; for a child under 16,
    the guardian signs in the person's place."""
    path = Path(path)
    register_fonts()
    st = _Styles()
    check_stop(should_stop)
    width = A4[0] - 4 * cm
    body = _style("mbody", 11, leading=16, align=TA_JUSTIFY)
    item = _style("mitem", 11, leading=16, align=TA_JUSTIFY, leftIndent=18, firstLineIndent=-14, spaceAfter=2)
    story: list[Flowable] = [
        _national_header(st, width, data.facility_name, data.district, data.province),
        Spacer(1, 0.5 * cm),
        _p(COMMITMENT_TITLE, st.title),
        Spacer(1, 0.3 * cm),
        _p(f"Kính gửi: Ban quản lý {data.facility_name}", _style("to", 11, bold=True, align=TA_CENTER)),
        Spacer(1, 0.3 * cm),
        *(
            [
                Paragraph(
                    "Tôi là <b>"
                    + escape(data.guardian or "…………………………………………")
                    + "</b>, người giám hộ, xin cam kết thay cho người cách ly dưới 16 tuổi có tên sau:",
                    body,
                )
            ]
            if data.guardian
            else [_p("Tôi tên là:", body)]
        ),
        _details(
            [
                ("Họ và tên", data.full_name),
                ("Ngày sinh" if "/" in data.birth else "Năm sinh", data.birth),
                ("Giới tính", sex_label(data.sex)),
                ("Số CCCD/CMND", data.id_number or "……………………"),
                ("Số điện thoại", data.phone or "……………………"),
                ("Nơi cư trú", data.address or "……………………"),
            ],
            width,
            body,
        ),
        Spacer(1, 0.15 * cm),
        Paragraph(
            f"Được bố trí cách ly y tế tập trung tại <b>phòng {escape(data.room)}, giường {escape(data.bed)}</b>, "
            f"{escape(data.facility_name)}, thuộc nhóm (đợt) cách ly <b>{escape(data.cohort)}</b>, từ "
            f"<b>{data.admitted_at:%H} giờ {data.admitted_at:%M} {long_date(data.admitted_at.date())}</b>, "
            f"dự kiến hoàn thành cách ly ngày <b>{dmy(data.planned_release)}</b>.",
            body,
        ),
        Spacer(1, 0.15 * cm),
        _p("Tôi xin cam kết:", _style("commit", 11, bold=True)),
    ]
    story += [_p(f"{n}. {text}", item) for n, text in enumerate(COMMITMENTS, start=1)]
    story += [
        Spacer(1, 0.1 * cm),
    ]
    lead: list[Flowable] = [
        _p(
            "Nếu vi phạm, tôi xin hoàn toàn chịu trách nhiệm trước pháp luật. Gia đình tôi cam kết cùng giám sát, "
            "nhắc nhở tôi thực hiện đúng các nội dung trên.",
            body,
        )
    ]
    if data.guardian:
        # A child does not sign: the adult of the household with the child signs for the child (R9).
        lead.append(
            _p(
                f"Người cách ly dưới 16 tuổi; người giám hộ cùng cách ly ký cam kết thay: {data.guardian}.",
                body,
            )
        )
    story.append(
        _signatures(
            st,
            width,
            data.admitted_at.date(),
            data.province,
            data.district,
            columns=(
                ("Người giám hộ" if data.guardian else "Người cách ly", SIGN_HINT),
                ("Đại diện gia đình", SIGN_HINT),
                ("Đại diện Ban quản lý", SIGN_HINT),
            ),
            lead=lead,
        )
    )
    with atomic_output(path) as temp:
        _build(temp, story, A4, COMMITMENT_TITLE, should_stop, margins=2 * cm)
    if progress is not None:
        progress(1, 1)
    return path
