"""The duty shifts page: a week of shifts (days × shifts) with who is on each, the gaps in red, and the staff with
their tests (the last one, the next one due by the facility's schedule) and the flag of those who must quarantine.
The week's duty roster is saved as xlsx or pdf (``services.duty_roster``).

"Phân ca trực nghiêm túc 24/24": a manager sees at a glance which shift has nobody on it, chooses a cell, and
puts a person from the staff list on it (or takes them off). A double booking is refused by the service with a
sentence naming both shifts; more than 16 hours in 24 is allowed with a warning. Assignments run on the write
worker (``ui.operations.write``); planning and adding staff are saved by their dialogs. Users without the shift
permission see the week and the staff, not the buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QMenu,
    QWidget,
)

from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.shifts import MAX_PLAN_DAYS, Interval
from quarantine_desk.services import duty_roster, shifts, staff_tests
from quarantine_desk.services.changes import Area
from quarantine_desk.services.shifts import GapReport, ShiftRow, StaffRow
from quarantine_desk.services.staff_tests import StaffHealth
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.files import SaveFolder
from quarantine_desk.ui.forms_compiled.ui_plan_dialog import Ui_PlanDialog
from quarantine_desk.ui.forms_compiled.ui_shifts_page import Ui_ShiftsPage
from quarantine_desk.ui.forms_compiled.ui_staff_dialog import Ui_StaffDialog
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.models import WARNING_BACKGROUND, Column, RowsModel
from quarantine_desk.ui.operations import follow, query, task, write
from quarantine_desk.ui.pages.admin_dialogs import ServiceDialog, pydate, qdate
from quarantine_desk.ui.tasks import writing
from quarantine_desk.ui.widgets import setup_table, vn_date

log = logging.getLogger(__name__)

# The shifts, their staff and the facility's staff list.
AREAS = frozenset({Area.FACILITIES, Area.SHIFTS})
TEST_CHOICES = (("rapid", "negative"), ("rapid", "positive"), ("pcr", "negative"), ("pcr", "positive"))

GAP_TEXT = QColor("#b3261e")
TODAY_BACKGROUND = QColor("#e8f0fe")
NAMES_IN_A_CELL = 4  # more are summed up as "+N", the tooltip lists everyone

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Slot:
    """A column of the week: the shifts that start at one time of day."""

    starts: time
    ends: time
    name: str


@dataclass(frozen=True)
class DayLine:
    """One day of the week grid: the shift in each slot, or None where nothing is planned."""

    day: date
    cells: tuple[ShiftRow | None, ...]


def _hm(moment: time) -> str:
    return moment.strftime("%H:%M")


def slots_of(rows: Sequence[ShiftRow]) -> list[Slot]:
    """The week's columns, by time of day; a name is kept from the first shift seen at that time."""
    seen: dict[tuple[time, time], str] = {}
    for row in rows:
        seen.setdefault((row.starts_at.time(), row.ends_at.time()), row.name)
    return [Slot(s, e, name) for (s, e), name in sorted(seen.items())]


def week_lines(monday: date, slots: Sequence[Slot], rows: Sequence[ShiftRow]) -> list[DayLine]:
    by_key = {(r.starts_at.date(), r.starts_at.time(), r.ends_at.time()): r for r in rows}
    return [
        DayLine(day, tuple(by_key.get((day, s.starts, s.ends)) for s in slots))
        for day in (monday + timedelta(days=i) for i in range(7))
    ]


class WeekModel(RowsModel[DayLine]):
    """Days down, shifts across; a planned shift with nobody on it is red, today is tinted."""

    def __init__(
        self, columns: Sequence[Column[DayLine]], today: date, parent: QObject | None = None
    ) -> None:
        super().__init__(columns, parent)
        self.today = today

    def shift_at(self, index: Index) -> ShiftRow | None:
        line = self.row_at(index.row()) if index.isValid() else None
        if line is None or not 1 <= index.column() <= len(line.cells):
            return None
        return line.cells[index.column() - 1]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        line = self.row_at(index.row()) if index.isValid() else None
        if line is not None and 0 <= index.column() < self.columnCount():
            shift = self.shift_at(index)
            empty = shift is not None and not shift.staffed
            if role == Qt.ItemDataRole.BackgroundRole:
                if empty:
                    return QBrush(WARNING_BACKGROUND)
                return QBrush(TODAY_BACKGROUND) if line.day == self.today else None
            if role == Qt.ItemDataRole.ForegroundRole and empty:
                return QBrush(GAP_TEXT)
            if role == Qt.ItemDataRole.FontRole and (
                empty or (index.column() == 0 and line.day == self.today)
            ):
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return super().data(index, role)


class PlanDialog(ServiceDialog):
    """Lập lịch ca: from a date, for some days, with a pattern."""

    def __init__(self, ctx: UiContext, start: date, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_PlanDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        self.start = self.ui.plan_start
        self.start.setDate(qdate(start))
        self.days = self.ui.plan_days
        self.days.setRange(1, MAX_PLAN_DAYS)
        self.days.setValue(7)
        self.pattern = self.ui.plan_pattern
        self.pattern.addItem(self.tr("3 ca × 8 giờ (06–14, 14–22, 22–06)"), "3x8")
        self.pattern.addItem(self.tr("2 ca × 12 giờ (07–19, 19–07)"), "2x12")
        self.planned: shifts.PlanResult | None = None

    def save(self) -> Callable[[], object]:
        desk, code = self.ctx.desk, self.ctx.facility
        start, days, pattern = pydate(self.start.date()), self.days.value(), str(self.pattern.currentData())
        return lambda: shifts.plan_shifts(desk, code, start, days, pattern)

    def stored(self, result: object) -> None:
        assert isinstance(result, shifts.PlanResult)
        self.planned = result


class StaffDialog(ServiceDialog):
    """Thêm nhân viên: name, position (one of the usual ones or any other), phone."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_StaffDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        self.name = self.ui.staff_name
        self.position = self.ui.staff_position
        # The usual positions are data, like zone names: stored and exported as they are, in Vietnamese.
        self.position.addItems(list(shifts.POSITIONS))
        self.phone = self.ui.staff_phone
        self.saved: StaffRow | None = None

    def save(self) -> Callable[[], object]:
        desk, code = self.ctx.desk, self.ctx.facility
        name, position, phone = self.name.text(), self.position.currentText(), self.phone.text()
        return lambda: shifts.add_staff(desk, code, name, position, phone)

    def stored(self, result: object) -> None:
        assert isinstance(result, StaffRow)
        self.saved = result


class ShiftsPage(QWidget):
    """Ca trực."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("shifts_page")
        self._today = ctx.desk.now().date()
        self.monday = self._today - timedelta(days=self._today.weekday())
        self._slots: list[Slot] = []
        self._selected: tuple[date, time] | None = None  # the chosen cell, kept across reloads
        self.gap_report: GapReport | None = None
        can_manage = ctx.desk.can(Permission.MANAGE_SHIFTS)

        # The layout, tab order and buddies come from forms/shifts_page.ui; models and signals from here.
        self.ui = Ui_ShiftsPage()
        self.ui.setupUi(self)
        ui = self.ui
        self.previous_button = ui.previous_week
        self.previous_button.clicked.connect(lambda: self.show_week(self.monday - timedelta(days=7)))
        self.this_week_button = ui.this_week
        self.this_week_button.clicked.connect(
            lambda: self.show_week(self._today - timedelta(days=self._today.weekday()))
        )
        self.next_button = ui.next_week
        self.next_button.clicked.connect(lambda: self.show_week(self.monday + timedelta(days=7)))
        self.week_label = ui.week_label
        self.plan_button = ui.plan
        self.plan_button.clicked.connect(self.plan)
        self.plan_button.setVisible(can_manage)

        self.message = ui.message
        self.summary = ui.gap_summary

        self.week = self._week_model([])
        self.week_view = ui.week
        self.week_view.setModel(self.week)
        self.week_view.selectionModel().currentChanged.connect(self._cell_chosen)

        self.export_button = ui.export_week
        self.export_button.clicked.connect(self.save_week)
        self.task: Any = None
        self._saves = SaveFolder()
        self._health: dict[int, StaffHealth] = {}
        self._build_shift_box(can_manage)
        self._build_staff_box(can_manage)
        self._build_staff_tests(ctx)
        ui.splitter.setSizes([700, 420])

        self._wanted_staff: int | None = None
        self.follower = follow(self, ctx, AREAS, self.refresh)
        self.refresh()

    # --- building --------------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.follower.shown()  # reload what changed while the page was hidden

    def _build_shift_box(self, can_manage: bool) -> None:
        self.shift_label = self.ui.shift_label
        self.on_shift = RowsModel[StaffRow](
            [
                Column(self.tr("Họ và tên"), lambda s: s.full_name),
                Column(self.tr("Chức vụ"), lambda s: s.position or ""),
            ],
            parent=self,
        )
        self.on_shift_view = setup_table(self.ui.on_shift, self.on_shift)
        self.on_shift_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.unassign_button = self.ui.unassign
        self.unassign_button.clicked.connect(self.unassign_selected)
        self.unassign_button.setVisible(can_manage)

    def _build_staff_box(self, can_manage: bool) -> None:
        self.staff = RowsModel[StaffRow](
            [
                Column(self.tr("Họ và tên"), lambda s: s.full_name),
                Column(self.tr("Chức vụ"), lambda s: s.position or ""),
                Column(self.tr("Xét nghiệm, cách ly"), self._health_text, tooltip=self._health_text),
            ],
            parent=self,
            highlight=lambda s: WARNING_BACKGROUND if self._flagged(s) else None,
        )
        self.staff_view = setup_table(self.ui.staff, self.staff, stretch_column=2)
        self.staff_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        if can_manage:
            self.staff_view.doubleClicked.connect(lambda *_: self.assign_selected())
        self.assign_button = self.ui.assign
        self.assign_button.clicked.connect(self.assign_selected)
        self.add_staff_button = self.ui.add_staff
        self.add_staff_button.clicked.connect(self.add_staff)
        for button in (self.assign_button, self.add_staff_button):
            button.setVisible(can_manage)

    def _build_staff_tests(self, ctx: UiContext) -> None:
        medical = ctx.desk.can(Permission.RECORD_MEDICAL)
        self.staff_every = self.ui.staff_every
        self.staff_every.setEnabled(ctx.desk.can(Permission.MANAGE_FACILITY))
        self.staff_every.editingFinished.connect(self.set_schedule)
        self.staff_test_button = self.ui.staff_test
        self.staff_test_menu = QMenu(self)
        labels = {
            ("rapid", "negative"): self.tr("Test nhanh: âm tính"),
            ("rapid", "positive"): self.tr("Test nhanh: dương tính"),
            ("pcr", "negative"): self.tr("RT-PCR: âm tính"),
            ("pcr", "positive"): self.tr("RT-PCR: dương tính"),
        }
        for kind, result in TEST_CHOICES:
            action = self.staff_test_menu.addAction(labels[(kind, result)])
            action.triggered.connect(
                lambda _checked=False, kind=kind, result=result: self.record_staff_test(kind, result)
            )
        self.staff_test_button.setMenu(self.staff_test_menu)
        self.staff_flag_button = self.ui.staff_flag
        self.staff_flag_button.clicked.connect(self.toggle_flag)
        for button in (self.staff_test_button, self.staff_flag_button):
            button.setVisible(medical)

    def _flagged(self, staff: StaffRow) -> bool:
        health = self._health.get(staff.id)
        return health is not None and health.flagged

    def _last_test_text(self, staff: StaffRow) -> str:
        health = self._health.get(staff.id)
        if health is None or health.last_test is None:
            return self.tr("chưa có")
        result = {
            "negative": self.tr("âm tính"),
            "positive": self.tr("dương tính"),
            "pending": self.tr("chờ kết quả"),
        }.get(health.last_result or "", "")
        return f"{health.last_test:%d/%m} {result}"

    def _next_test_text(self, staff: StaffRow) -> str:
        health = self._health.get(staff.id)
        if health is None or health.next_due is None:
            return ""
        if health.overdue(self._today):
            return self.tr("%1 (quá hạn)").replace("%1", f"{health.next_due:%d/%m}")
        return f"{health.next_due:%d/%m}"

    def _health_text(self, staff: StaffRow) -> str:
        """A flagged one's quarantine, else the last test and the next one due."""
        flag = self._flag_text(staff)
        if flag:
            return flag
        following = self._next_test_text(staff)
        last = self._last_test_text(staff)
        return self.tr("%1 · lần tới %2").replace("%1", last).replace("%2", following) if following else last

    def _flag_text(self, staff: StaffRow) -> str:
        health = self._health.get(staff.id)
        if health is None or not health.flagged:
            return ""
        if health.shifts_ahead:
            return self.tr("Phải cách ly · %1 ca cần thay").replace("%1", str(health.shifts_ahead))
        return self.tr("Phải cách ly")

    def current_staff(self) -> StaffRow | None:
        index = self.staff_view.currentIndex()
        return self.staff.row_at(index.row()) if index.isValid() else None

    def set_schedule(self) -> None:
        code, desk = self.ctx.facility, self.ctx.desk
        every = self.staff_every.value() or None
        if not code:
            return
        write(
            self.ctx,
            self,
            lambda: staff_tests.set_schedule(desk, code, every),
            lambda _result: self.message.done(
                self.tr("Nhân viên xét nghiệm mỗi %1 ngày.").replace("%1", str(every))
                if every
                else self.tr("Nhân viên không xét nghiệm theo lịch.")
            ),
            self._refused,
        )

    def record_staff_test(self, kind: str, result: str) -> None:
        person = self.current_staff()
        if person is None:
            return
        desk = self.ctx.desk
        self._wanted_staff = person.id

        def done(row: staff_tests.StaffTestRow) -> None:
            text = self.tr("Đã ghi xét nghiệm của %1.").replace("%1", row.full_name)
            if row.flagged:
                text += " " + self.tr("%1 phải cách ly: không phân công trực.").replace("%1", row.full_name)
            if row.kit_short:
                text += " " + self.tr("Kho đã hết kit loại này.")
            (self.message.error if row.flagged or row.kit_short else self.message.done)(text)

        write(
            self.ctx,
            self,
            lambda: staff_tests.record_staff_test(desk, person.id, kind, result),
            done,
            self._refused,
        )

    def toggle_flag(self) -> None:
        person = self.current_staff()
        if person is None:
            return
        desk, flagged = self.ctx.desk, self._flagged(person)
        self._wanted_staff = person.id
        work: Callable[[], object] = (
            (lambda: staff_tests.clear_flag(desk, person.id))
            if flagged
            else (lambda: staff_tests.flag(desk, person.id, "exposure"))
        )
        write(
            self.ctx,
            self,
            work,
            lambda _result: self.message.done(
                (
                    self.tr("%1 không còn phải cách ly.")
                    if flagged
                    else self.tr("%1 phải cách ly (tiếp xúc).")
                ).replace("%1", person.full_name)
            ),
            self._refused,
        )

    # --- the week's roster as a file ---------------------------------------------------------------------------

    def _ask_save_path(self, suggested: str) -> Path | None:
        """Where to write the roster (.xlsx or .pdf); None when the user cancels. Tests replace this method."""
        return self._saves.ask_excel_or_pdf(self, self.tr("Lưu tệp"), suggested)

    def save_week(self) -> None:
        code, desk = self.ctx.facility, self.ctx.desk
        if not code or self.task is not None:
            return
        year, week, _ = self.monday.isocalendar()
        name = f"{year}-W{week:02d}"
        path = self._ask_save_path(f"lich-truc-{code}-{name}.xlsx")
        if path is None:
            return

        def finished(_value: object) -> None:
            self.task = None
            self.message.done(self.tr("Đã ghi %1").replace("%1", str(path)))

        def failed(error: BaseException) -> None:
            self.task = None
            self._refused(error)

        self.task = task(
            self.ctx,
            self,
            self.tr("Lịch trực tuần"),
            lambda progress, stop: duty_roster.write_week_roster(desk, code, name, path, progress, stop),
            finished,
            failed,
        )

    def _day_text(self, day: date) -> str:
        names = [
            self.tr("Thứ Hai"),
            self.tr("Thứ Ba"),
            self.tr("Thứ Tư"),
            self.tr("Thứ Năm"),
            self.tr("Thứ Sáu"),
            self.tr("Thứ Bảy"),
            self.tr("Chủ nhật"),
        ]
        return f"{names[day.weekday()]}\n{day:%d/%m}"

    def _cell_text(self, shift: ShiftRow | None) -> str:
        if shift is None:
            return "—"
        if not shift.staffed:
            return self.tr("Chưa có người")
        names = [s.full_name + (self.tr(" (cách ly)") if self._flagged(s) else "") for s in shift.staff]
        if len(names) > NAMES_IN_A_CELL:
            more = self.tr("+%1 người").replace("%1", str(len(names) - NAMES_IN_A_CELL + 1))
            names = [*names[: NAMES_IN_A_CELL - 1], more]
        return "\n".join(names)

    def _cell_tooltip(self, shift: ShiftRow | None) -> str:
        if shift is None:
            return self.tr("Chưa lập lịch ca này.")
        lines = [f"{shift.name} {self._span(shift.starts_at, shift.ends_at)}"]
        lines += [f"{s.full_name} ({s.position})" if s.position else s.full_name for s in shift.staff]
        return "\n".join(lines)

    def _slot_header(self, slot: Slot) -> str:
        return f"{slot.name}\n{_hm(slot.starts)}–{_hm(slot.ends)}"

    def _week_model(self, slots: Sequence[Slot]) -> WeekModel:
        columns: list[Column[DayLine]] = [Column(self.tr("Ngày"), lambda line: self._day_text(line.day))]
        for i, slot in enumerate(slots):
            columns.append(
                Column(
                    self._slot_header(slot),
                    lambda line, i=i: self._cell_text(line.cells[i]),  # type: ignore[misc]
                    tooltip=lambda line, i=i: self._cell_tooltip(line.cells[i]),  # type: ignore[misc]
                )
            )
        return WeekModel(columns, self._today, self)

    def _span(self, start: datetime, end: datetime) -> str:
        if start.date() == end.date():
            return f"{start:%H:%M}–{end:%H:%M} {start:%d/%m}"
        return f"{start:%H:%M %d/%m} – {end:%H:%M %d/%m}"

    # --- loading ---------------------------------------------------------------------------------------------

    def show_week(self, monday: date) -> None:
        self.monday = monday
        self._selected = None
        self.message.clear_message()
        self.refresh()

    def refresh(self) -> None:
        """Read the week's shifts, their gaps and the staff off the GUI thread."""
        self._today = self.ctx.desk.now().date()
        code, desk, monday = self.ctx.facility, self.ctx.desk, self.monday
        end = monday + timedelta(days=7)
        if not code:
            self.show_plan(monday, [], None, [])
            return
        query(
            self,
            lambda: (
                monday,
                shifts.roster_of_shifts(desk, code, monday, end),
                shifts.gaps(desk, code, monday, end),
                shifts.list_staff(desk, code),
            ),
            lambda loaded: self.show_plan(*loaded),
            self._refused,
        )
        query(
            self,
            lambda: (staff_tests.staff_health(desk, code), staff_tests.schedule(desk, code)),
            lambda loaded: self.show_health(*loaded),
            self._refused,
            key="health",
        )

    def show_health(self, health: list[StaffHealth], plan: staff_tests.StaffSchedule) -> None:
        self._health = {h.staff: h for h in health}
        staff = self.staff.rows()
        ordered = sorted(staff, key=lambda s: not self._flagged(s))  # those who must quarantine first
        if ordered != staff:
            current = self.current_staff()
            self.staff.set_rows(ordered)
            if current is not None:
                self._wanted_staff = current.id
            for row, person in enumerate(ordered):
                if current is not None and person.id == current.id:
                    self.staff_view.selectRow(row)
        if not self.staff_every.hasFocus():
            self.staff_every.setValue(plan.every or 0)
        for model in (self.staff, self.week):  # the tests' texts and colours change; rows and selection stay
            rows, columns = model.rowCount(), model.columnCount()
            if rows:
                model.dataChanged.emit(model.index(0, 0), model.index(rows - 1, columns - 1))
        self._update_buttons()

    def show_plan(
        self, monday: date, rows: list[ShiftRow], report: GapReport | None, staff: list[StaffRow]
    ) -> None:
        end = monday + timedelta(days=7)
        self.gap_report = report
        self.week_label.setText(
            self.tr("Tuần %1 – %2")
            .replace("%1", f"{monday:%d/%m}")
            .replace("%2", vn_date(end - timedelta(1)))
        )
        slots = slots_of(rows)
        if slots != self._slots or self.week.today != self._today:
            self._slots = slots
            old = self.week
            self.week = self._week_model(slots)
            self.week_view.setModel(self.week)
            self.week_view.selectionModel().currentChanged.connect(self._cell_chosen)
            old.deleteLater()
        self.week.set_rows(week_lines(monday, slots, rows))
        self._size_week()
        self.staff.set_rows(sorted(staff, key=lambda s: not self._flagged(s)))
        staff = self.staff.rows()
        wanted, self._wanted_staff = self._wanted_staff, None
        for row, person in enumerate(staff):
            if person.id == wanted:
                self.staff_view.selectRow(row)
        self.summary.setText(self._summary_text(rows, report))
        self._reselect()
        self._update_buttons()

    def _size_week(self) -> None:
        header = self.week_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.week_view.resizeRowsToContents()
        # Room below the last name, so that the marks under Vietnamese letters are not cut off.
        for row in range(self.week.rowCount()):
            self.week_view.setRowHeight(row, self.week_view.rowHeight(row) + 8)

    def _summary_text(self, rows: Sequence[ShiftRow], report: GapReport | None) -> str:
        if not self.ctx.facility:
            return self.tr("Chưa chọn khu cách ly.")
        if not rows:
            return self.tr("Chưa lập lịch ca trực cho tuần này.")
        if report is None or report.covered:
            self.summary.setStyleSheet("color: #1b5e20;")
            return self.tr("Đủ người trực 24/24 cả tuần.")
        self.summary.setStyleSheet("color: #b3261e; font-weight: 600;")
        parts = [self.tr("%1 ca chưa có người.").replace("%1", str(len(report.unstaffed)))]
        if report.uncovered:
            periods = "; ".join(self._uncovered_text(i) for i in report.uncovered[:4])
            more = "…" if len(report.uncovered) > 4 else ""
            parts.append(self.tr("Không có ai trực: %1").replace("%1", periods + more))
        return " ".join(parts)

    def _uncovered_text(self, interval: Interval) -> str:
        return self._span(interval.start, interval.end)

    # --- choosing a cell -------------------------------------------------------------------------------------

    def selected_shift(self) -> ShiftRow | None:
        return self.week.shift_at(self.week_view.currentIndex())

    def select_shift(self, starts_at: datetime) -> None:
        """Make the cell of the shift starting at ``starts_at`` current (as a click would)."""
        for row, line in enumerate(self.week.rows()):
            for column, cell in enumerate(line.cells, start=1):
                if cell is not None and cell.starts_at == starts_at:
                    self.week_view.setCurrentIndex(self.week.index(row, column))
                    return

    def _reselect(self) -> None:
        if self._selected is None:
            self._show_shift(None)
            return
        day, starts = self._selected
        for row, line in enumerate(self.week.rows()):
            if line.day != day:
                continue
            for column, slot in enumerate(self._slots, start=1):
                if slot.starts == starts:
                    self.week_view.setCurrentIndex(self.week.index(row, column))
                    self._show_shift(self.week.shift_at(self.week.index(row, column)))
                    return
        self._show_shift(None)

    def _cell_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        shift = self.week.shift_at(current)
        line = self.week.row_at(current.row()) if current.isValid() else None
        if line is not None and 1 <= current.column() <= len(self._slots):
            self._selected = (line.day, self._slots[current.column() - 1].starts)
        self._show_shift(shift)

    def _show_shift(self, shift: ShiftRow | None) -> None:
        if shift is None:
            self.shift_label.setText(self.tr("Chọn một ô trong lịch tuần."))
            self.on_shift.set_rows([])
        else:
            self.shift_label.setText(f"{shift.name}: {self._span(shift.starts_at, shift.ends_at)}")
            self.on_shift.set_rows(shift.staff)
        self._update_buttons()

    def _update_buttons(self) -> None:
        shift = self.selected_shift()
        self.assign_button.setEnabled(shift is not None and self.staff_view.currentIndex().isValid())
        self.unassign_button.setEnabled(shift is not None and self.on_shift_view.currentIndex().isValid())
        self.add_staff_button.setEnabled(bool(self.ctx.facility))
        self.plan_button.setEnabled(bool(self.ctx.facility))
        self.export_button.setEnabled(bool(self.ctx.facility) and self.task is None)
        person = self.staff_view.currentIndex().isValid()
        self.staff_test_button.setEnabled(person)
        self.staff_flag_button.setEnabled(person)
        current = self.current_staff()
        self.staff_flag_button.setText(
            self.tr("Hết cách ly")
            if current is not None and self._flagged(current)
            else self.tr("Phải cách ly")
        )

    # --- actions ---------------------------------------------------------------------------------------------

    def assign_selected(self) -> None:
        if writing(self):
            return  # a double click while the last assignment is being saved
        shift = self.selected_shift()
        index = self.staff_view.currentIndex()
        person = self.staff.row_at(index.row()) if index.isValid() else None
        if shift is None or person is None:
            self.message.error(self.tr("Chọn một ca trong lịch và một nhân viên trong danh sách."))
            return
        desk, code = self.ctx.desk, self.ctx.facility
        write(
            self.ctx,
            self,
            lambda: shifts.assign(desk, code, shift.id, person.id),
            self._assigned,
            self._refused,
            busy=[self.assign_button],
        )

    def _refused(self, err: BaseException) -> None:
        self.message.error(error_text(err, self.ctx.lang))

    def _assigned(self, result: shifts.AssignResult) -> None:
        shift, person = result.shift, result.staff
        text = (
            self.tr("Đã phân công %1 vào %2.")
            .replace("%1", person.full_name)
            .replace("%2", f"{shift.name} {self._span(shift.starts_at, shift.ends_at)}")
        )
        if result.warning is not None:
            warning = (
                self.tr("Lưu ý: %1 trực %2 giờ trong 24 giờ (quá 16 giờ).")
                .replace("%1", person.full_name)
                .replace("%2", f"{result.warning.hours:g}")
            )
            self.message.error(f"{text} {warning}")
        else:
            self.message.done(text)

    def unassign_selected(self) -> None:
        if writing(self):
            return
        shift = self.selected_shift()
        index = self.on_shift_view.currentIndex()
        person = self.on_shift.row_at(index.row()) if index.isValid() else None
        if shift is None or person is None:
            return
        desk, code = self.ctx.desk, self.ctx.facility

        def done(row: ShiftRow) -> None:
            self.message.done(
                self.tr("Đã bỏ phân công %1 khỏi %2.")
                .replace("%1", person.full_name)
                .replace("%2", f"{row.name} {self._span(row.starts_at, row.ends_at)}")
            )

        write(
            self.ctx,
            self,
            lambda: shifts.unassign(desk, code, shift.id, person.id),
            done,
            self._refused,
            busy=[self.unassign_button],
        )

    def plan(self) -> None:
        dialog = PlanDialog(self.ctx, max(self.monday, self._today), self)
        if not dialog.exec() or dialog.planned is None:
            return
        result = dialog.planned
        text = self.tr("Đã lập %1 ca trực mới.").replace("%1", str(result.created))
        if result.existing:
            text += " " + self.tr("%1 ca đã có từ trước.").replace("%1", str(result.existing))
        self.message.done(text)

    def add_staff(self) -> None:
        dialog = StaffDialog(self.ctx, self)
        if not dialog.exec() or dialog.saved is None:
            return
        saved = dialog.saved
        # Chosen in the list now if the reload is already in, else when it comes.
        self._wanted_staff = saved.id
        for row, person in enumerate(self.staff.rows()):
            if person.id == saved.id:
                self.staff_view.selectRow(row)
                self._wanted_staff = None
        self.message.done(self.tr("Đã thêm %1.").replace("%1", saved.full_name))
