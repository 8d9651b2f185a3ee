"""The room board: tile states after admission, a positive test, release and disinfection; the side panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from quarantine_desk.domain.rooms import RoomState
from quarantine_desk.services import facilities, medical, people, stays
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.pages.rooms import RoomBoardPage
from tests.ui.writes import changed_elsewhere, settle, wait_for_writes

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(sqlite_only_desk):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Ký túc xá Đại học")
    facilities.add_rooms(desk, "F01", "Khu A", "101-103", 2)
    facilities.add_rooms(desk, "F01", "Khu B", "201-202", 2)
    context = UiContext(desk)
    context.set_facility("F01")
    return context


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    widget = RoomBoardPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    settle()
    return widget


def admit(ctx, name: str, number: str, room: str, cohort: str = "Nhóm 1") -> int:  # type: ignore[no-untyped-def]
    person = people.add_person(ctx.desk, NewPerson(name, "M", "1980", id_number=number)).id
    stays.admit(ctx.desk, person, "F01", cohort, room=room)
    changed_elsewhere(ctx)
    return person


def state(page, room: str) -> RoomState:  # type: ignore[no-untyped-def]
    row = page.row_of(room)
    assert row is not None
    return row.state


def test_tiles_follow_admit_positive_release_and_disinfect(ctx, page, clock, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert state(page, "101") is RoomState.READY
    first = admit(ctx, "Trần Văn Nam", "001085000111", "101")
    admit(ctx, "Vũ Văn Hải", "001085000222", "101")
    assert state(page, "101") is RoomState.OCCUPIED
    row = page.row_of("101")
    assert page.board.state_line(row) == "Nhóm 1"
    assert page.board.days_line(row) == "còn 14 ngày"
    medical.record_test(ctx.desk, first, "rapid", "positive")
    changed_elsewhere(ctx)
    assert state(page, "101") is RoomState.CLOSED
    assert page.board.state_line(page.row_of("101")) == "Phong tỏa"
    stays.transfer(ctx.desk, first, "Bệnh viện dã chiến số 2")
    clock.now += timedelta(days=15)
    stays.release(ctx.desk, "001085000222", override="Đã đủ thời gian theo quyết định")
    changed_elsewhere(ctx)
    assert state(page, "101") is RoomState.AWAITING_DISINFECTION
    assert page.board.state_line(page.row_of("101")) == "Chờ khử khuẩn"
    page.ask.text = lambda *args: "Tổ khử khuẩn số 1"
    menu = page.room_menu("101")
    next(a for a in menu.actions() if a.text() == "Ghi nhận khử khuẩn").trigger()
    wait_for_writes(qtbot)
    assert state(page, "101") is RoomState.READY
    assert facilities.room_board(ctx.desk, "F01")[0].disinfected_by == "Tổ khử khuẩn số 1"


def test_out_of_service_and_back(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    next(a for a in page.room_menu("202").actions() if a.text() == "Ngừng sử dụng").trigger()
    wait_for_writes(qtbot)
    assert state(page, "202") is RoomState.OUT_OF_SERVICE
    assert page.board.state_line(page.row_of("202")) == "Ngừng sử dụng"
    next(a for a in page.room_menu("202").actions() if a.text() == "Sử dụng lại").trigger()
    wait_for_writes(qtbot)
    assert state(page, "202") is RoomState.READY


def test_out_of_service_refused_for_an_occupied_room(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    admit(ctx, "Trần Văn Nam", "001085000111", "103")
    page.set_in_service("103", False)
    wait_for_writes(qtbot)
    assert page.message.is_error and "103" in page.message.text()
    assert state(page, "103") is RoomState.OCCUPIED


def test_click_on_a_tile_shows_occupants_and_history(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    admit(ctx, "Trần Văn Nam", "001085000111", "102")
    qtbot.mouseClick(page.board, Qt.MouseButton.LeftButton, pos=page.board.tile_rect("102").center())
    wait_for_writes(qtbot)
    assert page.board.selected == "102"
    assert page.occupants.rowCount() == 1
    assert page.occupants.row_at(0).full_name == "Trần Văn Nam"
    assert "102" in page.room_title.text()
    qtbot.keyClick(page.board, Qt.Key.Key_Right)
    wait_for_writes(qtbot)
    assert page.board.selected == "103"
    assert page.occupants.rowCount() == 0


def test_occupancy_line_warns_at_ninety_percent(ctx, page) -> None:  # type: ignore[no-untyped-def]
    assert "Giường: 10" in page.occupancy.text()
    assert not page.warning.isVisible()
    rooms = ["101", "101", "102", "102", "103", "103", "201", "201", "202"]
    names = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Khoa", "Long"]
    for i, (room, name) in enumerate(zip(rooms, names, strict=True)):
        admit(ctx, f"Nguyễn Văn {name}", f"0010850001{i:02d}", room)
    assert "Đang có người: 9" in page.occupancy.text()
    assert page.warning.isVisible()
    assert "90" in page.warning.text()


def test_models_pass_the_model_tester(ctx, page, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    admit(ctx, "Trần Văn Nam", "001085000111", "101")
    page.show_room("101")
    qtmodeltester.check(page.occupants)
    qtmodeltester.check(page.history)


def test_occupants_who_need_special_watch_are_marked_on_the_tile_and_in_the_panel(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    from quarantine_desk.services.people import Details
    from quarantine_desk.ui.models import ATTENTION_BACKGROUND

    watched = people.add_person(
        ctx.desk,
        NewPerson("Lê Văn Già", "M", "1948", id_number="001048000333"),
        details=Details(conditions="Tăng huyết áp", special_watch=True),
    ).id
    stays.admit(ctx.desk, watched, "F01", "Nhóm 1", room="101")
    admit(ctx, "Trần Văn Nam", "001085000111", "101")
    wait_for_writes(qtbot)
    assert [(r.room, r.special_watch) for r in page.rows if r.special_watch] == [("101", 1)]
    page.show_room("101")
    wait_for_writes(qtbot)
    assert "1 người cần theo dõi đặc biệt" in page.room_details.text()
    names = [page.occupants.data(page.occupants.index(r, 1)) for r in range(page.occupants.rowCount())]
    assert "! Lê Văn Già" in names and "Trần Văn Nam" in names
    row = names.index("! Lê Văn Già")
    tip = page.occupants.data(page.occupants.index(row, 1), Qt.ItemDataRole.ToolTipRole)
    assert "Cần theo dõi đặc biệt: Tăng huyết áp" in tip
    assert (
        page.occupants.data(page.occupants.index(row, 0), Qt.ItemDataRole.BackgroundRole)
        == ATTENTION_BACKGROUND
    )
