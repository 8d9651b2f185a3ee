"""Long tables drawn straight on the PDF canvas: the roster of a 20,000-bed field hospital in seconds.

reportlab's own table measures and styles every cell as an object and re-measures the rest of the table at each
page break; for thousands of rows that is most of the time of the document. Here a table is a list of columns
(width, alignment) and rows of plain text: each cell's text is broken into lines with the widths of the
registered font (``pdfmetrics.stringWidth``, cached by word), a row's height is its tallest cell, and a page
takes the rows that fit. The header row is an ordinary platypus table, drawn once into a form (a PDF XObject)
that every page shows, so it looks exactly as before; the rows' text is written as PDF text operators whose
encoding in the embedded font's subsets is cached by string, and the grid is one path per page.

``LongCanvasTable`` is a platypus flowable, so a document keeps its national header, title and signature blocks
as platypus flowables around it and its page numbers as they are. Rows are read from an iterator only as the
pages need them, so the whole table is never in memory, and the table keeps its last rows with what follows it
(the total, the signatures): what follows never stands alone on a page.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, KeepTogether, Table

LEFT, CENTER, RIGHT = "LEFT", "CENTER", "RIGHT"
ELLIPSIS = "…"
_BLANK = ("",)


@dataclass(frozen=True)
class Column:
    """A column's width in points and how its text sits; ``wrap`` False: short values (dates, numbers) kept on
    their lines whole, as given."""

    width: float
    align: str = LEFT
    wrap: bool = True


class Row:
    """One row, ready to draw: each cell's lines, the row's height; ``span``: a single cell across the row."""

    __slots__ = ("cells", "height", "span")

    def __init__(self, cells: tuple[tuple[str, ...], ...], height: float, span: bool = False) -> None:
        self.cells = cells
        self.height = height
        self.span = span


class TableLayout:
    """How a long table looks: its columns, its header row, the font of its cells, paddings and grid.

    ``header`` is a one-row platypus table of the same column widths (it carries its own background, fonts and
    grid) and is drawn as it always was. ``max_lines`` keeps a row shorter than a page: a cell's text beyond it
    ends in "…".
    """

    def __init__(
        self,
        columns: Sequence[Column],
        header: Table,
        font: str,
        size: float,
        leading: float,
        padding: tuple[float, float, float, float] = (2, 2, 1.5, 1.5),  # left, right, top, bottom
        grid: tuple[float, colors.Color] = (0.4, colors.grey),
        max_lines: int = 30,
    ) -> None:
        self.columns = tuple(columns)
        self.header = header
        self.font = font
        self.size = size
        self.leading = leading
        self.left, self.right, self.top, self.bottom = padding
        self.grid_width, self.grid_color = grid
        self.max_lines = max_lines
        self.width = sum(c.width for c in self.columns)
        self.positions = [0.0]
        for c in self.columns:
            self.positions.append(self.positions[-1] + c.width)
        self._words: dict[str, float] = {}
        self._string_width = pdfmetrics.getFont(font).stringWidth
        self._fitted: dict[tuple[str, int], tuple[str, ...]] = {}
        self.starts: dict[tuple[int, str], str] = {}  # "1 0 0 1 x": where a line starts, by column and line
        self._header_height: float | None = None

    # --- measuring -----------------------------------------------------------------------------------------------

    def text_width(self, text: str, keep: bool = True) -> float:
        """The width of ``text`` in the cells' font; kept, since words (names, places, dates) repeat."""
        width = self._words.get(text)
        if width is None:
            width = self._string_width(text, self.size)
            if keep:
                if len(self._words) >= 20_000:
                    self._words.clear()
                self._words[text] = width
        return width

    def wrap(self, text: str, room: float) -> list[str]:
        """``text`` broken at spaces into lines no wider than ``room``; a word wider than it is cut."""
        measure = self.text_width
        space = measure(" ")
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split():
                width = measure(word)
                while width > room:  # a word longer than the column: cut it
                    cut = len(word)
                    while cut > 1 and measure(word[:cut]) > room:
                        cut -= 1
                    if line:
                        lines.append(line)
                    lines.append(word[:cut])
                    line, used = "", 0.0
                    word = word[cut:]
                    width = measure(word)
                gap = space if line else 0.0
                if line and used + gap + width > room:
                    lines.append(line)
                    line, used = word, width
                else:
                    line, used = (f"{line} {word}" if line else word), used + gap + width
            lines.append(line)
        return lines

    def _clip(self, lines: list[str]) -> tuple[str, ...]:
        if len(lines) > self.max_lines:
            lines = lines[: self.max_lines]
            lines[-1] += ELLIPSIS
        return tuple(lines)

    def fit(self, text: str, column: int) -> tuple[str, ...]:
        """The lines of ``text`` in its column; kept, since a column's values repeat (cohorts, results)."""
        key = (text, column)
        lines = self._fitted.get(key)
        if lines is None:
            spec = self.columns[column]
            if not spec.wrap:
                lines = tuple(text.split("\n"))
            elif (
                "\n" not in text and self.text_width(text, keep=False) <= spec.width - self.left - self.right
            ):
                lines = (text,)
            else:
                lines = self._clip(self.wrap(text, spec.width - self.left - self.right))
            if len(self._fitted) >= 20_000:
                self._fitted.clear()
            self._fitted[key] = lines
        return lines

    def row(self, cells: Sequence[str]) -> Row:
        """A row of texts, one per column, each wrapped to its column."""
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        fit = self.fit
        fitted = tuple(fit(text, column) if text else _BLANK for column, text in enumerate(cells))
        tallest = max(len(lines) for lines in fitted)
        return Row(fitted, tallest * self.leading + self.top + self.bottom)

    def spanning_row(self, text: str) -> Row:
        """A row of one text across the whole table (``Không có người nào``)."""
        lines = self._clip(self.wrap(text, self.width - self.left - self.right))
        return Row((lines,), len(lines) * self.leading + self.top + self.bottom, span=True)

    def line_start(self, column: int, line: str) -> str:
        """``1 0 0 1 x``: where a line of text starts in ``column`` (-1: a row's single spanning cell)."""
        if column < 0:
            x, width, align = 0.0, self.width, LEFT
        else:
            spec = self.columns[column]
            x, width, align = self.positions[column], spec.width, spec.align
        key = (column, "" if align == LEFT else line)  # a left-aligned line starts where its column does
        start = self.starts.get(key)
        if start is None:
            if align == LEFT:
                x += self.left
            elif align == CENTER:
                x += (width + self.left - self.right) / 2 - self.text_width(line) / 2
            else:
                x += width - self.right - self.text_width(line)
            if len(self.starts) >= 20_000:
                self.starts.clear()
            start = self.starts[key] = f"1 0 0 1 {fp_str(x)}"
        return start

    def header_height(self, canv: Any) -> float:
        if self._header_height is None:
            _, self._header_height = self.header.wrapOn(canv, self.width, 1e6)
        return self._header_height


class _Rows:
    """The rows still to lay out: read from the iterator as the pages ask, a few kept ahead."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self._iterator: Iterator[Row] | None = iter(rows)
        self._ahead: deque[Row] = deque()

    def get(self, index: int) -> Row | None:
        """The ``index``-th row still to lay out, or None past the last."""
        while len(self._ahead) <= index and self._iterator is not None:
            row = next(self._iterator, None)
            if row is None:
                self._iterator = None
            else:
                self._ahead.append(row)
        return self._ahead[index] if index < len(self._ahead) else None

    def take(self, count: int) -> list[Row]:
        return [self._ahead.popleft() for _ in range(count)]


class _TextWriter:
    """Writes lines of text in the cells' font as PDF text operators, each string's encoding kept.

    It is what ``canvas.drawString`` writes (a TrueType font is embedded in subsets of 256 characters, and a
    string becomes runs of bytes, one per subset), without building a text object per string: a roster repeats
    its dates, sexes, cohorts and results on every row.
    """

    def __init__(self, canv: Any, font: str, size: float) -> None:
        self.font = pdfmetrics.getFont(font)
        self.size = fp_str(size)
        # the document: subsets are numbered per document; its escape is rl_accel's when installed
        self.doc = canv._doc
        self.escape = canv._escape
        self.runs: dict[str, tuple[int, int, str]] = {}
        self.fonts: dict[int, str] = {}
        # the characters already placed in the first subset, and their bytes there: a string made only of them
        # is translated in one step instead of character by character
        self.first: set[str] = set()
        self.bytes: dict[int, str] = {}

    def encode(self, text: str) -> tuple[int, int, str]:
        """The subset ``text`` starts in, the one it ends in, and its operators (with the changes of subset
        within it): the caller selects the first subset when it is not the current one."""
        encoded = self.runs.get(text)
        if encoded is None:
            if self.first.issuperset(text):
                chunk = text.translate(self.bytes).encode("latin-1")
                encoded = (0, 0, f"({self.escape(chunk)}) Tj")
            else:
                split = self.font.splitString(text, self.doc)
                ops: list[str] = []
                for n, (subset, chunk) in enumerate(split):
                    if n:
                        ops.append(self.select(subset))
                    ops.append(f"({self.escape(chunk)}) Tj")
                encoded = (split[0][0], split[-1][0], "\n".join(ops)) if split else (-1, -1, "")
                codes = [(subset, code) for subset, chunk in split for code in chunk]
                if len(codes) == len(text):  # one byte per character, as a subset font has
                    for char, (subset, code) in zip(text, codes, strict=True):
                        if subset == 0:
                            self.first.add(char)
                            self.bytes[ord(char)] = chr(code)
            if len(self.runs) >= 20_000:  # most strings that repeat do so soon (dates, results, cohorts)
                self.runs.clear()
            self.runs[text] = encoded
        return encoded

    def select(self, subset: int) -> str:
        op = self.fonts.get(subset)
        if op is None:
            op = self.fonts[subset] = f"{self.font.getSubsetInternalName(subset, self.doc)} {self.size} Tf"
        return op


def _writer(canv: Any, layout: TableLayout) -> _TextWriter:
    """One writer per canvas and font: its encodings hold only in the document they were made for."""
    writers: dict[tuple[str, float], _TextWriter] = canv.__dict__.setdefault("_qd_text_writers", {})
    key = (layout.font, layout.size)
    writer = writers.get(key)
    if writer is None:
        writer = writers[key] = _TextWriter(canv, layout.font, layout.size)
    return writer


class _TablePart(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """The header and the rows of one page."""

    def __init__(self, layout: TableLayout, rows: list[Row], header_height: float) -> None:
        super().__init__()
        self.layout = layout
        self.rows = rows
        self.header_height = header_height
        self.height = header_height + sum(r.height for r in rows)
        self.width = layout.width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        layout = self.layout
        self._draw_header(canv, layout)
        top = self.height - self.header_height
        text: list[str] = ["q 0 g BT"]
        writer = _writer(canv, layout)
        encode, select = writer.encode, writer.select
        current = -1
        size, leading = layout.size, layout.leading
        pad_top, pad_bottom = layout.top, layout.bottom
        y = top
        bottoms: list[float] = []
        start = layout.line_start
        # where each column's left-aligned lines start (None: centred or right-aligned, by the line's width)
        lefts = [start(i, "") if c.align == LEFT else None for i, c in enumerate(layout.columns)]
        span_start = start(-1, "")
        starts = layout.starts
        add = text.append
        for row in self.rows:
            y -= row.height
            bottoms.append(y)
            middle = y + (pad_bottom + row.height - pad_top) / 2 - size
            baselines: dict[int, list[str]] = {}
            for index, lines in enumerate(row.cells):
                n = len(lines)
                # as reportlab's table centres a cell's lines (VALIGN MIDDLE)
                ys = baselines.get(n)
                if ys is None:
                    first = middle + n * leading / 2
                    ys = baselines[n] = [f" {fp_str(first - k * leading)} Tm" for k in range(n)]
                at = span_start if row.span else lefts[index]
                for k, line in enumerate(lines):
                    if line:
                        first_subset, last_subset, ops = encode(line)
                        where = at or starts.get((index, line)) or start(index, line)
                        if first_subset == current:
                            add(f"{where}{ys[k]}\n{ops}")
                        else:
                            add(f"{where}{ys[k]}\n{select(first_subset)}\n{ops}")
                        current = last_subset
        text.append("ET Q")
        canv.addLiteral("\n".join(text))
        self._draw_grid(canv, layout, top, bottoms)

    def _draw_header(self, canv: Any, layout: TableLayout) -> None:
        name = f"qdTableHeader{id(layout)}"
        made: set[str] = canv.__dict__.setdefault("_qd_table_headers", set())
        if name not in made:
            # a little beyond the header, or the border's outer half would be cut off
            margin = layout.grid_width + 1
            canv.beginForm(name, -margin, -margin, layout.width + margin, self.header_height + margin)
            layout.header.drawOn(canv, 0, 0)
            canv.endForm()
            made.add(name)
        canv.saveState()
        canv.translate(0, self.height - self.header_height)
        canv.doForm(name)
        canv.restoreState()

    def _draw_grid(self, canv: Any, layout: TableLayout, top: float, bottoms: list[float]) -> None:
        if not bottoms:
            return
        canv.saveState()
        canv.setStrokeColor(layout.grid_color)
        canv.setLineWidth(layout.grid_width)
        canv.setLineCap(1)
        canv.setLineJoin(1)
        width = layout.width
        lines = [(0.0, top, width, top)] + [(0.0, y, width, y) for y in bottoms]
        # the inner column lines stop above a spanning row and start again below it
        runs: list[tuple[float, float]] = []
        run_top: float | None = None
        row_top = top
        for row, bottom in zip(self.rows, bottoms, strict=True):
            if row.span:
                if run_top is not None:
                    runs.append((run_top, row_top))
                run_top = None
            elif run_top is None:
                run_top = row_top
            row_top = bottom
        if run_top is not None:
            runs.append((run_top, bottoms[-1]))
        lines += [(x, a, x, b) for a, b in runs for x in layout.positions[1:-1]]
        lines += [(0.0, top, 0.0, bottoms[-1]), (width, top, width, bottoms[-1])]
        canv.lines(lines)
        canv.restoreState()


def flowables_height(flowables: Sequence[Flowable], width: float, canv: Any) -> float:
    """The height ``flowables`` take one after the other, space before and after included (a KeepTogether
    by its content: its own wrap answers "too tall" whenever the content is taller than the space given)."""
    total = 0.0
    for f in flowables:
        if isinstance(f, KeepTogether):
            total += flowables_height(f._content, width, canv)
            continue
        _, h = f.wrapOn(canv, width, 1e6)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


class LongCanvasTable(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A long table and what follows it (``tail``: the total, the signatures), laid out a page at a time.

    It always asks to be split; each split puts as many rows as fit under the header on this page, or fewer
    when the rows left after them would be fewer than ``keep``: the tail always goes with at least ``keep``
    rows (all of them when the table is shorter), never alone on a page.
    """

    def __init__(
        self,
        layout: TableLayout,
        rows: Iterable[Row] | _Rows,
        tail: Sequence[Flowable] = (),
        keep: int = 2,
        tail_height: list[float] | None = None,
    ) -> None:
        super().__init__()
        self.layout = layout
        self.rows = rows if isinstance(rows, _Rows) else _Rows(rows)
        self.tail = list(tail)
        self.keep = keep
        self._tail_height = (
            tail_height if tail_height is not None else []
        )  # shared by the parts, measured once

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return availWidth, availHeight + 1  # never drawn whole: see split

    def _tail(self, width: float) -> float:
        if not self._tail_height:
            self._tail_height.append(flowables_height(self.tail, width, self.canv))
        return self._tail_height[0]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        header = self.layout.header_height(self.canv)
        room = availHeight - header - 1e-6
        rows = self.rows
        fitting, used = 0, 0.0
        while (row := rows.get(fitting)) is not None and used + row.height <= room:
            used += row.height
            fitting += 1
        after = 0  # rows beyond those that fit, counted up to keep
        while after < self.keep and rows.get(fitting + after) is not None:
            after += 1
        if after == 0 and used + self._tail(availWidth) <= room:
            part = _TablePart(self.layout, rows.take(fitting), header)
            return [part, *self.tail]
        first = fitting
        if after < self.keep:  # the last rows are on this page: leave enough of them for the tail
            first = min(fitting, fitting + after - min(self.keep, fitting + after))
        at_top = bool(getattr(getattr(self, "_frame", None), "_atTop", False))
        if first <= 0 and at_top and fitting:
            first = fitting  # a page that cannot hold the rows and the tail at all: the rows first
        if first <= 0:
            return []  # to the next page
        part = _TablePart(self.layout, rows.take(first), header)
        rest = LongCanvasTable(self.layout, rows, self.tail, self.keep, self._tail_height)
        return [part, rest]
