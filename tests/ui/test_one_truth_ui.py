"""The window follows the one truth about stays: check-in shows each room's day and offers rooms that fit first,
a manager may accept a late arrival as a contact, and the person editor keeps dose history."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from quarantine_desk.services import facilities, stays
from quarantine_desk.services.people import Dose
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.pages.checkin import CheckinPage
from tests.ui.test_checkin import add
from tests.ui.writes import settle, wait_for_writes

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(sqlite_only_desk, qtbot):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Ký túc xá Đại học")
    facilities.add_rooms(desk, "F01", "Khu A", "101-103", 4)
    context = UiContext(desk)
    context.set_facility("F01")
    return context


@pytest.fixture
def page(ctx, qtbot):  # type: ignore[no-untyped-def]
    widget = CheckinPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    settle()
    return widget


def labels(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [page.room_combo.itemText(i) for i in range(page.room_combo.count())]


def test_rooms_show_their_day_and_an_earlier_room_comes_last(ctx, page, clock) -> None:  # type: ignore[no-untyped-def]
    early = add(ctx.desk, "Trần Văn Nam", "M", "001085000111")
    stays.admit(ctx.desk, early, "F01", "Nhóm A", room="101", at=clock.now - timedelta(days=3))
    page.refresh()
    settle()
    texts = labels(page)
    assert texts[-1].startswith("101") and "Nhóm A" in texts[-1]
    assert (clock.now - timedelta(days=3)).strftime("%d/%m") in texts[-1]
    assert "không nhận người đến sau" in texts[-1]
    assert texts[0].startswith("102")


def test_a_manager_accepts_a_late_arrival_as_a_contact(ctx, page, qtbot, clock, recorder) -> None:  # type: ignore[no-untyped-def]
    early = add(ctx.desk, "Trần Văn Nam", "M", "001085000111")
    stays.admit(ctx.desk, early, "F01", "Nhóm A", room="101", at=clock.now - timedelta(days=3))
    add(ctx.desk, "Vũ Văn Hải", "M", "001085000222")
    page.refresh()
    settle()
    page.search.insert("001085000222")
    page._search_entered()
    settle()
    page.cohort.setEditText("Nhóm B")
    page.room_combo.setCurrentIndex(
        next(i for i in range(page.room_combo.count()) if page.room_combo.itemData(i).room == "101")
    )
    asked: list[str] = []
    page.ask.confirm = lambda title, text: asked.append(text) or True
    page.admit_into_chosen_room()
    wait_for_writes(qtbot)
    wait_for_writes(qtbot)
    assert asked and "tiếp xúc" in asked[0] and "101" in asked[0]
    roster = stays.roster(ctx.desk, "F01")
    assert {r.room for r in roster} == {"101"} and len(roster) == 2
    assert {r.period_start for r in roster} == {clock.now.date()}


def test_the_person_editor_keeps_doses_and_moves_the_planned_release(ctx, page, qtbot, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = datetime(2021, 11, 25, 9)
    person = add(ctx.desk, "Trần Văn Nam", "M", "001085000111")
    stays.admit(ctx.desk, person, "F01", "Nhóm A", at=clock.now)
    page.search.insert("001085000111")
    page.run_search()
    settle()
    dialog = page.person_dialog(page.results.row_at(0))
    qtbot.addWidget(dialog)
    settle()
    dialog.add_dose("01/08/2021", "AstraZeneca")
    dialog.add_dose("01/10/2021", "")
    dialog.save()
    wait_for_writes(qtbot)
    assert dialog.result_row is not None
    assert [d for d in dialog.result_row.doses] == [
        Dose(date(2021, 8, 1), "AstraZeneca"),
        Dose(date(2021, 10, 1)),
    ]
    assert "02/12/2021" in dialog.summary()
    assert stays.roster(ctx.desk, "F01")[0].planned_release == date(2021, 12, 2)
    # A bad date is refused in the dialog, with the field named, and nothing is saved.
    again = page.person_dialog(page.results.row_at(0))
    qtbot.addWidget(again)
    settle()
    again.add_dose("31/13/2021", "")
    again.save()
    assert again.result_row is None and "Ngày tiêm" in again.error.text()


def test_a_policy_reaches_stays_in_progress_only_after_the_list_is_confirmed(
    qtbot, ctx, clock, recorder
) -> None:  # type: ignore[no-untyped-def]
    from quarantine_desk.domain.policy import PolicyKind, PolicyProfile
    from quarantine_desk.services import policies
    from quarantine_desk.ui.pages.admin import AdminPage

    person = add(ctx.desk, "Trần Văn Nam", "M", "001085000111")
    stays.admit(ctx.desk, person, "F01", "Nhóm A", at=clock.now - timedelta(days=2))
    new = policies.save_policy(
        ctx.desk, PolicyProfile(None, "10 ngày", clock.now.date(), None, PolicyKind.STANDARD, 10, (1, 5, 10))
    )
    admin = AdminPage(ctx)
    qtbot.addWidget(admin)
    admin.show()
    tab = admin.policies_tab
    tab.refresh()
    settle()
    row = next(i for i in range(tab.policies.rowCount()) if tab.policies.row_at(i).id == new.id)
    tab.view.selectRow(row)
    before = stays.roster(ctx.desk, "F01")[0].planned_release
    recorder.answer = False
    tab.apply_to_stays()
    wait_for_writes(qtbot)
    assert "Trần Văn Nam" in recorder.questions[-1]
    assert stays.roster(ctx.desk, "F01")[0].planned_release == before
    recorder.answer = True
    tab.apply_to_stays()
    wait_for_writes(qtbot)
    assert stays.roster(ctx.desk, "F01")[0].planned_release == before - timedelta(days=4)
