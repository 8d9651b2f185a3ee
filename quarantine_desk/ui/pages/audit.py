"""Nhật ký: the audit log in the user's words, filtered by text, user, action, person, room and dates, with the
total count; rows are fetched a page at a time as the list is scrolled (``canFetchMore``/``fetchMore``)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPersistentModelIndex
from PySide6.QtWidgets import QWidget

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.services import audit, people
from quarantine_desk.services.audit import PAGE, AuditFilter, AuditRow
from quarantine_desk.services.context import Desk
from quarantine_desk.ui.audit_text import action_text, codes_matching, event_text
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms_compiled.ui_audit_tab import Ui_AuditTab
from quarantine_desk.ui.interaction import error_text, interaction
from quarantine_desk.ui.models import Column, RowsModel
from quarantine_desk.ui.pages.admin_dialogs import pydate, qdate
from quarantine_desk.ui.widgets import setup_table

Index = QModelIndex | QPersistentModelIndex


class AuditModel(RowsModel[AuditRow]):
    """The events that match a filter, newest first; holds the pages fetched so far and the total count."""

    def __init__(self, desk: Desk, parent: QObject | None = None) -> None:
        super().__init__(
            [
                Column(
                    QCoreApplication.translate("AuditModel", "Thời điểm"),
                    lambda e: e.at.strftime("%d/%m/%Y %H:%M"),
                ),
                Column(QCoreApplication.translate("AuditModel", "Người dùng"), lambda e: e.username or ""),
                Column(QCoreApplication.translate("AuditModel", "Việc"), lambda e: action_text(e.action)),
                Column(
                    QCoreApplication.translate("AuditModel", "Người cách ly"), lambda e: e.person_name or ""
                ),
                Column(QCoreApplication.translate("AuditModel", "Phòng"), lambda e: e.room or ""),
                Column(QCoreApplication.translate("AuditModel", "Chi tiết"), event_text, tooltip=event_text),
            ],
            parent,
        )
        self.desk = desk
        self.filter = AuditFilter()
        self.total = 0

    def load(self, wanted: AuditFilter) -> None:
        """The first page of the events matching ``wanted``, and how many there are in all."""
        self.filter = wanted
        self.total = audit.count_events(self.desk, wanted)
        self.set_rows(audit.events(self.desk, wanted, limit=PAGE))

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self.rowCount() < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        if parent.isValid():
            return
        more = audit.events(self.desk, self.filter, offset=self.rowCount(), limit=PAGE)
        if not more:
            self.total = self.rowCount()
            return
        first = self.rowCount()
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()


class AuditTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        today = ctx.desk.now().date()
        # The layout, tab order and buddies come from forms/audit_tab.ui; the model and signals from here.
        self.ui = Ui_AuditTab()
        self.ui.setupUi(self)
        self.events = AuditModel(ctx.desk, self)
        self.view = setup_table(self.ui.auditTable, self.events, stretch_column=5)
        self.view.setWordWrap(False)
        self.filter = self.ui.auditFilter
        self.user = self.ui.auditUser
        self.action = self.ui.auditAction
        self.person = self.ui.auditPerson
        self.room = self.ui.auditRoom
        self.since = self.ui.auditSince
        self.since.setDate(qdate(date.fromordinal(today.toordinal() - 30)))
        self.until = self.ui.auditUntil
        self.until.setDate(qdate(today))
        self.apply_button = self.ui.auditApply
        self.apply_button.clicked.connect(self.refresh)
        for field in (self.filter, self.person, self.room):
            field.returnPressed.connect(self.refresh)
        self.user.activated.connect(lambda _i: self.refresh())
        self.action.activated.connect(lambda _i: self.refresh())
        self.count = self.ui.count
        self.events.rowsInserted.connect(lambda *_: self._show_count())

    def _fill_choices(self) -> None:
        users, actions = audit.choices(self.ctx.desk)
        chosen_user, chosen_action = self.user.currentData(), self.action.currentData()
        self.user.clear()
        self.user.addItem(self.tr("Tất cả"), None)
        for name in users:
            self.user.addItem(name, name)
        self.action.clear()
        self.action.addItem(self.tr("Tất cả"), None)
        for code in sorted(actions, key=action_text):
            self.action.addItem(action_text(code), code)
        self.user.setCurrentIndex(max(0, self.user.findData(chosen_user)))
        self.action.setCurrentIndex(max(0, self.action.findData(chosen_action)))

    def current_filter(self) -> AuditFilter:
        person_ids = None
        who = self.person.text().strip()
        if who:
            person_ids = [p.id for p in people.search_people(self.ctx.desk, who)]
        text = self.filter.text()
        return AuditFilter(
            text=text,
            codes=codes_matching(text),
            action=self.action.currentData(),
            username=self.user.currentData(),
            person_ids=person_ids,
            room=self.room.text().strip() or None,
            since=pydate(self.since.date()),
            until=pydate(self.until.date()),
        )

    def refresh(self) -> None:
        try:
            self._fill_choices()
            self.events.load(self.current_filter())
        except DeskError as err:
            interaction().error(self, error_text(err, self.ctx.lang))
            return
        self._show_count()

    def _show_count(self) -> None:
        shown, total = self.events.rowCount(), self.events.total
        if shown < total:
            text = self.tr("Đang hiện %1 trong %2 sự kiện; cuộn xuống để xem thêm.")
        else:
            text = self.tr("%2 sự kiện")
        self.count.setText(text.replace("%1", str(shown)).replace("%2", str(total)))
