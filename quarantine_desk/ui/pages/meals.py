"""The meals page (Suất ăn): portions of each meal for the kitchen, by the clock, and what was served.

For the chosen day, each meal counts the people present at the moment it is served, per diet and per zone, and
the staff on shift at that moment (or a number typed in); a meal still to come is counted from the plans. The
kitchen's order sheet (Excel or PDF) is saved off the GUI thread. The portions served are recorded per meal and
kind of diner; a second entry corrects the first (on the write worker, so a slow shared server never freezes the
window). Users without the stock permission only read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QWidget,
)

from quarantine_desk.domain.meals import DIETS, MEALS
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.services import meals
from quarantine_desk.services.changes import Area
from quarantine_desk.services.meals import MealCounts, MealLine, ServedRow
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.files import SaveFolder
from quarantine_desk.ui.forms_compiled.ui_meals_page import Ui_MealsPage
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.models import ATTENTION_BACKGROUND, Column, RowsModel
from quarantine_desk.ui.operations import follow, query, task, write
from quarantine_desk.ui.tasks import writing
from quarantine_desk.ui.widgets import setup_table, vn_date

log = logging.getLogger(__name__)

# The people present (stays), the staff on duty (shifts) and the portions served.
AREAS = frozenset({Area.FACILITIES, Area.STAYS, Area.SHIFTS, Area.MEALS})
FROM_SHIFTS = -1  # the staff box's special value: take the staff on duty from the shifts


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@dataclass(frozen=True)
class ZoneLine:
    """One zone's people at each meal (breakfast, lunch, dinner)."""

    zone: str
    people: tuple[int, ...]


def _diet_count(diet: str) -> Callable[[MealLine], str]:
    return lambda line: str(line.by_diet.get(diet, 0))


def _zone_count(index: int) -> Callable[[ZoneLine], str]:
    return lambda zone: str(zone.people[index])


class MealsPage(QWidget):
    """Suất ăn."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("meals_page")
        self.counts: MealCounts | None = None
        # The layout, tab order and buddies come from forms/meals_page.ui; models and signals from here.
        self.ui = Ui_MealsPage()
        self.ui.setupUi(self)
        ui = self.ui
        self.message = ui.message

        today = ctx.desk.now().date()
        self.day = ui.day
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.day.dateChanged.connect(lambda *_: self.refresh())
        ui.previous_day.clicked.connect(lambda: self._shift_day(-1))
        ui.next_day.clicked.connect(lambda: self._shift_day(1))
        ui.today.clicked.connect(self.go_to_today)
        self.staff = ui.staff
        self.staff.setRange(FROM_SHIFTS, 9_999)
        self.staff.setValue(FROM_SHIFTS)
        self.staff.valueChanged.connect(lambda *_: self.refresh())

        self.summary = ui.summary
        self.model = RowsModel[MealLine](
            [
                Column(self.tr("Bữa"), lambda m: self.meal_name(m.meal)),
                Column(self.tr("Giờ"), self._time_text),
                *(Column(self.diet_name(d), _diet_count(d), align_right=True) for d in DIETS),
                Column(self.tr("Người cách ly"), lambda m: str(m.quarantined), align_right=True),
                Column(self.tr("Phục vụ"), lambda m: str(m.staff), align_right=True),
                Column(self.tr("Tổng suất"), lambda m: str(m.total), align_right=True),
                Column(self.tr("Thành tiền"), lambda m: _number(m.cost), align_right=True),
                Column(
                    self.tr("Đã phát: cách ly"),
                    lambda m: self._served(m.served_quarantined),
                    align_right=True,
                ),
                Column(self.tr("Đã phát: phục vụ"), lambda m: self._served(m.served_staff), align_right=True),
            ],
            parent=self,
            highlight=self._short_colour,
        )
        self.view = setup_table(ui.meals, self.model, stretch_column=0)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._meal_chosen())
        self.zones = RowsModel[ZoneLine](
            [
                Column(self.tr("Khu / tầng"), lambda z: z.zone),
                *(Column(self.meal_name(m), _zone_count(i), align_right=True) for i, m in enumerate(MEALS)),
            ],
            parent=self,
        )
        self.zones_view = setup_table(ui.zones, self.zones, stretch_column=0)
        self.save_button = ui.save_sheet
        self.save_button.clicked.connect(self.save_sheet)
        self._saves = SaveFolder()

        self.meal = ui.meal
        for code in MEALS:
            self.meal.addItem(self.meal_name(code), code)
        self.diners = ui.diners
        self.diners.addItem(self.tr("Người cách ly"), "quarantined")
        self.diners.addItem(self.tr("Lực lượng phục vụ"), "staff")
        self.portions = ui.portions
        self.portions.setRange(0, meals.MAX_PORTIONS)
        # The meal in the box and the row in the table are the same choice.
        self.meal.currentIndexChanged.connect(lambda i: self.view.selectRow(i))
        self.diners.currentIndexChanged.connect(lambda *_: self._suggest_portions())
        self.record_button = ui.record_served
        self.record_button.clicked.connect(self.record)
        self.record_box = ui.record_box
        self.follower = follow(self, ctx, AREAS, self.refresh)
        self.refresh()

    # --- texts ----------------------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.follower.shown()  # reload what changed while the page was hidden

    def meal_name(self, meal: str) -> str:
        return {
            "breakfast": self.tr("Bữa sáng"),
            "lunch": self.tr("Bữa trưa"),
            "dinner": self.tr("Bữa tối"),
        }.get(meal, meal)

    def diet_name(self, diet: str) -> str:
        return {
            "regular": self.tr("Thường"),
            "vegetarian": self.tr("Chay"),
            "child": self.tr("Trẻ em"),
            "soft": self.tr("Mềm"),
            "special": self.tr("Đặc biệt"),
        }.get(diet, diet)

    def _time_text(self, line: MealLine) -> str:
        text = f"{line.at:%H:%M}"
        return text + " " + self.tr("(dự kiến)") if line.planned else text

    def _served(self, portions: int | None) -> str:
        return self.tr("chưa ghi") if portions is None else str(portions)

    def _short_colour(self, line: MealLine):  # type: ignore[no-untyped-def]
        # Fewer portions served than people present: somebody may have gone without a meal.
        if line.served_quarantined is not None and line.served_quarantined < line.quarantined:
            return ATTENTION_BACKGROUND
        return None

    # --- the day ----------------------------------------------------------------------------------------------------

    def chosen_day(self) -> date:
        value = self.day.date()
        return date(value.year(), value.month(), value.day())

    def set_day(self, day: date) -> None:
        self.day.setDate(QDate(day.year, day.month, day.day))

    def _shift_day(self, days: int) -> None:
        self.set_day(self.chosen_day() + timedelta(days=days))

    def go_to_today(self) -> None:
        self.set_day(self.ctx.desk.now().date())

    # --- recording --------------------------------------------------------------------------------------------------

    def _meal_chosen(self) -> None:
        index = self.view.currentIndex()
        line = self.model.row_at(index.row()) if index.isValid() else None
        if line is not None:
            self.meal.setCurrentIndex(self.meal.findData(line.meal))
        self._suggest_portions()

    def _suggest_portions(self) -> None:
        """The portions already recorded, else the count: what the kitchen most likely served."""
        if self.counts is None:
            return
        line = self.counts.line(str(self.meal.currentData()))
        if self.diners.currentData() == "staff":
            value = line.served_staff if line.served_staff is not None else line.staff
        else:
            value = line.served_quarantined if line.served_quarantined is not None else line.quarantined
        self.portions.setValue(value)

    def record(self) -> None:
        """Save the portions on the write worker; the button stays disabled until the answer is back."""
        if not self.ctx.facility or writing(self):
            return
        desk, code, on = self.ctx.desk, self.ctx.facility, self.chosen_day()
        meal, diners, portions = (
            str(self.meal.currentData()),
            str(self.diners.currentData()),
            self.portions.value(),
        )
        diners_text = self.diners.currentText().lower()
        write(
            self.ctx,
            self,
            lambda: meals.record_served(desk, code, on, meal, diners, portions),
            lambda row: self._recorded(row, diners_text, on),
            self._refused,
            busy=[self.record_button],
        )

    def _refused(self, err: BaseException) -> None:
        self.message.error(error_text(err, self.ctx.lang))

    def _recorded(self, row: ServedRow, diners_text: str, on: date) -> None:
        self.message.done(
            self.tr("Đã ghi %1 suất %2 cho %3 ngày %4.")
            .replace("%1", str(row.portions))
            .replace("%2", self.meal_name(row.meal).lower())
            .replace("%3", diners_text)
            .replace("%4", vn_date(on))
        )

    # --- loading ----------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Count the day's meals off the GUI thread (a newer day or staff figure wins over an older read)."""
        code, desk, day = self.ctx.facility, self.ctx.desk, self.chosen_day()
        staff = None if self.staff.value() == FROM_SHIFTS else self.staff.value()
        self.record_box.setVisible(self.ctx.desk.can(Permission.MANAGE_STOCK))
        if not code:
            self.show_counts(None)
            return
        query(self, lambda: meals.meal_counts(desk, code, day, staff), self.show_counts, self._refused)

    def show_counts(self, counts: MealCounts | None) -> None:
        self.counts = counts
        current = self.view.currentIndex().row()
        self.model.set_rows(self.counts.meals if self.counts else [])
        zones = sorted({z for m in self.counts.meals for z in m.by_zone}) if self.counts else []
        self.zones.set_rows(
            [ZoneLine(z, tuple(m.by_zone.get(z, 0) for m in self.counts.meals)) for z in zones]
            if self.counts
            else []
        )
        self.save_button.setEnabled(self.counts is not None)
        self.record_button.setEnabled(
            self.counts is not None and self.chosen_day() <= self.ctx.desk.now().date()
        )
        if self.counts is None:
            self.summary.setText(self.tr("Chưa chọn khu cách ly."))
            return
        c = self.counts
        text = (
            self.tr(
                "Ngày %1: cả ngày cần %2 suất: %3 cho người cách ly, %4 cho lực lượng phục vụ; chi phí %5 đồng."
            )
            .replace("%1", vn_date(c.on))
            .replace("%2", str(c.portions))
            .replace("%3", str(sum(m.quarantined for m in c.meals)))
            .replace("%4", str(sum(m.staff for m in c.meals)))
            .replace("%5", _number(c.cost))
        )
        if any(m.planned for m in c.meals):
            text += " " + self.tr(
                "Bữa chưa đến tính theo kế hoạch: người dự kiến ra sau bữa sáng ngày ra, đoàn sắp đến từ giờ đến."
            )
        if c.staff_source != "given" and not any(m.staff for m in c.meals):
            text += " " + self.tr(
                "Không có ai trong lịch ca trực ngày này: nhập số lực lượng phục vụ ở ô bên trên."
            )
        self.summary.setText(text)
        self.view.selectRow(current if 0 <= current < self.model.rowCount() else 0)
        self._suggest_portions()

    # --- the kitchen's order sheet ----------------------------------------------------------------------------------

    def _ask_save_path(self, suggested: str) -> Path | None:
        """Where to write the sheet; None when the user cancels. Tests replace this method."""
        return self._saves.ask_excel_or_pdf(self, self.tr("Lưu phiếu báo suất ăn"), suggested)

    def save_sheet(self) -> None:
        """The order sheet of the chosen day, written off the GUI thread."""
        code, desk, day = self.ctx.facility, self.ctx.desk, self.chosen_day()
        if not code:
            return
        path = self._ask_save_path(f"phieu-bao-suat-an-{code}-{day.isoformat()}.xlsx")
        if path is None:
            return

        def work(progress: Progress, should_stop: ShouldStop) -> Any:
            return meals.write_meal_sheet(desk, code, day, path, progress, should_stop)

        def done(sheet: Any) -> None:
            note = self.tr(" (có thay đổi sau giờ chốt)") if sheet.changed else ""
            self.message.done(self.tr("Đã lưu phiếu báo suất ăn: %1").replace("%1", str(path)) + note)

        task(self.ctx, self, self.tr("Đang lập phiếu báo suất ăn…"), work, done, self._refused)
