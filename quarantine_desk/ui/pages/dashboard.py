"""The overview of the current facility: what needs action now, beds by zone, today's movements and tests due,
and the last 30 days of occupancy.

Each figure is a card that opens the list behind it, and so is each alert: ``open_area(area, target)`` names the
area and, when there is one, what to show in it (a widget of the page, by object or attribute name, or
``room:<name>``); the main window switches pages. ``alert_text`` and ``alert_target`` are shared with the main window's alert banner.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from quarantine_desk.services import overview
from quarantine_desk.services.capacity import Capacity
from quarantine_desk.services.changes import Area
from quarantine_desk.services.overview import Alert, AlertKind, Dashboard, ZoneOccupancy
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms_compiled.ui_dashboard_page import Ui_DashboardPage
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.models import ATTENTION_BACKGROUND, WARNING_BACKGROUND, Column, RowsModel
from quarantine_desk.ui.operations import follow, query
from quarantine_desk.ui.widgets import setup_table, vn_date

log = logging.getLogger(__name__)

HISTORY_DAYS = 30
# What the overview shows: beds, people, movements, tests, and the alerts on stock, shifts and the report.
AREAS = frozenset(Area) - {Area.MEALS, Area.USERS, Area.AUDIT, Area.POLICIES, Area.RELIEF}


def alert_text(alert: Alert) -> str:
    """The sentence for an alert, in the interface language."""
    if alert.kind is AlertKind.POSITIVE:
        when = alert.at.strftime("%H:%M %d/%m") if alert.at else ""
        return (
            QCoreApplication.translate(
                "Alerts", "Dương tính: %1, phòng %2 (mẫu lúc %3) – chờ chuyển điều trị"
            )
            .replace("%1", alert.subject)
            .replace("%2", alert.room)
            .replace("%3", when)
        )
    if alert.kind is AlertKind.REPORT_DUE:
        return QCoreApplication.translate("Alerts", "Chưa lập báo cáo 16 giờ hôm nay")
    if alert.kind is AlertKind.ROOM_CLOSED:
        return (
            QCoreApplication.translate("Alerts", "Phòng %1 đang phong tỏa, còn %2 người ở")
            .replace("%1", alert.room)
            .replace("%2", str(alert.count))
        )
    if alert.kind is AlertKind.DISINFECT:
        return QCoreApplication.translate(
            "Alerts", "Phòng %1 chờ khử khuẩn trước khi nhận người mới"
        ).replace("%1", alert.room)
    if alert.kind is AlertKind.NEAR_FULL:
        full = alert.full_on.strftime("%d/%m") if alert.full_on else "—"
        return (
            QCoreApplication.translate(
                "Alerts", "Đã dùng %1 % số giường (cảnh báo 90 %), dự kiến hết giường ngày %2"
            )
            .replace("%1", str(alert.count))
            .replace("%2", full)
        )
    if alert.kind is AlertKind.FILLING:
        when = alert.at.strftime("%d/%m") if alert.at else ""
        full = alert.full_on.strftime("%d/%m") if alert.full_on else "—"
        return (
            QCoreApplication.translate(
                "Alerts", "Dự kiến vượt 90 % số giường ngày %1, hết giường ngày %2: chuẩn bị khu cách ly mới"
            )
            .replace("%1", when)
            .replace("%2", full)
        )
    if alert.kind is AlertKind.KIT_SHORT:
        when = alert.at.strftime("%H:%M %d/%m") if alert.at else ""
        return (
            QCoreApplication.translate(
                "Alerts", "Hết kit %1: %2 xét nghiệm đã làm không có kit (từ %3), cần nhập bù"
            )
            .replace("%1", alert.subject)
            .replace("%2", str(alert.count))
            .replace("%3", when)
        )
    if alert.kind is AlertKind.LOW_STOCK:
        return (
            QCoreApplication.translate("Alerts", "Vật tư dưới mức tối thiểu: %1 còn %2 %3 (tối thiểu %4)")
            .replace("%1", alert.subject)
            .replace("%2", str(alert.count))
            .replace("%3", alert.unit)
            .replace("%4", str(alert.minimum))
        )
    when = alert.at.strftime("%H:%M %d/%m") if alert.at else ""
    return (
        QCoreApplication.translate(
            "Alerts", "Ca trực thiếu người: %1 khoảng trống trong 24 giờ tới, khoảng đầu từ %2"
        )
        .replace("%1", str(alert.count))
        .replace("%2", when)
    )


def alert_target(alert: Alert) -> tuple[str, str]:
    """The area, and the list in it, that an alert opens."""
    return {
        AlertKind.POSITIVE: ("medical", "leaving"),
        AlertKind.REPORT_DUE: ("reports", "daily_date"),
        AlertKind.NEAR_FULL: ("rooms", ""),
        AlertKind.FILLING: ("rooms", ""),
        AlertKind.ROOM_CLOSED: ("rooms", f"room:{alert.room}"),
        AlertKind.DISINFECT: ("rooms", f"room:{alert.room}"),
        AlertKind.KIT_SHORT: ("supplies", ""),
        AlertKind.LOW_STOCK: ("supplies", ""),
        AlertKind.SHIFT_GAP: ("shifts", ""),
    }[alert.kind]


def alert_colour(alert: Alert) -> QColor | None:
    if alert.kind is AlertKind.POSITIVE:
        return WARNING_BACKGROUND
    if alert.kind in (AlertKind.REPORT_DUE, AlertKind.ROOM_CLOSED, AlertKind.NEAR_FULL):
        return ATTENTION_BACKGROUND
    return None


class Card(QFrame):
    """A big number with its caption; clicking it (or Enter / Space on it) opens the list behind it."""

    clicked = Signal()

    def __init__(self, caption: str, area: str, target: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area = area
        self.target = target
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumSize(190, 78)
        self.number = QLabel("–")
        self.number.setStyleSheet("font-size: 19pt; font-weight: 700;")
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("font-size: 10pt;")
        self.note = QLabel()
        self.note.setStyleSheet("color: #555;")
        self.note.setVisible(False)
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.number)
        top.addWidget(self.note, 1, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 6)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.caption)
        layout.addStretch(1)
        self.setAccessibleName(caption)
        self.set_tone("normal")

    def set_value(self, value: int | None, note: str = "") -> None:
        """``None``: the figure is not kept by this installation."""
        self.number.setText("–" if value is None else str(value))
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.setAccessibleDescription(f"{self.number.text()} {note}".strip())

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

    # The area ("rooms", "medical", …) and what to show in it: a list's object name ("due", "leaving"),
    # "room:<name>", or "" for the page as it is.
    open_area = Signal(str, str)
    loaded = Signal()  # the figures of the latest read are on show
    alerts_read = Signal(
        str, object
    )  # the facility and its alerts, read with the figures (the banner shows them)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dashboard_page")
        # The layout, tab order and buddies come from forms/dashboard_page.ui; cards, models and signals from here.
        self.ui = Ui_DashboardPage()
        self.ui.setupUi(self)
        ui = self.ui
        self.facility_line = ui.facility_line
        self.warning = ui.occupancy_warning

        self.alerts = RowsModel[Alert](
            [Column(self.tr("Cần xử lý ngay"), alert_text, tooltip=lambda a: self.tr("Bấm để mở danh sách"))],
            parent=self,
            highlight=alert_colour,
        )
        self.alerts_view = setup_table(ui.alerts, self.alerts)
        self.alerts_view.setAlternatingRowColors(False)  # one line per alert, each with its own colour
        self.alerts_view.clicked.connect(self._open_alert)
        self.alerts_view.activated.connect(self._open_alert)
        self.no_alerts = ui.no_alerts

        captions = {
            "beds": (self.tr("Tổng số giường"), "rooms", ""),
            "occupied": (self.tr("Giường đang có người"), "rooms", ""),
            "free": (self.tr("Giường còn trống"), "checkin", ""),
            "closed": (self.tr("Giường tạm đóng"), "rooms", ""),
            "present": (self.tr("Người đang cách ly"), "rooms", ""),
            "admitted_today": (self.tr("Nhập khu hôm nay"), "checkin", ""),
            "released_today": (self.tr("Rời khu hôm nay"), "medical", "leaving"),
            "due_today": (self.tr("Đến hạn ra hôm nay"), "medical", "leaving"),
            "due_tomorrow": (self.tr("Đến hạn ra ngày mai"), "medical", "leaving"),
            "positives_today": (self.tr("Dương tính hôm nay"), "medical", "leaving"),
            "tests_today": (self.tr("Xét nghiệm đến hạn hôm nay"), "medical", "due"),
            "tests_overdue": (self.tr("Xét nghiệm quá hạn"), "medical", "due"),
            "disinfect": (self.tr("Phòng chờ khử khuẩn"), "rooms", ""),
            "low_stock": (self.tr("Vật tư dưới mức tối thiểu"), "supplies", ""),
            "shift_gaps": (self.tr("Khoảng trống ca trực 24 giờ tới"), "shifts", ""),
        }
        self.cards: dict[str, Card] = {}
        grid = ui.cards
        for i, (key, (caption, area, target)) in enumerate(captions.items()):
            card = Card(caption, area, target)
            card.setObjectName(f"card_{key}")
            card.clicked.connect(lambda area=area, target=target: self.open_area.emit(area, target))
            self.cards[key] = card
            grid.addWidget(card, i // 5, i % 5)
        # The figures are made here, after the form: Tab reaches them after the alerts, before the zones.
        previous: QWidget = ui.alerts
        for card in self.cards.values():
            QWidget.setTabOrder(previous, card)
            previous = card
        QWidget.setTabOrder(previous, ui.zones)

        self.chart = ui.occupancy_chart
        self.capacity_line = ui.capacity_line
        self.zones = RowsModel[ZoneOccupancy](
            [
                Column(self.tr("Khu"), lambda z: z.zone),
                Column(self.tr("Giường"), lambda z: str(z.beds), align_right=True),
                Column(self.tr("Có người"), lambda z: str(z.occupied), align_right=True),
                Column(self.tr("Còn trống"), lambda z: str(z.free), align_right=True),
                Column(self.tr("Tạm đóng"), lambda z: str(z.closed), align_right=True),
            ],
            parent=self,
            highlight=lambda z: ATTENTION_BACKGROUND if z.beds and z.free == 0 else None,
        )
        self.zones_view = setup_table(ui.zones, self.zones)
        self.zones_view.activated.connect(lambda _index: self.open_area.emit("rooms", ""))
        self.follower = follow(self, ctx, AREAS, self.refresh)
        self._shown_facility = ""  # the facility whose figures are on show
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.follower.shown()  # reload what changed while the page was hidden

    def value(self, key: str) -> int:
        text = self.cards[key].number.text()
        return int(text) if text.isdigit() else 0

    def alert_texts(self) -> list[str]:
        return [alert_text(a) for a in self.alerts.rows()]

    def _open_alert(self, index: QModelIndex) -> None:
        alert = self.alerts.row_at(index.row())
        if alert is not None:
            self.open_area.emit(*alert_target(alert))

    def _show_alerts(self, alerts: list[Alert]) -> None:
        self.alerts.set_rows(alerts)
        view = self.alerts_view
        rows = min(len(alerts), 4)
        view.setFixedHeight(rows * view.verticalHeader().defaultSectionSize() + 2 * view.frameWidth())
        view.setVisible(bool(alerts))
        view.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if len(alerts) > 4 else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.no_alerts.setVisible(not alerts and bool(self.ctx.facility))

    def _clear(self) -> None:
        for card in self.cards.values():
            card.set_value(None)
        self.alerts.set_rows([])
        self.alerts_view.setVisible(False)
        self.no_alerts.setVisible(False)
        self.zones.set_rows([])
        self.chart.set_history([])
        self.chart.set_projection([])
        self.capacity_line.setText("")

    def capacity_text(self, ahead: Capacity) -> str:
        """The beds ahead in one line under the zones: when 90 % and full are expected."""
        days = str(len(ahead.days))
        if ahead.over_90_on is not None and ahead.over_90_on <= ahead.today:
            first = self.tr("Đã dùng %1 % số giường").replace("%1", str(ahead.percent))
        elif ahead.over_90_on is not None:
            first = self.tr("Dự kiến vượt 90 % ngày %1").replace("%1", vn_date(ahead.over_90_on))
        else:
            first = self.tr("Chưa vượt 90 % trong %1 ngày tới").replace("%1", days)
        full = (
            self.tr("hết giường ngày %1").replace("%1", vn_date(ahead.full_on))
            if ahead.full_on
            else self.tr("chưa hết giường")
        )
        return f"{first}; {full}."

    def assumption_text(self, ahead: Capacity) -> str:
        return self.tr(
            "Giả định: mỗi ngày nhận thêm bình quân %1 người như 7 ngày qua, mọi người ra đúng ngày dự kiến, "
            "giường đang đóng vẫn đóng."
        ).replace("%1", f"{ahead.arrivals_per_day:g}".replace(".", ","))

    def refresh(self) -> None:
        """Read the overview of the current facility off the GUI thread; it is shown when it arrives."""
        code = self.ctx.facility
        if not code:
            self.warning.clear_message()
            self.facility_line.setText(self.tr("Chưa chọn khu cách ly."))
            self._shown_facility = ""
            self._clear()
            return
        if code != self._shown_facility:
            # The window shows before the figures arrive (those of a 20,000-bed facility take seconds).
            self.facility_line.setText(self.tr("%1 · đang đọc số liệu…").replace("%1", code))
        desk = self.ctx.desk
        query(
            self,
            lambda: overview.dashboard(desk, code, history_days=HISTORY_DAYS),
            self.show_dashboard,
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.warning.error(error_text(error, self.ctx.lang))

    def show_dashboard(self, board: Dashboard) -> None:
        self.warning.clear_message()
        facility, today, occupancy, figures = board.facility, board.today, board.occupancy, board.figures
        self._shown_facility = facility.code
        self.facility_line.setText(
            self.tr("%1 – %2 · ngày %3")
            .replace("%1", facility.code)
            .replace("%2", facility.name)
            .replace("%3", today.strftime("%d/%m/%Y"))
        )
        self._show_alerts(list(board.alerts))
        self.alerts_read.emit(facility.code, list(board.alerts))
        self.zones.set_rows(list(board.zones))
        self.chart.set_history(list(board.history))
        ahead = board.capacity
        self.chart.set_projection([(d.day, d.occupied) for d in ahead.days] if ahead else [])
        self.capacity_line.setText(self.capacity_text(ahead) if ahead else "")
        self.capacity_line.setToolTip(self.assumption_text(ahead) if ahead else "")
        self.chart.set_assumption(
            self.tr("bình quân %1 người đến/ngày, ra đúng hạn").replace(
                "%1", f"{ahead.arrivals_per_day:g}".replace(".", ",")
            )
            if ahead
            else ""
        )
        values: dict[str, int | None] = {
            "beds": occupancy.beds,
            "occupied": occupancy.occupied,
            "free": occupancy.free,
            "closed": occupancy.closed,
            "present": board.present,
            "admitted_today": figures.admitted,
            "released_today": figures.released,
            "due_today": board.due_today,
            "due_tomorrow": board.due_tomorrow,
            "positives_today": figures.positives,
            "tests_today": board.tests_today,
            "tests_overdue": board.tests_overdue,
            "disinfect": board.rooms_to_disinfect,
            "low_stock": board.low_stock,
            "shift_gaps": board.shift_gaps,
        }
        for key, value in values.items():
            self.cards[key].set_value(value)
        if occupancy.beds:
            self.cards["occupied"].set_value(
                occupancy.occupied, self.tr("%1 % số giường").replace("%1", str(occupancy.percent))
            )
        if board.closed_rooms:
            self.cards["closed"].set_value(
                occupancy.closed, self.tr("%1 phòng phong tỏa").replace("%1", str(board.closed_rooms))
            )
        if figures.transferred:
            self.cards["released_today"].set_value(
                figures.released, self.tr("%1 chuyển điều trị").replace("%1", str(figures.transferred))
            )
        self.cards["occupied"].set_tone("alert" if occupancy.warning else "normal")
        self.cards["free"].set_tone("alert" if occupancy.warning else "calm")
        self.cards["tests_overdue"].set_tone("alert" if board.tests_overdue else "normal")
        self.cards["disinfect"].set_tone("alert" if board.rooms_to_disinfect else "normal")
        self.cards["closed"].set_tone("alert" if board.closed_rooms else "normal")
        self.cards["positives_today"].set_tone("alert" if figures.positives else "normal")
        self.cards["low_stock"].set_tone("alert" if board.low_stock else "normal")
        self.cards["shift_gaps"].set_tone("alert" if board.shift_gaps else "normal")
        if occupancy.warning:
            self.warning.error(
                self.tr("Đã dùng %1 % số giường của khu cách ly: cần chuẩn bị thêm chỗ.").replace(
                    "%1", str(occupancy.percent)
                )
            )
        self.loaded.emit()
