"""The administration page: facilities, bulk rooms, room changes, policies, users and the audit trail, driven
by clicks and key presses; each change is checked in the database."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QSpinBox

from quarantine_desk.domain.policy import PolicyKind
from quarantine_desk.domain.roles import Role
from quarantine_desk.services import audit, auth, facilities, policies
from quarantine_desk.services.audit import AuditFilter
from quarantine_desk.services.context import Desk, UserRow
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.pages.admin import (
    AdminPage,
    facility_model,
    policy_model,
    room_model,
    user_model,
)
from quarantine_desk.ui.pages.admin_dialogs import BulkRoomsDialog, parse_test_days
from quarantine_desk.ui.pages.audit import AuditModel
from tests.ui.keys import type_text
from tests.ui.writes import settle, wait_for_writes


def click_ok(qtbot, dialog: QDialog) -> None:  # type: ignore[no-untyped-def]
    """OK, then the service's answer: the dialog closes, or shows the refusal and stays open."""
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)


def fill(qtbot, dialog: QDialog, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    field = dialog.findChild(QLineEdit, name)
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    type_text(qtbot, field, text)


def set_number(qtbot, dialog: QDialog, name: str, value: int) -> None:  # type: ignore[no-untyped-def]
    box = dialog.findChild(QSpinBox, name)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), str(value))
    assert box.value() == value


@pytest.fixture
def page(qtbot, ctx: UiContext) -> AdminPage:  # type: ignore[no-untyped-def]
    p = AdminPage(ctx)
    qtbot.addWidget(p)
    p.resize(1150, 680)
    p.show()
    settle()
    return p


def test_adds_a_facility_by_clicks_and_keys(qtbot, page: AdminPage, ctx: UiContext, on_dialog) -> None:  # type: ignore[no-untyped-def]
    def enter(dialog: QDialog) -> None:
        fill(qtbot, dialog, "code", "KTX-B")
        fill(qtbot, dialog, "name", "Ký túc xá khu B")
        fill(qtbot, dialog, "district", "Dĩ An")
        fill(qtbot, dialog, "province", "Bình Dương")
        fill(qtbot, dialog, "address", "Phường Đông Hòa")
        set_number(qtbot, dialog, "capacity", 350)
        click_ok(qtbot, dialog)

    seen = on_dialog(enter)
    qtbot.mouseClick(page.facilities_tab.add_facility_button, Qt.MouseButton.LeftButton)
    assert seen and seen[0].result() == QDialog.DialogCode.Accepted
    row = facilities.get_facility(ctx.desk, "KTX-B")
    assert (row.name, row.district, row.province, row.address, row.capacity) == (
        "Ký túc xá khu B",
        "Dĩ An",
        "Bình Dương",
        "Phường Đông Hòa",
        350,
    )
    wait_for_writes(qtbot)
    assert [f.code for f in page.facilities_tab.facilities.rows()] == ["KTX-B"]
    assert ctx.facility == "KTX-B"  # the first facility becomes the one being worked on


def test_adds_rooms_in_bulk(qtbot, page: AdminPage, ctx: UiContext, on_dialog) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A")
    ctx.set_facility("KTX-A")
    settle()  # the pages reload for the facility in the background

    def enter(dialog: QDialog) -> None:
        fill(qtbot, dialog, "zone", "Tầng 2")
        fill(qtbot, dialog, "rooms", "201-220")
        set_number(qtbot, dialog, "beds", 6)
        sex = dialog.sex
        sex.setCurrentIndex(sex.findText("Nữ"))
        click_ok(qtbot, dialog)

    seen = on_dialog(enter)
    qtbot.mouseClick(page.facilities_tab.bulk_button, Qt.MouseButton.LeftButton)
    assert seen and seen[0].result() == QDialog.DialogCode.Accepted
    board = facilities.room_board(ctx.desk, "KTX-A")
    assert [r.room for r in board] == [str(n) for n in range(201, 221)]
    assert {(r.zone, r.beds, r.sex) for r in board} == {("Tầng 2", 6, "F")}
    wait_for_writes(qtbot)  # the tab reloads the rooms it lists
    assert page.facilities_tab.rooms.rowCount() == 20


def test_an_invalid_bulk_add_shows_the_error_and_adds_nothing(
    qtbot, page: AdminPage, ctx: UiContext, on_dialog
) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A")
    ctx.set_facility("KTX-A")
    settle()  # the pages reload for the facility in the background
    shown: list[str] = []

    def enter(dialog: QDialog) -> None:
        fill(qtbot, dialog, "zone", "Tầng 3")
        fill(qtbot, dialog, "rooms", "301-310")
        set_number(qtbot, dialog, "beds", 0)
        click_ok(qtbot, dialog)
        assert dialog.isVisible()  # the dialog stays open for a correction
        shown.append(dialog.error.text())
        dialog.reject()

    on_dialog(enter)
    qtbot.mouseClick(page.facilities_tab.bulk_button, Qt.MouseButton.LeftButton)
    assert shown == ["Số giường (“0”) phải từ 1 đến 50."]
    assert facilities.room_board(ctx.desk, "KTX-A") == []


def test_bulk_rooms_dialog_refuses_rooms_that_exist(qtbot, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A")
    facilities.add_rooms(ctx.desk, "KTX-A", "Tầng 1", "101-105", 4)
    dialog = BulkRoomsDialog(ctx, "KTX-A")
    qtbot.addWidget(dialog)
    dialog.zone.setText("Tầng 1")
    dialog.rooms.setText("105-110")
    dialog.accept()
    wait_for_writes(qtbot)
    assert dialog.error.text() == "Phòng “105” đã có."
    assert len(facilities.room_board(ctx.desk, "KTX-A")) == 5


def test_the_dialog_waits_for_the_server_before_it_closes(qtbot, ctx: UiContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A")
    answer = threading.Event()
    real = facilities.add_rooms

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        answer.wait(5)  # a shared server far away
        return real(*args, **kwargs)

    monkeypatch.setattr(facilities, "add_rooms", slow)
    dialog = BulkRoomsDialog(ctx, "KTX-A")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.zone.setText("Tầng 1")
    dialog.rooms.setText("101-103")
    dialog.accept()
    assert not dialog.buttons.isEnabled()
    dialog.reject()  # Esc while saving: the dialog stays until it knows whether the rooms were added
    assert dialog.isVisible()
    answer.set()
    wait_for_writes(qtbot)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.added == ["101", "102", "103"]
    assert dialog.buttons.isEnabled()


def test_edits_a_room_and_takes_it_out_of_service(
    qtbot, page: AdminPage, ctx: UiContext, on_dialog, recorder
) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A")
    facilities.add_rooms(ctx.desk, "KTX-A", "Tầng 1", "101-102", 4, "M")
    ctx.set_facility("KTX-A")
    settle()  # the pages reload for the facility in the background
    tab = page.facilities_tab
    tab.room_view.selectRow(0)

    def enter(dialog: QDialog) -> None:
        set_number(qtbot, dialog, "beds", 2)
        dialog.sex.setCurrentIndex(dialog.sex.findText("Chung"))
        click_ok(qtbot, dialog)

    on_dialog(enter)
    qtbot.mouseClick(tab.edit_room_button, Qt.MouseButton.LeftButton)
    room = facilities.room_board(ctx.desk, "KTX-A")[0]
    assert (room.room, room.beds_in_service, room.sex) == ("101", 2, "any")

    tab.room_view.selectRow(0)
    qtbot.mouseClick(tab.toggle_room_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert facilities.room_board(ctx.desk, "KTX-A")[0].state == "out_of_service"
    tab.room_view.selectRow(0)
    assert tab.toggle_room_button.text() == "Đưa phòng vào sử dụng"
    qtbot.mouseClick(tab.toggle_room_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert facilities.room_board(ctx.desk, "KTX-A")[0].state == "ready"
    assert len(recorder.questions) == 2


def test_closes_and_reopens_a_facility(qtbot, page: AdminPage, ctx: UiContext, recorder) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A")
    page.refresh()
    settle()
    tab = page.facilities_tab
    tab.facility_view.selectRow(0)
    qtbot.mouseClick(tab.toggle_facility_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert not facilities.get_facility(ctx.desk, "KTX-A").active
    tab.facility_view.selectRow(0)
    assert tab.toggle_facility_button.text() == "Mở lại khu"
    recorder.answer = False
    qtbot.mouseClick(tab.toggle_facility_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert not facilities.get_facility(ctx.desk, "KTX-A").active


def test_adds_a_policy(qtbot, page: AdminPage, ctx: UiContext, on_dialog) -> None:  # type: ignore[no-untyped-def]
    def enter(dialog: QDialog) -> None:
        fill(qtbot, dialog, "name", "10 ngày – thử nghiệm")
        dialog.kind.setCurrentIndex(dialog.kind.findText("Đã tiêm đủ hoặc đã khỏi bệnh"))
        set_number(qtbot, dialog, "days", 10)
        fill(qtbot, dialog, "testDays", "1, 5, 10")
        click_ok(qtbot, dialog)

    page.tabs.setCurrentWidget(page.policies_tab)
    on_dialog(enter)
    qtbot.mouseClick(page.policies_tab.add_button, Qt.MouseButton.LeftButton)
    saved = [p for p in policies.list_policies(ctx.desk) if p.name == "10 ngày – thử nghiệm"]
    assert len(saved) == 1
    assert (saved[0].kind, saved[0].days, saved[0].test_days) == (PolicyKind.PROTECTED, 10, (1, 5, 10))
    assert saved[0].effective_from == date(2021, 8, 10)


def test_a_test_day_after_the_period_is_refused(qtbot, page: AdminPage, ctx: UiContext, on_dialog) -> None:  # type: ignore[no-untyped-def]
    before = policies.list_policies(ctx.desk)
    shown: list[str] = []

    def enter(dialog: QDialog) -> None:
        fill(qtbot, dialog, "name", "Sai")
        set_number(qtbot, dialog, "days", 7)
        fill(qtbot, dialog, "testDays", "1,7,14")
        click_ok(qtbot, dialog)
        shown.append(dialog.error.text())
        dialog.reject()

    on_dialog(enter)
    qtbot.mouseClick(page.policies_tab.add_button, Qt.MouseButton.LeftButton)
    assert shown == ["Ngày xét nghiệm (“1,7,14”) phải từ 1 đến 7."]
    assert policies.list_policies(ctx.desk) == before


def test_parse_test_days() -> None:
    assert parse_test_days(" 1, 7 ,14 ") == (1, 7, 14)
    assert parse_test_days("1 7") == (1, 7)
    with pytest.raises(Exception, match="test_days"):
        parse_test_days("1,bảy")


def test_adds_a_user_and_resets_the_password(qtbot, page: AdminPage, ctx: UiContext, on_dialog) -> None:  # type: ignore[no-untyped-def]
    def enter(dialog: QDialog) -> None:
        fill(qtbot, dialog, "username", "yte1")
        fill(qtbot, dialog, "fullName", "Trần Văn Bình")
        dialog.role.setCurrentIndex(dialog.role.findText("Nhân viên y tế"))
        fill(qtbot, dialog, "password", "mật khẩu y tế")
        fill(qtbot, dialog, "repeat", "mật khẩu y tế")
        click_ok(qtbot, dialog)

    assert page.users_tab is not None
    page.tabs.setCurrentWidget(page.users_tab)
    on_dialog(enter)
    qtbot.mouseClick(page.users_tab.add_button, Qt.MouseButton.LeftButton)
    users = {u.username: u for u in auth.list_users(ctx.desk)}
    assert users["yte1"].role == Role.MEDICAL and users["yte1"].full_name == "Trần Văn Bình"

    row = next(i for i, u in enumerate(page.users_tab.users.rows()) if u.username == "yte1")
    page.users_tab.view.selectRow(row)

    def new_password(dialog: QDialog) -> None:
        fill(qtbot, dialog, "password", "mật khẩu mới 2021")
        fill(qtbot, dialog, "repeat", "mật khẩu mới 2021")
        click_ok(qtbot, dialog)

    on_dialog(new_password)
    qtbot.mouseClick(page.users_tab.password_button, Qt.MouseButton.LeftButton)
    assert auth.login(ctx.desk, "yte1", "mật khẩu mới 2021").username == "yte1"

    page.users_tab.view.selectRow(row)
    qtbot.mouseClick(page.users_tab.toggle_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert not {u.username: u for u in auth.list_users(ctx.desk)}["yte1"].active


def test_audit_tab_filters_without_diacritics(qtbot, page: AdminPage, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A")
    facilities.add_facility(ctx.desk, "TDT", "Trường Tôn Đức Thắng")
    audit_tab = page.audit_tab
    assert audit_tab is not None
    page.tabs.setCurrentWidget(audit_tab)
    type_text(qtbot, audit_tab.filter, "duc thang")
    qtbot.keyClick(audit_tab.filter, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    rows = audit_tab.events.rows()
    assert [r.action for r in rows] == ["facility.add"]
    assert audit_tab.events.data(audit_tab.events.index(0, 2)) == "Thêm khu cách ly"
    assert "Trường Tôn Đức Thắng" in audit_tab.events.data(audit_tab.events.index(0, 5))


def _as(desk: Desk, role: Role) -> Desk:
    return desk.as_user(UserRow(99, f"nguoi_{role.value}", None, role))


def test_a_viewer_sees_no_buttons_that_change_data(qtbot, sqlite_only_desk: Desk, recorder) -> None:  # type: ignore[no-untyped-def]
    viewer = UiContext(_as(sqlite_only_desk, Role.VIEWER))
    p = AdminPage(viewer)
    qtbot.addWidget(p)
    assert p.users_tab is None
    assert p.audit_tab is not None
    assert not p.facilities_tab.add_facility_button.isVisibleTo(p)
    assert not p.facilities_tab.bulk_button.isVisibleTo(p)
    assert not p.policies_tab.add_button.isVisibleTo(p)


def test_a_medical_user_has_no_audit_tab(qtbot, sqlite_only_desk: Desk, recorder) -> None:  # type: ignore[no-untyped-def]
    p = AdminPage(UiContext(_as(sqlite_only_desk, Role.MEDICAL)))
    qtbot.addWidget(p)
    assert p.users_tab is None and p.audit_tab is None
    assert recorder.errors == []


def test_models_pass_the_model_tester(qtmodeltester, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    facilities.add_facility(ctx.desk, "KTX-A", "Ký túc xá khu A", capacity=100)
    facilities.add_rooms(ctx.desk, "KTX-A", "Tầng 1", "101-103", 4)
    for model, rows in (
        (facility_model(), facilities.list_facilities(ctx.desk)),
        (room_model(), facilities.room_board(ctx.desk, "KTX-A")),
        (policy_model(), policies.list_policies(ctx.desk)),
        (user_model(ctx.desk.now), auth.list_users(ctx.desk)),
    ):
        assert rows
        model.set_rows(rows)
        qtmodeltester.check(model)
        model.set_rows([])
        qtmodeltester.check(model)
    events = AuditModel(ctx.desk)
    events.show(
        AuditFilter(), audit.count_events(ctx.desk, AuditFilter()), audit.events(ctx.desk, AuditFilter())
    )
    assert events.rowCount()
    qtmodeltester.check(events)
