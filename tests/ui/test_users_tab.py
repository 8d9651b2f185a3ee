"""The users tab: where each user works (facilities or the whole district), their role and facilities changed,
and the wait after wrong passwords lifted; shown at 1366×768 in Vietnamese."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QListWidget

from quarantine_desk.domain.errors import LoginFailed
from quarantine_desk.domain.roles import Role
from quarantine_desk.services import auth, facilities
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.pages.admin import AdminPage
from tests.ui.test_admin_page import click_ok, fill
from tests.ui.writes import settle, wait_for_writes


@pytest.fixture
def page(qtbot, ctx: UiContext) -> AdminPage:  # type: ignore[no-untyped-def]
    for code, name in (("KT01", "Trường Quân sự tỉnh"), ("KT02", "Ký túc xá Cao đẳng Y tế")):
        facilities.add_facility(ctx.desk, code, name)
    auth.create_user(ctx.desk, "yte1", "mật khẩu y tế", Role.MEDICAL, "Trần Văn Bình", facilities=["KT01"])
    auth.create_user(ctx.desk, "huyen1", "mật khẩu huyện", Role.VIEWER, "Lê Thị Hoa")
    widget = AdminPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.show()
    assert widget.users_tab is not None
    widget.tabs.setCurrentWidget(widget.users_tab)
    settle()
    return widget


def _select(page: AdminPage, username: str) -> None:
    assert page.users_tab is not None
    row = next(i for i, u in enumerate(page.users_tab.users.rows()) if u.username == username)
    page.users_tab.view.selectRow(row)


def _tick(dialog: QDialog, *codes: str) -> None:
    listed = dialog.findChild(QListWidget, "facilityList")
    for i in range(listed.count()):
        item = listed.item(i)
        wanted = item.data(Qt.ItemDataRole.UserRole) in codes
        item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)


def test_the_list_says_where_each_user_works(page: AdminPage) -> None:
    assert page.users_tab is not None
    model = page.users_tab.users
    places = {model.index(r, 0).data(): model.index(r, 3).data() for r in range(model.rowCount())}
    assert places == {"admin": "Cả huyện", "huyen1": "Cả huyện", "yte1": "KT01"}


def test_a_new_user_for_one_facility(qtbot, page: AdminPage, ctx: UiContext, on_dialog) -> None:  # type: ignore[no-untyped-def]
    def enter(dialog: QDialog) -> None:
        fill(qtbot, dialog, "username", "ql2")
        dialog.role.setCurrentIndex(dialog.role.findData(Role.MANAGER.value))
        fill(qtbot, dialog, "password", "mật khẩu quản lý")
        fill(qtbot, dialog, "repeat", "mật khẩu quản lý")
        dialog.district.setChecked(False)
        click_ok(qtbot, dialog)  # nothing ticked: refused, with a sentence
        assert dialog.error.text() == "Chọn ít nhất một khu cách ly, hoặc cả huyện."
        _tick(dialog, "KT02")
        click_ok(qtbot, dialog)

    assert page.users_tab is not None
    on_dialog(enter)
    qtbot.mouseClick(page.users_tab.add_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    users = {u.username: u for u in auth.list_users(ctx.desk)}
    assert users["ql2"].facilities == ("KT02",) and users["ql2"].role is Role.MANAGER


def test_role_and_facilities_changed(qtbot, page: AdminPage, ctx: UiContext, on_dialog) -> None:  # type: ignore[no-untyped-def]
    def change(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "Vai trò và khu cách ly của yte1"
        assert not dialog.password.isVisible()
        dialog.role.setCurrentIndex(dialog.role.findData(Role.MANAGER.value))
        _tick(dialog, "KT01", "KT02")
        click_ok(qtbot, dialog)

    assert page.users_tab is not None
    _select(page, "yte1")
    on_dialog(change)
    qtbot.mouseClick(page.users_tab.edit_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    user = {u.username: u for u in auth.list_users(ctx.desk)}["yte1"]
    assert (user.role, user.facilities) == (Role.MANAGER, ("KT01", "KT02"))


def test_unlock_lifts_the_wait(qtbot, page: AdminPage, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(LoginFailed):
            auth.login(ctx.desk.as_user(None), "yte1", "sai mật khẩu", source="pc:cong")
    assert page.users_tab is not None
    page.users_tab.refresh()
    settle()
    _select(page, "huyen1")
    assert not page.users_tab.unlock_button.isEnabled()
    _select(page, "yte1")
    assert page.users_tab.unlock_button.isEnabled()
    assert (
        page.users_tab.users.index(page.users_tab.view.currentIndex().row(), 4)
        .data()
        .startswith("Phải chờ đăng nhập đến")
    )
    qtbot.mouseClick(page.users_tab.unlock_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert auth.login(ctx.desk.as_user(None), "yte1", "mật khẩu y tế", source="pc:cong").user is not None
