"""Quản trị (administration): facilities with their zones and rooms, quarantine policies, users, the audit trail.

The services decide what each role may do; this page only hides or disables what the role cannot use.
Every list is a ``RowsModel``; every change goes through a dialog or a confirmation, runs on the write worker
(``ui.operations.write``), which tells the pages what changed; each tab reloads when its own areas did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, Slot
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from quarantine_desk.domain.policy import PolicyProfile
from quarantine_desk.domain.roles import Permission
from quarantine_desk.services import auth, facilities, policies
from quarantine_desk.services.auth import UserInfo
from quarantine_desk.services.changes import Area
from quarantine_desk.services.facilities import FacilityRow, RoomRow
from quarantine_desk.ui import operations
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms_compiled.ui_facilities_tab import Ui_FacilitiesTab
from quarantine_desk.ui.forms_compiled.ui_policies_tab import Ui_PoliciesTab
from quarantine_desk.ui.forms_compiled.ui_users_tab import Ui_UsersTab
from quarantine_desk.ui.interaction import error_text, interaction
from quarantine_desk.ui.labels import (
    policy_kind_label,
    role_label,
    room_sex_label,
    room_state_label,
)
from quarantine_desk.ui.models import Column, RowsModel
from quarantine_desk.ui.operations import follow, query
from quarantine_desk.ui.pages.admin_dialogs import (
    BulkRoomsDialog,
    FacilityDialog,
    PasswordDialog,
    PolicyDialog,
    RoomDialog,
    UserDialog,
)
from quarantine_desk.ui.pages.audit import AuditTab
from quarantine_desk.ui.tasks import writing

log = logging.getLogger(__name__)

R = TypeVar("R")


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _moment(value: datetime) -> str:
    return value.strftime("%d/%m/%Y %H:%M")


# --- the models ------------------------------------------------------------------------------------------------------


def facility_model(parent: QObject | None = None) -> RowsModel[FacilityRow]:
    return RowsModel(
        [
            Column(QCoreApplication.translate("AdminTables", "Mã"), lambda r: r.code),
            Column(QCoreApplication.translate("AdminTables", "Tên khu cách ly"), lambda r: r.name),
            Column(QCoreApplication.translate("AdminTables", "Huyện"), lambda r: r.district or ""),
            Column(QCoreApplication.translate("AdminTables", "Tỉnh"), lambda r: r.province or ""),
            Column(
                QCoreApplication.translate("AdminTables", "Địa chỉ"),
                lambda r: r.address or "",
                tooltip=lambda r: r.address or "",
            ),
            Column(
                QCoreApplication.translate("AdminTables", "Sức chứa"),
                lambda r: str(r.capacity) if r.capacity else "",
                align_right=True,
            ),
            Column(
                QCoreApplication.translate("AdminTables", "Trạng thái"),
                lambda r: (
                    QCoreApplication.translate("AdminTables", "Đang hoạt động")
                    if r.active
                    else QCoreApplication.translate("AdminTables", "Đã đóng")
                ),
            ),
        ],
        parent,
    )


def room_model(parent: QObject | None = None) -> RowsModel[RoomRow]:
    return RowsModel(
        [
            Column(QCoreApplication.translate("AdminTables", "Khu / tầng"), lambda r: r.zone),
            Column(QCoreApplication.translate("AdminTables", "Phòng"), lambda r: r.room),
            Column(QCoreApplication.translate("AdminTables", "Giới tính"), lambda r: room_sex_label(r.sex)),
            Column(
                QCoreApplication.translate("AdminTables", "Số giường"),
                lambda r: str(r.beds_in_service),
                align_right=True,
            ),
            Column(
                QCoreApplication.translate("AdminTables", "Đang ở"),
                lambda r: str(r.occupants),
                align_right=True,
            ),
            Column(
                QCoreApplication.translate("AdminTables", "Trạng thái"), lambda r: room_state_label(r.state)
            ),
        ],
        parent,
    )


def policy_model(parent: QObject | None = None) -> RowsModel[PolicyProfile]:
    return RowsModel(
        [
            Column(
                QCoreApplication.translate("AdminTables", "Tên quy định"),
                lambda p: p.name,
                tooltip=lambda p: p.name,
            ),
            Column(
                QCoreApplication.translate("AdminTables", "Áp dụng cho"), lambda p: policy_kind_label(p.kind)
            ),
            Column(
                QCoreApplication.translate("AdminTables", "Hiệu lực từ"), lambda p: _day(p.effective_from)
            ),
            Column(
                QCoreApplication.translate("AdminTables", "Hiệu lực đến"),
                lambda p: (
                    _day(p.effective_to)
                    if p.effective_to
                    else QCoreApplication.translate("AdminTables", "không thời hạn")
                ),
            ),
            Column(
                QCoreApplication.translate("AdminTables", "Số ngày"), lambda p: str(p.days), align_right=True
            ),
            Column(
                QCoreApplication.translate("AdminTables", "Ngày xét nghiệm"),
                lambda p: ", ".join(map(str, p.test_days)),
            ),
        ],
        parent,
    )


def _user_state(user: UserInfo, now: datetime) -> str:
    if not user.active:
        return QCoreApplication.translate("AdminTables", "Đã khóa")
    if user.locked_until and user.locked_until > now:
        return QCoreApplication.translate("AdminTables", "Phải chờ đăng nhập đến {0}").format(
            user.locked_until.strftime("%H:%M")
        )
    return QCoreApplication.translate("AdminTables", "Đang dùng")


def _user_places(user: UserInfo) -> str:
    if user.district:
        return QCoreApplication.translate("AdminTables", "Cả huyện")
    return ", ".join(user.facilities)


def user_model(now: Callable[[], datetime], parent: QObject | None = None) -> RowsModel[UserInfo]:
    return RowsModel(
        [
            Column(QCoreApplication.translate("AdminTables", "Tên đăng nhập"), lambda u: u.username),
            Column(QCoreApplication.translate("AdminTables", "Họ và tên"), lambda u: u.full_name or ""),
            Column(QCoreApplication.translate("AdminTables", "Vai trò"), lambda u: role_label(u.role)),
            Column(QCoreApplication.translate("AdminTables", "Làm việc tại"), _user_places),
            Column(QCoreApplication.translate("AdminTables", "Trạng thái"), lambda u: _user_state(u, now())),
        ],
        parent,
    )


# --- shared pieces ----------------------------------------------------------------------------------------------------


def table_view(view: QTableView, model: RowsModel[Any]) -> QTableView:
    """A list the tab's form has placed: whole rows, one at a time, read-only, compact."""
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setWordWrap(False)
    # Compact rows: more of a long list fits on a 768-pixel screen.
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    return view


def selected(view: QTableView, model: RowsModel[R]) -> R | None:
    rows = view.selectionModel().selectedRows()
    return model.row_at(rows[0].row()) if rows else None


def button(widget: QPushButton, slot: Callable[[], None]) -> QPushButton:
    widget.clicked.connect(slot)
    return widget


class _Tab(QWidget):
    """One tab of the page: it reloads itself when the areas it shows change (``AREAS``), or when shown again
    after they changed while it was hidden."""

    AREAS: frozenset[Area] = frozenset()
    FOLLOWS_FACILITY = False

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.follower = follow(self, ctx, self.AREAS, self.refresh, facility=self.FOLLOWS_FACILITY)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.follower.shown()  # reload what changed while the page was hidden

    def refresh(self) -> None:
        raise NotImplementedError

    def fail(self, err: BaseException) -> None:
        interaction().error(self, error_text(err, self.ctx.lang))

    def write(self, func: Callable[[], object], button: QPushButton) -> None:
        """A change confirmed on this tab, on the write worker; the button waits for the answer."""
        operations.write(self.ctx, self, func, lambda _result: None, self.fail, busy=[button])


# --- Khu cách ly -------------------------------------------------------------------------------------------------------


class FacilitiesTab(_Tab):
    AREAS = frozenset({Area.FACILITIES, Area.ROOMS, Area.STAYS})
    FOLLOWS_FACILITY = True  # the rooms listed are the current facility's

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        can_manage = ctx.desk.can(Permission.MANAGE_FACILITY)

        self.ui = Ui_FacilitiesTab()
        self.ui.setupUi(self)
        ui = self.ui
        self.facilities = facility_model(self)
        self.facility_view = table_view(ui.facilityTable, self.facilities)
        self.add_facility_button = button(ui.addFacility, self.add_facility)
        self.edit_facility_button = button(ui.editFacility, self.edit_facility)
        self.toggle_facility_button = button(ui.toggleFacility, self.toggle_facility)
        self.work_here_button = button(ui.useFacility, self.use_facility)

        self.rooms = room_model(self)
        self.room_view = table_view(ui.roomTable, self.rooms)
        self.bulk_button = button(ui.bulkRooms, self.add_rooms)
        self.edit_room_button = button(ui.editRoom, self.edit_room)
        self.toggle_room_button = button(ui.toggleRoom, self.toggle_room)
        self.room_box = ui.room_box
        # A province has a handful of facilities but a facility has hundreds of rooms: give the rooms the room.
        ui.splitter.setSizes([180, 480])

        for widget in (
            self.add_facility_button,
            self.edit_facility_button,
            self.toggle_facility_button,
            self.bulk_button,
            self.edit_room_button,
            self.toggle_room_button,
        ):
            widget.setVisible(can_manage)
        self.facility_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.room_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.facility_view.doubleClicked.connect(lambda _index: self.edit_facility())
        self.room_view.doubleClicked.connect(lambda _index: self.edit_room())

    def refresh(self) -> None:
        """Read the facilities, and the rooms of the current one, off the GUI thread."""
        desk, code = self.ctx.desk, self.ctx.facility
        query(
            self,
            lambda: (facilities.list_facilities(desk), facilities.room_board(desk, code) if code else []),
            lambda loaded: self.show_facilities(*loaded),
            self.fail,
        )

    def show_facilities(self, rows: list[FacilityRow], rooms: list[RoomRow]) -> None:
        chosen = selected(self.facility_view, self.facilities)
        self.facilities.set_rows(rows)
        if chosen is not None:
            for row, facility in enumerate(self.facilities.rows()):
                if facility.code == chosen.code:
                    self.facility_view.selectRow(row)
        self.facility_view.resizeColumnsToContents()
        code = self.ctx.facility
        if code:
            self.room_box.setTitle(self.tr("Khu / tầng và phòng của khu {0}").format(code))
            self.rooms.set_rows(rooms)
        else:
            self.room_box.setTitle(self.tr("Khu / tầng và phòng (chưa chọn khu cách ly)"))
            self.rooms.set_rows([])
        self.room_view.resizeColumnsToContents()
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        facility = selected(self.facility_view, self.facilities)
        self.edit_facility_button.setEnabled(facility is not None)
        self.toggle_facility_button.setEnabled(facility is not None)
        self.work_here_button.setEnabled(facility is not None and facility.active)
        self.toggle_facility_button.setText(
            self.tr("Mở lại khu") if facility is not None and not facility.active else self.tr("Đóng khu")
        )
        room = selected(self.room_view, self.rooms)
        self.bulk_button.setEnabled(bool(self.ctx.facility))
        self.edit_room_button.setEnabled(room is not None)
        self.toggle_room_button.setEnabled(room is not None)
        self.toggle_room_button.setText(
            self.tr("Đưa phòng vào sử dụng")
            if room is not None and room.state == "out_of_service"
            else self.tr("Ngừng sử dụng phòng")
        )

    def add_facility(self) -> None:
        dialog = FacilityDialog(self.ctx, None, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted and not self.ctx.facility and dialog.saved is not None:
            self.ctx.set_facility(dialog.saved.code)

    def edit_facility(self) -> None:
        facility = selected(self.facility_view, self.facilities)
        if facility is None or not self.ctx.desk.can(Permission.MANAGE_FACILITY):
            return
        FacilityDialog(
            self.ctx, facility, self
        ).exec()  # it saves on the write worker; the pages hear what changed from there

    def toggle_facility(self) -> None:
        facility = selected(self.facility_view, self.facilities)
        if facility is None or writing(self):
            return
        if facility.active:
            question = self.tr("Đóng khu cách ly {0}? Khu đã đóng không nhận thêm người.").format(
                facility.code
            )
        else:
            question = self.tr("Mở lại khu cách ly {0} để nhận người?").format(facility.code)
        if not interaction().confirm(self, question):
            return
        desk = self.ctx.desk
        self.write(
            lambda: facilities.set_facility_active(desk, facility.code, not facility.active),
            self.toggle_facility_button,
        )

    def use_facility(self) -> None:
        facility = selected(self.facility_view, self.facilities)
        if facility is not None:
            self.ctx.set_facility(facility.code)

    def add_rooms(self) -> None:
        if not self.ctx.facility:
            return
        BulkRoomsDialog(
            self.ctx, self.ctx.facility, self
        ).exec()  # it saves on the write worker; the pages hear what changed from there

    def edit_room(self) -> None:
        room = selected(self.room_view, self.rooms)
        if room is None or not self.ctx.facility or not self.ctx.desk.can(Permission.MANAGE_FACILITY):
            return
        RoomDialog(
            self.ctx, self.ctx.facility, room, self
        ).exec()  # it saves on the write worker; the pages hear what changed from there

    def toggle_room(self) -> None:
        room = selected(self.room_view, self.rooms)
        if room is None or not self.ctx.facility or writing(self):
            return
        back = room.state == "out_of_service"
        question = (
            self.tr("Đưa phòng {0} trở lại sử dụng?")
            if back
            else self.tr("Ngừng sử dụng phòng {0} (sửa chữa)? Phòng phải đang trống.")
        ).format(room.room)
        if not interaction().confirm(self, question):
            return
        desk, code = self.ctx.desk, self.ctx.facility
        self.write(
            lambda: facilities.set_room_in_service(desk, code, room.room, back), self.toggle_room_button
        )


# --- Quy định cách ly ----------------------------------------------------------------------------------------------------


class PoliciesTab(_Tab):
    AREAS = frozenset({Area.POLICIES})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_PoliciesTab()
        self.ui.setupUi(self)
        self.policies = policy_model(self)
        self.view = table_view(self.ui.policyTable, self.policies)
        self.add_button = button(self.ui.addPolicy, self.add_policy)
        self.edit_button = button(self.ui.editPolicy, self.edit_policy)
        can_manage = ctx.desk.can(Permission.MANAGE_POLICY)
        self.add_button.setVisible(can_manage)
        self.edit_button.setVisible(can_manage)
        self.view.doubleClicked.connect(lambda _index: self.edit_policy())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()
        self._wire_apply()

    def _wire_apply(self) -> None:
        """The context menu of a policy: apply it to the stays in progress of the facility, after a list."""
        if not self.ctx.desk.can(Permission.MANAGE_POLICY):
            return
        action = QAction(self.tr("Áp dụng cho người đang cách ly…"), self.view)
        action.triggered.connect(self.apply_to_stays)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.addAction(action)

    def apply_to_stays(self) -> None:
        """List the stays in progress the policy would change, ask, then apply it (audited by the service)."""
        policy = selected(self.view, self.policies)
        code = self.ctx.facility
        if policy is None or policy.id is None or not code or writing(self):
            return
        policy_id, name, desk = policy.id, policy.name, self.ctx.desk
        # The list is read off the GUI thread; the question comes when it is there.
        query(
            self,
            lambda: policies.apply_policy(desk, policy_id, code),
            lambda listed: self._confirm_apply(listed, policy_id, name, code),
            self.fail,
            key="apply_policy",
        )

    def _confirm_apply(
        self, listed: policies.PolicyApplication, policy_id: int, name: str, code: str
    ) -> None:
        if not listed.changes:
            interaction().info(
                self,
                self.tr("Không có người đang cách ly nào thay đổi theo quy định “%1”.").replace("%1", name),
            )
            return
        lines = "\n".join(
            f"{c.full_name} ({c.room}): {c.planned_before:%d/%m/%Y} → {c.planned_after:%d/%m/%Y}"
            for c in listed.changes[:30]
        )
        more = len(listed.changes) - 30
        if more > 0:
            lines += "\n" + self.tr("… và %1 người khác").replace("%1", str(more))
        question = (
            self.tr("Áp dụng “%1” cho %2 người đang cách ly tại %3? Ngày ra dự kiến sẽ đổi:")
            .replace("%1", name)
            .replace("%2", str(len(listed.changes)))
            .replace("%3", code)
            + "\n"
            + lines
        )
        if not interaction().confirm(self, question, self.tr("Áp dụng quy định")):
            return
        desk = self.ctx.desk
        operations.write(
            self.ctx,
            self,
            lambda: policies.apply_policy(desk, policy_id, code, confirm=True),
            lambda _result: None,
            self.fail,
        )

    def refresh(self) -> None:
        desk = self.ctx.desk
        query(self, lambda: policies.list_policies(desk), self.show_policies, self.fail)

    def show_policies(self, rows: list[PolicyProfile]) -> None:
        self.policies.set_rows(rows)
        self.view.resizeColumnsToContents()
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(selected(self.view, self.policies) is not None)

    def add_policy(self) -> None:
        PolicyDialog(
            self.ctx, None, self
        ).exec()  # it saves on the write worker; the pages hear what changed from there

    def edit_policy(self) -> None:
        policy = selected(self.view, self.policies)
        if policy is None or not self.ctx.desk.can(Permission.MANAGE_POLICY):
            return
        PolicyDialog(
            self.ctx, policy, self
        ).exec()  # it saves on the write worker; the pages hear what changed from there


# --- Người dùng ------------------------------------------------------------------------------------------------------------


class UsersTab(_Tab):
    AREAS = frozenset({Area.USERS, Area.FACILITIES})

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_UsersTab()
        self.ui.setupUi(self)
        self.users = user_model(ctx.desk.now, self)
        self.view = table_view(self.ui.userTable, self.users)
        self.places: list[FacilityRow] = []
        self.add_button = button(self.ui.addUser, self.add_user)
        self.password_button = button(self.ui.resetPassword, self.reset_password)
        self.toggle_button = button(self.ui.toggleUser, self.toggle_user)
        self.edit_button = button(self.ui.editUser, self.edit_user)
        self.unlock_button = button(self.ui.unlockUser, self.unlock_user)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def refresh(self) -> None:
        desk = self.ctx.desk
        query(
            self,
            lambda: (auth.list_users(desk), facilities.list_facilities(desk)),
            self.show_users,
            self.fail,
        )

    def show_users(self, found: tuple[list[UserInfo], list[FacilityRow]]) -> None:
        rows, self.places = found
        self.users.set_rows(rows)
        self.view.resizeColumnsToContents()
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        user = selected(self.view, self.users)
        self.password_button.setEnabled(user is not None)
        self.toggle_button.setEnabled(user is not None and user.username != self.ctx.desk.username)
        self.edit_button.setEnabled(user is not None and user.username != self.ctx.desk.username)
        waiting = (
            user is not None and user.locked_until is not None and user.locked_until > self.ctx.desk.now()
        )
        self.unlock_button.setEnabled(waiting)
        self.toggle_button.setText(
            self.tr("Mở tài khoản") if user is not None and not user.active else self.tr("Khóa tài khoản")
        )

    def add_user(self) -> None:
        UserDialog(
            self.ctx, self, places=self.places
        ).exec()  # it saves on the write worker; the pages hear what changed from there

    def edit_user(self) -> None:
        user = selected(self.view, self.users)
        if user is not None:
            UserDialog(self.ctx, self, places=self.places, user=user).exec()

    def reset_password(self) -> None:
        user = selected(self.view, self.users)
        if user is not None:
            PasswordDialog(self.ctx, user.username, self).exec()

    def unlock_user(self) -> None:
        user = selected(self.view, self.users)
        if user is None or writing(self):
            return
        desk = self.ctx.desk
        self.write(lambda: auth.unlock_user(desk, user.username), self.unlock_button)

    def toggle_user(self) -> None:
        user = selected(self.view, self.users)
        if user is None or writing(self):
            return
        question = (
            self.tr("Khóa tài khoản {0}? Người này sẽ không đăng nhập được nữa.")
            if user.active
            else self.tr("Mở lại tài khoản {0}?")
        ).format(user.username)
        if not interaction().confirm(self, question):
            return
        desk = self.ctx.desk
        self.write(lambda: auth.set_active(desk, user.username, not user.active), self.toggle_button)


# --- Nhật ký --------------------------------------------------------------------------------------------------------------


# --- the page --------------------------------------------------------------------------------------------------------------


class AdminPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setObjectName("adminTabs")
        self.facilities_tab = FacilitiesTab(ctx)
        self.policies_tab = PoliciesTab(ctx)
        self.tabs.addTab(self.facilities_tab, self.tr("Khu cách ly"))
        self.tabs.addTab(self.policies_tab, self.tr("Quy định cách ly"))
        self.users_tab: UsersTab | None = None
        self.audit_tab: AuditTab | None = None
        if ctx.desk.can(Permission.MANAGE_USERS):
            self.users_tab = UsersTab(ctx)
            self.tabs.addTab(self.users_tab, self.tr("Người dùng"))
        if ctx.desk.can(Permission.VIEW_AUDIT):
            self.audit_tab = AuditTab(ctx)
            self.tabs.addTab(self.audit_tab, self.tr("Nhật ký"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.refresh()

    def tab_widgets(self) -> list[_Tab | AuditTab]:
        return [t for t in (self.facilities_tab, self.policies_tab, self.users_tab, self.audit_tab) if t]

    @Slot()
    def refresh(self) -> None:
        for tab in self.tab_widgets():
            tab.refresh()
