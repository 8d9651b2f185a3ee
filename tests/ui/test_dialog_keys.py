"""Every dialog by keyboard alone: it opens with the focus in its first field, Tab goes through the fields in
reading order and then to OK and Cancel (the button box last), typing fills the fields, Enter in the last field
confirms with the typed values, and Esc cancels. The tab order and buddies come from the forms in forms/."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from quarantine_desk.domain.policy import PolicyKind
from quarantine_desk.services import auth, facilities, people, stays, supplies
from quarantine_desk.services.context import Desk, open_desk
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.data_menu import AutomaticBackupsDialog, BackupPassphraseDialog, DatabaseChoiceDialog
from quarantine_desk.ui.dialogs import DatabaseDialog, FirstAdminDialog, LoginDialog
from quarantine_desk.ui.pages.admin_dialogs import (
    BulkRoomsDialog,
    FacilityDialog,
    PasswordDialog,
    PolicyDialog,
    RoomDialog,
    UserDialog,
)
from quarantine_desk.ui.pages.shifts import PlanDialog, StaffDialog
from quarantine_desk.ui.pages.supplies import DistributionDialog, ItemDialog, MovementDialog
from tests.helpers import ADMIN_PASSWORD
from tests.ui.keys import type_text
from tests.ui.writes import wait_for_writes

# What to do in a field: type a text, press Down so many times in a list (Up when negative), or leave it.
Entry = tuple[str, str | int | None]


def _name(widget: QWidget | None, dialog: QDialog) -> str:
    """The field a focused widget belongs to (a spin box's or an editable list's line edit counts as the box);
    "ok" and "cancel" for the dialog's buttons."""
    assert widget is not None, "nothing has the focus"
    box = dialog.findChild(QDialogButtonBox)
    if box is not None and widget is box.button(QDialogButtonBox.StandardButton.Ok):
        return "ok"
    if box is not None and widget is box.button(QDialogButtonBox.StandardButton.Cancel):
        return "cancel"
    parent = widget.parentWidget()
    if not widget.objectName() and isinstance(parent, QComboBox | QAbstractSpinBox):
        return parent.objectName()
    return widget.objectName()


def focused(dialog: QDialog) -> str:
    return _name(QApplication.focusWidget(), dialog)


def open_dialog(qtbot, dialog: QDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and dialog.isActiveWindow())


def leave(qtbot, dialog: QDialog) -> str:  # type: ignore[no-untyped-def]
    """Tab until the focus leaves the field (a date takes one Tab per day, month and year); the next field."""
    start = focused(dialog)
    for _ in range(6):
        widget = QApplication.focusWidget()
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
        if focused(dialog) != start:
            return focused(dialog)
    raise AssertionError(f"Tab does not leave {start}")


def tab_order(qtbot, dialog: QDialog) -> list[str]:  # type: ignore[no-untyped-def]
    """The fields Tab visits, from the one with the focus round to it again."""
    seen = [focused(dialog)]
    while True:
        following = leave(qtbot, dialog)
        if following == seen[0]:
            return seen
        assert following not in seen, f"Tab goes round without {seen[0]}: {seen + [following]}"
        seen.append(following)


def check_keys(qtbot, dialog: QDialog, fields: Sequence[str], entries: Sequence[Entry]) -> None:  # type: ignore[no-untyped-def]
    """The focus starts in the first field and Tab goes round the fields, OK and Cancel; then the entries are
    typed field by field (Tab between them) and Enter in the last one confirms."""
    open_dialog(qtbot, dialog)
    assert focused(dialog) == fields[0]
    assert tab_order(qtbot, dialog) == [*fields, "ok", "cancel"]
    for number, (field, action) in enumerate(entries):
        assert focused(dialog) == field
        widget = QApplication.focusWidget()
        if isinstance(action, str):
            type_text(qtbot, widget, action)
        elif isinstance(action, int):
            for _ in range(abs(action)):
                qtbot.keyClick(widget, Qt.Key.Key_Down if action > 0 else Qt.Key.Key_Up)
        if number < len(entries) - 1:
            leave(qtbot, dialog)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    wait_for_writes(qtbot)


def check_buddies(dialog: QDialog) -> None:
    """The label of every field that takes the focus has that field as its buddy (Alt+letter and screen readers
    find the field by it); a row of several fields names its first."""
    checked = 0
    for form in dialog.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None or not isinstance(label.widget(), QLabel):
                continue
            widgets = (
                [field.widget()]
                if field.widget()
                else [field.layout().itemAt(i).widget() for i in range(field.layout().count())]
            )
            focusable = [w for w in widgets if w is not None and w.focusPolicy() != Qt.FocusPolicy.NoFocus]
            if focusable:
                assert label.widget().buddy() is focusable[0], label.widget().text()
                checked += 1
    assert checked


@pytest.fixture
def facility(ctx: UiContext) -> UiContext:
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A")
    facilities.add_rooms(ctx.desk, "KTX-A", "Tầng 1", "101-102", 4)
    supplies.add_item(ctx.desk, "KTX-A", "GAO", "Gạo", "kg")
    supplies.receive(ctx.desk, "KTX-A", "GAO", 500)
    ctx.set_facility("KTX-A")
    return ctx


def test_login(qtbot, sqlite_only_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(sqlite_only_desk.as_user(None))
    check_keys(qtbot, dialog, ["username", "password"], [("username", "admin"), ("password", ADMIN_PASSWORD)])
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.logged_in is not None and dialog.logged_in.username == "admin"
    check_buddies(dialog)


def test_login_cancelled_by_escape(qtbot, sqlite_only_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(sqlite_only_desk.as_user(None))
    open_dialog(qtbot, dialog)
    type_text(qtbot, dialog.username, "admin")
    qtbot.keyClick(dialog.username, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert dialog.logged_in is None


def test_first_administrator(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desk = open_desk(f"sqlite:///{tmp_path / 'new.sqlite3'}", create=True)
    try:
        dialog = FirstAdminDialog(desk)
        check_keys(
            qtbot,
            dialog,
            ["username", "fullName", "password", "repeat"],
            [
                ("username", "quantri"),
                ("fullName", "Nguyễn Thị Hoa"),
                ("password", "mật khẩu an toàn"),
                ("repeat", "mật khẩu an toàn"),
            ],
        )
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert dialog.logged_in is not None and dialog.logged_in.username == "quantri"
        assert auth.login(desk, "quantri", "mật khẩu an toàn").user is not None
        check_buddies(dialog)
    finally:
        desk.close()


def test_database_after_a_failed_start(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = DatabaseDialog("Không mở được cơ sở dữ liệu.", "")
    path = str(tmp_path / "khác.sqlite3")
    check_keys(qtbot, dialog, ["databaseUrl", "browse"], [("databaseUrl", path)])
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.chosen_url() == path
    assert dialog.ui.hint.buddy() is dialog.url


def test_database_of_the_next_start(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = DatabaseChoiceDialog("sqlite:///cũ.sqlite3")
    url = "postgresql://desk@may-chu/cach_ly"
    check_keys(qtbot, dialog, ["databaseUrl", "browse"], [("databaseUrl", url)])
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.url.text() == url


def test_facility(qtbot, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    dialog = FacilityDialog(ctx)
    fields = ["code", "name", "district", "province", "address", "capacity"]
    typed = ["KTX-B", "Ký túc xá khu B", "Dĩ An", "Bình Dương", "Phường Đông Hòa", "350"]
    check_keys(qtbot, dialog, fields, list(zip(fields, typed, strict=True)))
    assert dialog.result() == QDialog.DialogCode.Accepted
    row = facilities.get_facility(ctx.desk, "KTX-B")
    assert (row.name, row.district, row.province, row.address, row.capacity) == (
        "Ký túc xá khu B",
        "Dĩ An",
        "Bình Dương",
        "Phường Đông Hòa",
        350,
    )
    check_buddies(dialog)


def test_facility_edited_starts_at_its_name(qtbot, facility: UiContext) -> None:  # type: ignore[no-untyped-def]
    dialog = FacilityDialog(facility, facilities.get_facility(facility.desk, "KTX-A"))
    open_dialog(qtbot, dialog)
    assert focused(dialog) == "name"  # the code never changes
    dialog.name.selectAll()
    type_text(qtbot, dialog.name, "Ký túc xá A (mới)")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert facilities.get_facility(facility.desk, "KTX-A").name == "Ký túc xá A (mới)"


def test_bulk_rooms(qtbot, facility: UiContext) -> None:  # type: ignore[no-untyped-def]
    dialog = BulkRoomsDialog(facility, "KTX-A")
    check_keys(
        qtbot,
        dialog,
        ["zone", "rooms", "beds", "sex"],
        [("zone", "Tầng 2"), ("rooms", "201-203"), ("beds", "6"), ("sex", -1)],
    )
    assert dialog.result() == QDialog.DialogCode.Accepted
    board = [r for r in facilities.room_board(facility.desk, "KTX-A") if r.zone == "Tầng 2"]
    assert [(r.room, r.beds, r.sex) for r in board] == [("201", 6, "F"), ("202", 6, "F"), ("203", 6, "F")]
    check_buddies(dialog)


def test_room(qtbot, facility: UiContext) -> None:  # type: ignore[no-untyped-def]
    room = facilities.room_board(facility.desk, "KTX-A")[0]
    dialog = RoomDialog(facility, "KTX-A", room)
    check_keys(qtbot, dialog, ["beds", "sex"], [("beds", "2"), ("sex", -1)])  # from "any" up to women
    assert dialog.result() == QDialog.DialogCode.Accepted
    changed = facilities.room_board(facility.desk, "KTX-A")[0]
    assert (changed.room, changed.beds, changed.sex) == (room.room, 2, "F")


def test_policy(qtbot, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    dialog = PolicyDialog(ctx)
    # The end date is off until its box is ticked, so Tab passes it by.
    check_keys(
        qtbot,
        dialog,
        ["name", "effectiveFrom", "hasEnd", "kind", "days", "testDays"],
        [
            ("name", "Tiêm đủ liều, 10 ngày"),
            ("effectiveFrom", None),
            ("hasEnd", None),
            ("kind", 1),
            ("days", "10"),
            ("testDays", "1,5,10"),
        ],
    )
    assert dialog.error.text() == ""
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.saved is not None
    assert (dialog.saved.name, dialog.saved.kind, dialog.saved.days, dialog.saved.test_days) == (
        "Tiêm đủ liều, 10 ngày",
        list(PolicyKind)[1],
        10,
        (1, 5, 10),
    )
    assert dialog.saved.effective_to is None
    check_buddies(dialog)


def test_policy_end_date_joins_the_tab_order_when_ticked(qtbot, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    dialog = PolicyDialog(ctx)
    open_dialog(qtbot, dialog)
    dialog.has_end.setFocus()
    qtbot.keyClick(dialog.has_end, Qt.Key.Key_Space)
    assert dialog.effective_to.isEnabled()
    assert leave(qtbot, dialog) == "effectiveTo"


def test_user(qtbot, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    dialog = UserDialog(ctx)
    check_keys(
        qtbot,
        dialog,
        ["username", "fullName", "role", "password", "repeat", "district"],  # the list: off for the district
        [
            ("username", "yte2"),
            ("fullName", "Phạm Thu Trang"),
            ("role", 1),
            ("password", "mật khẩu mới 2021"),
            ("repeat", "mật khẩu mới 2021"),
        ],
    )
    assert dialog.result() == QDialog.DialogCode.Accepted
    user = next(u for u in auth.list_users(ctx.desk) if u.username == "yte2")
    assert (user.full_name, user.role) == ("Phạm Thu Trang", dialog.role.itemData(1))
    assert auth.login(ctx.desk, "yte2", "mật khẩu mới 2021").user is not None
    check_buddies(dialog)


def test_password(qtbot, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    dialog = PasswordDialog(ctx, "admin")
    check_keys(
        qtbot,
        dialog,
        ["password", "repeat"],
        [("password", "mật khẩu thứ hai"), ("repeat", "mật khẩu thứ hai")],
    )
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert auth.login(ctx.desk, "admin", "mật khẩu thứ hai").user is not None


def test_receipt(qtbot, facility: UiContext) -> None:  # type: ignore[no-untyped-def]
    item = supplies.list_stock(facility.desk, "KTX-A")[0]
    dialog = MovementDialog(facility, item, incoming=True)
    check_keys(
        qtbot,
        dialog,
        ["quantity", "at", "reason"],
        [("quantity", "120"), ("at", None), ("reason", "Nhà tài trợ ủng hộ")],
    )
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.saved is not None
    assert (dialog.saved.quantity, dialog.saved.balance, dialog.saved.reason) == (
        120,
        620,
        "Nhà tài trợ ủng hộ",
    )
    check_buddies(dialog)


def test_new_item(qtbot, facility: UiContext) -> None:  # type: ignore[no-untyped-def]
    dialog = ItemDialog(facility)
    fields = ["code", "name", "unit", "min_stock"]
    typed = ["KHAU-TRANG", "Khẩu trang y tế", "hộp", "30"]
    check_keys(qtbot, dialog, fields, list(zip(fields, typed, strict=True)))
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.saved is not None
    assert (dialog.saved.code, dialog.saved.name, dialog.saved.unit, dialog.saved.min_stock) == (
        "KHAU-TRANG",
        "Khẩu trang y tế",
        "hộp",
        30,
    )


def test_distribution(qtbot, facility: UiContext) -> None:  # type: ignore[no-untyped-def]
    for name, number in (("Trần Văn Nam", "001085000111"), ("Vũ Văn Hải", "001085000222")):
        person = people.add_person(facility.desk, NewPerson(name, "M", "1980", id_number=number))
        stays.admit(facility.desk, person.id, "KTX-A", "Nhóm 101", room="101")
    item = supplies.list_stock(facility.desk, "KTX-A")[0]
    dialog = DistributionDialog(facility, item)
    check_keys(
        qtbot,
        dialog,
        ["quantity", "reason", "plan"],
        [("quantity", "101"), ("reason", "Mặt trận Tổ quốc huyện")],
    )
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.done_plan is not None
    assert (dialog.done_plan.shares.per_person, dialog.done_plan.shares.remainder) == (50, 1)
    assert supplies.list_stock(facility.desk, "KTX-A")[0].quantity == 400
    check_buddies(dialog)


def test_shift_plan(qtbot, facility: UiContext) -> None:  # type: ignore[no-untyped-def]
    dialog = PlanDialog(facility, facility.desk.now().date())
    check_keys(
        qtbot,
        dialog,
        ["plan_start", "plan_days", "plan_pattern"],
        [("plan_start", None), ("plan_days", "3"), ("plan_pattern", 1)],
    )
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.planned is not None and dialog.planned.created == 6  # 3 days of two 12-hour shifts
    check_buddies(dialog)


def test_staff(qtbot, facility: UiContext) -> None:  # type: ignore[no-untyped-def]
    dialog = StaffDialog(facility)
    check_keys(
        qtbot,
        dialog,
        ["staff_name", "staff_position", "staff_phone"],
        [("staff_name", "Lò Thị Xuân"), ("staff_position", "Điều dưỡng"), ("staff_phone", "0912 345 678")],
    )
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.saved is not None
    assert (dialog.saved.full_name, dialog.saved.position, dialog.saved.phone) == (
        "Lò Thị Xuân",
        "Điều dưỡng",
        "0912345678",
    )


ESCAPABLE = {
    "login": lambda ctx: LoginDialog(ctx.desk.as_user(None)),
    "first_admin": lambda ctx: FirstAdminDialog(ctx.desk),
    "database": lambda ctx: DatabaseDialog("Không mở được cơ sở dữ liệu.", ""),
    "database_choice": lambda ctx: DatabaseChoiceDialog(ctx.desk.display_url),
    "backup_passphrase": lambda ctx: BackupPassphraseDialog(None, writing=True),
    "automatic_backups": lambda ctx: AutomaticBackupsDialog(ctx.desk),
    "facility": lambda ctx: FacilityDialog(ctx),
    "bulk_rooms": lambda ctx: BulkRoomsDialog(ctx, "KTX-A"),
    "room": lambda ctx: RoomDialog(ctx, "KTX-A", facilities.room_board(ctx.desk, "KTX-A")[0]),
    "policy": lambda ctx: PolicyDialog(ctx),
    "user": lambda ctx: UserDialog(ctx),
    "password": lambda ctx: PasswordDialog(ctx, "admin"),
    "receipt": lambda ctx: MovementDialog(ctx, supplies.list_stock(ctx.desk, "KTX-A")[0], incoming=True),
    "item": lambda ctx: ItemDialog(ctx),
    "distribution": lambda ctx: DistributionDialog(ctx, supplies.list_stock(ctx.desk, "KTX-A")[0]),
    "shift_plan": lambda ctx: PlanDialog(ctx, ctx.desk.now().date()),
    "staff": lambda ctx: StaffDialog(ctx),
}


@pytest.mark.parametrize("name", sorted(ESCAPABLE))
def test_escape_cancels_and_changes_nothing(qtbot, facility: UiContext, name: str) -> None:  # type: ignore[no-untyped-def]
    before = (facilities.list_facilities(facility.desk), facilities.room_board(facility.desk, "KTX-A"))
    dialog = ESCAPABLE[name](facility)
    open_dialog(qtbot, dialog)
    widget = QApplication.focusWidget()
    type_text(qtbot, widget, "1")
    qtbot.keyClick(widget, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert (
        facilities.list_facilities(facility.desk),
        facilities.room_board(facility.desk, "KTX-A"),
    ) == before
