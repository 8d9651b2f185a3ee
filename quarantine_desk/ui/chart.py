"""The occupancy chart of the overview: people present each day (a filled area) under the line of beds.

Drawn with QPainter (the project ships PySide6-Essentials, which has no QtCharts). Day labels are dd/MM and
thinned out to what the width allows; a tooltip gives the figures of the day under the pointer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from quarantine_desk.services.overview import DayOccupancy

PRESENT_LINE = QColor("#1565c0")
PRESENT_FILL = QColor(21, 101, 192, 60)
BEDS_LINE = QColor("#c62828")
GRID = QColor("#e0e0e0")


def nice_step(top: int, ticks: int = 4) -> int:
    """A step of 1, 2 or 5 times a power of ten giving about ``ticks`` intervals up to ``top``."""
    raw = max(1.0, top / ticks)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


class OccupancyChart(QWidget):
    """Số người cách ly theo ngày."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[DayOccupancy] = []
        self.title = self.tr("Số người cách ly trong %1 ngày qua")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(360, 190)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        self.setAccessibleName(self.tr("Biểu đồ số người cách ly"))

    def sizeHint(self) -> QSize:
        return QSize(560, 230)

    @property
    def points(self) -> list[DayOccupancy]:
        return list(self._points)

    def set_history(self, points: Sequence[DayOccupancy]) -> None:
        self._points = list(points)
        if self._points:
            last = self._points[-1]
            self.setAccessibleDescription(
                self.tr("Hôm nay %1 người, %2 giường")
                .replace("%1", str(last.present))
                .replace("%2", str(last.beds))
            )
        else:
            self.setAccessibleDescription("")
        self.update()

    def title_text(self) -> str:
        return self.title.replace("%1", str(len(self._points) or 30))

    # --- geometry ----------------------------------------------------------------------------------------------

    def _top_value(self) -> int:
        highest = max((max(p.present, p.beds) for p in self._points), default=0)
        step = nice_step(max(highest, 1))
        return max(step, math.ceil(highest / step) * step)

    def _plot_rect(self, metrics: QFontMetrics) -> QRectF:
        line = metrics.height()
        left = metrics.horizontalAdvance(str(self._top_value())) + 12
        top = 2 * line + 18  # the title, then the legend
        bottom = line + 8  # the day labels
        return QRectF(left, top, max(10, self.width() - left - 14), max(10, self.height() - top - bottom))

    def _x(self, plot: QRectF, index: int) -> float:
        count = len(self._points)
        if count <= 1:
            return plot.center().x()
        return plot.left() + plot.width() * index / (count - 1)

    def _y(self, plot: QRectF, value: float) -> float:
        return plot.bottom() - plot.height() * value / self._top_value()

    # --- painting ----------------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        base = QFont(self.font())
        bold = QFont(base)
        bold.setBold(True)
        bold.setPointSizeF(base.pointSizeF() * 1.1)
        metrics = QFontMetrics(base)
        line = metrics.height()
        text_colour = self.palette().windowText().color()

        painter.setFont(bold)
        painter.setPen(text_colour)
        painter.drawText(
            QRectF(8, 4, self.width() - 16, line + 4),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            self.title_text(),
        )
        painter.setFont(base)
        self._draw_legend(painter, metrics, QPointF(8, line + 10))

        plot = self._plot_rect(metrics)
        if not self._points:
            painter.setPen(QColor("#666666"))
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, self.tr("Chưa có số liệu"))
            painter.end()
            return
        self._draw_axes(painter, metrics, plot)
        self._draw_series(painter, plot)
        painter.end()

    def _draw_legend(self, painter: QPainter, metrics: QFontMetrics, at: QPointF) -> None:
        x, y, line = at.x(), at.y(), metrics.height()
        for label, colour, dashed in (
            (self.tr("Người đang cách ly"), PRESENT_LINE, False),
            (self.tr("Số giường"), BEDS_LINE, True),
        ):
            pen = QPen(colour, 2.5, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, y + line / 2), QPointF(x + 22, y + line / 2))
            painter.setPen(self.palette().windowText().color())
            painter.drawText(
                QRectF(x + 28, y, metrics.horizontalAdvance(label) + 4, line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            x += 28 + metrics.horizontalAdvance(label) + 24

    def _draw_axes(self, painter: QPainter, metrics: QFontMetrics, plot: QRectF) -> None:
        top = self._top_value()
        step = nice_step(top)
        line = metrics.height()
        muted = QColor("#555555")
        for value in range(0, top + 1, step):
            y = self._y(plot, value)
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(muted)
            painter.drawText(
                QRectF(0, y - line / 2, plot.left() - 6, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
        painter.setPen(QPen(muted, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        label_width = metrics.horizontalAdvance("00/00") + 10
        count = len(self._points)
        every = 1
        while count > 1 and every < count and plot.width() * every / (count - 1) < label_width:
            every += 1
        # Count back from today so that today always has its label.
        for index in range(count - 1, -1, -every):
            x = self._x(plot, index)
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3))
            text = self._points[index].day.strftime("%d/%m")
            width = metrics.horizontalAdvance(text)
            left = min(max(0.0, x - width / 2), self.width() - width - 2)
            painter.drawText(
                QRectF(left, plot.bottom() + 4, width + 2, line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )

    def _draw_series(self, painter: QPainter, plot: QRectF) -> None:
        present = [QPointF(self._x(plot, i), self._y(plot, p.present)) for i, p in enumerate(self._points)]
        area = QPainterPath(QPointF(present[0].x(), plot.bottom()))
        for point in present:
            area.lineTo(point)
        area.lineTo(QPointF(present[-1].x(), plot.bottom()))
        area.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PRESENT_FILL)
        painter.drawPath(area)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(PRESENT_LINE, 2.5))
        if len(present) > 1:
            painter.drawPolyline(present)
        painter.setBrush(PRESENT_LINE)
        painter.drawEllipse(present[-1], 3.5, 3.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        beds = [QPointF(self._x(plot, i), self._y(plot, p.beds)) for i, p in enumerate(self._points)]
        painter.setPen(QPen(BEDS_LINE, 2, Qt.PenStyle.DashLine))
        if len(beds) > 1:
            painter.drawPolyline(beds)
        else:
            painter.drawLine(QPointF(plot.left(), beds[0].y()), QPointF(plot.right(), beds[0].y()))

    # --- tooltip -----------------------------------------------------------------------------------------------

    def day_at(self, x: float) -> DayOccupancy | None:
        if not self._points:
            return None
        plot = self._plot_rect(QFontMetrics(self.font()))
        index = min(range(len(self._points)), key=lambda i: abs(self._x(plot, i) - x))
        return self._points[index]

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            point = self.day_at(event.pos().x())
            if point is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(
                    event.globalPos(),
                    self.tr("%1: %2 người, %3 giường")
                    .replace("%1", point.day.strftime("%d/%m/%Y"))
                    .replace("%2", str(point.present))
                    .replace("%3", str(point.beds)),
                    self,
                )
            return True
        return super().event(event)
