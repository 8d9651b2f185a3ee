"""The relief page (Hàng cứu trợ): rounds of relief goods and, for the chosen round, everyone entitled with
whether and when they received their share.

"Công bằng, đúng đối tượng, tránh tình trạng vừa thừa, vừa thiếu": a round is made with who is entitled (those
present at a moment, or in one zone); each handout is recorded on the write worker and a second one to the same
person (or household) is refused by the service, whose sentence the page shows. The round's report (given, not
given, left over) is saved as Excel or PDF off the GUI thread. Users without the stock permission only read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QWidget

from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.services import relief
from quarantine_desk.services.changes import Area
from quarantine_desk.services.relief import EntitledRow, RoundRow
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.files import SaveFolder
from quarantine_desk.ui.forms_compiled.ui_relief_page import Ui_ReliefPage
from quarantine_desk.ui.forms_compiled.ui_relief_round_dialog import Ui_ReliefRoundDialog
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.models import Column, RowsModel
from quarantine_desk.ui.operations import follow, query, task, write
from quarantine_desk.ui.pages.admin_dialogs import ServiceDialog
from quarantine_desk.ui.permissions import restrict
from quarantine_desk.ui.tasks import writing
from quarantine_desk.ui.widgets import setup_table, to_qdatetime, vn_date, vn_datetime

log = logging.getLogger(__name__)

# The rounds and handouts, and the people (their rooms) they are for.
AREAS = frozenset({Area.FACILITIES, Area.RELIEF, Area.STAYS})
MAX_SETS = relief.MAX_SETS


class ReliefRoundDialog(ServiceDialog):
    """A new round: its name, day, goods, per person or household, and who is entitled."""

    def __init__(self, ctx: UiContext, zones: list[str], parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_ReliefRoundDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        ui = self.ui
        now = ctx.desk.now()
        ui.held_on.setDate(QDate(now.year, now.month, now.day))
        ui.per.addItem(self.tr("mỗi người một suất"), "person")
        ui.per.addItem(self.tr("mỗi hộ gia đình một suất"), "household")
        ui.entitled.addItem(self.tr("mọi người có mặt lúc"), "present")
        ui.entitled.addItem(self.tr("người ở một khu / tầng, có mặt lúc"), "zone")
        ui.at.setDateTime(to_qdatetime(now.replace(second=0)))
        for zone in zones:
            ui.zone.addItem(zone, zone)
        ui.sets.setRange(0, MAX_SETS)
        ui.entitled.currentIndexChanged.connect(lambda *_: self._kind_changed())
        self._kind_changed()
        self.saved: RoundRow | None = None

    def _kind_changed(self) -> None:
        self.ui.zone.setEnabled(self.ui.entitled.currentData() == "zone")

    def save(self) -> Callable[[], object]:
        ui, desk, facility = self.ui, self.ctx.desk, self.ctx.facility
        held: Any = ui.held_on.date().toPython()
        at: Any = ui.at.dateTime().toPython()
        name, goods, per = ui.name.text(), ui.goods.text(), str(ui.per.currentData())
        zone = str(ui.zone.currentData()) if ui.entitled.currentData() == "zone" else None
        sets = ui.sets.value() or None
        return lambda: relief.add_round(
            desk, facility, name, held, goods, per=per, at=at.replace(second=0), zone=zone, sets=sets
        )

    def stored(self, result: object) -> None:
        assert isinstance(result, RoundRow)
        self.saved = result


class ReliefPage(QWidget):
    """Hàng cứu trợ."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("relief_page")
        self.rounds: list[RoundRow] = []
        self.entitled: list[EntitledRow] = []
        self._saves = SaveFolder()
        # The layout, tab order and buddies come from forms/relief_page.ui; models and signals from here.
        self.ui = Ui_ReliefPage()
        self.ui.setupUi(self)
        ui = self.ui
        self.message = ui.message
        self.round_box = ui.round
        self.round_box.currentIndexChanged.connect(lambda *_: self.load_round())
        self.summary = ui.summary
        self.pending_only = ui.pending_only
        self.pending_only.toggled.connect(lambda *_: self._show_people())
        self.model = RowsModel[EntitledRow](
            [
                Column(self.tr("Phòng"), lambda e: e.room or self.tr("đã ra")),
                Column(self.tr("Họ và tên"), lambda e: e.name),
                Column(self.tr("Hộ gia đình"), lambda e: e.household or ""),
                Column(self.tr("Đã nhận lúc"), lambda e: vn_datetime(e.given_at) or self.tr("chưa nhận")),
                Column(self.tr("Người phát"), lambda e: e.given_by or ""),
                Column(self.tr("Hàng đã nhận"), lambda e: e.goods or ""),
            ],
            parent=self,
        )
        self.view = setup_table(ui.people, self.model, stretch_column=1)
        self.view.doubleClicked.connect(lambda *_: self.give_selected())
        self.new_button = ui.new_round
        self.new_button.clicked.connect(self.new_round)
        self.give_button = ui.give
        self.give_button.clicked.connect(self.give_selected)
        self.report_button = ui.save_report
        self.report_button.clicked.connect(self.save_report)
        restrict(ctx.desk, [self.new_button, self.give_button], Permission.MANAGE_STOCK)
        self.follower = follow(self, ctx, AREAS, self.refresh)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.follower.shown()

    # --- loading ----------------------------------------------------------------------------------------------------

    def current_round(self) -> RoundRow | None:
        index = self.round_box.currentIndex()
        return self.rounds[index] if 0 <= index < len(self.rounds) else None

    def refresh(self) -> None:
        code, desk = self.ctx.facility, self.ctx.desk
        if not code:
            self.show_rounds([])
            return
        query(self, lambda: relief.rounds(desk, code), self.show_rounds, self._refused)

    def show_rounds(self, rounds: list[RoundRow]) -> None:
        chosen = self.current_round()
        self.rounds = rounds
        self.round_box.blockSignals(True)
        self.round_box.clear()
        for r in rounds:
            self.round_box.addItem(f"{r.name} – {vn_date(r.on)} ({r.goods})", r.id)
        index = next((i for i, r in enumerate(rounds) if chosen and r.id == chosen.id), 0)
        self.round_box.setCurrentIndex(index if rounds else -1)
        self.round_box.blockSignals(False)
        self.load_round()

    def load_round(self) -> None:
        r, desk = self.current_round(), self.ctx.desk
        has = r is not None
        self.report_button.setEnabled(has)
        if self.ctx.desk.can(Permission.MANAGE_STOCK):
            self.give_button.setEnabled(has)
        if r is None:
            self.entitled = []
            self._show_people()
            self.summary.setText(self.tr("Chưa có đợt cứu trợ nào: bấm “Tạo đợt mới…”."))
            return
        query(self, lambda: relief.entitled(desk, r.id), self.show_entitled, self._refused)

    def show_entitled(self, rows: list[EntitledRow]) -> None:
        self.entitled = rows
        r = self.current_round()
        if r is not None:
            shares = self.tr("hộ") if r.per == "household" else self.tr("người")
            text = (
                self.tr("Hàng phát: %1. Được nhận: %2 %3; đã phát %4, chưa phát %5.")
                .replace("%1", r.goods)
                .replace("%2", str(r.shares))
                .replace("%3", shares)
                .replace("%4", str(r.given))
                .replace("%5", str(r.not_given))
            )
            if r.left_over is not None:
                text += " " + self.tr("Còn lại %1 suất.").replace("%1", str(r.left_over))
            if r.item is not None:
                text += " " + (
                    self.tr("Mỗi suất xuất kho %1 %2 %3; kho còn %4 %2.")
                    .replace("%1", str(r.item_quantity))
                    .replace("%2", r.item_unit or "")
                    .replace("%3", r.item)
                    .replace("%4", str(r.item_stock))
                )
            self.summary.setText(text)
        self._show_people()

    def _show_people(self) -> None:
        rows = (
            [e for e in self.entitled if e.given_at is None]
            if self.pending_only.isChecked()
            else self.entitled
        )
        self.model.set_rows(rows)

    # --- writing ----------------------------------------------------------------------------------------------------

    def _refused(self, err: BaseException) -> None:
        self.message.error(error_text(err, self.ctx.lang))

    def new_round(self) -> None:
        code, desk = self.ctx.facility, self.ctx.desk
        if not code:
            self.message.error(self.tr("Chưa chọn khu cách ly."))
            return
        dialog = ReliefRoundDialog(self.ctx, relief.zone_names(desk, code), self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            saved = dialog.saved
            self.message.done(
                self.tr("Đã tạo “%1”: %2 suất được nhận.")
                .replace("%1", saved.name)
                .replace("%2", str(saved.shares))
            )
            self.refresh()

    def selected_person(self) -> EntitledRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def give_selected(self) -> None:
        r, person = self.current_round(), self.selected_person()
        if r is None or person is None or writing(self) or not self.ctx.desk.can(Permission.MANAGE_STOCK):
            return
        desk, round_id, pid = self.ctx.desk, r.id, person.person
        write(
            self.ctx,
            self,
            lambda: relief.give(desk, round_id, str(pid)),
            lambda h: self.message.done(
                self.tr("Đã phát cho %1: %2.").replace("%1", h.name).replace("%2", h.goods)
            ),
            self._refused,
            busy=[self.give_button],
        )

    def _ask_save_path(self, suggested: str) -> Path | None:
        """Where to write the report; None when the user cancels. Tests replace this method."""
        return self._saves.ask_excel_or_pdf(self, self.tr("Lưu báo cáo đợt cứu trợ"), suggested)

    def save_report(self) -> None:
        r, desk = self.current_round(), self.ctx.desk
        if r is None:
            return
        path = self._ask_save_path(f"bao-cao-cuu-tro-{r.id}-{r.on.isoformat()}.xlsx")
        if path is None:
            return
        round_id = r.id

        def work(progress: Progress, should_stop: ShouldStop) -> Any:
            return relief.write_report(desk, round_id, path, progress, should_stop)

        def done(_made: Any) -> None:
            self.message.done(self.tr("Đã lưu báo cáo đợt: %1").replace("%1", str(path)))

        task(self.ctx, self, self.tr("Đang lập báo cáo đợt cứu trợ…"), work, done, self._refused)
