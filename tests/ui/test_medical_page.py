"""The medical page: recording tests (a positive closes the room, R5), health checks, releases and overrides."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from quarantine_desk.domain.roles import Role
from quarantine_desk.domain.rooms import RoomState, natural_key
from quarantine_desk.domain.text import fold
from quarantine_desk.services import facilities, medical, people, stays
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.models import WARNING_BACKGROUND
from quarantine_desk.ui.pages.medical import MedicalPage
from tests.helpers import as_role
from tests.ui.writes import changed_elsewhere, settle, wait_for_writes

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(sqlite_only_desk):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Ký túc xá Đại học")
    facilities.add_rooms(desk, "F01", "Khu A", "101-102", 3)
    for name, number in (
        ("Trần Văn Nam", "001085000111"),
        ("Vũ Văn Hải", "001085000222"),
        ("Lê Văn Tám", "001085000333"),
    ):
        person = people.add_person(desk, NewPerson(name, "M", "1980", id_number=number)).id
        stays.admit(desk, person, "F01", "Nhóm 1", room="101")
    context = UiContext(desk)
    context.set_facility("F01")
    return context


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    widget = MedicalPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    settle()
    return widget


def room_state(ctx, room: str) -> RoomState:  # type: ignore[no-untyped-def]
    return next(r for r in facilities.room_board(ctx.desk, "F01") if r.room == room).state


def test_due_tests_listed_and_overdue_highlighted(ctx, page, clock) -> None:  # type: ignore[no-untyped-def]
    assert page.due.rowCount() == 3
    assert page.due.data(page.due.index(0, 5)) == "Hôm nay"
    clock.now += timedelta(days=2)
    page.refresh()
    settle()
    assert page.due.data(page.due.index(0, 5)) == "Quá hạn 2 ngày"
    assert page.due.data(page.due.index(0, 0), Qt.ItemDataRole.BackgroundRole).color() == WARNING_BACKGROUND


def test_negative_results_for_a_whole_room(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page.due_view.selectRow(0)
    qtbot.mouseClick(page.select_room_button, Qt.MouseButton.LeftButton)
    assert page.record_button.text() == "Ghi kết quả cho 3 người"
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.due.rowCount() == 0
    assert "Đã ghi 3 kết quả" in page.message.text()
    assert room_state(ctx, "101") is RoomState.OCCUPIED


def test_positive_result_closes_the_room_after_confirmation(ctx, page, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now += timedelta(days=3)  # a contact after the admission day restarts the roommates' period
    page.refresh()
    settle()
    asked: list[str] = []
    page.ask.confirm = lambda title, text: asked.append(text) or False
    page.result.setCurrentIndex(page.result.findData("positive"))
    page.due_view.selectRow(0)
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert asked and "DƯƠNG TÍNH" in asked[0]
    assert room_state(ctx, "101") is RoomState.OCCUPIED  # declined: nothing recorded
    page.ask.confirm = lambda title, text: True
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert room_state(ctx, "101") is RoomState.CLOSED
    assert "Phòng 101 đã bị phong tỏa; 2 người cùng phòng" in page.message.text()
    # The positive person now waits for a transfer in the leaving tab.
    positive = [line for line in page.leaving.rows() if line.when == "positive"]
    assert len(positive) == 1
    assert page.problems_text(positive[0]) == "dương tính"


def test_transfer_asks_where_to(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    medical.record_test(ctx.desk, "001085000111", "rapid", "positive")
    changed_elsewhere(ctx)
    page.tabs.setCurrentIndex(2)
    page.leaving_view.selectRow(0)
    page.ask.text = lambda *args: "Bệnh viện dã chiến số 2"
    page.transfer_selected()
    wait_for_writes(qtbot)
    assert stays.person_stays(ctx.desk, "001085000111")[0].transfer_to == "Bệnh viện dã chiến số 2"
    assert page.leaving.rowCount() == 0


def test_health_check_with_fever_is_highlighted(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page.tabs.setCurrentIndex(1)
    assert page.present.rowCount() == 3
    page.present_view.selectRow(0)
    page.temperature.setValue(38.2)
    qtbot.keyClicks(page.symptoms, "ho, sot")
    qtbot.keyClick(page.symptoms, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert page.checks.rowCount() == 1
    assert page.checks.data(page.checks.index(0, 3)) == "38,2 °C"
    assert (
        page.checks.data(page.checks.index(0, 0), Qt.ItemDataRole.BackgroundRole).color()
        == WARNING_BACKGROUND
    )
    assert page.message.is_error


def test_past_health_checks_of_today_and_yesterday_are_listed(ctx, page, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    now = clock.now
    medical.record_health_check(ctx.desk, "001085000111", 36.6, at=now - timedelta(days=2))  # too old
    medical.record_health_check(ctx.desk, "001085000222", 37.5, "Sốt nhẹ", at=now - timedelta(days=1))
    medical.record_health_check(ctx.desk, "001085000111", 36.8, at=now - timedelta(hours=1))
    page.refresh()
    settle()
    page.tabs.setCurrentIndex(1)
    assert [(c.full_name, c.temperature) for c in page.checks.rows()] == [
        ("Trần Văn Nam", 36.8),
        ("Vũ Văn Hải", 37.5),
    ]
    assert page.checks.data(page.checks.index(1, 3)) == "37,5 °C"
    assert page.checks.data(page.checks.index(1, 5)) == "admin"
    fever = page.checks.data(page.checks.index(1, 0), Qt.ItemDataRole.BackgroundRole)
    assert fever is not None and fever.color() == WARNING_BACKGROUND
    assert page.checks.data(page.checks.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    # A new check goes on top, and the next person in the list is chosen for the next one.
    page.present_view.selectRow(0)
    qtbot.mouseClick(page.health_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.checks.rowCount() == 3
    assert page.checks.row_at(0).full_name == page.present.row_at(0).full_name
    assert page.present_view.currentIndex().row() == 1


def test_a_room_is_recorded_whole_or_not_at_all(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page.due_view.selectRow(0)
    qtbot.mouseClick(page.select_room_button, Qt.MouseButton.LeftButton)
    # Someone of the room leaves on another PC before the results are saved here.
    stays.release(ctx.desk, "001085000333", override="Chuyển cách ly tại nhà theo quyết định")
    qtbot.mouseClick(page.record_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.message.is_error
    assert "Đã ghi 0 kết quả" in page.message.text() and "Lê Văn Tám" in page.message.text()
    for number in ("001085000111", "001085000222"):
        assert medical.stay_tests(ctx.desk, stays.person_stays(ctx.desk, number)[0].stay) == []


def test_release_problems_and_override_by_a_manager(ctx, page, clock, qtbot) -> None:  # type: ignore[no-untyped-def]
    clock.now += timedelta(days=13)  # the day before the planned release: "tomorrow" list
    page.refresh()
    settle()
    page.tabs.setCurrentIndex(2)
    assert page.leaving.rowCount() == 3
    line = page.leaving.row_at(0)
    assert line.when == "tomorrow"
    text = page.problems_text(line)
    assert "chưa hết thời gian" in text and "thiếu xét nghiệm ngày 1" in text
    page.leaving_view.selectRow(0)
    assert not page.release_button.isEnabled()
    assert page.override_button.isVisible() and page.override_button.isEnabled()
    offered: list[list[str]] = []

    def choose(title: str, label: str, items: list[str]) -> str:
        offered.append(items)
        return items[0]

    page.ask.choice = choose
    page.ask.reason = lambda *args: "Quyết định của Ban chỉ đạo huyện"
    page.override_selected()
    wait_for_writes(qtbot)
    assert page.leaving.rowCount() == 2
    # An early release is said as such, never as a completed quarantine.
    assert "trước thời hạn" in page.message.text() and "hoàn thành" not in page.message.text()
    assert len(offered[0]) == 3
    # Moving someone to home quarantine keeps the address given.
    page.leaving_view.selectRow(0)
    page.ask.choice = lambda title, label, items: items[1]
    page.ask.text = lambda *args: "Thôn 5, xã Hà Mòn"
    page.ask.reason = lambda *args: "Theo chỉ đạo của huyện"
    page.override_selected()
    wait_for_writes(qtbot)
    assert "cách ly tại nhà" in page.message.text()
    ended = [s for p in (1, 2, 3) for s in stays.person_stays(ctx.desk, p) if s.released_at]
    assert sorted((s.outcome, s.reason) for s in ended) == [
        ("home_quarantine", "Thôn 5, xã Hà Mòn"),
        ("released_early", "Quyết định của Ban chỉ đạo huyện"),
    ]


def test_an_empty_override_reason_is_refused(ctx, page, clock, qtbot, on_dialog) -> None:  # type: ignore[no-untyped-def]
    clock.now += timedelta(days=13)
    page.refresh()
    settle()
    page.tabs.setCurrentIndex(2)
    page.leaving_view.selectRow(0)
    name = page.leaving.row_at(0).full_name

    def confirm_empty(dialog) -> None:  # type: ignore[no-untyped-def]
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    page.ask.choice = lambda title, label, items: items[0]  # an early release; then the reason is asked
    seen = on_dialog(confirm_empty)
    qtbot.mouseClick(page.override_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert seen, "the reason was asked"
    assert page.message.is_error
    assert page.message.text() == "Lý do không được để trống."
    assert page.leaving.rowCount() == 3
    assert stays.person_stays(ctx.desk, page.leaving.row_at(0).person)[0].released_at is None
    assert page.leaving.row_at(0).full_name == name


def test_medical_staff_do_not_see_the_override(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    nurse = UiContext(as_role(ctx.desk, Role.MEDICAL))
    nurse.set_facility("F01")
    widget = MedicalPage(nurse)
    qtbot.addWidget(widget)
    widget.show()
    settle()
    widget.tabs.setCurrentIndex(2)
    assert not widget.override_button.isVisible()


def test_models_pass_the_model_tester(ctx, page, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    medical.record_health_check(ctx.desk, "001085000111", 37.8)
    for model in (page.due, page.present, page.checks, page.leaving):
        qtmodeltester.check(model)


def test_special_watch_and_the_contact_level_in_the_medical_lists(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    from quarantine_desk.domain.cohorts import CohortKind
    from quarantine_desk.services.people import Details
    from quarantine_desk.ui.models import ATTENTION_BACKGROUND

    pregnant = people.add_person(
        ctx.desk,
        NewPerson("Nguyễn Thị Mang", "F", "1995"),
        details=Details(conditions="thai 20 tuần", pregnant=True, special_watch=True),
    ).id
    new = stays.NewCohort(CohortKind.F1_CONTACT, None, "BN 12345")
    stays.admit(ctx.desk, pregnant, "F01", "F1 BN 12345", room="102", new_cohort=new)
    changed_elsewhere(ctx)
    wait_for_writes(qtbot)
    headers = [
        page.present.headerData(c, Qt.Orientation.Horizontal) for c in range(page.present.columnCount())
    ]
    level, watch = headers.index("Phân loại"), headers.index("Theo dõi đặc biệt")
    rows = {s.full_name: i for i, s in enumerate(page.present.rows())}
    mine = rows["Nguyễn Thị Mang"]
    assert page.present.data(page.present.index(mine, level)) == "F1 · BN 12345"
    assert page.present.data(page.present.index(mine, watch)) == "Có thai; thai 20 tuần"
    assert (
        page.present.data(page.present.index(mine, 0), Qt.ItemDataRole.BackgroundRole) == ATTENTION_BACKGROUND
    )
    other = rows["Trần Văn Nam"]
    assert page.present.data(page.present.index(other, watch)) == ""
    # The tests due say it too.
    due_headers = [page.due.headerData(c, Qt.Orientation.Horizontal) for c in range(page.due.columnCount())]
    flag = due_headers.index("Theo dõi đặc biệt")
    marks = {d.full_name: page.due.data(page.due.index(i, flag)) for i, d in enumerate(page.due.rows())}
    assert marks["Nguyễn Thị Mang"] == "Có" and marks["Trần Văn Nam"] == ""


def test_the_paper_of_who_left_is_printed_from_the_release_list(ctx, page, clock, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    clock.now += timedelta(days=13)
    page.refresh()
    settle()
    page.tabs.setCurrentIndex(2)
    assert not page.paper_button.isEnabled()  # nobody has left yet
    page.leaving_view.selectRow(0)
    name = page.leaving.row_at(0).full_name
    page.ask.choice = lambda title, label, items: items[0]
    page.ask.reason = lambda *args: "Gia đình có tang, huyện đồng ý"
    page.override_selected()
    wait_for_writes(qtbot)
    assert "giấy xác nhận thời gian cách ly" in page.message.text()
    assert page.paper_button.isEnabled()
    asked: list[str] = []
    page.ask_paper_path = lambda suggested: (asked.append(suggested), tmp_path / suggested)[1]
    page.resize(1366, 768)
    page.grab().save(str(tmp_path / "medical-paper.png"))
    page.paper_button.click()
    wait_for_writes(qtbot)
    assert asked and asked[0].startswith("giay-ra-khu-")
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / asked[0]).pages)
    assert name in text and "Gia đình có tang" in text and "HOÀN THÀNH" not in text.upper()
    assert not page.message.is_error, page.message.text()
    # A transfer has no paper of the facility's.
    page.leaving_view.selectRow(0)
    page.ask.text = lambda *args: "Bệnh viện Đa khoa tỉnh"
    page.transfer_selected()
    wait_for_writes(qtbot)
    assert not page.paper_button.isEnabled()


def test_a_long_roster_is_read_a_page_at_a_time(ctx, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The list shows the first page at once with the count of everyone present, room by room (health checks go
    along the corridors); the next page is read when the view asks for more and goes on into the next room, and a
    filter looks through the pages not read yet."""
    from quarantine_desk.ui.pages import medical as medical_page

    for name in ("Đỗ Văn Bình", "Phạm Văn Cường", "Ngô Văn Em"):
        person = people.add_person(ctx.desk, NewPerson(name, "M", "1985")).id
        stays.admit(ctx.desk, person, "F01", "Nhóm 2", room="102")
    monkeypatch.setattr(medical_page, "ROSTER_PAGE", 2)
    page = MedicalPage(ctx)
    qtbot.addWidget(page)
    page.show()
    settle()
    roster = stays.roster(ctx.desk, "F01")
    by_room = sorted(roster, key=lambda s: (natural_key(s.zone), natural_key(s.room), natural_key(s.bed)))
    whole = [s.full_name for s in by_room]
    assert whole != [s.full_name for s in roster]  # the names' order would be another one
    # The list's tab is not shown yet: no view asks for more than the first page.
    assert [s.full_name for s in page.present.rows()] == whole[:2]
    assert page.present_count.text() == "6 người đang cách ly."
    assert page.present.canFetchMore()
    page.present.fetchMore()
    settle()
    assert [s.full_name for s in page.present.rows()] == whole[:4]
    assert [s.room for s in page.present.rows()] == ["101", "101", "101", "102"]
    # Someone on the last page, not read yet, is found by the filter.
    qtbot.keyClicks(page.filter, fold(whole[-1]).split()[-1])
    settle()
    assert [s.full_name for s in page.present.rows()] == [whole[-1]]
    assert page.present_count.text() == "6 người đang cách ly. 1 người khớp với bộ lọc."
    page.filter.clear()
    settle()
    assert [s.full_name for s in page.present.rows()] == whole
    assert not page.present.canFetchMore()


def test_the_shown_list_fills_as_the_view_asks(ctx, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from quarantine_desk.ui.pages import medical as medical_page

    monkeypatch.setattr(medical_page, "ROSTER_PAGE", 1)
    page = MedicalPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentIndex(1)
    qtbot.waitExposed(page)
    settle()
    # Three people, a page each: the view has room for more and asks until it has them all.
    qtbot.waitUntil(lambda: page.present.rowCount() == 3)
    assert page.present_count.text() == "3 người đang cách ly."
