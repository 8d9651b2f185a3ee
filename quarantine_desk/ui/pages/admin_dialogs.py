"""The Administration page's dialogs: facility, bulk rooms, one room, quarantine policy, user, password.

Each dialog calls its service when the user confirms. A refusal (``DeskError``) is shown in the dialog beside
the fields and the dialog stays open; nothing is written until the service accepts the whole entry. The fields
are read here; the service call runs on the write worker (``ui.operations.write``) and the dialog closes when
it has answered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLineEdit, QListWidgetItem, QWidget

from quarantine_desk.domain.errors import DeskError, InvalidInput
from quarantine_desk.domain.policy import PolicyKind, PolicyProfile
from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.rooms import RoomSex
from quarantine_desk.services import auth, facilities, policies
from quarantine_desk.services.auth import UserInfo
from quarantine_desk.services.facilities import FacilityRow, RoomRow
from quarantine_desk.ui import operations
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms import ErrorLine, ready_buttons
from quarantine_desk.ui.forms_compiled.ui_bulk_rooms_dialog import Ui_BulkRoomsDialog
from quarantine_desk.ui.forms_compiled.ui_facility_dialog import Ui_FacilityDialog
from quarantine_desk.ui.forms_compiled.ui_password_dialog import Ui_PasswordDialog
from quarantine_desk.ui.forms_compiled.ui_policy_dialog import Ui_PolicyDialog
from quarantine_desk.ui.forms_compiled.ui_room_dialog import Ui_RoomDialog
from quarantine_desk.ui.forms_compiled.ui_user_dialog import Ui_UserDialog
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.labels import policy_kind_label, role_label, room_sex_label
from quarantine_desk.ui.tasks import writing


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def fill_sex_box(box: QComboBox, current: str = RoomSex.ANY.value) -> QComboBox:
    """The room sexes, in the interface language, with ``current`` chosen."""
    for sex in (RoomSex.MALE, RoomSex.FEMALE, RoomSex.ANY):
        box.addItem(room_sex_label(sex), sex.value)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


class ServiceDialog(QDialog):
    """A form whose confirmation calls a service; a refusal is shown in ``self.error`` and nothing changes.

    A subclass builds its form (``self.ui.setupUi(self)``) and hands its error line and buttons to ``use_form``.
    """

    error: ErrorLine
    buttons: QDialogButtonBox

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def use_form(self, error: ErrorLine, buttons: QDialogButtonBox) -> None:
        self.error = error
        self.buttons = ready_buttons(buttons)

    def save(self) -> Callable[[], object]:
        """Read the fields (here, on the GUI thread) and give the service call that stores them."""
        raise NotImplementedError

    def stored(self, result: object) -> None:
        """What the service answered, kept before the dialog closes."""

    def accept(self) -> None:
        if writing(self):
            return  # a second Enter while the entry is being saved
        try:
            write = self.save()
        except DeskError as err:
            self.error.show_error(self.ctx.describe(err))
            return
        operations.write(self.ctx, self, write, self._saved, self._refused, busy=[self.buttons])

    def _saved(self, result: object) -> None:
        self.stored(result)
        QDialog.accept(self)

    def _refused(self, err: BaseException) -> None:
        self.error.show_error(error_text(err, self.ctx.lang))

    def reject(self) -> None:
        # Cancel (or Esc) while the entry is being saved would hide whether it was: wait for the answer.
        if not writing(self):
            super().reject()


class FacilityDialog(ServiceDialog):
    def __init__(
        self, ctx: UiContext, existing: FacilityRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_FacilityDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        if existing is not None:
            self.setWindowTitle(self.tr("Sửa khu cách ly"))
        self.existing = existing
        self.code = self.ui.code
        self.name = self.ui.name
        self.district = self.ui.district
        self.province = self.ui.province
        self.address = self.ui.address
        self.capacity = self.ui.capacity
        if existing is not None:
            self.code.setText(existing.code)
            self.code.setReadOnly(True)
            self.name.setText(existing.name)
            self.district.setText(existing.district or "")
            self.province.setText(existing.province or "")
            self.address.setText(existing.address or "")
            self.capacity.setValue(existing.capacity or 0)
            self.name.setFocus()  # the code of a facility never changes
        self.saved: FacilityRow | None = None

    def save(self) -> Callable[[], object]:
        capacity = self.capacity.value() or None
        if self.existing is None:
            return partial(
                facilities.add_facility,
                self.ctx.desk,
                self.code.text(),
                self.name.text(),
                district=self.district.text(),
                province=self.province.text(),
                address=self.address.text(),
                capacity=capacity,
            )
        return partial(
            facilities.update_facility,
            self.ctx.desk,
            self.existing.code,
            name=self.name.text(),
            district=self.district.text(),
            province=self.province.text(),
            address=self.address.text(),
            capacity=capacity,
            version=self.existing.version,
        )

    def stored(self, result: object) -> None:
        assert isinstance(result, FacilityRow)
        self.saved = result


class BulkRoomsDialog(ServiceDialog):
    """ "Tầng 2: phòng 201–220, 4 giường mỗi phòng, nam" in one step."""

    def __init__(self, ctx: UiContext, facility_code: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_BulkRoomsDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        self.facility_code = facility_code
        self.ui.facilityCode.setText(facility_code)
        self.zone = self.ui.zone
        self.rooms = self.ui.rooms
        # The service sets the real limits; the box only keeps the number sane.
        self.beds = self.ui.beds
        self.sex = fill_sex_box(self.ui.sex)
        self.added: list[str] = []

    def save(self) -> Callable[[], object]:
        return partial(
            facilities.add_rooms,
            self.ctx.desk,
            self.facility_code,
            self.zone.text().strip(),
            self.rooms.text(),
            self.beds.value(),
            self.sex.currentData(),
        )

    def stored(self, result: object) -> None:
        assert isinstance(result, list)
        self.added = result


class RoomDialog(ServiceDialog):
    def __init__(
        self, ctx: UiContext, facility_code: str, room: RoomRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_RoomDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        self.setWindowTitle(self.tr("Sửa phòng {0}").format(room.room))
        self.facility_code = facility_code
        self.room = room
        self.ui.zoneName.setText(room.zone)
        self.beds = self.ui.beds
        self.beds.setValue(room.beds_in_service)
        self.sex = fill_sex_box(self.ui.sex, room.sex)

    def save(self) -> Callable[[], object]:
        beds = self.beds.value() if self.beds.value() != self.room.beds_in_service else None
        sex = self.sex.currentData() if self.sex.currentData() != self.room.sex else None
        return partial(
            facilities.update_room,
            self.ctx.desk,
            self.facility_code,
            self.room.room,
            beds=beds,
            sex=sex,
            version=self.room.version,  # refused if another PC has edited the room since it was shown
        )


def parse_test_days(text: str) -> tuple[int, ...]:
    """ "1,7,14" or "1 7 14" → (1, 7, 14)."""
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    if not parts:
        raise InvalidInput("test_days", "empty")
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise InvalidInput("test_days", "bad_format", text) from None


class PolicyDialog(ServiceDialog):
    def __init__(
        self, ctx: UiContext, existing: PolicyProfile | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_PolicyDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        if existing is not None:
            self.setWindowTitle(self.tr("Sửa quy định cách ly"))
        self.existing = existing
        today = ctx.desk.now().date()
        self.name = self.ui.name
        self.name.setText(existing.name if existing else "")
        self.effective_from = self.ui.effectiveFrom
        self.effective_from.setDate(qdate(existing.effective_from if existing else today))
        self.has_end = self.ui.hasEnd
        self.effective_to = self.ui.effectiveTo
        self.effective_to.setDate(qdate((existing.effective_to if existing else None) or today))
        # The form connects the box to the date: checked, the end date can be entered.
        self.has_end.setChecked(bool(existing and existing.effective_to))
        self.effective_to.setEnabled(self.has_end.isChecked())
        self.kind = self.ui.kind
        for kind in PolicyKind:
            self.kind.addItem(policy_kind_label(kind), kind.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(existing.kind.value if existing else "standard")))
        self.days = self.ui.days
        if existing is not None:
            self.days.setValue(existing.days)
        self.test_days = self.ui.testDays
        self.test_days.setText(",".join(map(str, existing.test_days)) if existing else "1,7,14")
        self.saved: PolicyProfile | None = None

    def save(self) -> Callable[[], object]:
        profile = PolicyProfile(
            id=self.existing.id if self.existing else None,
            name=self.name.text().strip(),
            effective_from=pydate(self.effective_from.date()),
            effective_to=pydate(self.effective_to.date()) if self.has_end.isChecked() else None,
            kind=PolicyKind(self.kind.currentData()),
            days=self.days.value(),
            test_days=parse_test_days(self.test_days.text()),
        )
        expected = self.existing.version if self.existing else None
        return partial(policies.save_policy, self.ctx.desk, profile, expected_version=expected)

    def stored(self, result: object) -> None:
        assert isinstance(result, PolicyProfile)
        self.saved = result


def _matching(password: QLineEdit, repeat: QLineEdit) -> bool:
    return password.text() == repeat.text()


class UserDialog(ServiceDialog):
    """A new user, or (``user`` given) the role and facilities of an existing one: the whole district, or the
    facilities ticked in the list."""

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        places: Sequence[FacilityRow] = (),
        user: UserInfo | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_UserDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        self.editing = user
        self.username = self.ui.username
        self.full_name = self.ui.fullName
        self.role = self.ui.role
        for role in (Role.MEDICAL, Role.MANAGER, Role.LOGISTICS, Role.VIEWER, Role.ADMIN):
            self.role.addItem(role_label(role), role.value)
        self.password = self.ui.password
        self.repeat = self.ui.repeat
        self.district = self.ui.district
        self.facility_list = self.ui.facilityList
        theirs = set(user.facilities) if user else set()
        for place in places:
            item = QListWidgetItem(f"{place.code} – {place.name}", self.facility_list)
            item.setData(Qt.ItemDataRole.UserRole, place.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if place.code in theirs else Qt.CheckState.Unchecked)
        # Only a district user may give the district; a facility's administrator gives their own facilities.
        self.district.setVisible(ctx.desk.facilities is None)
        self.district.setChecked(ctx.desk.facilities is None and (user is None or user.district))
        self.district.toggled.connect(self._district_toggled)
        self._district_toggled(self.district.isChecked())
        if user is not None:
            self.setWindowTitle(self.tr("Vai trò và khu cách ly của {0}").format(user.username))
            self.username.setText(user.username)
            self.username.setReadOnly(True)
            self.full_name.setText(user.full_name or "")
            self.full_name.setReadOnly(True)
            self.role.setCurrentIndex(max(0, self.role.findData(user.role.value)))
            for widget in (self.password, self.repeat, self.ui.passwordLabel, self.ui.repeatLabel):
                widget.hide()

    @Slot(bool)
    def _district_toggled(self, district: bool) -> None:
        self.facility_list.setEnabled(not district)

    def chosen_facilities(self) -> list[str] | None:
        """The ticked facility codes; None for the whole district."""
        if self.district.isChecked():
            return None
        items = (self.facility_list.item(i) for i in range(self.facility_list.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def accept(self) -> None:
        if self.editing is None and not _matching(self.password, self.repeat):
            self.error.show_error(self.tr("Hai lần nhập mật khẩu không khớp."))
            return
        if self.chosen_facilities() == []:
            self.error.show_error(self.tr("Chọn ít nhất một khu cách ly, hoặc cả huyện."))
            return
        super().accept()

    def save(self) -> Callable[[], object]:
        places = self.chosen_facilities()
        if self.editing is not None:
            return partial(
                auth.update_user,
                self.ctx.desk,
                self.editing.username,
                role=self.role.currentData(),
                facilities=places,
                district=places is None,
            )
        return partial(
            auth.create_user,
            self.ctx.desk,
            self.username.text(),
            self.password.text(),
            self.role.currentData(),
            self.full_name.text().strip() or None,
            facilities=places,
        )


class PasswordDialog(ServiceDialog):
    def __init__(self, ctx: UiContext, username: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ui = Ui_PasswordDialog()
        self.ui.setupUi(self)
        self.use_form(self.ui.error, self.ui.buttons)
        self.setWindowTitle(self.tr("Đặt lại mật khẩu cho {0}").format(username))
        self.username = username
        self.password = self.ui.password
        self.repeat = self.ui.repeat

    def accept(self) -> None:
        if not _matching(self.password, self.repeat):
            self.error.show_error(self.tr("Hai lần nhập mật khẩu không khớp."))
            return
        super().accept()

    def save(self) -> Callable[[], object]:
        return partial(auth.set_password, self.ctx.desk, self.username, self.password.text())
