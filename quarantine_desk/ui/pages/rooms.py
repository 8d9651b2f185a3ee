"""The room board: every room of the facility as a coloured tile, by zone, with its occupants and history.

The board is one painted widget rather than a widget per room, so a facility of a few hundred rooms repaints
in a few milliseconds. Colours follow the room state of the rules: ready, occupied, closed after a positive case
(R5), awaiting disinfection (R4), out of service. Right-click (or the panel buttons) records a disinfection or
takes a room out of service; the services check the rules, on the write worker (``ui.operations.write``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QMenu,
    QToolTip,
    QWidget,
)

from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.rooms import RoomState
from quarantine_desk.domain.stays import StayOutcome
from quarantine_desk.services import facilities, stays
from quarantine_desk.services.changes import Area
from quarantine_desk.services.facilities import RoomRow
from quarantine_desk.services.stays import StayRow
from quarantine_desk.ui import operations
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms_compiled.ui_room_board_page import Ui_RoomBoardPage
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.labels import exposure_label, room_sex_label, room_state_label, watch_label
from quarantine_desk.ui.models import ATTENTION_BACKGROUND, Column, RowsModel
from quarantine_desk.ui.operations import follow, query
from quarantine_desk.ui.permissions import restrict
from quarantine_desk.ui.tasks import writing
from quarantine_desk.ui.widgets import Ask, setup_table, vn_date, vn_datetime

log = logging.getLogger(__name__)

# The board shows rooms, who is in them (their names and cohorts) and when they leave.
AREAS = frozenset({Area.FACILITIES, Area.ROOMS, Area.STAYS, Area.PEOPLE, Area.TESTS})

# Fill and border of a tile per state: green ready, blue occupied, red closed, amber to disinfect, grey unused.
STATE_COLOURS: dict[RoomState, tuple[str, str]] = {
    RoomState.READY: ("#c8e6c9", "#2e7d32"),
    RoomState.OCCUPIED: ("#bbdefb", "#1565c0"),
    RoomState.CLOSED: ("#ffcdd2", "#c62828"),
    RoomState.AWAITING_DISINFECTION: ("#ffe0b2", "#e65100"),
    RoomState.OUT_OF_SERVICE: ("#e0e0e0", "#616161"),
}

WATCH_COLOUR = "#c62828"  # the badge of occupants who need special watch
TILE = QSize(128, 84)  # four lines: room and beds, the cohort on up to two, days left
GAP = 8
MARGIN = 8
ZONE_HEADER = 28


def short_cohort_name(name: str) -> str:
    """What a tile has room for: a cohort named "F1 ca BN 12410 – công ty may Sao Mai" is "F1 ca BN 12410" (the
    part before the dash tells cohorts apart; the tooltip gives the whole name)."""
    for dash in (" – ", " - ", " — "):
        if dash in name:
            return name.split(dash, 1)[0].strip()
    return name


@dataclass(frozen=True)
class _Tile:
    rect: QRect
    row: RoomRow


class RoomBoard(QWidget):
    """All rooms as tiles, zone by zone; click to choose, right-click for actions, arrows and Enter too."""

    room_chosen = Signal(str)
    menu_requested = Signal(str, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self._rows: list[RoomRow] = []
        self._tiles: list[_Tile] = []
        self._headers: list[tuple[QRect, str]] = []
        self._columns = 1
        self._today = date.today()
        self._texts: dict[str, str] = {}
        self.selected: str | None = None

    # --- data -------------------------------------------------------------------------------------------------

    def set_rooms(self, rows: list[RoomRow], today: date, texts: dict[str, str]) -> None:
        """``texts`` are the translated words the tiles show (state names, "còn %1 ngày")."""
        self._rows = rows
        self._today = today
        self._texts = texts
        if self.selected not in {r.room for r in rows}:
            self.selected = None
        self._lay_out()
        self.update()

    def tile_rect(self, room: str) -> QRect:
        return next(t.rect for t in self._tiles if t.row.room == room)

    def room_at(self, point: QPoint) -> RoomRow | None:
        return next((t.row for t in self._tiles if t.rect.contains(point)), None)

    def state_line(self, row: RoomRow) -> str:
        """The middle of a tile: the cohort's short name in an occupied room, else the state."""
        if row.state is RoomState.OCCUPIED:
            return short_cohort_name(row.cohort or "")
        return self._texts.get(row.state.value, row.state.value)

    def middle_lines(self, row: RoomRow, metrics: QFontMetrics, width: int) -> list[str]:
        """The cohort (or the state) on up to two lines, broken between words; only what still does not fit is
        elided (the tooltip gives it whole)."""
        words = self.state_line(row).split()
        first: list[str] = []
        while words and metrics.horizontalAdvance(" ".join([*first, words[0]])) <= width:
            first.append(words.pop(0))
        if not first and words:  # one word longer than the tile
            return [metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, width)]
        lines = [" ".join(first)] if first else []
        if words:
            lines.append(metrics.elidedText(" ".join(words), Qt.TextElideMode.ElideRight, width))
        return lines

    def days_line(self, row: RoomRow) -> str:
        days = row.days_to_release(self._today)
        if row.state not in (RoomState.OCCUPIED, RoomState.CLOSED) or days is None:
            return ""
        if days <= 0:
            return self._texts.get("due", "")
        return self._texts.get("days_left", "%1").replace("%1", str(days))

    # --- geometry ---------------------------------------------------------------------------------------------

    def _lay_out(self) -> None:
        width = max(self.width(), TILE.width() + 2 * MARGIN)
        self._columns = max(1, (width - 2 * MARGIN + GAP) // (TILE.width() + GAP))
        self._tiles = []
        self._headers = []
        y = MARGIN
        zone: str | None = None
        column = 0
        for row in self._rows:
            if row.zone != zone:
                if zone is not None:
                    y += TILE.height() + GAP
                zone = row.zone
                self._headers.append((QRect(MARGIN, y, width - 2 * MARGIN, ZONE_HEADER), zone))
                y += ZONE_HEADER
                column = 0
            elif column == self._columns:
                column = 0
                y += TILE.height() + GAP
            x = MARGIN + column * (TILE.width() + GAP)
            self._tiles.append(_Tile(QRect(QPoint(x, y), TILE), row))
            column += 1
        height = y + (TILE.height() if self._rows else 0) + MARGIN
        if self.minimumHeight() != height:
            self.setMinimumHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._lay_out()

    def sizeHint(self) -> QSize:
        return QSize(6 * (TILE.width() + GAP) + 2 * MARGIN, 400)

    # --- painting ---------------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        base = QFont(self.font())
        bold = QFont(base)
        bold.setBold(True)
        header_font = QFont(bold)
        header_font.setPointSizeF(base.pointSizeF() * 1.15)
        metrics = QFontMetrics(base)
        clip = event.rect()
        painter.setFont(header_font)
        painter.setPen(self.palette().windowText().color())
        for rect, zone in self._headers:
            if rect.intersects(clip):
                painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, zone)
        for tile in self._tiles:
            if not tile.rect.intersects(clip):
                continue
            row = tile.row
            fill, border = STATE_COLOURS[row.state]
            selected = row.room == self.selected
            painter.setPen(QPen(QColor("#000000" if selected else border), 3 if selected else 1.5))
            painter.setBrush(QColor(fill))
            painter.drawRoundedRect(tile.rect.adjusted(1, 1, -1, -1), 6, 6)
            inner = tile.rect.adjusted(8, 4, -8, -4)
            line = metrics.height()
            painter.setPen(QColor("#1a1a1a"))
            painter.setFont(bold)
            painter.drawText(
                QRect(inner.left(), inner.top(), inner.width(), line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                row.room,
            )
            painter.drawText(
                QRect(inner.left(), inner.top(), inner.width(), line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{row.occupants}/{row.beds_in_service}",
            )
            painter.setFont(base)
            for i, text in enumerate(self.middle_lines(row, metrics, inner.width()), start=1):
                painter.drawText(
                    QRect(inner.left(), inner.top() + i * line, inner.width(), line),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    text,
                )
            days = self.days_line(row)
            if days:
                painter.drawText(
                    QRect(inner.left(), inner.top() + 3 * line, inner.width(), line),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    days,
                )
            if row.special_watch:
                self._paint_watch(
                    painter, bold, QRect(inner.left(), inner.top() + 3 * line, inner.width(), line), row
                )
        if self.hasFocus() and self.selected is None and self._tiles:
            painter.setPen(QPen(self.palette().highlight().color(), 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self._tiles[0].rect.adjusted(-3, -3, 3, 3))
        painter.end()

    def _paint_watch(self, painter: QPainter, font: QFont, line: QRect, row: RoomRow) -> None:
        """A red badge at the tile's bottom right: how many occupants need special watch (conditions, pregnancy)."""
        text = f"! {row.special_watch}"
        width = QFontMetrics(font).horizontalAdvance(text) + 10
        badge = QRect(line.right() - width + 1, line.top(), width, line.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(WATCH_COLOUR))
        painter.drawRoundedRect(badge, 7, 7)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(font)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)

    # --- input ------------------------------------------------------------------------------------------------

    def _choose(self, room: str) -> None:
        self.selected = room
        self.update()
        self.room_chosen.emit(room)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.room_at(event.position().toPoint())
        if row is not None and event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self._choose(row.room)
        super().mousePressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Keyboard and self.selected:
            self.menu_requested.emit(self.selected, self.mapToGlobal(self.tile_rect(self.selected).center()))
            return
        row = self.room_at(event.pos())
        if row is not None:
            self.menu_requested.emit(row.room, event.globalPos())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._tiles:
            super().keyPressEvent(event)
            return
        names = [t.row.room for t in self._tiles]
        current = names.index(self.selected) if self.selected in names else -1
        step = {
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Down: self._columns,
            Qt.Key.Key_Up: -self._columns,
        }.get(Qt.Key(event.key()))
        if step is not None:
            target = min(max(current + step if current >= 0 else 0, 0), len(names) - 1)
            self._choose(names[target])
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current >= 0:
            self._choose(names[current])
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            row = self.room_at(event.pos())
            if row is None:
                QToolTip.hideText()
            else:
                parts = [
                    row.zone,
                    row.room,
                    self._texts.get(row.state.value, ""),
                    f"{row.occupants}/{row.beds_in_service}",
                ]
                if row.cohort:
                    parts.append(row.cohort)
                if row.special_watch:
                    parts.append(self._texts.get("watch", "%1").replace("%1", str(row.special_watch)))
                QToolTip.showText(event.globalPos(), " · ".join(p for p in parts if p), self)
            return True
        return super().event(event)


class RoomBoardPage(QWidget):
    """Phòng & giường."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("rooms_page")
        self.ask = Ask(self)
        self.rows: list[RoomRow] = []
        self._build()
        restrict(ctx.desk, [self.disinfect_button], Permission.DISINFECT)
        restrict(ctx.desk, [self.service_button], Permission.MANAGE_FACILITY)
        self.follower = follow(self, ctx, AREAS, self.refresh)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.follower.shown()  # reload what changed while the page was hidden

    def _build(self) -> None:
        """The layout, tab order and buddies come from forms/room_board_page.ui; the board, the legend's colours,
        the models and the signals from here."""
        self.ui = Ui_RoomBoardPage()
        self.ui.setupUi(self)
        ui = self.ui
        self.occupancy = ui.occupancy
        self.warning = ui.occupancy_warning

        for state in RoomState:
            fill, border = STATE_COLOURS[state]
            swatch = QLabel()
            swatch.setFixedSize(16, 16)
            swatch.setStyleSheet(f"background: {fill}; border: 2px solid {border}; border-radius: 3px;")
            ui.legend.addWidget(swatch)
            ui.legend.addWidget(QLabel(self.state_text(state)))
        ui.legend.addStretch(1)

        self.board = RoomBoard()
        self.board.setObjectName("board")
        self.board.room_chosen.connect(self.show_room)
        self.board.menu_requested.connect(self._show_menu)
        ui.scroll.setWidget(self.board)
        self._build_panel()
        self.message = ui.message

    def _build_panel(self) -> None:
        ui = self.ui
        self.room_title = ui.room_title
        self.room_details = ui.room_details
        self.disinfect_button = ui.disinfect
        self.disinfect_button.clicked.connect(lambda: self.disinfect_room(self.board.selected or ""))
        self.service_button = ui.out_of_service
        self.service_button.clicked.connect(self._toggle_service_of_selected)

        # The occupants who need special watch are marked as on their tile ("!"), with the reason as tooltip.
        self.occupants = RowsModel[StayRow](
            [
                Column(self.tr("Giường"), lambda s: s.bed),
                Column(
                    self.tr("Họ và tên"),
                    lambda s: f"! {s.full_name}" if s.special_watch else s.full_name,
                    tooltip=self.occupant_tooltip,
                ),
                Column(self.tr("Ngày vào"), lambda s: vn_date(s.admitted_at)),
                Column(self.tr("Dự kiến ra"), lambda s: vn_date(s.planned_release)),
            ],
            parent=self,
            highlight=lambda s: ATTENTION_BACKGROUND if s.special_watch else None,
        )
        self.occupants_view = setup_table(ui.occupants, self.occupants, stretch_column=1)
        self.history = RowsModel[StayRow](
            [
                Column(self.tr("Họ và tên"), lambda s: s.full_name, tooltip=lambda s: s.cohort),
                Column(self.tr("Ngày vào"), lambda s: vn_date(s.admitted_at)),
                Column(self.tr("Ngày ra"), lambda s: vn_date(s.released_at)),
                Column(self.tr("Kết quả"), self.outcome_text),
            ],
            parent=self,
        )
        self.history_view = setup_table(ui.history, self.history, stretch_column=0)

    # --- texts ------------------------------------------------------------------------------------------------

    def state_text(self, state: RoomState) -> str:
        return room_state_label(state)

    def occupant_tooltip(self, stay: StayRow) -> str:
        """The name, how the person came (F-level, F0 case or place, the cohort's when shared) and why they need
        special watch."""
        lines = [stay.full_name]
        came = exposure_label(stay.f_level, stay.exposure)
        if came:
            lines.append(self.tr("Phân loại: %1").replace("%1", came))
        if stay.special_watch:
            lines.append(
                self.tr("Cần theo dõi đặc biệt: %1").replace(
                    "%1", watch_label(stay.special_watch, stay.pregnant, stay.conditions)
                )
            )
        return "\n".join(lines)

    def outcome_text(self, stay: StayRow) -> str:
        if stay.outcome is StayOutcome.TRANSFERRED:
            return self.tr("Chuyển điều trị: %1").replace("%1", stay.transfer_to or "")
        if stay.outcome is StayOutcome.COMPLETED:
            return self.tr("Hoàn thành")
        if stay.outcome is StayOutcome.RELEASED_EARLY:
            return self.tr("Ra sớm: %1").replace("%1", stay.reason or "")
        if stay.outcome is StayOutcome.HOME_QUARANTINE:
            return self.tr("Cách ly tại nhà: %1").replace("%1", stay.reason or "")
        return self.tr("Khác: %1").replace("%1", stay.reason or "")

    def _tile_texts(self) -> dict[str, str]:
        texts = {state.value: self.state_text(state) for state in RoomState}
        texts["days_left"] = self.tr("còn %1 ngày")
        texts["due"] = self.tr("đến hạn ra")
        texts["watch"] = self.tr("%1 người cần theo dõi đặc biệt")
        return texts

    # --- loading ----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the room board off the GUI thread; it is shown when it arrives."""
        code, desk = self.ctx.facility, self.ctx.desk
        if not code:
            self.show_board([])
            return

        def failed(err: BaseException) -> None:
            self.show_board([])
            self.message.error(error_text(err, self.ctx.lang))

        query(self, lambda: facilities.room_board(desk, code), self.show_board, failed)

    def show_board(self, rows: list[RoomRow]) -> None:
        self.message.clear_message()
        self.rows = rows
        self.board.set_rooms(self.rows, self.ctx.desk.now().date(), self._tile_texts())
        self._show_occupancy()
        self.show_room(self.board.selected or "")

    def _show_occupancy(self) -> None:
        occupancy = facilities.occupancy_of(self.rows)
        self.occupancy.setText(
            self.tr("Giường: %1 · Đang có người: %2 · Còn trống: %3 · Tạm đóng: %4")
            .replace("%1", str(occupancy.beds))
            .replace("%2", str(occupancy.occupied))
            .replace("%3", str(occupancy.free))
            .replace("%4", str(occupancy.closed))
        )
        if occupancy.warning:
            self.warning.setText(
                self.tr("Cảnh báo: đã dùng %1 % số giường").replace("%1", str(occupancy.percent))
            )
        self.warning.setVisible(occupancy.warning)

    def row_of(self, room: str) -> RoomRow | None:
        return next((r for r in self.rows if r.room == room), None)

    def show_room(self, room: str) -> None:
        row = self.row_of(room)
        for button in (self.disinfect_button, self.service_button):
            button.setEnabled(row is not None)
        if row is None:
            self.room_title.setText(self.tr("Chọn một phòng để xem người đang ở và lịch sử"))
            self.room_details.setText("")
            self.occupants.set_rows([])
            self.history.set_rows([])
            return
        self.room_title.setText(self.tr("Phòng %1 · %2").replace("%1", row.room).replace("%2", row.zone))
        details = [
            self.state_text(row.state),
            room_sex_label(row.sex),
            self.tr("%1/%2 giường").replace("%1", str(row.occupants)).replace("%2", str(row.beds_in_service)),
        ]
        if row.cohort:
            details.append(self.tr("nhóm %1").replace("%1", row.cohort))
        if row.special_watch:
            details.append(self._tile_texts()["watch"].replace("%1", str(row.special_watch)))
        if row.disinfected_at:
            details.append(
                self.tr("khử khuẩn lần cuối %1 (%2)")
                .replace("%1", vn_datetime(datetime.fromisoformat(row.disinfected_at)))
                .replace("%2", row.disinfected_by or "")
            )
        self.room_details.setText(" · ".join(details))
        self.disinfect_button.setEnabled(row.occupants == 0)
        self.service_button.setText(
            self.tr("Sử dụng lại") if row.state is RoomState.OUT_OF_SERVICE else self.tr("Ngừng sử dụng")
        )
        desk, code, room = self.ctx.desk, self.ctx.facility, row.room

        def shown(loaded: tuple[list[StayRow], list[StayRow]]) -> None:
            self.occupants.set_rows(loaded[0])
            self.history.set_rows(loaded[1])

        query(
            self,
            lambda: (stays.room_occupants(desk, code, room), stays.room_history(desk, code, room)),
            shown,
            lambda err: self.message.error(error_text(err, self.ctx.lang)),
            key="room",
        )

    # --- actions ----------------------------------------------------------------------------------------------

    def room_menu(self, room: str) -> QMenu:
        """The actions of one room; the right-click and the keyboard's menu key show it."""
        row = self.row_of(room)
        menu = QMenu(self)
        disinfect = menu.addAction(self.tr("Ghi nhận khử khuẩn"))
        disinfect.triggered.connect(lambda: self.disinfect_room(room))
        disinfect.setEnabled(row is not None and row.occupants == 0)
        restrict(self.ctx.desk, [disinfect], Permission.DISINFECT)
        if row is not None and row.state is RoomState.OUT_OF_SERVICE:
            back = menu.addAction(self.tr("Sử dụng lại"))
            back.triggered.connect(lambda: self.set_in_service(room, True))
            restrict(self.ctx.desk, [back], Permission.MANAGE_FACILITY)
        else:
            stop = menu.addAction(self.tr("Ngừng sử dụng"))
            stop.triggered.connect(lambda: self.set_in_service(room, False))
            stop.setEnabled(row is not None and row.occupants == 0)
            restrict(self.ctx.desk, [stop], Permission.MANAGE_FACILITY)
        return menu

    def _show_menu(self, room: str, where: QPoint) -> None:
        menu = self.room_menu(room)
        menu.exec(where)
        menu.deleteLater()

    def _toggle_service_of_selected(self) -> None:
        row = self.row_of(self.board.selected or "")
        if row is not None:
            self.set_in_service(row.room, row.state is RoomState.OUT_OF_SERVICE)

    def _write(self, write: Callable[[], object], done: Callable[[], None]) -> None:
        """A change of a room on the write worker; the pages that show rooms reload once it is in."""
        operations.write(
            self.ctx,
            self,
            write,
            lambda _result: done(),
            lambda err: self.message.error(error_text(err, self.ctx.lang)),
            busy=[self.disinfect_button, self.service_button],
        )

    def disinfect_room(self, room: str) -> None:
        if not room or writing(self):
            return
        who = self.ask.text(
            self.tr("Ghi nhận khử khuẩn"),
            self.tr("Phòng %1 đã được khử khuẩn. Người thực hiện:").replace("%1", room),
            self.ctx.desk.username or "",
        )
        if who is None:
            return
        desk, facility = self.ctx.desk, self.ctx.facility

        def disinfected() -> None:
            log.info("room %s disinfected", room)
            self.message.done(self.tr("Đã ghi nhận khử khuẩn phòng %1.").replace("%1", room))

        self._write(lambda: stays.disinfect(desk, facility, room, by=who), disinfected)

    def set_in_service(self, room: str, in_service: bool) -> None:
        if writing(self):
            return
        desk, facility = self.ctx.desk, self.ctx.facility
        self._write(
            lambda: facilities.set_room_in_service(desk, facility, room, in_service),
            lambda: self.message.done(
                (
                    self.tr("Phòng %1 được sử dụng lại.")
                    if in_service
                    else self.tr("Phòng %1 đã ngừng sử dụng.")
                ).replace("%1", room)
            ),
        )
