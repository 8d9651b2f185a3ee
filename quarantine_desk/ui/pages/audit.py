"""Nhật ký: the audit log in the user's words, filtered by text, user, action, person, room and dates, with the
total count; rows are fetched a page at a time as the list is scrolled (``canFetchMore``/``fetchMore``). Every
read runs off the GUI thread (``ui.operations.query``): the rows arrive a moment later."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPersistentModelIndex
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from quarantine_desk.services import audit, people
from quarantine_desk.services.audit import PAGE, AuditFilter, AuditRow
from quarantine_desk.services.changes import Area
from quarantine_desk.services.context import Desk
from quarantine_desk.ui.audit_text import action_text, codes_matching, event_text
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms_compiled.ui_audit_tab import Ui_AuditTab
from quarantine_desk.ui.interaction import error_text, interaction
from quarantine_desk.ui.models import Column, RowsModel
from quarantine_desk.ui.operations import follow, query
from quarantine_desk.ui.pages.admin_dialogs import pydate, qdate
from quarantine_desk.ui.widgets import setup_table

log = logging.getLogger(__name__)

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
        self._fetching = False

    def show(self, wanted: AuditFilter, total: int, rows: list[AuditRow]) -> None:
        """The first page of the events matching ``wanted``, and how many there are in all."""
        self.filter = wanted
        self.total = total
        self._fetching = False  # a page still on its way belongs to the filter before: ``query`` drops it
        self.set_rows(rows)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and not self._fetching and self.rowCount() < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        """The next page, read off the GUI thread; the rows are inserted when it arrives."""
        if parent.isValid() or self._fetching:
            return
        self._fetching = True
        desk, wanted, offset = self.desk, self.filter, self.rowCount()
        query(
            self,
            lambda: audit.events(desk, wanted, offset=offset, limit=PAGE),
            self._more,
            self._no_more,
            key=f"more{id(wanted)}",
        )

    def _more(self, more: list[AuditRow]) -> None:
        self._fetching = False
        if not more:
            self.total = self.rowCount()
            return
        self.append_rows(more)

    def _no_more(self, err: BaseException) -> None:
        self._fetching = False
        log.warning("more audit events could not be read: %s", err)


@dataclass(frozen=True)
class AuditPage:
    """One read of the tab: the choices of user and action, the filter, its total and the first rows."""

    users: list[str]
    actions: list[str]
    filter: AuditFilter
    total: int
    rows: list[AuditRow]


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
        self.follower = follow(self, ctx, {Area.AUDIT}, self.refresh, facility=False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.follower.shown()  # reload if events were recorded while the tab was hidden

    def _fill_choices(self, users: list[str], actions: list[str]) -> None:
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
        """The filter of the events on show."""
        return self.events.filter

    def refresh(self) -> None:
        """Read the events matching the fields (and the users and actions to choose from) off the GUI thread."""
        desk, text, who = self.ctx.desk, self.filter.text(), self.person.text().strip()
        action, username = self.action.currentData(), self.user.currentData()
        room = self.room.text().strip() or None
        since, until = pydate(self.since.date()), pydate(self.until.date())

        def read() -> AuditPage:
            person_ids = [p.id for p in people.search_people(desk, who)] if who else None
            wanted = AuditFilter(
                text=text,
                codes=codes_matching(text),
                action=action,
                username=username,
                person_ids=person_ids,
                room=room,
                since=since,
                until=until,
            )
            users, actions = audit.choices(desk)
            return AuditPage(
                users,
                actions,
                wanted,
                audit.count_events(desk, wanted),
                audit.events(desk, wanted, limit=PAGE),
            )

        query(
            self, read, self.show_page, lambda err: interaction().error(self, error_text(err, self.ctx.lang))
        )

    def show_page(self, page: AuditPage) -> None:
        self._fill_choices(page.users, page.actions)
        self.events.show(page.filter, page.total, page.rows)
        self._show_count()

    def _show_count(self) -> None:
        shown, total = self.events.rowCount(), self.events.total
        if shown < total:
            text = self.tr("Đang hiện %1 trong %2 sự kiện; cuộn xuống để xem thêm.")
        else:
            text = self.tr("%2 sự kiện")
        self.count.setText(text.replace("%1", str(shown)).replace("%2", str(total)))
