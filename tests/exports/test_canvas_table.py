"""The long-table layout of ``exports.canvas_table``: lines measured with the registered font never run past
their column, no character is lost in the wrapping, a row is as tall as its tallest cell."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Table

from quarantine_desk.exports.canvas_table import CENTER, LEFT, Column, TableLayout
from quarantine_desk.exports.pdf import FONT, register_fonts

TEXTS = (
    "Nguyễn Thị Hường",
    "Tôn Nữ Hoàng Phương Thảo Nguyễn Ngọc Bích Trâm Huyền Trang",
    "Số 12 đường Lê Lợi, phường Phú Hội, thành phố Huế, tỉnh Thừa Thiên Huế",
    "Ngườicómộttênrấtdàikhôngcódấucáchnàocả",
    "XN lần 4: 10/08 Test nhanh âm tính; Cần theo dõi đặc biệt (có thai)\nDòng thứ hai",
    "",
)


def _layout(width: float = 60, max_lines: int = 30) -> TableLayout:
    register_fonts()
    columns = [Column(22, CENTER, wrap=False), Column(width, LEFT)]
    return TableLayout(columns, Table([["STT", "Họ và tên"]]), FONT, 7.2, 8.6, max_lines=max_lines)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("width", [30, 60, 84, 200])
def test_wrapped_lines_fit_their_column_and_keep_every_character(text: str, width: float) -> None:
    layout = _layout(width)
    room = width - 4
    lines = layout.fit(text, 1) if text else ("",)
    for line in lines:
        assert pdfmetrics.stringWidth(line, FONT, 7.2) <= room + 1e-6 or len(line) == 1, line
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_a_row_is_as_tall_as_its_tallest_cell() -> None:
    layout = _layout(40)
    short = layout.row(["1", "Lê An"])
    tall = layout.row(["2", TEXTS[2]])
    assert short.height == pytest.approx(8.6 + 3)
    assert tall.height == pytest.approx(len(layout.fit(TEXTS[2], 1)) * 8.6 + 3)
    assert layout.row(["14/03/1985", ""]).cells[0] == ("14/03/1985",)  # a column kept whole is never broken


def test_a_cell_longer_than_allowed_ends_in_an_ellipsis() -> None:
    layout = _layout(60, max_lines=5)
    row = layout.row(["1", "Thôn Phú Lộc Đông " * 50])
    assert len(row.cells[1]) == 5 and row.cells[1][-1].endswith("…")
    assert row.height == pytest.approx(5 * 8.6 + 3)


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError):
        _layout().row(["1"])
