"""The supplies page (Vật tư): the store of test kits, masks, protective clothing, disinfectant, food and water.

Items below their minimum are highlighted; the movements of the chosen item are listed under the store. Receipts,
issues, new items and the fair distribution of relief goods go through dialogs that call the services and stay
open on a refusal. The distribution dialog shows the plan (the same share for every person, room by room, and
what stays in the store) before anything is recorded. Users without the stock permission see no buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)

from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.supplies import MAX_QUANTITY, RoomShare
from quarantine_desk.services import supplies
from quarantine_desk.services.changes import Area
from quarantine_desk.services.supplies import DistributionPlan, MovementRow, StockRow
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms_compiled.ui_distribution_dialog import Ui_DistributionDialog
from quarantine_desk.ui.forms_compiled.ui_item_dialog import Ui_ItemDialog
from quarantine_desk.ui.forms_compiled.ui_movement_dialog import Ui_MovementDialog
from quarantine_desk.ui.forms_compiled.ui_supplies_page import Ui_SuppliesPage
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.models import WARNING_BACKGROUND, Column, RowsModel
from quarantine_desk.ui.operations import follow, query
from quarantine_desk.ui.pages.admin_dialogs import ServiceDialog
from quarantine_desk.ui.widgets import setup_table, to_qdatetime, vn_datetime

log = logging.getLogger(__name__)

# The stock, and the people present in each room for a fair distribution.
AREAS = frozenset({Area.FACILITIES, Area.STOCK})


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
                Column(self.tr("Lý do"), lambda m: m.reason or ""),
                Column(self.tr("Người ghi"), lambda m: m.recorded_by or ""),
            ],
            parent=self,
        )
        self.moves_view = setup_table(ui.movements, self.moves, stretch_column=4)
        self.moves_box = ui.moves_box
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

    def _state_text(self, row: StockRow) -> str:
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
        for button in (self.receive_button, self.issue_button, self.distribute_button, self.add_button):
            button.setVisible(allowed)
        for button in (self.receive_button, self.issue_button, self.distribute_button):
            button.setEnabled(chosen)
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

    # --- loading --------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the stock off the GUI thread; the item chosen stays chosen."""
        code, desk = self.ctx.facility, self.ctx.desk
        if not code:
            self.show_stock([])
            return
        query(self, lambda: supplies.list_stock(desk, code), self.show_stock, self._failed)

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
