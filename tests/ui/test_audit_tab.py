"""The audit log (Nhật ký) in words: sentences in the interface language, search in the words shown without
diacritics, filters, and a long log fetched a page at a time with the total shown."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt

from quarantine_desk.domain.roles import Role
from quarantine_desk.services import audit, facilities, medical, people, stays
from quarantine_desk.services.audit import PAGE, AuditFilter
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.audit_text import codes_matching, event_text
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.pages.audit import AuditTab
from tests.helpers import as_role
from tests.ui.keys import type_text
from tests.ui.writes import settle

AUG1 = datetime(2021, 8, 1, 8, 0)


@pytest.fixture
def staffed(ctx: UiContext) -> UiContext:
    desk = ctx.desk
    facilities.add_facility(desk, "F01", "Ký túc xá")
    facilities.add_rooms(desk, "F01", "Khu A", "101-102", 4)
    nam = people.add_person(desk, NewPerson("Trần Văn Nam", "M", "1985", id_number="001085000111")).id
    hoa = people.add_person(desk, NewPerson("Lê Thị Hòa", "F", "1985", id_number="001185000222")).id
    stays.admit(desk, nam, "F01", "Nhóm A", room="101", at=AUG1)
    stays.admit(desk, hoa, "F01", "Nhóm B", room="102", at=AUG1)
    nurse = as_role(desk, Role.MEDICAL, "yta1")
    medical.record_test(nurse, nam, "rapid", "negative", at=datetime(2021, 8, 10, 7, 30))
    medical.record_test(nurse, hoa, "pcr", "positive", at=datetime(2021, 8, 9, 8, 0))
    return ctx


@pytest.fixture
def tab(qtbot, staffed: UiContext) -> AuditTab:  # type: ignore[no-untyped-def]
    widget = AuditTab(staffed)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    widget.since.setDate(widget.since.date().addYears(-1))
    widget.refresh()
    settle()
    return widget


def _texts(tab: AuditTab, column: int) -> list[str]:
    return [tab.events.data(tab.events.index(r, column)) for r in range(tab.events.rowCount())]


def test_a_test_result_reads_as_a_sentence(staffed: UiContext) -> None:
    [event] = audit.events(staffed.desk, AuditFilter(action="test.record", room="101"))
    assert event_text(event) == "Xét nghiệm nhanh: âm tính, lấy mẫu 07:30 10/08"


def test_the_log_shows_words_not_codes(tab: AuditTab) -> None:
    actions = _texts(tab, 2)
    assert "Ghi kết quả xét nghiệm" in actions and "Tiếp nhận" in actions
    details = " ".join(_texts(tab, 5))
    for code in ("rapid", "negative", "sampled_at", "chosen_by", "roommates_restarted", "T07:30", "program"):
        assert code not in details, code
    assert "Lê Thị Hòa" in _texts(tab, 3)


def test_duong_tinh_finds_the_positive_case(qtbot, tab: AuditTab) -> None:  # type: ignore[no-untyped-def]
    type_text(qtbot, tab.filter, "duong tinh")
    qtbot.keyClick(tab.filter, Qt.Key.Key_Return)
    settle()
    actions = {r.action for r in tab.events.rows()}
    assert "test.record" in actions and "room.close" in actions
    [closed] = [r for r in tab.events.rows() if r.action == "room.close"]
    assert (
        event_text(closed)
        == "phòng 102 phong tỏa vì có ca dương tính; 0 người cùng phòng tính lại thời gian cách ly"
    )
    assert all(r.person_name == "Lê Thị Hòa" for r in tab.events.rows() if r.action == "test.record")
    assert "positive" in codes_matching("dương tính")


def test_filters_by_user_action_person_and_room(qtbot, tab: AuditTab) -> None:  # type: ignore[no-untyped-def]
    tab.user.setCurrentIndex(tab.user.findData("yta1"))
    tab.refresh()
    settle()
    assert {r.username for r in tab.events.rows()} == {"yta1"}
    tab.user.setCurrentIndex(0)
    tab.action.setCurrentIndex(tab.action.findData("stay.admit"))
    tab.refresh()
    settle()
    assert {r.action for r in tab.events.rows()} == {"stay.admit"}
    tab.action.setCurrentIndex(0)
    type_text(qtbot, tab.person, "tran van nam")
    qtbot.keyClick(tab.person, Qt.Key.Key_Return)
    settle()
    assert {r.person_name for r in tab.events.rows()} == {"Trần Văn Nam"}
    tab.person.clear()
    type_text(qtbot, tab.room, "102")
    qtbot.keyClick(tab.room, Qt.Key.Key_Return)
    settle()
    assert tab.events.rowCount() and {r.room for r in tab.events.rows()} == {"102"}


def test_a_long_log_is_fetched_a_page_at_a_time_with_the_total(
    staffed: UiContext, qtbot, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    for i in range(PAGE + 30):
        medical.record_health_check(staffed.desk, "001085000111", 36.5 + (i % 5) / 10)
    tab = AuditTab(staffed)
    qtbot.addWidget(tab)
    tab.since.setDate(tab.since.date().addYears(-1))
    tab.refresh()
    settle()
    total = audit.count_events(staffed.desk, tab.current_filter())
    assert total > PAGE
    assert tab.events.rowCount() == PAGE
    assert tab.count.text() == f"Đang hiện {PAGE} trong {total} sự kiện; cuộn xuống để xem thêm."
    assert tab.events.canFetchMore(QModelIndex())
    tab.events.fetchMore(QModelIndex())
    settle()
    assert tab.events.rowCount() == total
    assert not tab.events.canFetchMore(QModelIndex())
    assert tab.count.text() == f"{total} sự kiện"
    qtmodeltester.check(tab.events)


def test_the_english_log(staffed: UiContext, english) -> None:  # type: ignore[no-untyped-def]
    [event] = audit.events(staffed.desk, AuditFilter(action="test.record", room="101"))
    assert event_text(event) == "Rapid test: negative, sampled 07:30 10/08"


def test_a_user_of_the_district_reads_as_such(ctx) -> None:  # type: ignore[no-untyped-def]
    from quarantine_desk.services import auth

    auth.create_user(ctx.desk, "huyen2", "mat-khau-dai", "viewer")
    [created] = audit.list_events(ctx.desk, action="user.create", text="huyen2")
    assert event_text(created) == "khu cách ly cả huyện, vai trò Cán bộ huyện (chỉ xem), tên đăng nhập huyen2"
