"""F1 lists shaped like those the commune health stations send: built here, cell by cell, for the import tests."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook


def nfd(text: str) -> str:
    """Text as some Vietnamese keyboards (and macOS) store it: letters and tone marks apart."""
    return unicodedata.normalize("NFD", text)


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: vowels with their shape precomposed, the tone as a combining mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            shaped = unicodedata.normalize("NFC", base + "".join(marks[:-1]))
            out += shaped.encode("cp1258") + marks[-1].encode("cp1258")
    return out


#: The people of the MoH-form list below, as they must come out.
MOH_PEOPLE = [
    # name, sex, born, id_number, phone, address
    ("Nguyễn Văn Sơn", "M", "1985", "062085000111", "0905111222", "Thôn 1, Hà Mòn"),
    ("Trần Thị Thu Hà", "F", "1992-07-14", None, "0935222333", "Thôn 2, Hà Mòn"),
    ("Lê Văn Hùng", "M", "1978", None, None, "Thôn 3, Hà Mòn"),
    ("Phạm Thị Ngọc Ánh", "F", "2001-03-05", "062301000444", None, "Thôn 1, Hà Mòn"),
]


def moh_form(path: Path) -> Path:
    """Title lines, the header on rows 12-13 (merged "Họ và tên" over "Họ và tên đệm" | "Tên", "Năm sinh" over
    "Nam" | "Nữ", "Địa chỉ" over "Thôn" | "Xã"), a row of column numbers, four people (one typed in NFD, one with
    a real date, one with a dd/mm/yyyy text), then the total, the date line and the signatures."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "UBND XÃ HÀ MÒN"
    ws["F1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["A2"] = "TRẠM Y TẾ"
    ws["F2"] = "Độc lập - Tự do - Hạnh phúc"
    ws["A5"] = "DANH SÁCH CÁC TRƯỜNG HỢP F1 CẦN CÁCH LY TẬP TRUNG"
    ws["A6"] = "(Kèm theo Công văn số 123/TYT ngày 10/8/2021)"
    ws["A8"] = "Nơi cách ly: Khu cách ly Trường Quân sự tỉnh"
    ws["A12"] = "STT"
    ws.merge_cells("A12:A13")
    ws["B12"] = "Họ và tên"
    ws.merge_cells("B12:C12")
    ws["B13"] = "Họ và tên đệm"
    ws["C13"] = "Tên"
    ws["D12"] = "Năm sinh"
    ws.merge_cells("D12:E12")
    ws["D13"] = "Nam"
    ws["E13"] = "Nữ"
    ws["F12"] = "Số CCCD/CMND"
    ws.merge_cells("F12:F13")
    ws["G12"] = "Số điện thoại"
    ws.merge_cells("G12:G13")
    ws["H12"] = "Địa chỉ"
    ws.merge_cells("H12:I12")
    ws["H13"] = "Thôn/xóm"
    ws["I13"] = "Xã/phường"
    ws["J12"] = "Ghi chú"
    ws.merge_cells("J12:J13")
    for col, number in zip("ABCDEFGHIJ", range(1, 11), strict=True):
        ws[f"{col}14"] = f"({number})"
    rows = [
        [1, "Nguyễn Văn", "Sơn", 1985, None, "062085000111", "0905 111 222", "Thôn 1", "Hà Mòn", ""],
        [
            2,
            nfd("Trần Thị Thu"),
            nfd("Hà"),
            None,
            "14/07/1992",
            None,
            "0935222333",
            nfd("Thôn 2"),
            nfd("Hà Mòn"),
            "",
        ],
        [3, "Lê Văn", "Hùng", 1978, None, None, None, "Thôn 3", "Hà Mòn", "ho khan"],
        [
            4,
            "Phạm Thị Ngọc",
            "Ánh",
            None,
            datetime(2001, 3, 5),
            "062 301 000 444",
            None,
            "Thôn 1",
            "Hà Mòn",
            "",
        ],
    ]
    for offset, row in enumerate(rows):
        for col, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(15 + offset, col, value)
    ws["A20"] = "Tổng cộng: 4 người"
    ws["H22"] = "Hà Mòn, ngày 10 tháng 8 năm 2021"
    ws["B23"] = "Người lập biểu"
    ws["G23"] = "TRƯỞNG TRẠM Y TẾ"
    ws["B24"] = "(Ký, ghi rõ họ tên)"
    ws["G24"] = "(Ký tên, đóng dấu)"
    ws["B27"] = "Đỗ Thị Lan"
    ws["G27"] = "Hoàng Văn Bình"
    wb.save(path)
    return path


def rows_xlsx(path: Path, rows: list[list[object]], *, title_rows: int = 0) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for n in range(title_rows):
        ws.append([f"Dòng tiêu đề {n + 1}"] if n % 3 == 0 else [])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path
