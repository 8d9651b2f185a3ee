"""The check-in page: find or register people at the gate, group those arriving together, admit them.

Built for the keyboard and the barcode scanner: the search field has the focus, a scanner types an ID number
and Enter, and the person joins the "arriving together" list; Ctrl+Enter admits the whole list with the beds
the program proposes (R1–R5 are checked by the services; a refusal is shown in words, never as a traceback).
Registering and admitting run on the write worker (``ui.operations.write``), so a slow server never freezes
the gate; the search field stays usable meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QKeyCombination, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLineEdit,
    QWidget,
)

from quarantine_desk.domain.chip_id import looks_like_chip_qr
from quarantine_desk.domain.errors import ChildAlone, InvalidInput, PersonAlreadyStaying, RoomCohortConflict
from quarantine_desk.domain.people import normalise_id_number, parse_id_number, parse_phone, sex_from_id
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.rooms import RoomState
from quarantine_desk.domain.stays import is_child
from quarantine_desk.services import documents, facilities, people, stays
from quarantine_desk.services.changes import Area
from quarantine_desk.services.facilities import RoomRow
from quarantine_desk.services.people import NewPerson, PersonRow
from quarantine_desk.services.stays import AdmitResult, Proposal
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms_compiled.ui_checkin_page import Ui_CheckinPage
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.labels import watch_label
from quarantine_desk.ui.models import ATTENTION_BACKGROUND, Column, RowsModel
from quarantine_desk.ui.operations import follow, query, task, write
from quarantine_desk.ui.permissions import restrict
from quarantine_desk.ui.person_dialog import PersonDialog
from quarantine_desk.ui.tasks import writing
from quarantine_desk.ui.widgets import Ask, setup_table, sex_text, vn_date

log = logging.getLogger(__name__)

# The rooms and cohorts offered, and the people found: a write to any of these reloads the page.
AREAS = frozenset({Area.FACILITIES, Area.ROOMS, Area.STAYS, Area.PEOPLE})
SEARCH_DELAY_MS = 250  # long enough to skip the keystrokes of a scanner, short enough to feel immediate
INVALID_STYLE = "border: 2px solid #b3261e;"


def looks_like(text: str) -> str:
    """Which field of the new person a searched text belongs in: "id_number", "phone" or "name"."""
    for field, parse in (("id_number", parse_id_number), ("phone", parse_phone)):
        try:
            parse(text)
        except InvalidInput:
            continue
        return field
    return "name"


def sex_of_id(text: str) -> str:
    """The sex ("M" or "F") a CCCD number gives in its fourth digit; "" for anything else."""
    try:
        kind, number = parse_id_number(text)
    except InvalidInput:
        return ""
    sex = sex_from_id(kind, number)
    return sex.value if sex else ""


@dataclass(frozen=True)
class RoomChoice:
    room: str
    zone: str
    beds: int
    label: str


class CheckinPage(QWidget):
    """Tiếp nhận người cách ly."""

    admitted = Signal(list)  # the AdmitResult rows of the last admission

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("checkin_page")
        self.ask = Ask(self)
        # The arrival, room and bed of the last admission into a chosen room (to offer "accept as contact").
        self._chosen: tuple[PersonRow, str, str | None] | None = None
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self._entered = 0  # Enters in the search field so far: each one's read is kept apart
        self._scans: list[
            int
        ] = []  # the Enters still waiting for their answer, in the order they were pressed
        self._answers: dict[int, Callable[[], None]] = {}  # answers that came before an earlier one's
        self._build()
        self.new_person_box = self.ui.new_person
        self.arrivals_box = self.ui.arrivals_box
        self.manual_box = self.ui.manual_box
        self.may_admit = restrict(ctx.desk, [self.arrivals_box, self.manual_box], Permission.ADMIT)
        self.may_register = restrict(
            ctx.desk,
            [self.new_person_box, self.add_selected, self.register_new],
            Permission.REGISTER_PERSON,
            Permission.ADMIT,
        )
        self.follower = follow(self, ctx, AREAS, self.refresh)
        self._wire_person_editor()
        self.refresh()

    # --- layout -----------------------------------------------------------------------------------------------

    def _build(self) -> None:
        """The layout, tab order and buddies come from forms/checkin_page.ui; the models and signals from here."""
        self.ui = Ui_CheckinPage()
        self.ui.setupUi(self)
        ui = self.ui

        self.search = ui.search
        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._search_entered)

        self.results = RowsModel[PersonRow](
            [
                Column(
                    self.tr("Họ và tên"),
                    lambda p: f"! {p.full_name}" if p.special_watch else p.full_name,
                    tooltip=self.person_tooltip,
                ),
                Column(
                    self.tr("Năm sinh"),
                    lambda p: vn_date(p.birth_date) if p.birth_date else str(p.birth_year or ""),
                ),
                Column(self.tr("Giới tính"), lambda p: sex_text(p.sex.value)),
                Column(self.tr("CCCD/CMND"), lambda p: p.id_number or ""),
                Column(self.tr("SĐT"), lambda p: p.phone or ""),
                Column(self.tr("Đang ở"), self._where_text),
            ],
            parent=self,
            highlight=lambda p: ATTENTION_BACKGROUND if p.special_watch else None,
        )
        self.results_view = setup_table(ui.results, self.results)
        self.results_view.activated.connect(lambda index: self.pick(self.results.row_at(index.row())))
        self.results_view.doubleClicked.connect(lambda index: self.pick(self.results.row_at(index.row())))
        self.add_selected = ui.add_selected
        self.add_selected.clicked.connect(self._pick_selected)
        # Shown when a search finds nobody: the typed text becomes the new person's name or ID number.
        self.results_label = ui.resultsLabel
        self.register_new = ui.register_new
        self.register_new.clicked.connect(self.start_registration)

        self._build_new_person()
        self._build_arrivals()
        self._build_manual()
        self.message = ui.message
        self._build_summary()

        # Keys as key codes, never as text: text is read through the translated key names of the language.
        admit = QShortcut(self)
        admit.setKeys(
            [
                QKeySequence(QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Return)),
                QKeySequence(QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Enter)),
            ]
        )
        admit.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        admit.activated.connect(self.admit_all)
        focus_search = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        focus_search.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus_search.activated.connect(self.focus_search)

    def _build_new_person(self) -> None:
        ui = self.ui
        self.f_name = ui.new_name
        self.f_sex = ui.new_sex
        # No default: the sex decides the room (R3); a CCCD number fills it in.
        self.f_sex.addItem(self.tr("— chọn —"), "")
        self.f_sex.addItem(self.tr("Nam"), "M")
        self.f_sex.addItem(self.tr("Nữ"), "F")
        self.f_born = ui.new_born
        self.f_id = ui.new_id_number
        self.f_id.textChanged.connect(self._sex_from_id)
        self.f_phone = ui.new_phone
        self.f_address = ui.new_address
        self.f_household = ui.new_household
        self.f_doses = ui.new_doses
        self.f_doses.setRange(0, people.MAX_DOSES)
        self.f_last_dose = ui.new_last_dose_on
        self._fields: dict[str, QWidget] = {
            "name": self.f_name,
            "sex": self.f_sex,
            "born": self.f_born,
            "id_number": self.f_id,
            "phone": self.f_phone,
            "address": self.f_address,
            "household": self.f_household,
            "doses": self.f_doses,
            "last_dose_on": self.f_last_dose,
        }
        for widget in self._fields.values():
            if isinstance(widget, QLineEdit):
                widget.returnPressed.connect(self.add_new_person)
        self.form_error = ui.form_error
        self.add_person_button = ui.add_person
        self.add_person_button.clicked.connect(self.add_new_person)

    def _build_arrivals(self) -> None:
        ui = self.ui
        self.arrivals = RowsModel[PersonRow](
            [
                Column(
                    self.tr("Họ và tên"),
                    lambda p: f"! {p.full_name}" if p.special_watch else p.full_name,
                    tooltip=self.person_tooltip,
                ),
                Column(self.tr("Giới tính"), lambda p: sex_text(p.sex.value)),
                Column(self.tr("Năm sinh"), lambda p: str(p.birth_year or "")),
                Column(self.tr("Hộ gia đình"), lambda p: p.household or ""),
                Column(self.tr("CCCD/CMND"), lambda p: p.id_number or ""),
            ],
            parent=self,
            highlight=lambda p: ATTENTION_BACKGROUND if p.special_watch else None,
        )
        self.arrivals_view = setup_table(ui.arrivals, self.arrivals)
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.arrivals_view)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self.remove_selected_arrival)
        self.remove_button = ui.remove_arrival
        self.remove_button.clicked.connect(self.remove_selected_arrival)

        self.cohort = ui.cohort
        line = self.cohort.lineEdit()
        assert line is not None
        line.setPlaceholderText(self.tr("Chọn nhóm hoặc gõ tên nhóm mới"))
        self.cohort.currentTextChanged.connect(lambda _text: self._clear_proposals())

        self.propose_button = ui.propose
        self.propose_button.clicked.connect(self.propose)
        self.admit_button = ui.admit
        self.admit_button.clicked.connect(self.admit_all)

        self.proposals = RowsModel[Proposal](
            [
                Column(self.tr("Họ và tên"), lambda p: p.full_name, tooltip=lambda p: p.full_name),
                Column(self.tr("Phòng"), lambda p: f"{p.room} ({p.zone})"),
                Column(self.tr("Giường"), lambda p: p.bed),
                Column(self.tr("Lý do"), lambda p: self.reason_text(p.reason)),
            ],
            parent=self,
        )
        self.proposals_view = setup_table(ui.proposals, self.proposals, stretch_column=3)

    def _build_manual(self) -> None:
        self.room_combo = self.ui.room
        self.room_combo.currentIndexChanged.connect(self._fill_beds)
        self.bed_combo = self.ui.bed
        self.admit_here_button = self.ui.admit_here
        self.admit_here_button.clicked.connect(self.admit_into_chosen_room)

    def _build_summary(self) -> None:
        self.summary = RowsModel[AdmitResult](
            [
                Column(self.tr("Họ và tên"), lambda r: r.full_name, tooltip=lambda r: r.full_name),
                Column(self.tr("Phòng"), lambda r: r.room),
                Column(self.tr("Giường"), lambda r: r.bed),
                Column(self.tr("Dự kiến ra"), lambda r: vn_date(r.planned_release)),
                Column(
                    self.tr("Ngày xét nghiệm"), lambda r: ", ".join(d.strftime("%d/%m") for d in r.test_days)
                ),
            ],
            parent=self,
        )
        self.summary_view = setup_table(self.ui.summary, self.summary)
        self.print_button = self.ui.print_commitment
        self.print_button.clicked.connect(self.print_commitment)
        self._update_print_button()

    # --- texts ------------------------------------------------------------------------------------------------

    def reason_text(self, reason: str) -> str:
        return {
            "fills_cohort_room": self.tr("xếp cùng phòng với nhóm"),
            "opens_room": self.tr("mở phòng mới"),
            "keeps_household": self.tr("giữ hộ gia đình cùng phòng"),
            "splits_household": self.tr("hộ quá đông, chia phòng"),
        }.get(reason, reason)

    def person_tooltip(self, person: PersonRow) -> str:
        """The name, and why the person needs special watch when flagged (marked "!" like on the room board)."""
        if not person.special_watch:
            return person.full_name
        return (
            person.full_name
            + "\n"
            + self.tr("Cần theo dõi đặc biệt: %1").replace(
                "%1", watch_label(True, person.pregnant, person.conditions)
            )
        )

    def _where_text(self, person: PersonRow) -> str:
        if not person.facility:
            return ""
        if person.facility == self.ctx.facility:  # the facility at work here goes without saying
            return self.tr("phòng %1").replace("%1", person.room or "")
        return self.tr("%1, phòng %2").replace("%1", person.facility).replace("%2", person.room or "")

    def _state_text(self, state: RoomState) -> str:
        return {
            RoomState.READY: self.tr("trống"),
            RoomState.OCCUPIED: self.tr("có người"),
            RoomState.CLOSED: self.tr("phong tỏa"),
            RoomState.AWAITING_DISINFECTION: self.tr("chờ khử khuẩn"),
            RoomState.OUT_OF_SERVICE: self.tr("ngừng sử dụng"),
        }[state]

    # --- loading ----------------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.follower.shown()  # reload what changed while the page was hidden
        # After the window has shown the page, so the focus is not taken back by the page switcher.
        QTimer.singleShot(0, self.focus_search)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        """Reload the cohorts and rooms of the facility (off the GUI thread), and the search results shown."""
        code, desk = self.ctx.facility, self.ctx.desk
        if code:
            query(
                self,
                lambda: (stays.cohorts(desk, code), facilities.room_board(desk, code)),
                lambda loaded: self._show_choices(*loaded),
                self._load_failed,
                key="choices",
            )
        else:
            self._show_choices([], [])
        if self.search.text().strip():
            self.run_search()
        self._update_print_button()

    def _load_failed(self, err: BaseException) -> None:
        self.message.error(error_text(err, self.ctx.lang))

    def _show_choices(self, cohorts: list[str], rooms: list[RoomRow]) -> None:
        typed = self.cohort.currentText()
        chosen_room = self.room_combo.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        self.room_combo.blockSignals(True)
        self.room_combo.clear()
        self.cohort.addItems(cohorts)
        today = self.ctx.desk.now().date()
        # Rooms that take today's arrivals first; a room whose people started earlier is never offered first, and
        # says so (R2: a later day never joins it, except as a manager's accepted contact).
        for row in sorted(rooms, key=lambda r: not r.takes_arrivals_of(today)):
            label = (
                self.tr("%1 · %2 · %3 %4/%5")
                .replace("%1", row.room)
                .replace("%2", row.zone)
                .replace("%3", self._state_text(row.state))
                .replace("%4", str(row.occupants))
                .replace("%5", str(row.beds_in_service))
            )
            if row.cohort:
                label += f" · {row.cohort}"
            if row.starts_on is not None:
                label += " " + self.tr("(từ %1)").replace("%1", row.starts_on.strftime("%d/%m"))
                if row.starts_on != today:
                    label += " · " + self.tr("không nhận người đến sau")
            self.room_combo.addItem(label, RoomChoice(row.room, row.zone, row.beds, label))
        self.cohort.setEditText(typed)
        self.cohort.blockSignals(False)
        self.room_combo.blockSignals(False)
        for i in range(self.room_combo.count()):
            data = self.room_combo.itemData(i)
            if chosen_room is not None and data.room == chosen_room.room:
                self.room_combo.setCurrentIndex(i)
                break
        # The closed box shows what fits of a long label; the list opens wide enough for every label.
        metrics = self.room_combo.fontMetrics()
        labels = [self.room_combo.itemText(i) for i in range(self.room_combo.count())]
        self.room_combo.view().setMinimumWidth(
            max((metrics.horizontalAdvance(t) for t in labels), default=0) + 40
        )
        self._fill_beds()

    def _fill_beds(self) -> None:
        self.room_combo.setToolTip(self.room_combo.currentText())  # the whole label of the chosen room
        self.bed_combo.clear()
        self.bed_combo.addItem(self.tr("Tự chọn giường"), None)
        choice = self.room_combo.currentData()
        if isinstance(choice, RoomChoice):
            # add_rooms numbers beds 1..N; the service refuses a taken bed with the rule's message.
            for label in range(1, choice.beds + 1):
                self.bed_combo.addItem(str(label), str(label))

    # --- search and picking -----------------------------------------------------------------------------------

    def run_search(self, then: Callable[[], None] | None = None) -> None:
        """Search off the GUI thread; the answer to the latest search is shown, then ``then()`` runs."""
        self._search_timer.stop()
        text = self.search.text().strip()
        self._show_no_hit("")
        if not text:
            self.results.set_rows([])
            return
        desk = self.ctx.desk

        def found(rows: list[PersonRow]) -> None:
            self.results.set_rows(rows)
            if self.results.rowCount():
                self.results_view.selectRow(0)
            else:
                self._show_no_hit(text)
            if then is not None:
                then()

        query(self, lambda: people.search_people(desk, text), found, self._load_failed, key="search")

    def _show_no_hit(self, text: str) -> None:
        """Say that nobody was found and offer to register the person (or go back to the plain heading)."""
        self.register_new.setVisible(bool(text))
        self.add_selected.setVisible(not text)
        self.results_label.setText(
            self.tr("Không tìm thấy “%1”").replace("%1", text) if text else self.tr("Kết quả tìm kiếm")
        )

    def start_registration(self) -> None:
        """Move the searched text into the new person's form, into the field it looks like, and go there."""
        text = self.search.text().strip()
        if not self.may_register or not text:
            return
        for widget in (self.f_name, self.f_id, self.f_phone):
            widget.clear()
        target = {"id_number": self.f_id, "phone": self.f_phone}.get(looks_like(text), self.f_name)
        target.setText(text)
        self.search.clear()
        self.results.set_rows([])
        self._show_no_hit("")
        self.form_error.clear_message()
        # The next field to type: the name after a scanned number, the sex after a typed name.
        (self.f_sex if target is self.f_name else self.f_name).setFocus(Qt.FocusReason.OtherFocusReason)
        self.message.done(self.tr("Chưa có trong danh sách: nhập thông tin người mới rồi nhấn Enter."))

    def _sex_from_id(self, text: str) -> None:
        """A CCCD says the sex; fill it in while nobody has chosen one."""
        if self.f_sex.currentIndex() != 0:
            return
        sex = sex_of_id(text)
        if sex:
            self.f_sex.setCurrentIndex(self.f_sex.findData(sex))

    def _search_entered(self) -> None:
        """Enter (a scanner ends each card with it): find what was typed and pick the person it names.

        The field is emptied at once, so the next card can be scanned while the server answers; each Enter is
        its own read, so a quick second scan never drops the first.
        """
        if looks_like_chip_qr(self.search.text()):
            self._card_scanned(self.search.text())
            return
        text = self.search.text().strip()
        if not text:
            return
        wanted = normalise_id_number(text)

        def found(rows: list[PersonRow]) -> None:
            exact = [p for p in rows if p.id_number and p.id_number == wanted]
            if exact or len(rows) == 1:
                self.results.set_rows(rows)  # still shown when the person cannot be picked (and says why)
                self.pick((exact or rows)[0], clear=False)
                return
            # Several or none: show what was found, with the text back if nothing else was typed since.
            typed_since = bool(self.search.text())
            if not typed_since:
                self.search.setText(text)
            self.results.set_rows(rows)
            if rows:
                self.results_view.selectRow(0)
                self.results_view.setFocus()
            elif typed_since:
                self._show_no_hit(text)
            else:
                self.start_registration()  # nobody by that name or number: register the person

        self._look_up(text, found)

    def _look_up(self, text: str, found: Callable[[list[PersonRow]], None]) -> None:
        """A scanned card's search, off the GUI thread, with the field emptied at once for the next card. Each
        card is its own read, so none is dropped, and the answers are acted on in the order of the scans."""
        self._search_timer.stop()
        self.search.clear()
        self._entered += 1
        number, desk = self._entered, self.ctx.desk
        self._scans.append(number)

        def answered(act: Callable[[], None]) -> None:
            self._answers[number] = act
            while self._scans and self._scans[0] in self._answers:
                self._answers.pop(self._scans.pop(0))()

        query(
            self,
            lambda: people.search_people(desk, text),
            lambda rows: answered(lambda: found(rows)),
            lambda err: answered(lambda: self._load_failed(err)),
            key=f"enter{number}",
        )

    def _card_scanned(self, text: str) -> None:
        """A chip ID's QR code typed by the scanner: the person of that ID number joins the arrivals; someone
        not yet registered fills the new person's form, for one Enter to confirm. A damaged code fills nothing."""
        try:
            entry = people.new_person_from_qr(text, self.ctx.desk.now().date())
        except InvalidInput as err:
            self.message.error(
                self.tr("Không đọc được mã QR của CCCD: %1").replace("%1", error_text(err, self.ctx.lang))
            )
            self.search.selectAll()
            return
        # The search finds the person by the ID number in the code.
        self._look_up(text, lambda rows: self._card_found(entry, rows))

    def _card_found(self, entry: NewPerson, rows: list[PersonRow]) -> None:
        known = [p for p in rows if p.id_number == entry.id_number]
        if known:
            self.results.set_rows(rows)
            self.pick(known[0], clear=False)
            return
        if not self.may_register:
            self.message.error(self.tr("Không tìm thấy “%1”").replace("%1", entry.id_number))
            return
        for widget in (self.f_phone, self.f_household, self.f_last_dose):
            widget.clear()
        self.f_doses.setValue(0)
        self.f_name.setText(entry.name)
        self.f_sex.setCurrentIndex(self.f_sex.findData(entry.sex))
        self.f_born.setText(entry.born)
        self.f_id.setText(entry.id_number)
        self.f_address.setText(entry.address)
        self.results.set_rows([])
        self._show_no_hit("")
        self.form_error.clear_message()
        self.f_phone.setFocus(Qt.FocusReason.OtherFocusReason)
        self.message.done(
            self.tr("Đã đọc CCCD của %1: thêm số điện thoại nếu có rồi nhấn Enter để đăng ký.").replace(
                "%1", entry.name
            )
        )

    def _pick_selected(self) -> None:
        index = self.results_view.currentIndex()
        if index.isValid():
            self.pick(self.results.row_at(index.row()))

    def _clear_proposals(self) -> None:
        self.proposals.set_rows([])

    def pick(self, person: PersonRow | None, *, clear: bool = True) -> None:
        """Add a person to the arriving list (once; not someone already in quarantine). ``clear``: empty the
        search and take the focus back to it (not after a scan: the next card may be arriving in it)."""
        if person is None or not self.may_admit:
            return
        if person.facility:
            self.message.error(
                self.ctx.describe(PersonAlreadyStaying(person.full_name, person.facility, person.room or ""))
            )
            return
        if any(p.id == person.id for p in self.arrivals.rows()):
            self.message.error(self.tr("%1 đã có trong danh sách đến.").replace("%1", person.full_name))
        else:
            self.arrivals.set_rows([*self.arrivals.rows(), person])
            self.proposals.set_rows([])
            self.arrivals_view.selectRow(self.arrivals.rowCount() - 1)
            self.message.done(
                self.tr("Đã thêm %1. Danh sách đến có %2 người.")
                .replace("%1", person.full_name)
                .replace("%2", str(self.arrivals.rowCount()))
            )
            if self.is_child(person):
                self.find_companion(person)
        self.results.set_rows([])
        if clear:
            self.search.clear()
            self.focus_search()

    # --- a child's accompanying adult (R9) ---------------------------------------------------------------------

    def is_child(self, person: PersonRow) -> bool:
        return is_child(person.birth_year, person.birth_date, self.ctx.desk.now().date())

    def _adult_arriving_with(self, child: PersonRow) -> PersonRow | None:
        return next(
            (
                p
                for p in self.arrivals.rows()
                if child.household and p.household == child.household and not self.is_child(p)
            ),
            None,
        )

    def find_companion(self, child: PersonRow) -> None:
        """A child under 16 is placed only beside an adult of the same household (R9): when none is arriving with
        them, offer the household's adults to pick, or say who will take them in; without a household, offer the
        adults already on the arriving list to record as one household with the child."""
        if self._adult_arriving_with(child) is not None:
            return
        desk, today = self.ctx.desk, self.ctx.desk.now().date()
        query(
            self,
            lambda: people.household_adults(desk, child.id, today),
            lambda adults: self._offer_companions(child, adults),
            self._load_failed,
            key=f"companion{child.id}",
        )

    def _offer_companions(self, child: PersonRow, adults: list[PersonRow]) -> None:
        if not any(p.id == child.id for p in self.arrivals.rows()) or self._adult_arriving_with(child):
            return  # removed meanwhile, or an adult was added
        here = [a for a in adults if a.facility == self.ctx.facility]
        if here:
            self.message.done(
                self.tr(
                    "%1 dưới 16 tuổi: sẽ được xếp cùng phòng với %2 (phòng %3), người lớn cùng hộ gia đình."
                )
                .replace("%1", child.full_name)
                .replace("%2", here[0].full_name)
                .replace("%3", here[0].room or "")
            )
            return
        free = [a for a in adults if not a.facility]
        lead = self.tr("%1 dưới 16 tuổi, không được ở một mình (quy tắc R9).").replace("%1", child.full_name)
        if free:
            labels = {self._companion_label(a): a for a in free}
            picked = self.ask.choice(
                self.tr("Người lớn đi cùng trẻ"),
                lead + "\n" + self.tr("Chọn người lớn cùng hộ gia đình vào cách ly cùng trẻ:"),
                list(labels),
            )
            adult = labels.get(picked or "")
            if adult is not None:
                self.pick(adult, clear=False)
            return
        arriving = [p for p in self.arrivals.rows() if p.id != child.id and not self.is_child(p)]
        if not child.household and arriving and self.may_register:
            labels = {self._companion_label(a): a for a in arriving}
            picked = self.ask.choice(
                self.tr("Người lớn đi cùng trẻ"),
                lead
                + "\n"
                + self.tr(
                    "Chọn người lớn đi cùng trong danh sách đến; hai người được ghi cùng một hộ gia đình:"
                ),
                list(labels),
            )
            adult = labels.get(picked or "")
            if adult is not None:
                self._share_household(child, adult)
            return
        self.message.error(
            lead
            + " "
            + self.tr(
                "Tìm và thêm người lớn cùng hộ gia đình đi cùng (có thể sửa mã hộ gia đình bằng F2) trước khi nhận."
            )
        )

    def _companion_label(self, adult: PersonRow) -> str:
        born = str(adult.birth_year or "")
        return f"{adult.full_name} ({born})" if born else adult.full_name

    def _share_household(self, child: PersonRow, adult: PersonRow) -> None:
        desk = self.ctx.desk

        def shared(code: str) -> None:
            ids = {child.id, adult.id}
            self.arrivals.set_rows(
                [replace(p, household=code) if p.id in ids else p for p in self.arrivals.rows()]
            )
            self.proposals.set_rows([])
            self.message.done(
                self.tr("%1 và %2 được ghi cùng hộ gia đình %3; trẻ sẽ ở cùng phòng với người lớn.")
                .replace("%1", child.full_name)
                .replace("%2", adult.full_name)
                .replace("%3", code)
            )

        write(
            self.ctx,
            self,
            lambda: people.share_household(desk, child.id, adult.id),
            shared,
            lambda err: self.message.error(error_text(err, self.ctx.lang)),
        )

    def remove_selected_arrival(self) -> None:
        index = self.arrivals_view.currentIndex()
        if index.isValid():
            self.arrivals.set_rows([p for i, p in enumerate(self.arrivals.rows()) if i != index.row()])
            self.proposals.set_rows([])

    # --- new person -------------------------------------------------------------------------------------------

    def _new_person(self) -> NewPerson:
        return NewPerson(
            name=self.f_name.text(),
            sex=str(self.f_sex.currentData()),
            born=self.f_born.text(),
            id_number=self.f_id.text(),
            phone=self.f_phone.text(),
            address=self.f_address.text(),
            household=self.f_household.text(),
            doses=str(self.f_doses.value()),
            last_dose_on=self.f_last_dose.text(),
        )

    def add_new_person(self) -> None:
        if writing(self):
            return  # Enter pressed again while the last entry is being saved
        for widget in self._fields.values():
            widget.setStyleSheet("")
        self.form_error.clear_message()
        desk, entry = self.ctx.desk, self._new_person()
        write(
            self.ctx,
            self,
            lambda: people.add_person(desk, entry),
            self._person_added,
            self._person_refused,
            busy=[self.add_person_button],
        )

    def _person_refused(self, err: BaseException) -> None:
        self.form_error.error(error_text(err, self.ctx.lang))
        if isinstance(err, InvalidInput):
            field = self._fields.get(err.field)
            if field is not None:
                field.setStyleSheet(INVALID_STYLE)
                field.setFocus()

    def _person_added(self, person: PersonRow) -> None:
        log.info("registered person %s at the gate", person.id)
        for widget in (self.f_name, self.f_born, self.f_id, self.f_phone, self.f_last_dose):
            widget.clear()
        # Address and household stay: the next person is often of the same family. The sex never does.
        self.f_sex.setCurrentIndex(0)
        self.f_doses.setValue(0)
        self.pick(person)

    # --- admission --------------------------------------------------------------------------------------------

    def _ready(self) -> bool:
        if not self.ctx.facility:
            self.message.error(self.tr("Chưa chọn khu cách ly."))
            return False
        if not self.arrivals.rowCount():
            self.message.error(self.tr("Danh sách đến đang trống: tìm hoặc quét mã người cần tiếp nhận."))
            self.focus_search()
            return False
        if not self.cohort.currentText().strip():
            self.message.error(self.ctx.describe(InvalidInput("cohort", "empty")))
            self.cohort.setFocus()
            return False
        return True

    def propose(self) -> None:
        if not self._ready():
            return
        desk, facility, cohort = self.ctx.desk, self.ctx.facility, self.cohort.currentText().strip()
        ids = [p.id for p in self.arrivals.rows()]

        def refused(err: BaseException) -> None:
            self.proposals.set_rows([])
            self.message.error(error_text(err, self.ctx.lang))

        query(
            self,
            lambda: stays.propose_beds(desk, ids, facility, cohort),
            self._proposed,
            refused,
            key="propose",
        )

    def _proposed(self, proposals: list[Proposal]) -> None:
        self.proposals.set_rows(proposals)
        self.message.done(
            self.tr("Đề xuất cho %1 người; nhấn Ctrl+Enter để nhận vào.").replace("%1", str(len(proposals)))
        )

    # --- correcting a person (doses, recovery) --------------------------------------------------------------

    def _wire_person_editor(self) -> None:
        """F2 or the context menu on a search result opens the person editor."""
        action = QAction(self.tr("Sửa thông tin, mũi tiêm…"), self.results_view)
        action.setShortcut(QKeySequence("F2"))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(self.edit_selected_person)
        self.results_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.results_view.addAction(action)

    def person_dialog(self, person: PersonRow) -> PersonDialog:
        return PersonDialog(self.ctx.desk, person, self.ctx.lang, self)

    def edit_selected_person(self) -> None:
        index = self.results_view.currentIndex()
        person = self.results.row_at(index.row()) if index.isValid() else None
        if person is None:
            return
        dialog = self.person_dialog(person)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.message.done(dialog.summary())
            self.ctx.notify({Area.PEOPLE, Area.STAYS})

    def _admit_buttons(self) -> list[QWidget]:
        return [self.admit_button, self.admit_here_button, self.propose_button]

    def _admission_refused(self, err: BaseException) -> None:
        self.message.error(error_text(err, self.ctx.lang))
        self._offer_contact(err)
        if isinstance(err, ChildAlone) and self._chosen is not None:
            self.find_companion(self._chosen[0])  # the refusal stays said until a choice is offered

    def _offer_contact(self, err: BaseException) -> None:
        """A room of an earlier day refused the arrival (R2): a manager may accept the person as a contact of its
        occupants, after a confirmation that says the whole room restarts its quarantine."""
        if not (
            isinstance(err, RoomCohortConflict)
            and err.room_day
            and err.person_day
            and err.room_day != err.person_day
            and self.ctx.desk.can(Permission.ACCEPT_CONTACT)
            and self._chosen is not None
        ):
            return
        person, room, bed = self._chosen
        question = (
            self.tr(
                "Nhận %1 vào phòng %2 như người tiếp xúc gần với những người đang ở đó?\n"
                "Tất cả người trong phòng sẽ tính lại thời gian cách ly từ hôm nay."
            )
            .replace("%1", person.full_name)
            .replace("%2", room)
        )
        if not self.ask.confirm(self.tr("Nhận là người tiếp xúc"), question):
            return
        desk, facility, cohort = self.ctx.desk, self.ctx.facility, self.cohort.currentText().strip()
        write(
            self.ctx,
            self,
            lambda: stays.admit(desk, person.id, facility, cohort, room=room, bed=bed, as_contact=True),
            lambda result: self._after_admission([result]),
            lambda failure: self.message.error(error_text(failure, self.ctx.lang)),
            busy=self._admit_buttons(),
        )

    def admit_all(self) -> None:
        """Admit everyone on the arriving list with the beds the program chooses, all or none."""
        if writing(self) or not self._ready():
            return
        desk, facility, cohort = self.ctx.desk, self.ctx.facility, self.cohort.currentText().strip()
        ids = [p.id for p in self.arrivals.rows()]
        write(
            self.ctx,
            self,
            lambda: stays.admit_group(desk, ids, facility, cohort),
            self._after_admission,
            self._admission_refused,
            busy=self._admit_buttons(),
        )

    def admit_into_chosen_room(self) -> None:
        """Admit the selected arrival into the room (and bed) the user chose; the rules decide."""
        if writing(self) or not self._ready():
            return
        index = self.arrivals_view.currentIndex()
        row = index.row() if index.isValid() else 0
        person = self.arrivals.row_at(row)
        if person is None:
            return
        choice = self.room_combo.currentData()
        if not isinstance(choice, RoomChoice):
            self.message.error(self.tr("Chưa chọn phòng."))
            return
        desk, facility, cohort = self.ctx.desk, self.ctx.facility, self.cohort.currentText().strip()
        bed = self.bed_combo.currentData()
        self._chosen = (person, choice.room, bed)
        write(
            self.ctx,
            self,
            lambda: stays.admit(desk, person.id, facility, cohort, room=choice.room, bed=bed),
            lambda result: self._after_admission([result]),
            self._admission_refused,
            busy=self._admit_buttons(),
        )

    def _after_admission(self, results: list[AdmitResult]) -> None:
        # Only those admitted leave the list: someone scanned while the server answered stays on it.
        admitted = {r.person for r in results}
        self.arrivals.set_rows([p for p in self.arrivals.rows() if p.id not in admitted])
        self.proposals.set_rows([])
        self.summary.set_rows(results)
        self._update_print_button()
        first = results[0]
        where = ", ".join(f"{r.full_name}: {r.room}/{r.bed}" for r in results)
        self.message.done(
            self.tr("Đã nhận %1 người (%2). Dự kiến ra: %3; xét nghiệm các ngày %4.")
            .replace("%1", str(len(results)))
            .replace("%2", where)
            .replace("%3", vn_date(first.planned_release))
            .replace("%4", ", ".join(vn_date(d) for d in first.test_days))
        )
        log.info("admitted %d people into %s", len(results), self.ctx.facility)
        self.admitted.emit(results)
        self.focus_search()

    # --- commitment -------------------------------------------------------------------------------------------

    def _update_print_button(self) -> None:
        self.print_button.setEnabled(self.summary.rowCount() > 0)

    def print_commitment(self) -> None:
        index = self.summary_view.currentIndex()
        if not self.summary.rowCount():
            return
        result = self.summary.row_at(index.row() if index.isValid() else 0)
        if result is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Lưu bản cam kết"),
            f"cam-ket-{result.person}-{self.ctx.desk.now():%Y%m%d}.pdf",
            "PDF (*.pdf)",
        )
        if not path:
            return
        desk, person = self.ctx.desk, result.person

        def printed(_written: Path) -> None:
            self.message.done(self.tr("Đã lưu bản cam kết: %1").replace("%1", path))

        task(
            self.ctx,
            self,
            self.tr("Đang in bản cam kết…"),
            lambda _progress, _should_stop: documents.commitment_pdf(desk, person, Path(path)),
            printed,
            self._load_failed,
        )
