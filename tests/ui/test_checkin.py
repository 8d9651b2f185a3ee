"""The check-in page driven with real key presses and clicks: search, scan, register, admit, refusals."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from quarantine_desk.services import facilities, people, stays
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.pages import checkin
from quarantine_desk.ui.pages.checkin import CheckinPage
from tests.ui.writes import settle, wait_for_writes

# The offscreen platform says so on every show; it is not a fault of the page.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def ctx(sqlite_only_desk, qtbot):  # type: ignore[no-untyped-def]
    desk = sqlite_only_desk
    facilities.add_facility(desk, "F01", "Ký túc xá Đại học")
    facilities.add_rooms(desk, "F01", "Khu A", "101-104", 4)
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


def type_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Vietnamese letters arrive through the input method, which QTest cannot press key by key."""
    widget.insert(text)


def add(desk, name: str, sex: str, id_number: str, household: str = "", born: str = "1985") -> int:  # type: ignore[no-untyped-def]
    return people.add_person(desk, NewPerson(name, sex, born, id_number=id_number, household=household)).id


def test_search_without_diacritics_finds_the_person(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    add(ctx.desk, "Nguyễn Thị Hường", "F", "001190012345")
    add(ctx.desk, "Trần Văn Nam", "M", "001085000111")
    qtbot.keyClicks(page.search, "nguyen thi huong")
    qtbot.waitUntil(lambda: page.results.rowCount() == 1, timeout=2000)
    assert page.results.row_at(0).full_name == "Nguyễn Thị Hường"
    assert page.results.data(page.results.index(0, 2)) == "Nữ"


def test_scanning_an_id_and_enter_picks_the_person(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    add(ctx.desk, "Nguyễn Thị Hường", "F", "001190012345")
    add(ctx.desk, "Nguyễn Thị Hương", "F", "001190012346")
    qtbot.keyClicks(page.search, "001190012345")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert [p.full_name for p in page.arrivals.rows()] == ["Nguyễn Thị Hường"]
    assert page.search.text() == ""
    # Scanning the same card again does not add the person twice.
    qtbot.keyClicks(page.search, "001190012345")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert page.arrivals.rowCount() == 1
    assert page.message.is_error


def test_two_cards_scanned_before_the_server_answers_are_both_picked(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    add(ctx.desk, "Nguyễn Thị Hường", "F", "001190012345")
    add(ctx.desk, "Trần Văn Nam", "M", "001085000111")
    for number in ("001190012345", "001085000111"):
        qtbot.keyClicks(page.search, number)
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
        assert page.search.text() == ""  # ready for the next card at once
    wait_for_writes(qtbot)
    assert [p.full_name for p in page.arrivals.rows()] == [
        "Nguyễn Thị Hường",
        "Trần Văn Nam",
    ]  # in scan order


def test_bad_id_number_in_the_new_person_form_shows_the_error(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    type_text(page.f_name, "Lê Văn Tám")
    qtbot.keyClicks(page.f_born, "1990")
    qtbot.keyClicks(page.f_id, "12345")
    qtbot.mouseClick(page.add_person_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.form_error.is_error
    assert "CCCD" in page.form_error.text()
    assert people.search_people(ctx.desk, "le van tam") == []
    assert page.arrivals.rowCount() == 0


def test_new_person_is_registered_and_joins_the_arrivals(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    type_text(page.f_name, "Lê Văn Tám")
    qtbot.keyClicks(page.f_sex, "N")  # the first item starting with N: "Nam"
    qtbot.keyClicks(page.f_born, "15/03/1990")
    qtbot.keyClick(page.f_born, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert not page.form_error.is_error
    assert [p.full_name for p in page.arrivals.rows()] == ["Lê Văn Tám"]
    assert page.arrivals.row_at(0).sex.value == "M"
    # The next person's sex is chosen again, never carried over.
    assert page.f_sex.currentData() == ""


def test_sex_must_be_chosen(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert page.f_sex.currentData() == ""
    type_text(page.f_name, "Lê Văn Tám")
    qtbot.keyClicks(page.f_born, "1990")
    qtbot.keyClick(page.f_born, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert page.form_error.is_error and "Giới tính" in page.form_error.text()
    assert page.f_sex.hasFocus()
    assert people.search_people(ctx.desk, "le van tam") == []


def test_an_unknown_id_scanned_starts_the_registration_with_it(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(page.search, "001190099999")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert page.f_id.text() == "001190099999"
    assert page.f_sex.currentData() == "F"  # the CCCD says so
    assert page.f_name.hasFocus()
    type_text(page.f_name, "Hoàng Thị Mai")
    qtbot.keyClicks(page.f_born, "1990")
    qtbot.keyClick(page.f_born, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert [(p.full_name, p.id_number) for p in page.arrivals.rows()] == [("Hoàng Thị Mai", "001190099999")]


def test_a_name_not_found_is_offered_for_registration(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    add(ctx.desk, "Trần Văn Nam", "M", "001085000111")
    type_text(page.search, "Lò Văn Pó")
    page.run_search()
    wait_for_writes(qtbot)
    assert page.register_new.isVisible()
    assert page.results_label.text() == "Không tìm thấy “Lò Văn Pó”"
    qtbot.mouseClick(page.register_new, Qt.MouseButton.LeftButton)
    assert page.f_name.text() == "Lò Văn Pó" and page.f_id.text() == ""
    assert page.f_sex.hasFocus()
    assert not page.register_new.isVisible() and page.search.text() == ""
    qtbot.keyClicks(page.search, "0905123456")
    page.run_search()
    wait_for_writes(qtbot)
    qtbot.mouseClick(page.register_new, Qt.MouseButton.LeftButton)
    assert page.f_phone.text() == "0905123456"


def test_the_duplicate_id_says_who_holds_it(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    add(ctx.desk, "Trần Văn Nam", "M", "001085000111")
    type_text(page.f_name, "Trần Văn Năm")
    qtbot.keyClicks(page.f_born, "1986")
    qtbot.keyClicks(page.f_id, "001085000111")
    qtbot.keyClick(page.f_id, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert page.form_error.text() == (
        "Số giấy tờ “001085000111” đã là của Trần Văn Nam, sinh 1985, hiện không ở khu cách ly nào."
    )


def test_ctrl_enter_admits_a_household_into_one_room(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    for name, sex, number, born in (
        ("Phạm Văn Bình", "M", "001085000001", "1985"),
        ("Đỗ Thị Lan", "F", "001185000002", "1985"),
        ("Phạm Minh Khôi", "M", "001215000003", "2015"),  # the 4th digit 2: a boy born in the 2000s
    ):
        add(ctx.desk, name, sex, number, household="HGD-07", born=born)
        qtbot.keyClicks(page.search, number)
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
        wait_for_writes(qtbot)
    assert page.arrivals.rowCount() == 3
    page.cohort.setFocus()
    type_text(page.cohort.lineEdit(), "F1 chợ Bình Điền")
    qtbot.mouseClick(page.propose_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.proposals.rowCount() == 3
    assert {page.proposals.data(page.proposals.index(r, 3)) for r in range(3)} == {
        "giữ hộ gia đình cùng phòng"
    }
    qtbot.keyClick(page.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_for_writes(qtbot)
    assert page.summary.rowCount() == 3
    assert len({r.room for r in page.summary.rows()}) == 1
    assert page.arrivals.rowCount() == 0
    assert len(stays.roster(ctx.desk, "F01")) == 3
    assert "24/08/2021" in page.message.text()


def test_commitment_is_printed_for_the_admitted_person(ctx, page, qtbot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    add(ctx.desk, "Trần Văn Nam", "M", "001085000111")
    qtbot.keyClicks(page.search, "001085000111")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    page.cohort.setEditText("Nhóm A")
    qtbot.mouseClick(page.admit_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.print_button.isEnabled()
    out = tmp_path / "cam-ket.pdf"
    monkeypatch.setattr(checkin.QFileDialog, "getSaveFileName", lambda *args: (str(out), ""))
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert out.exists() and out.stat().st_size > 0
    assert not page.message.is_error


def test_room_of_another_cohort_is_refused_with_r2(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    first = add(ctx.desk, "Trần Văn Nam", "M", "001085000111")
    stays.admit(ctx.desk, first, "F01", "Nhóm A", room="101")
    add(ctx.desk, "Vũ Văn Hải", "M", "001085000222")
    page.refresh()
    settle()
    qtbot.keyClicks(page.search, "001085000222")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    page.cohort.setEditText("Nhóm B")
    page.room_combo.setCurrentIndex(
        next(i for i in range(page.room_combo.count()) if page.room_combo.itemData(i).room == "101")
    )
    qtbot.mouseClick(page.admit_here_button, Qt.MouseButton.LeftButton)
    wait_for_writes(qtbot)
    assert page.message.is_error
    assert "Nhóm A" in page.message.text() and "101" in page.message.text()
    assert "102" in page.message.text()  # a room that fits is offered
    assert len(stays.roster(ctx.desk, "F01")) == 1
    assert page.arrivals.rowCount() == 1


def test_models_pass_the_model_tester(ctx, page, qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    add(ctx.desk, "Nguyễn Thị Hường", "F", "001190012345")
    qtbot.keyClicks(page.search, "huong")
    page.run_search()
    for model in (page.results, page.arrivals, page.proposals, page.summary):
        qtmodeltester.check(model)


def test_enter_twice_while_saving_registers_the_person_once(ctx, page, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    saving = threading.Event()
    real = people.add_person

    def slow(desk, entry):  # type: ignore[no-untyped-def]
        saving.wait(5)  # the server is slow to answer
        return real(desk, entry)

    monkeypatch.setattr(people, "add_person", slow)
    type_text(page.f_name, "Lê Văn Tám")
    qtbot.keyClicks(page.f_sex, "N")
    qtbot.keyClicks(page.f_born, "1990")
    qtbot.keyClick(page.f_born, Qt.Key.Key_Return)
    assert not page.add_person_button.isEnabled()
    qtbot.keyClick(page.f_born, Qt.Key.Key_Return)
    saving.set()
    wait_for_writes(qtbot)
    assert page.add_person_button.isEnabled()
    assert [p.full_name for p in page.arrivals.rows()] == ["Lê Văn Tám"]
    assert len(people.search_people(ctx.desk, "le van tam")) == 1


CARD = "062085000111|233123456|Nguyễn Văn Sơn|15031985|Nam|Thôn 1, Hà Mòn, Đắk Hà, Kon Tum|10052021"


def scan(qtbot, page, text: str) -> None:  # type: ignore[no-untyped-def]
    """A USB scanner types the QR text like a keyboard, key by key, then Enter. QTest's keyClicks takes ASCII
    only (Qt aborts on other letters), so a Vietnamese letter goes as a key event carrying its text, as the
    scanner's keyboard emulation delivers it."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        if char.isascii():
            qtbot.keyClicks(page.search, char)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(page.search, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)  # the person is looked up off the GUI thread


def test_a_scanned_chip_id_fills_the_new_person_form_for_one_enter(ctx, page, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page.resize(1366, 768)
    scan(qtbot, page, CARD)
    assert page.search.text() == ""
    assert page.f_name.text() == "Nguyễn Văn Sơn"
    assert (page.f_sex.currentData(), page.f_born.text()) == ("M", "15/03/1985")
    assert (page.f_id.text(), page.f_address.text()) == ("062085000111", "Thôn 1, Hà Mòn, Đắk Hà, Kon Tum")
    assert page.f_phone.hasFocus()
    assert people.search_people(ctx.desk, "062085000111") == []  # nothing written before the confirmation
    page.grab().save(str(tmp_path / "checkin-qr.png"))
    qtbot.keyClicks(page.f_phone, "0905111222")
    qtbot.keyClick(page.f_phone, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert not page.form_error.is_error, page.form_error.text()
    assert [(p.full_name, p.phone) for p in page.arrivals.rows()] == [("Nguyễn Văn Sơn", "0905111222")]


def test_a_scanned_chip_id_of_someone_registered_picks_the_person(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    add(ctx.desk, "Nguyễn Văn Sơn", "M", "062085000111")
    add(ctx.desk, "Nguyễn Văn Sơn", "M", "062085000112")
    scan(qtbot, page, CARD)
    assert [p.id_number for p in page.arrivals.rows()] == ["062085000111"]
    assert page.f_name.text() == ""


def test_a_damaged_qr_text_fills_nothing_and_says_why(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    scan(qtbot, page, CARD.replace("|Nam|", "|Nữ|"))
    assert page.message.is_error
    assert "không khớp với giới tính" in page.message.text()
    assert page.f_name.text() == "" and page.f_id.text() == ""
    assert page.arrivals.rowCount() == 0
    scan(qtbot, page, "062085000111|233123456|Nguy")  # the scanner stopped half-way
    assert "cần 7" in page.message.text()
    assert page.f_name.text() == ""


# --- a child's accompanying adult (R9) ------------------------------------------------------------------------------


def test_a_scanned_child_brings_the_offer_to_pick_the_adult_of_the_household(
    ctx, page, qtbot, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    mother = add(ctx.desk, "Trần Thị Mai", "F", "062188000111", household="HK-01", born="1988")
    add(ctx.desk, "Nguyễn Văn Ông", "M", "062060000222", household="HK-01", born="1960")
    child = people.add_person(ctx.desk, NewPerson("Nguyễn Minh Khôi", "M", "2015", household="HK-01")).id
    asked: list[tuple[str, list[str]]] = []

    def choose(title: str, label: str, items) -> str:  # type: ignore[no-untyped-def]
        asked.append((label, list(items)))
        return next(i for i in items if i.startswith("Trần Thị Mai"))

    page.ask.choice = choose
    page.resize(1366, 768)
    type_text(page.search, "nguyen minh khoi")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert len(asked) == 1
    assert "Nguyễn Minh Khôi dưới 16 tuổi" in asked[0][0]
    assert sorted(asked[0][1]) == ["Nguyễn Văn Ông (1960)", "Trần Thị Mai (1988)"]
    assert [p.id for p in page.arrivals.rows()] == [child, mother]
    page.grab().save(str(tmp_path / "checkin-child.png"))
    # The program's choice keeps them together.
    page.cohort.setEditText("Nhóm A")
    qtbot.keyClick(page.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_for_writes(qtbot)
    rooms = {r.person: r.room for r in stays.roster(ctx.desk, "F01")}
    assert rooms[child] == rooms[mother]


def test_a_typed_adult_who_is_not_on_the_list_is_refused_and_the_choice_stays_open(
    ctx, page, qtbot, on_dialog, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    mother = add(ctx.desk, "Trần Thị Mai", "F", "062188000111", household="HK-01", born="1988")
    add(ctx.desk, "Nguyễn Văn Ông", "M", "062060000222", household="HK-01", born="1960")
    child = people.add_person(ctx.desk, NewPerson("Nguyễn Minh Khôi", "M", "2015", household="HK-01")).id
    seen: list[tuple[bool, str]] = []

    def answer(dialog: QInputDialog) -> None:
        dialog.setTextValue("Trần Thị Hoa")  # nobody of the household
        dialog.accept()
        seen.append((dialog.isVisible(), dialog.labelText()))
        dialog.grab().save(str(tmp_path / "checkin-companion-unknown.png"))
        dialog.setTextValue("tran thi mai")  # typed without accents: the mother
        dialog.accept()
        seen.append((dialog.isVisible(), dialog.labelText()))

    on_dialog(answer)  # type: ignore[arg-type]
    type_text(page.search, "nguyen minh khoi")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen[0][0] and "Không tìm thấy “Trần Thị Hoa” trong danh sách" in seen[0][1]
    assert not seen[1][0]
    assert [p.id for p in page.arrivals.rows()] == [child, mother]


def test_a_child_without_a_household_is_recorded_with_the_adult_picked_from_the_arrivals(
    ctx, page, qtbot
) -> None:  # type: ignore[no-untyped-def]
    father = add(ctx.desk, "Lê Văn Cha", "M", "062080000333", born="1980")
    child = people.add_person(ctx.desk, NewPerson("Lê Bé Na", "F", "2016")).id
    page.ask.choice = lambda title, label, items: next(i for i in items if i.startswith("Lê Văn Cha"))
    for text in ("062080000333", "le be na"):
        type_text(page.search, text)
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
        wait_for_writes(qtbot)
    household = people.get_person(ctx.desk, child).household
    assert household and people.get_person(ctx.desk, father).household == household
    assert {p.household for p in page.arrivals.rows()} == {household}
    page.cohort.setEditText("Nhóm A")
    page.admit_all()
    wait_for_writes(qtbot)
    rooms = {r.person: r.room for r in stays.roster(ctx.desk, "F01")}
    assert rooms[child] == rooms[father]


def test_a_child_with_no_adult_at_hand_is_told_what_to_do(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    people.add_person(ctx.desk, NewPerson("Lê Bé Một", "F", "2016"))
    page.ask.choice = lambda *_: pytest.fail("nobody to offer")
    type_text(page.search, "le be mot")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert page.message.is_error
    assert "không được ở một mình (quy tắc R9)" in page.message.text()


def test_a_child_whose_parent_is_already_here_joins_the_parents_room(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    mother = add(ctx.desk, "Trần Thị Mai", "F", "062188000111", household="HK-02", born="1988")
    stays.admit(ctx.desk, mother, "F01", "Nhóm A", room="103")
    child = people.add_person(ctx.desk, NewPerson("Nguyễn Bé Hai", "M", "2017", household="HK-02")).id
    page.ask.choice = lambda *_: pytest.fail("the mother is already here")
    type_text(page.search, "nguyen be hai")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    assert "cùng phòng với Trần Thị Mai (phòng 103)" in page.message.text()
    page.cohort.setEditText("Nhóm A")
    page.admit_all()
    wait_for_writes(qtbot)
    assert {r.person: r.room for r in stays.roster(ctx.desk, "F01")}[child] == "103"


def test_someone_who_needs_special_watch_is_marked_at_the_gate(ctx, page, qtbot) -> None:  # type: ignore[no-untyped-def]
    from quarantine_desk.services.people import Details
    from quarantine_desk.ui.models import ATTENTION_BACKGROUND

    people.add_person(
        ctx.desk,
        NewPerson("Nguyễn Thị Mang", "F", "1995", id_number="062195000444"),
        details=Details(conditions="thai 20 tuần", pregnant=True, special_watch=True),
    )
    type_text(page.search, "062195000444")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    wait_for_writes(qtbot)
    index = page.arrivals.index(0, 0)
    assert page.arrivals.data(index) == "! Nguyễn Thị Mang"
    assert "Cần theo dõi đặc biệt: Có thai; thai 20 tuần" in page.arrivals.data(
        index, Qt.ItemDataRole.ToolTipRole
    )
    assert page.arrivals.data(index, Qt.ItemDataRole.BackgroundRole) == ATTENTION_BACKGROUND
