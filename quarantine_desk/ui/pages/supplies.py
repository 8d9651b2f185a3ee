"""The supplies page (Vật tư): the store of test kits, masks, protective clothing, disinfectant, food and water.

Beside the movements, the forecast of test kits by the test schedule of the people staying (``services.forecast``):
the tests due each day, the kits left and the first day short; from it the request sheet of what to order, and the
stock report of a period, saved as xlsx or pdf off the GUI thread. An item is made the kit of a test kind from the
"Kit xét nghiệm" menu.

Items below their minimum are highlighted; the movements of the chosen item are listed under the store. Receipts,
issues, new items and the fair distribution of relief goods go through dialogs that call the services and stay
open on a refusal. The distribution dialog shows the plan (the same share for every person, room by room, and
what stays in the store) before anything is recorded. Users without the stock permission see no buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QMenu,
    QWidget,
)

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.stays import TestKind
from quarantine_desk.domain.supplies import MAX_QUANTITY, KitDay, RoomShare
from quarantine_desk.services import forecast, store_files, supplies
from quarantine_desk.services.changes import Area
from quarantine_desk.services.forecast import StockForecast
from quarantine_desk.services.supplies import DistributionPlan, MovementRow, StockRow
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.files import SaveFolder
from quarantine_desk.ui.forms_compiled.ui_distribution_dialog import Ui_DistributionDialog
from quarantine_desk.ui.forms_compiled.ui_item_dialog import Ui_ItemDialog
from quarantine_desk.ui.forms_compiled.ui_movement_dialog import Ui_MovementDialog
from quarantine_desk.ui.forms_compiled.ui_supplies_page import Ui_SuppliesPage
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.models import WARNING_BACKGROUND, Column, RowsModel
from quarantine_desk.ui.operations import follow, query, task, write
from quarantine_desk.ui.pages.admin_dialogs import ServiceDialog
from quarantine_desk.ui.widgets import setup_table, to_qdatetime, vn_date, vn_datetime

log = logging.getLogger(__name__)

# The stock, the people present in each room for a fair distribution, and the stays and tests of the forecast.
AREAS = frozenset({Area.FACILITIES, Area.STOCK, Area.STAYS, Area.TESTS, Area.SHIFTS})


def _number(value: int) -> str:
    """Thousands with a dot, as written in Vietnam: 1.500."""
    return f"{value:,}".replace(",", ".")


class MovementDialog(ServiceDialog):
    """A receipt into the store or an issue out of it, for one item."""

    def __init__(self, ctx: UiContext, item: StockRow, incoming: bool, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_MovementDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        self.item = item
        self.incoming = incoming
        self.setWindowTitle(self.tr("Nhập kho") if incoming else self.tr("Xuất kho"))
        self.ui.itemName.setText(item.name)
        self.ui.inStock.setText(f"{_number(item.quantity)} {item.unit}")
        self.quantity = self.ui.quantity
        self.quantity.setRange(0, MAX_QUANTITY)
        self.quantity.setSuffix(f" {item.unit}")
        self.at = self.ui.at
        self.at.setDateTime(to_qdatetime(ctx.desk.now()))
        self.reason = self.ui.reason
        self.reason.setPlaceholderText(
            self.tr("ví dụ: Sở Y tế cấp, nhà tài trợ ủng hộ")
            if incoming
            else self.tr("ví dụ: xét nghiệm ngày 7, phát cho khu A")
        )
        self.saved: MovementRow | None = None

    def save(self) -> Callable[[], object]:
        call = supplies.receive if self.incoming else supplies.issue
        at = self.at.dateTime().toPython()
        assert isinstance(at, datetime)
        desk, code, item = self.ctx.desk, self.ctx.facility, self.item.code
        quantity, reason = self.quantity.value(), self.reason.text()
        return lambda: call(desk, code, item, quantity, reason, at)

    def stored(self, result: object) -> None:
        assert isinstance(result, MovementRow)
        self.saved = result


class ItemDialog(ServiceDialog):
    """A new kind of item the facility keeps."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_ItemDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        self.code = self.ui.code
        self.name = self.ui.name
        self.unit = self.ui.unit
        self.min_stock = self.ui.min_stock
        self.min_stock.setRange(0, MAX_QUANTITY)
        self.saved: StockRow | None = None

    def save(self) -> Callable[[], object]:
        desk, facility = self.ctx.desk, self.ctx.facility
        code, name, unit, minimum = (
            self.code.text(),
            self.name.text(),
            self.unit.text(),
            self.min_stock.value(),
        )
        return lambda: supplies.add_item(desk, facility, code, name, unit, minimum)

    def stored(self, result: object) -> None:
        assert isinstance(result, StockRow)
        self.saved = result


class DistributionDialog(ServiceDialog):
    """Relief goods shared equally among the people present: the plan first, then one click records it."""

    def __init__(self, ctx: UiContext, item: StockRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_DistributionDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        self.item = item
        self.ui.itemName.setText(item.name)
        self.ui.inStock.setText(f"{_number(item.quantity)} {item.unit}")
        self.quantity = self.ui.quantity
        self.quantity.setRange(0, max(0, item.quantity))
        self.quantity.setValue(max(0, item.quantity))
        self.quantity.setSuffix(f" {item.unit}")
        self.quantity.valueChanged.connect(self.update_plan)
        self.reason = self.ui.reason
        self.summary = self.ui.summary
        self.rooms = RowsModel[RoomShare](
            [
                Column(self.tr("Phòng"), lambda r: r.room),
                Column(self.tr("Số người"), lambda r: str(r.people), align_right=True),
                Column(self.tr("Được nhận"), lambda r: f"{_number(r.share)} {item.unit}", align_right=True),
            ],
            parent=self,
        )
        self.rooms_view = setup_table(self.ui.plan, self.rooms, stretch_column=0)
        self.ok = self.buttons.button(self.buttons.StandardButton.Ok)
        self.ok.setText(self.tr("Ghi phân phối"))
        self.plan: DistributionPlan | None = None
        self.done_plan: DistributionPlan | None = None
        self.update_plan()

    def update_plan(self) -> None:
        """The plan for the quantity now in the box, worked out off the GUI thread. OK follows the last plan
        shown (a refused quantity disables it); the service checks the quantity again when it records."""
        desk, code, item, quantity = self.ctx.desk, self.ctx.facility, self.item.code, self.quantity.value()
        query(
            self,
            lambda: supplies.distribution_plan(desk, code, item, quantity),
            self.show_plan,
            self._no_plan,
        )

    def _no_plan(self, err: BaseException) -> None:
        self.plan = None
        self.ok.setEnabled(False)
        self.error.clear_error()
        self.rooms.set_rows([])
        self.summary.setText("")
        self.error.show_error(error_text(err, self.ctx.lang))

    def show_plan(self, plan: DistributionPlan) -> None:
        self.error.clear_error()
        self.plan = plan
        shares = self.plan.shares
        self.rooms.set_rows(shares.rooms)
        self.summary.setText(
            self.tr("%1 người ở %2 phòng: mỗi người %3 %4. Phát %5 %4; còn lại %6 %4 trong kho.")
            .replace("%1", _number(shares.people))
            .replace("%2", str(len(shares.rooms)))
            .replace("%3", _number(shares.per_person))
            .replace("%4", self.item.unit)
            .replace("%5", _number(shares.distributed))
            .replace("%6", _number(shares.remainder))
        )
        self.ok.setEnabled(self.plan is not None)

    def save(self) -> Callable[[], object]:
        desk, code, item = self.ctx.desk, self.ctx.facility, self.item.code
        quantity, reason = self.quantity.value(), self.reason.text()
        return lambda: supplies.distribute(desk, code, item, quantity, reason)

    def stored(self, result: object) -> None:
        assert isinstance(result, DistributionPlan)
        self.done_plan = result


class SuppliesPage(QWidget):
    """Vật tư."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("supplies_page")
        # The layout, tab order and buddies come from forms/supplies_page.ui; models and signals from here.
        self.ui = Ui_SuppliesPage()
        self.ui.setupUi(self)
        ui = self.ui
        self.message = ui.message
        self.low_count = ui.low_count

        self.stock = RowsModel[StockRow](
            [
                Column(self.tr("Mã"), lambda r: r.code),
                Column(self.tr("Tên vật tư"), lambda r: r.name),
                Column(self.tr("Tồn kho"), lambda r: _number(r.quantity), align_right=True),
                Column(self.tr("Đơn vị"), lambda r: r.unit),
                Column(self.tr("Tối thiểu"), lambda r: _number(r.min_stock), align_right=True),
                Column(self.tr("Đủ dùng"), self._days_text, align_right=True),
                Column(self.tr("Tình trạng"), self._state_text),
            ],
            parent=self,
            highlight=lambda r: WARNING_BACKGROUND if r.low else None,
        )
        self.stock_view = setup_table(ui.stock, self.stock, stretch_column=1)
        self.stock_view.selectionModel().currentRowChanged.connect(lambda *_: self._item_chosen())

        self.receive_button = ui.receive
        self.receive_button.clicked.connect(self.receive_selected)
        self.issue_button = ui.issue
        self.issue_button.clicked.connect(self.issue_selected)
        self.distribute_button = ui.distribute
        self.distribute_button.clicked.connect(self.distribute_selected)
        self.add_button = ui.add_item
        self.add_button.clicked.connect(self.add_item)

        self.moves = RowsModel[MovementRow](
            [
                Column(self.tr("Thời điểm"), lambda m: vn_datetime(m.moved_at)),
                Column(
                    self.tr("Nhập / xuất"), lambda m: self.tr("Nhập") if m.quantity > 0 else self.tr("Xuất")
                ),
                Column(self.tr("Số lượng"), lambda m: _number(abs(m.quantity)), align_right=True),
                Column(self.tr("Còn lại"), lambda m: _number(m.balance), align_right=True),
                # Beside the forecast the reason may be elided: the whole of it is in the tooltip.
                Column(self.tr("Lý do"), lambda m: m.reason or "", tooltip=lambda m: m.reason or ""),
                Column(
                    self.tr("Người ghi"), lambda m: m.recorded_by or "", tooltip=lambda m: m.recorded_by or ""
                ),
            ],
            parent=self,
        )
        self.moves_view = setup_table(ui.movements, self.moves, stretch_column=4)
        self.moves_box = ui.moves_box

        rapid, pcr = TestKind.RAPID, TestKind.PCR
        self.forecast = RowsModel[KitDay](
            [
                Column(self.tr("Ngày"), lambda d: vn_date(d.day)),
                Column(self.tr("Test nhanh"), lambda d: _number(d.due[rapid]), align_right=True),
                Column(self.tr("Còn kit nhanh"), lambda d: self._left(d, rapid), align_right=True),
                Column(self.tr("RT-PCR"), lambda d: _number(d.due[pcr]), align_right=True),
                Column(self.tr("Còn kit PCR"), lambda d: self._left(d, pcr), align_right=True),
            ],
            parent=self,
            highlight=lambda d: WARNING_BACKGROUND if d.shortfall else None,
        )
        self.forecast_view = setup_table(ui.forecast, self.forecast, stretch_column=0)
        self.forecast_summary = ui.forecast_summary
        self.forecast_days = ui.forecast_days
        self.forecast_days.valueChanged.connect(lambda _value: self._load_forecast())
        self.request_button = ui.request_sheet
        self.request_button.clicked.connect(self.save_request_sheet)
        self.report_button = ui.stock_report
        self.report_button.clicked.connect(self.save_stock_report)
        today = ctx.desk.now().date()
        ui.report_from.setDate(QDate(today.year, today.month, 1))
        ui.report_to.setDate(QDate(today.year, today.month, today.day))
        self.report_from, self.report_to = ui.report_from, ui.report_to
        self.kit_button = ui.kit
        self.kit_menu = QMenu(self)
        for label, kind in (
            (self.tr("Làm kit test nhanh (mỗi lần xét nghiệm trừ 1)"), "rapid"),
            (self.tr("Làm kit RT-PCR (mỗi lần xét nghiệm trừ 1)"), "pcr"),
            (self.tr("Không phải kit xét nghiệm"), None),
        ):
            self.kit_menu.addAction(label).triggered.connect(
                lambda _checked=False, kind=kind: self.set_kit(kind)
            )
        self.kit_button.setMenu(self.kit_menu)
        self.task: Any = None
        self._saves = SaveFolder()
        self._wanted = ""  # an item to choose once the list is back (the one just added or moved)
        self.follower = follow(self, ctx, AREAS, self.refresh)
        self.refresh()

    # --- texts ----------------------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.follower.shown()  # reload what changed while the page was hidden

    def _days_text(self, row: StockRow) -> str:
        if row.days_left is None:
            return ""
        return self.tr("%1 ngày").replace("%1", str(row.days_left))

    def _left(self, day: KitDay, kind: TestKind) -> str:
        left = day.left[kind]
        return "—" if left is None else _number(left)

    def _state_text(self, row: StockRow) -> str:
        if row.kit_kind == TestKind.RAPID and not row.low:
            return self.tr("Kit test nhanh")
        if row.kit_kind == TestKind.PCR and not row.low:
            return self.tr("Kit RT-PCR")
        if row.low:
            return self.tr("Dưới mức tối thiểu")
        if row.days_left is not None and row.days_left < 3:
            return self.tr("Sắp hết")
        return self.tr("Đủ")

    # --- the chosen item ------------------------------------------------------------------------------------------

    def current_item(self) -> StockRow | None:
        index = self.stock_view.currentIndex()
        return self.stock.row_at(index.row()) if index.isValid() else None

    def _item_chosen(self) -> None:
        item = self.current_item()
        code, desk = self.ctx.facility, self.ctx.desk
        if item is not None and code:
            query(
                self,
                lambda: supplies.movements(desk, code, item.code, 200),
                self.moves.set_rows,
                self._failed,
                key="moves",
            )
        else:
            self.moves.set_rows([])
        self.moves_box.setTitle(
            self.tr("Nhập, xuất gần đây: %1").replace("%1", item.name)
            if item
            else self.tr("Nhập, xuất gần đây")
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        allowed = self.ctx.desk.can(Permission.MANAGE_STOCK)
        chosen = self.current_item() is not None
        for button in (
            self.receive_button, self.issue_button, self.distribute_button, self.kit_button, self.add_button,
        ):  # fmt: skip
            button.setVisible(allowed)
        for button in (self.receive_button, self.issue_button, self.distribute_button, self.kit_button):
            button.setEnabled(chosen)
        has_facility = bool(self.ctx.facility)
        self.request_button.setEnabled(has_facility and self.task is None)
        self.report_button.setEnabled(has_facility and self.task is None)
        self.add_button.setEnabled(bool(self.ctx.facility))

    # --- actions --------------------------------------------------------------------------------------------------

    def receive_selected(self) -> None:
        self._move(incoming=True)

    def issue_selected(self) -> None:
        self._move(incoming=False)

    def _move(self, incoming: bool) -> None:
        item = self.current_item()
        if item is None:
            return
        dialog = MovementDialog(self.ctx, item, incoming, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return
        moved = dialog.saved
        text = self.tr("Đã nhập %1 %2 %3; còn %4.") if incoming else self.tr("Đã xuất %1 %2 %3; còn %4.")
        self.message.done(
            text.replace("%1", _number(abs(moved.quantity)))
            .replace("%2", item.unit)
            .replace("%3", item.name)
            .replace("%4", _number(moved.balance))
        )
        self._changed(item.code)

    def add_item(self) -> None:
        dialog = ItemDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.message.done(self.tr("Đã thêm vật tư %1.").replace("%1", dialog.saved.name))
            self._changed(dialog.saved.code)

    def distribute_selected(self) -> None:
        item = self.current_item()
        if item is None:
            return
        dialog = DistributionDialog(self.ctx, item, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.done_plan is None:
            return
        shares = dialog.done_plan.shares
        self.message.done(
            self.tr("Đã phân phối %1 %2 cho %3 người (mỗi người %4); còn lại %5 trong kho.")
            .replace("%1", _number(shares.distributed))
            .replace("%2", item.unit)
            .replace("%3", _number(shares.people))
            .replace("%4", _number(shares.per_person))
            .replace("%5", _number(shares.remainder))
        )
        self._changed(item.code)

    def _changed(self, code: str) -> None:
        # The list reloads because the stock changed: the item just written is chosen now if the new list is
        # already in, else when it comes.
        self._wanted = "" if any(r.code == code for r in self.stock.rows()) else code
        self.select_item(code)

    def select_item(self, code: str) -> None:
        for row, item in enumerate(self.stock.rows()):
            if item.code == code:
                self.stock_view.selectRow(row)
                return

    def set_kit(self, kind: str | None) -> None:
        """Make the chosen item the kit of a test kind (or no kit)."""
        item = self.current_item()
        if item is None:
            return
        desk, code = self.ctx.desk, self.ctx.facility

        def done(row: StockRow) -> None:
            self.message.done(
                self.tr("%1 là kit xét nghiệm: mỗi lần xét nghiệm trừ 1 %2.")
                .replace("%1", row.name)
                .replace("%2", row.unit)
                if row.kit_kind
                else self.tr("%1 không còn là kit xét nghiệm.").replace("%1", row.name)
            )
            self._changed(row.code)

        write(self.ctx, self, lambda: supplies.set_kit(desk, code, item.code, kind), done, self._failed)

    # --- files ------------------------------------------------------------------------------------------------------

    def _ask_save_path(self, suggested: str) -> Path | None:
        """Where to write a file (.xlsx or .pdf); None when the user cancels. Tests replace this method."""
        return self._saves.ask_excel_or_pdf(self, self.tr("Lưu tệp"), suggested)

    def _save(self, title: str, suggested: str, work: Callable[[Path, Progress, ShouldStop], object]) -> None:
        if not self.ctx.facility or self.task is not None:
            return
        path = self._ask_save_path(suggested)
        if path is None:
            return
        self.message.clear_message()

        def finished(_value: object) -> None:
            self.task = None
            self._update_buttons()
            self.message.done(self.tr("Đã ghi %1").replace("%1", str(path)))

        def failed(error: BaseException) -> None:
            self.task = None
            self._update_buttons()
            self.message.error(
                self.ctx.describe(error) if isinstance(error, DeskError) else error_text(error, self.ctx.lang)
            )

        self.task = task(
            self.ctx, self, title, lambda progress, stop: work(path, progress, stop), finished, failed
        )
        self._update_buttons()

    def save_request_sheet(self) -> None:
        desk, code, days = self.ctx.desk, self.ctx.facility, self.forecast_days.value()
        self._save(
            self.tr("Phiếu đề nghị cấp vật tư"),
            f"de-nghi-cap-vat-tu-{code}-{desk.now():%Y%m%d}.xlsx",
            lambda path, progress, stop: store_files.write_request_sheet(
                desk, code, path, days=days, progress=progress, should_stop=stop
            ),
        )

    def save_stock_report(self) -> None:
        desk, code = self.ctx.desk, self.ctx.facility
        start = self.report_from.date().toPython()
        end = self.report_to.date().toPython()
        assert isinstance(start, date) and isinstance(end, date)
        self._save(
            self.tr("Báo cáo xuất nhập tồn"),
            f"xuat-nhap-ton-{code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
            lambda path, progress, stop: store_files.write_stock_report(
                desk, code, start, end, path, progress, stop
            ),
        )

    # --- loading --------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the stock off the GUI thread; the item chosen stays chosen."""
        code, desk = self.ctx.facility, self.ctx.desk
        if not code:
            self.show_stock([])
            return
        query(self, lambda: supplies.list_stock(desk, code), self.show_stock, self._failed)
        self._load_forecast()

    def _load_forecast(self) -> None:
        code, desk, days = self.ctx.facility, self.ctx.desk, self.forecast_days.value()
        if not code:
            self.show_forecast(None)
            return
        query(
            self,
            lambda: forecast.stock_forecast(desk, code, days),
            self.show_forecast,
            self._failed,
            key="forecast",
        )

    def show_forecast(self, result: StockForecast | None) -> None:
        self.forecast.set_rows(list(result.days) if result else [])
        if result is None:
            self.forecast_summary.setText("")
            return
        due = (
            self.tr("Theo lịch: %1 lần test nhanh, %2 lần RT-PCR trong %3 ngày.")
            .replace("%1", _number(result.tests_due(TestKind.RAPID)))
            .replace("%2", _number(result.tests_due(TestKind.PCR)))
            .replace("%3", str(len(result.days)))
        )
        if not result.kit_items:
            state = self.tr("Chưa có vật tư nào làm kit: chọn vật tư rồi bấm «Kit xét nghiệm».")
        elif result.shortfall_on is not None:
            state = self.tr("THIẾU KIT TỪ NGÀY %1.").replace("%1", vn_date(result.shortfall_on))
        else:
            state = self.tr("Đủ kit cho %1 ngày tới.").replace("%1", str(len(result.days)))
        self.forecast_summary.setText(f"{state} {due}")
        self.forecast_summary.setStyleSheet(
            "color: #b3261e; font-weight: 600;" if result.shortfall_on is not None else ""
        )

    def _failed(self, err: BaseException) -> None:
        self.message.error(error_text(err, self.ctx.lang))

    def show_stock(self, rows: list[StockRow]) -> None:
        chosen = self.current_item()
        wanted, self._wanted = self._wanted or (chosen.code if chosen is not None else ""), ""
        self.stock.set_rows(rows)
        low = sum(1 for r in rows if r.low)
        self.low_count.setText(
            self.tr("%1 vật tư dưới mức tối thiểu.").replace("%1", str(low))
            if low
            else self.tr("Không có vật tư nào dưới mức tối thiểu.")
        )
        self.low_count.setStyleSheet("color: #b3261e; font-weight: 600;" if low else "")
        if wanted and any(r.code == wanted for r in rows):
            self.select_item(wanted)
        elif rows:
            self.stock_view.selectRow(0)
        self._item_chosen()
