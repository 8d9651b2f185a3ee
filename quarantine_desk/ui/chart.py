"""The occupancy chart of the overview: people present each day (a filled area) under the line of beds, then the
projection of the coming days (a dotted line: ``services.capacity``, whose assumption the page states).

Drawn with QPainter (the project ships PySide6-Essentials, which has no QtCharts). Day labels are dd/MM and
thinned out to what the width allows; a tooltip gives the figures of the day under the pointer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from quarantine_desk.services.overview import DayOccupancy

PRESENT_LINE = QColor("#1565c0")
PRESENT_FILL = QColor(21, 101, 192, 60)
BEDS_LINE = QColor("#c62828")
AHEAD_LINE = QColor("#ef6c00")
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
        self._ahead: list[tuple[date, int]] = []  # projected people on the coming days
        self._assumption = ""  # what the projection assumes, in short, for its legend
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

    @property
    def ahead(self) -> list[tuple[date, int]]:
        return list(self._ahead)

    def set_projection(self, ahead: Sequence[tuple[date, int]]) -> None:
        """The people expected on the coming days, drawn after today."""
        self._ahead = list(ahead)
        self.update()

    def set_assumption(self, text: str) -> None:
        self._assumption = text
        self.setToolTip("")
        self.update()

    def _days(self) -> list[date]:
        return [p.day for p in self._points] + ([d for d, _ in self._ahead] if self._points else [])

    def title_text(self) -> str:
        return self.title.replace("%1", str(len(self._points) or 30))

    # --- geometry ----------------------------------------------------------------------------------------------

    def _top_value(self) -> int:
        highest = max((max(p.present, p.beds) for p in self._points), default=0)
        highest = max([highest, *(n for _, n in self._ahead)]) if self._points else highest
        step = nice_step(max(highest, 1))
        return max(step, math.ceil(highest / step) * step)

    def _plot_rect(self, metrics: QFontMetrics) -> QRectF:
        line = metrics.height()
        left = metrics.horizontalAdvance(str(self._top_value())) + 12
        top = 2 * line + 18  # the title, then the legend
        bottom = line + 8  # the day labels
        return QRectF(left, top, max(10, self.width() - left - 14), max(10, self.height() - top - bottom))

    def _x(self, plot: QRectF, index: int) -> float:
        count = len(self._days())
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
        for label, colour, style in (
            (self.tr("Người đang cách ly"), PRESENT_LINE, Qt.PenStyle.SolidLine),
            (self.tr("Số giường"), BEDS_LINE, Qt.PenStyle.DashLine),
            (
                self.tr("Dự kiến (%1)").replace("%1", self._assumption)
                if self._assumption
                else self.tr("Dự kiến"),
                AHEAD_LINE,
                Qt.PenStyle.DotLine,
            ),
        ):
            pen = QPen(colour, 2.5, style)
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
        days = self._days()
        count = len(days)
        every = 1
        while count > 1 and every < count and plot.width() * every / (count - 1) < label_width:
            every += 1
        # Count from today both ways so that today always has its label.
        today = len(self._points) - 1
        indexes = sorted({*range(today, -1, -every), *range(today, count, every)})
        for index in indexes:
            x = self._x(plot, index)
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 3))
            text = days[index].strftime("%d/%m")
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
        if self._ahead:
            last = len(self._points) - 1
            beds.append(QPointF(self._x(plot, last + len(self._ahead)), beds[-1].y()))
            ahead = [present[-1]] + [
                QPointF(self._x(plot, last + 1 + i), self._y(plot, n)) for i, (_, n) in enumerate(self._ahead)
            ]
            painter.setPen(QPen(AHEAD_LINE, 2.5, Qt.PenStyle.DotLine))
            painter.drawPolyline(ahead)
        painter.setPen(QPen(BEDS_LINE, 2, Qt.PenStyle.DashLine))
        if len(beds) > 1:
            painter.drawPolyline(beds)
        else:
            painter.drawLine(QPointF(plot.left(), beds[0].y()), QPointF(plot.right(), beds[0].y()))

    # --- tooltip -----------------------------------------------------------------------------------------------

    def _index_at(self, x: float) -> int | None:
        if not self._points:
            return None
        plot = self._plot_rect(QFontMetrics(self.font()))
        return min(range(len(self._days())), key=lambda i: abs(self._x(plot, i) - x))

    def day_at(self, x: float) -> DayOccupancy | None:
        index = self._index_at(x)
        return self._points[index] if index is not None and index < len(self._points) else None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self._index_at(event.pos().x())
            point = self.day_at(event.pos().x())
            if index is not None and point is None:
                day, people = self._ahead[index - len(self._points)]
                QToolTip.showText(
                    event.globalPos(),
                    self.tr("%1: dự kiến %2 người, %3 giường")
                    .replace("%1", day.strftime("%d/%m/%Y"))
                    .replace("%2", str(people))
                    .replace("%3", str(self._points[-1].beds)),
                    self,
                )
            elif point is None:
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
