"""Draws the application icon (a shield with a red cross and "QD") into resources/icons/.

Writes quarantine-desk.png (256 px, the window and Linux icon) and quarantine-desk.ico (16 to 256 px, the
Windows executable's icon, used by build.spec). Only Qt is needed; run it again after changing the drawing:

    .venv/bin/python scripts/make_icon.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt  # noqa: E402, TID251
from PySide6.QtGui import (  # noqa: E402, TID251
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPainter,
    QPainterPath,
    QPolygonF,
)

FOLDER = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
GREEN, RED, WHITE = QColor("#1b5e20"), QColor("#c62828"), QColor("#ffffff")


def draw(size: int) -> QImage:
    """The icon drawn at ``size`` pixels on a 64-unit grid (the same shape as quarantine-desk.svg)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 64, size / 64)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(GREEN)
    p.drawRoundedRect(QRectF(2, 2, 60, 60), 10, 10)
    shield = QPainterPath()
    shield.addPolygon(
        QPolygonF([QPointF(10, 54), QPointF(10, 24), QPointF(32, 9), QPointF(54, 24), QPointF(54, 54)])
    )
    p.setBrush(WHITE)
    p.drawPath(shield)
    p.setBrush(RED)
    p.drawRect(QRectF(28, 17, 8, 20))
    p.drawRect(QRectF(22, 23, 20, 8))
    if size >= 32:  # the letters would be a smudge below 32 px
        font = QFont("DejaVu Sans")
        font.setBold(True)
        font.setPixelSize(13)
        p.setFont(font)
        p.setPen(GREEN)
        p.drawText(QRectF(10, 38, 44, 15), Qt.AlignmentFlag.AlignCenter, "QD")
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: list[QImage]) -> bytes:
    """An .ico holding every size as a PNG entry (readable by Windows Vista and later)."""
    frames = [png_bytes(image) for image in images]
    header = struct.pack("<HHH", 0, 1, len(frames))
    offset = 6 + 16 * len(frames)
    entries, body = b"", b""
    for image, frame in zip(images, frames, strict=True):
        side = image.width() % 256  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(frame), offset + len(body))
        body += frame
    return header + entries + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    font_file = FOLDER.parent / "fonts" / "DejaVuSans-Bold.ttf"
    if font_file.exists():
        from PySide6.QtGui import QFontDatabase  # noqa: TID251

        QFontDatabase.addApplicationFont(str(font_file))
    FOLDER.mkdir(parents=True, exist_ok=True)
    if not draw(256).save(str(FOLDER / "quarantine-desk.png"), "PNG"):
        sys.exit("could not write quarantine-desk.png")
    (FOLDER / "quarantine-desk.ico").write_bytes(ico_bytes([draw(size) for size in ICO_SIZES]))
    del app
    print(f"wrote {FOLDER / 'quarantine-desk.png'} and {FOLDER / 'quarantine-desk.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
