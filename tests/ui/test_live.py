"""Open pages follow the other PCs: a change committed through another connection reaches the room board at the
next poll, which runs on a reader thread (the poll is triggered by hand; the timer is off in the tests)."""

from __future__ import annotations

import threading

import pytest

from quarantine_desk.db.engine import make_engine
from quarantine_desk.domain.rooms import RoomState
from quarantine_desk.services import facilities, people, stays
from quarantine_desk.services.context import Desk
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.live import LiveUpdates
from quarantine_desk.ui.pages.rooms import RoomBoardPage
from tests.ui.writes import settle, wait_for_writes

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(sqlite_only_desk):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Ký túc xá Đại học")
    facilities.add_rooms(desk, "F01", "Khu A", "101-102", 2)
    context = UiContext(desk)
    context.set_facility("F01")
    return context


def test_the_room_board_follows_a_change_made_on_another_pc(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = RoomBoardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    settle()
    live = LiveUpdates(ctx, page)
    on_gui_thread: list[bool] = []
    poll = live.watcher.poll

    def watched_poll():  # type: ignore[no-untyped-def]
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return poll()

    live.watcher.poll = watched_poll  # type: ignore[method-assign]
    live.start()
    wait_for_writes(qtbot)
    assert not live.timer.isActive()  # the tests poll by hand

    other = Desk(make_engine(ctx.desk.url), ctx.desk.url, ctx.desk.user, clock=ctx.desk.clock)
    try:
        person = people.add_person(other, NewPerson("Trần Văn Nam", "M", "1980")).id
        stays.admit(other, person, "F01", "Nhóm 1", room="101")
    finally:
        other.close()
    assert page.row_of("101").state is RoomState.READY  # not heard yet

    live.poll_now()
    wait_for_writes(qtbot)
    assert page.row_of("101").state is RoomState.OCCUPIED
    assert page.row_of("101").occupants == 1

    live.poll_now()  # nothing new: no reload asked for
    with qtbot.assertNotEmitted(ctx.changed):
        wait_for_writes(qtbot)
    assert on_gui_thread == [False, False, False]
    live.close()
