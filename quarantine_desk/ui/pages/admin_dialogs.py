"""The Administration page's dialogs: facility, bulk rooms, one room, quarantine policy, user, password.

Each dialog calls its service when the user confirms. A refusal (``DeskError``) is shown in the dialog beside
the fields and the dialog stays open; nothing is written until the service accepts the whole entry. The fields
are read here; the service call runs on the write worker (``ui.tasks.run_write``) and the dialog closes when
it has answered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import partial

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from quarantine_desk.domain.errors import DeskError, InvalidInput
from quarantine_desk.domain.policy import PolicyKind, PolicyProfile
from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.rooms import RoomSex
from quarantine_desk.services import auth, facilities, policies
from quarantine_desk.services.facilities import FacilityRow, RoomRow
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms import ErrorLine, dialog_buttons
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.labels import policy_kind_label, role_label, room_sex_label
from quarantine_desk.ui.tasks import run_write, writing

DATE_FORMAT = "dd/MM/yyyy"


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


def sex_box(current: str = RoomSex.ANY.value) -> QComboBox:
    box = QComboBox()
    for sex in (RoomSex.MALE, RoomSex.FEMALE, RoomSex.ANY):
        box.addItem(room_sex_label(sex), sex.value)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


class ServiceDialog(QDialog):
    """A form whose confirmation calls a service; a refusal is shown in ``self.error`` and nothing changes."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.error = ErrorLine()
        self.buttons = dialog_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

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
        run_write(self, write, self._saved, self._refused, busy=[self.buttons])

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
        self.setWindowTitle(self.tr("Thêm khu cách ly") if existing is None else self.tr("Sửa khu cách ly"))
        self.existing = existing
        self.code = QLineEdit(existing.code if existing else "")
        self.code.setObjectName("code")
        self.code.setMaxLength(20)
        self.code.setPlaceholderText(self.tr("ví dụ: KTX-DHQG"))
        self.code.setReadOnly(existing is not None)
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setObjectName("name")
        self.district = QLineEdit((existing.district or "") if existing else "")
        self.district.setObjectName("district")
        self.province = QLineEdit((existing.province or "") if existing else "")
        self.province.setObjectName("province")
        self.address = QLineEdit((existing.address or "") if existing else "")
        self.address.setObjectName("address")
        self.capacity = QSpinBox()
        self.capacity.setObjectName("capacity")
        self.capacity.setRange(0, 100_000)
        self.capacity.setSpecialValueText(self.tr("không ghi"))
        self.capacity.setValue((existing.capacity or 0) if existing else 0)
        self.form.addRow(self.tr("Mã khu:"), self.code)
        self.form.addRow(self.tr("Tên khu cách ly:"), self.name)
        self.form.addRow(self.tr("Huyện:"), self.district)
        self.form.addRow(self.tr("Tỉnh:"), self.province)
        self.form.addRow(self.tr("Địa chỉ:"), self.address)
        self.form.addRow(self.tr("Sức chứa (người):"), self.capacity)
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
        )

    def stored(self, result: object) -> None:
        assert isinstance(result, FacilityRow)
        self.saved = result


class BulkRoomsDialog(ServiceDialog):
    """ "Tầng 2: phòng 201–220, 4 giường mỗi phòng, nam" in one step."""

    def __init__(self, ctx: UiContext, facility_code: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setWindowTitle(self.tr("Thêm phòng hàng loạt"))
        self.facility_code = facility_code
        self.zone = QLineEdit()
        self.zone.setObjectName("zone")
        self.zone.setPlaceholderText(self.tr("ví dụ: Tầng 2"))
        self.rooms = QLineEdit()
        self.rooms.setObjectName("rooms")
        self.rooms.setPlaceholderText(self.tr("ví dụ: 201-220, 225"))
        self.beds = QSpinBox()
        self.beds.setObjectName("beds")
        # The service sets the real limits; the box only keeps the number sane.
        self.beds.setRange(0, 999)
        self.beds.setValue(4)
        self.sex = sex_box()
        self.sex.setObjectName("sex")
        self.form.addRow(self.tr("Khu cách ly:"), QLabel(facility_code))
        self.form.addRow(self.tr("Khu / tầng:"), self.zone)
        self.form.addRow(self.tr("Các phòng:"), self.rooms)
        self.form.addRow(self.tr("Số giường mỗi phòng:"), self.beds)
        self.form.addRow(self.tr("Giới tính:"), self.sex)
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
        self.setWindowTitle(self.tr("Sửa phòng {0}").format(room.room))
        self.facility_code = facility_code
        self.room = room
        self.beds = QSpinBox()
        self.beds.setObjectName("beds")
        self.beds.setRange(0, 999)
        self.beds.setValue(room.beds_in_service)
        self.sex = sex_box(room.sex)
        self.sex.setObjectName("sex")
        self.form.addRow(self.tr("Khu / tầng:"), QLabel(room.zone))
        self.form.addRow(self.tr("Số giường:"), self.beds)
        self.form.addRow(self.tr("Giới tính:"), self.sex)

    def save(self) -> Callable[[], object]:
        beds = self.beds.value() if self.beds.value() != self.room.beds_in_service else None
        sex = self.sex.currentData() if self.sex.currentData() != self.room.sex else None
        return partial(
            facilities.update_room, self.ctx.desk, self.facility_code, self.room.room, beds=beds, sex=sex
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
        self.setWindowTitle(
            self.tr("Thêm quy định cách ly") if existing is None else self.tr("Sửa quy định cách ly")
        )
        self.existing = existing
        today = ctx.desk.now().date()
        self.name = QLineEdit(existing.name if existing else "")
        self.name.setObjectName("name")
        self.effective_from = date_edit(existing.effective_from if existing else today)
        self.effective_from.setObjectName("effectiveFrom")
        self.has_end = QCheckBox(self.tr("Có ngày hết hiệu lực"))
        self.has_end.setObjectName("hasEnd")
        self.effective_to = date_edit((existing.effective_to if existing else None) or today)
        self.effective_to.setObjectName("effectiveTo")
        self.has_end.setChecked(bool(existing and existing.effective_to))
        self.effective_to.setEnabled(self.has_end.isChecked())
        self.has_end.toggled.connect(self.effective_to.setEnabled)
        end_row = QHBoxLayout()
        end_row.addWidget(self.has_end)
        end_row.addWidget(self.effective_to, 1)
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind in PolicyKind:
            self.kind.addItem(policy_kind_label(kind), kind.value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(existing.kind.value if existing else "standard")))
        self.days = QSpinBox()
        self.days.setObjectName("days")
        self.days.setRange(0, 365)
        self.days.setValue(existing.days if existing else 14)
        self.test_days = QLineEdit(",".join(map(str, existing.test_days)) if existing else "1,7,14")
        self.test_days.setObjectName("testDays")
        self.test_days.setPlaceholderText(self.tr("ví dụ: 1,7,14"))
        self.form.addRow(self.tr("Tên quy định:"), self.name)
        self.form.addRow(self.tr("Hiệu lực từ:"), self.effective_from)
        self.form.addRow(self.tr("Hiệu lực đến:"), end_row)
        self.form.addRow(self.tr("Áp dụng cho:"), self.kind)
        self.form.addRow(self.tr("Số ngày cách ly:"), self.days)
        self.form.addRow(self.tr("Ngày xét nghiệm:"), self.test_days)
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
        return partial(policies.save_policy, self.ctx.desk, profile)

    def stored(self, result: object) -> None:
        assert isinstance(result, PolicyProfile)
        self.saved = result


class _PasswordFields:
    def __init__(self, dialog: ServiceDialog) -> None:
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        dialog.form.addRow(QCoreApplication.translate("PasswordFields", "Mật khẩu:"), self.password)
        dialog.form.addRow(QCoreApplication.translate("PasswordFields", "Nhập lại mật khẩu:"), self.repeat)

    def matching(self) -> bool:
        return self.password.text() == self.repeat.text()


class UserDialog(ServiceDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setWindowTitle(self.tr("Thêm người dùng"))
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.role = QComboBox()
        self.role.setObjectName("role")
        for role in (Role.MEDICAL, Role.MANAGER, Role.LOGISTICS, Role.VIEWER, Role.ADMIN):
            self.role.addItem(role_label(role), role.value)
        self.form.addRow(self.tr("Tên đăng nhập:"), self.username)
        self.form.addRow(self.tr("Họ và tên:"), self.full_name)
        self.form.addRow(self.tr("Vai trò:"), self.role)
        self.passwords = _PasswordFields(self)

    def accept(self) -> None:
        if not self.passwords.matching():
            self.error.show_error(self.tr("Hai lần nhập mật khẩu không khớp."))
            return
        super().accept()

    def save(self) -> Callable[[], object]:
        return partial(
            auth.create_user,
            self.ctx.desk,
            self.username.text(),
            self.passwords.password.text(),
            self.role.currentData(),
            self.full_name.text().strip() or None,
        )


class PasswordDialog(ServiceDialog):
    def __init__(self, ctx: UiContext, username: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setWindowTitle(self.tr("Đặt lại mật khẩu cho {0}").format(username))
        self.username = username
        self.passwords = _PasswordFields(self)

    def accept(self) -> None:
        if not self.passwords.matching():
            self.error.show_error(self.tr("Hai lần nhập mật khẩu không khớp."))
            return
        super().accept()

    def save(self) -> Callable[[], object]:
        return partial(auth.set_password, self.ctx.desk, self.username, self.passwords.password.text())
