"""The overview of the current facility: beds, people present, releases and tests due, rooms to disinfect.

Each figure is a card that opens the page behind it (``open_area`` carries the area key; the main window
switches pages). The 30-day chart and the daily report live elsewhere.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.domain.rooms import RoomState
from quarantine_desk.services import facilities, stays
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.widgets import MessageLine

log = logging.getLogger(__name__)


class Card(QFrame):
    """A big number with its caption; clicking it (or Enter / Space on it) opens the page behind it."""

    clicked = Signal()

    def __init__(self, caption: str, area: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area = area
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumSize(200, 104)
        self.number = QLabel("–")
        self.number.setStyleSheet("font-size: 26pt; font-weight: 700;")
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("font-size: 11pt;")
        self.note = QLabel()
        self.note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.setAccessibleName(caption)
        self.set_tone("normal")

    def set_value(self, value: int, note: str = "") -> None:
        self.number.setText(str(value))
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.setAccessibleDescription(f"{value} {note}".strip())

    def set_tone(self, tone: str) -> None:
        """normal, alert (red: needs action now) or calm (green)."""
        border, background = {"alert": ("#c62828", "#fdecea"), "calm": ("#2e7d32", "#eef7ee")}.get(
            tone, ("#9e9e9e", "#fafafa")
        )
        self.setStyleSheet(
            f"Card {{ border: 1px solid {border}; border-radius: 8px; background: {background}; }}"
            f"Card:focus {{ border: 2px solid #1565c0; }}"
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


class DashboardPage(QWidget):
    """Tổng quan."""

    open_area = Signal(str)  # "checkin", "rooms" or "medical"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dashboard_page")
        title = QLabel(self.tr("Tổng quan"))
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.facility_line = QLabel()
        self.facility_line.setStyleSheet("font-size: 11pt;")
        self.warning = MessageLine()
        self.warning.setObjectName("occupancy_warning")

        captions = {
            "beds": (self.tr("Tổng số giường"), "rooms"),
            "occupied": (self.tr("Giường đang có người"), "rooms"),
            "free": (self.tr("Giường còn trống"), "checkin"),
            "closed": (self.tr("Giường tạm đóng"), "rooms"),
            "present": (self.tr("Người đang cách ly"), "rooms"),
            "due_today": (self.tr("Ra khu cách ly hôm nay"), "medical"),
            "due_tomorrow": (self.tr("Ra khu cách ly ngày mai"), "medical"),
            "tests_today": (self.tr("Xét nghiệm đến hạn hôm nay"), "medical"),
            "tests_overdue": (self.tr("Xét nghiệm quá hạn"), "medical"),
            "disinfect": (self.tr("Phòng chờ khử khuẩn"), "rooms"),
        }
        self.cards: dict[str, Card] = {}
        grid = QGridLayout()
        grid.setSpacing(12)
        for i, (key, (caption, area)) in enumerate(captions.items()):
            card = Card(caption, area)
            card.setObjectName(f"card_{key}")
            card.clicked.connect(lambda area=area: self.open_area.emit(area))
            self.cards[key] = card
            grid.addWidget(card, i // 5, i % 5)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.facility_line)
        layout.addWidget(self.warning)
        layout.addLayout(grid)
        layout.addStretch(1)
        ctx.facility_changed.connect(self.refresh)
        ctx.data_changed.connect(self.refresh)
        self.refresh()

    def value(self, key: str) -> int:
        text = self.cards[key].number.text()
        return int(text) if text.isdigit() else 0

    def refresh(self) -> None:
        code = self.ctx.facility
        self.warning.clear_message()
        if not code:
            self.facility_line.setText(self.tr("Chưa chọn khu cách ly."))
            for card in self.cards.values():
                card.number.setText("–")
            return
        today = self.ctx.desk.now().date()
        try:
            facility = facilities.get_facility(self.ctx.desk, code)
            rooms = facilities.room_board(self.ctx.desk, code)
            present = [s for s in stays.roster(self.ctx.desk, code, today) if s.released_at is None]
            due_today = stays.releases_due(self.ctx.desk, code, today)
            due_tomorrow = stays.releases_due(self.ctx.desk, code, today + timedelta(days=1))
            tests = stays.tests_due_list(self.ctx.desk, code, today)
        except DeskError as err:
            self.warning.error(self.ctx.describe(err))
            return
        self.facility_line.setText(
            self.tr("%1 – %2 · ngày %3")
            .replace("%1", facility.code)
            .replace("%2", facility.name)
            .replace("%3", today.strftime("%d/%m/%Y"))
        )
        occupancy = facilities.occupancy_of(rooms)
        overdue = sum(1 for t in tests if t.overdue(today))
        awaiting = sum(1 for r in rooms if r.state is RoomState.AWAITING_DISINFECTION)
        closed_rooms = sum(1 for r in rooms if r.state is RoomState.CLOSED)
        today_ids = {r.stay for r in due_today}
        values = {
            "beds": occupancy.beds,
            "occupied": occupancy.occupied,
            "free": occupancy.free,
            "closed": occupancy.closed,
            "present": len(present),
            "due_today": len(due_today),
            "due_tomorrow": sum(1 for r in due_tomorrow if r.stay not in today_ids),
            "tests_today": len(tests) - overdue,
            "tests_overdue": overdue,
            "disinfect": awaiting,
        }
        for key, value in values.items():
            self.cards[key].set_value(value)
        if occupancy.beds:
            percent = round(100 * occupancy.occupied / occupancy.beds)
            self.cards["occupied"].set_value(
                occupancy.occupied, self.tr("%1 % số giường").replace("%1", str(percent))
            )
        if closed_rooms:
            self.cards["closed"].set_value(
                occupancy.closed, self.tr("%1 phòng phong tỏa").replace("%1", str(closed_rooms))
            )
        self.cards["occupied"].set_tone("alert" if occupancy.warning else "normal")
        self.cards["free"].set_tone("alert" if occupancy.warning else "calm")
        self.cards["tests_overdue"].set_tone("alert" if overdue else "normal")
        self.cards["disinfect"].set_tone("alert" if awaiting else "normal")
        self.cards["closed"].set_tone("alert" if closed_rooms else "normal")
        if occupancy.warning:
            self.warning.error(
                self.tr("Đã dùng %1 % số giường của khu cách ly: cần chuẩn bị thêm chỗ.").replace(
                    "%1", str(round(100 * occupancy.occupied / occupancy.beds))
                )
            )
