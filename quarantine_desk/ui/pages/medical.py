"""The medical page: tests due today, daily health checks, and people leaving (release or transfer).

A positive result is confirmed first and then reported with what rule R5 did in the same transaction (the room
closed, the roommates' quarantine restarted). A release with problems (early, a missing test, a positive) is
offered only to a user allowed to override, and only with a reason (R6); the services check both again.
Results of one room are recorded in one transaction (``medical.record_room_tests``); every write runs on the
write worker (``ui.operations.write``), so a slow server never freezes the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QWidget,
)

from quarantine_desk.domain.errors import DeskError, ProblemKind, ReleaseProblem
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.stays import FEVER_FROM, StayOutcome, TestResult
from quarantine_desk.domain.text import fold
from quarantine_desk.services import documents, medical, stays
from quarantine_desk.services.changes import Area
from quarantine_desk.services.context import Desk
from quarantine_desk.services.medical import DueTest, RecentHealthCheck, TestResultRow
from quarantine_desk.services.stays import ROSTER_PAGE, Leaving, RosterPage, RosterPlace, StayRow, WorklistRow
from quarantine_desk.ui import operations
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms_compiled.ui_medical_page import Ui_MedicalPage
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.labels import exposure_label, short, watch_label, yes_no
from quarantine_desk.ui.models import ATTENTION_BACKGROUND, WARNING_BACKGROUND, Column, Index, RowsModel
from quarantine_desk.ui.operations import follow, query
from quarantine_desk.ui.permissions import restrict
from quarantine_desk.ui.tasks import writing
from quarantine_desk.ui.widgets import Ask, from_qdatetime, selected_rows, setup_table, to_qdatetime, vn_date

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MedicalLists:
    """What the page shows, read at once off the GUI thread."""

    due: tuple[DueTest, ...]
    present: RosterPage | None
    leaving: tuple[WorklistRow, ...]
    checks: tuple[RecentHealthCheck, ...]


class PresentModel(RowsModel[StayRow]):
    """The people present, room by room (health checks go along the corridors, not by the names), read a page at
    a time (``stays.roster_page``) as the list is scrolled: the first page shows at once, with the count of the
    whole roster. A filter shows the rows read so far that match and reads on through the rest off the GUI thread,
    adding the matches as they come."""

    pages_read = Signal()

    def __init__(self, desk: Desk, columns: list[Column[StayRow]], parent: QObject) -> None:
        super().__init__(
            columns, parent, highlight=lambda s: ATTENTION_BACKGROUND if s.special_watch else None
        )
        self.desk = desk
        self.code = ""
        self.total = 0
        self.read: list[StayRow] = []  # every row read so far, room by room
        self.words: list[str] = []
        self._moment: datetime | None = None
        self._after: RosterPlace | None = None
        self._fetching = False
        self._generation = 0  # a page still on its way for a roster shown before is dropped

    def show_page(self, code: str, page: RosterPage | None) -> None:
        """The first page(s) of the roster of facility ``code`` (None: no facility), with the whole count."""
        self._generation += 1
        self._fetching = False
        self.code = code
        self.read = list(page.rows) if page else []
        self.total = page.total or 0 if page else 0
        self._moment = page.moment if page else None
        self._after = page.after if page else None
        self.set_rows(self._matching(self.read))
        self.pages_read.emit()
        self._read_on()

    def set_filter(self, text: str) -> None:
        self.words = fold(text).split()
        self.set_rows(self._matching(self.read))
        self._read_on()

    @property
    def complete(self) -> bool:
        """Every page of the roster has been read."""
        return self._after is None

    def _matching(self, rows: list[StayRow]) -> list[StayRow]:
        if not self.words:
            return list(rows)
        return [s for s in rows if all(w in fold(f"{s.full_name} {s.room}") for w in self.words)]

    def _read_on(self) -> None:
        if self.words and self._after is not None:
            self.fetchMore()  # a filter looks through the whole roster, not only the pages scrolled to

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        if parent.isValid():
            return False
        return super().canFetchMore(parent) or (self._after is not None and not self._fetching)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's signature
        """The rows already read first; then the next page, read off the GUI thread and added when it comes."""
        if parent.isValid():
            return
        if super().canFetchMore(parent):
            super().fetchMore(parent)
            return
        if self._after is None or self._fetching or self._moment is None:
            return
        self._fetching = True
        desk, code, moment, after = self.desk, self.code, self._moment, self._after
        generation, limit = self._generation, ROSTER_PAGE
        query(
            self,
            lambda: stays.roster_page(desk, code, at=moment, after=after, limit=limit),
            lambda page: self._more(generation, page),
            lambda err: self._no_more(generation, err),
            key="more",
        )

    def _more(self, generation: int, page: RosterPage) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self.read.extend(page.rows)
        self._after = page.after
        self.append_rows(self._matching(list(page.rows)))
        self.pages_read.emit()
        self._read_on()

    def _no_more(self, generation: int, err: BaseException) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._after = None
        log.warning("more of the roster could not be read: %s", err)
        self.pages_read.emit()


# The people present, their tests, checks and releases; a write to any of these reloads the page.
AREAS = frozenset({Area.FACILITIES, Area.ROOMS, Area.PEOPLE, Area.STAYS, Area.TESTS, Area.POLICIES})

# What a recording of several rooms wrote, and the refusal that stopped it at a room (None when all went in).
RoomResults = tuple[list[TestResultRow], DeskError | None]


class MedicalPage(QWidget):
    """Xét nghiệm & theo dõi."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("medical_page")
        self.ask = Ask(self)
        self._today = ctx.desk.now().date()
        # The layout, tab order and buddies come from forms/medical_page.ui; models and signals from here.
        self.ui = Ui_MedicalPage()
        self.ui.setupUi(self)
        self.message = self.ui.message
        self.tabs = self.ui.tabs
        self._build_tests()
        self._build_health()
        self._build_releases()
        self._restrict()
        self.follower = follow(self, ctx, AREAS, self.refresh)
        self.refresh()

    def _restrict(self) -> None:
        """What the role may not do is off, with who may as tooltip (the services refuse it anyway)."""
        medical: list[QWidget] = [self.kind, self.result, self.sampled_at, self.select_room_button]
        medical += [self.record_button, self.temperature, self.symptoms, self.health_button]
        restrict(self.ctx.desk, medical, Permission.RECORD_MEDICAL)
        restrict(self.ctx.desk, [self.release_button, self.transfer_button], Permission.RELEASE)
        restrict(self.ctx.desk, [self.paper_button], Permission.EXPORT)

    # --- tests due --------------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.follower.shown()  # reload what changed while the page was hidden

    def _build_tests(self) -> None:
        ui = self.ui
        self.due = RowsModel[DueTest](
            [
                Column(self.tr("Họ và tên"), lambda d: d.full_name),
                Column(self.tr("Phòng"), lambda d: d.room),
                Column(self.tr("Giường"), lambda d: d.bed),
                Column(self.tr("Xét nghiệm"), lambda d: self.tr("ngày thứ %1").replace("%1", str(d.day))),
                Column(self.tr("Hạn"), lambda d: vn_date(d.due)),
                Column(self.tr("Tình trạng"), self._due_state),
                Column(
                    self.tr("Theo dõi đặc biệt"),
                    lambda d: yes_no(True) if d.special_watch else "",
                ),
            ],
            parent=self,
            highlight=lambda d: (
                WARNING_BACKGROUND
                if d.overdue(self._today)
                else (ATTENTION_BACKGROUND if d.special_watch else None)
            ),
        )
        self.due_view = setup_table(ui.due, self.due, multi=True)
        self.due_view.selectionModel().selectionChanged.connect(self._update_test_buttons)
        self.due_count = ui.due_count

        self.kind = ui.kind
        self.kind.addItem(self.tr("Test nhanh"), "rapid")
        self.kind.addItem(self.tr("RT-PCR"), "pcr")
        self.result = ui.result
        self.result.addItem(self.tr("Âm tính"), "negative")
        self.result.addItem(self.tr("Dương tính"), "positive")
        self.sampled_at = ui.sampled_at
        self.select_room_button = ui.select_room
        self.select_room_button.clicked.connect(self.select_whole_room)
        self.record_button = ui.record_tests
        self.record_button.clicked.connect(self.record_selected)

    def _due_state(self, due: DueTest) -> str:
        late = (self._today - due.due).days
        if late > 0:
            return self.tr("Quá hạn %1 ngày").replace("%1", str(late))
        return self.tr("Hôm nay")

    def _update_test_buttons(self) -> None:
        count = len({self.due.rows()[r].person for r in selected_rows(self.due_view)})
        self.record_button.setEnabled(count > 0)
        self.record_button.setText(
            self.tr("Ghi kết quả cho %1 người").replace("%1", str(count)) if count else self.tr("Ghi kết quả")
        )
        self.select_room_button.setEnabled(count > 0)

    def select_whole_room(self) -> None:
        """Select every row of the room of the current row: a room is often sampled at once."""
        index = self.due_view.currentIndex()
        current = self.due.row_at(index.row()) if index.isValid() else None
        if current is None:
            return
        self.select_due(lambda d: d.room == current.room)

    def select_due(self, wanted) -> None:  # type: ignore[no-untyped-def]
        view = self.due_view
        view.clearSelection()
        self.due.show_up_to(len(self.due.rows()) - 1)
        for row, due in enumerate(self.due.rows()):
            if wanted(due):
                view.selectionModel().select(
                    self.due.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
                )
        self._update_test_buttons()

    def record_selected(self) -> None:
        """Record one result for each selected person (once, even with two tests due)."""
        if writing(self):
            return
        chosen: dict[int, DueTest] = {}
        for row in selected_rows(self.due_view):
            due = self.due.rows()[row]
            chosen.setdefault(due.person, due)
        if not chosen:
            self.message.error(self.tr("Chưa chọn người nào trong danh sách."))
            return
        kind = str(self.kind.currentData())
        result = str(self.result.currentData())
        at = from_qdatetime(self.sampled_at.dateTime()).replace(second=0, microsecond=0)
        names = ", ".join(d.full_name for d in chosen.values())
        if result == TestResult.POSITIVE and not self.ask.confirm(
            self.tr("Kết quả dương tính"),
            self.tr(
                "Ghi kết quả DƯƠNG TÍNH cho: %1?\n\nPhòng sẽ bị phong tỏa, người dương tính chờ chuyển điều "
                "trị và những người cùng phòng phải cách ly lại từ ngày tiếp xúc."
            ).replace("%1", names),
        ):
            return
        # One transaction per room: a room sampled together is recorded whole or not at all.
        by_room: dict[str, dict[int, str]] = {}
        for due in chosen.values():
            by_room.setdefault(due.room, {})[due.person] = result
        desk, facility = self.ctx.desk, self.ctx.facility

        def record() -> RoomResults:
            done: list[TestResultRow] = []
            for room, results in by_room.items():
                try:
                    done.extend(medical.record_room_tests(desk, facility, room, kind, results, at=at))
                except DeskError as err:
                    return done, err
            return done, None

        operations.write(
            self.ctx,
            self,
            record,
            self._tests_recorded,
            self._refused,
            busy=[self.record_button, self.select_room_button],
        )

    def _refused(self, err: BaseException) -> None:
        self.message.error(error_text(err, self.ctx.lang))

    def _tests_recorded(self, outcome: RoomResults) -> None:
        done, refusal = outcome
        if refusal is not None:
            recorded = self.tr("Đã ghi %1 kết quả; dừng lại ở lỗi: %2").replace("%1", str(len(done)))
            self.message.error(recorded.replace("%2", self.ctx.describe(refusal)))
            return
        self.message.done(self._result_summary(done))

    def _result_summary(self, done: list[TestResultRow]) -> str:
        parts = [self.tr("Đã ghi %1 kết quả.").replace("%1", str(len(done)))]
        for row in done:
            if row.room_closed:
                parts.append(
                    self.tr("Phòng %1 đã bị phong tỏa; %2 người cùng phòng bắt đầu lại thời gian cách ly.")
                    .replace("%1", row.room_closed)
                    .replace("%2", str(len(row.roommates_restarted)))
                )
        return " ".join(dict.fromkeys(parts))

    # --- health checks ----------------------------------------------------------------------------------------

    def _build_health(self) -> None:
        ui = self.ui
        self.filter = ui.filter
        self.filter.textChanged.connect(self._apply_filter)
        self.present = PresentModel(
            self.ctx.desk,
            [
                Column(self.tr("Họ và tên"), lambda s: s.full_name),
                Column(self.tr("Phòng"), lambda s: s.room),
                Column(self.tr("Giường"), lambda s: s.bed),
                Column(self.tr("Nhóm"), lambda s: s.cohort, tooltip=lambda s: s.cohort),
                Column(
                    self.tr("Phân loại"),
                    lambda s: short(exposure_label(s.f_level, s.exposure)),
                    tooltip=lambda s: exposure_label(s.f_level, s.exposure),
                ),
                Column(
                    self.tr("Theo dõi đặc biệt"),
                    lambda s: short(watch_label(s.special_watch, s.pregnant, s.conditions)),
                    tooltip=lambda s: watch_label(s.special_watch, s.pregnant, s.conditions),
                ),
                Column(self.tr("Dự kiến ra"), lambda s: vn_date(s.planned_release)),
            ],
            self,
        )
        self.present_view = setup_table(ui.present, self.present)
        self.present_count = ui.present_count
        self.present.pages_read.connect(self._show_present_count)

        self.temperature = ui.temperature
        self.temperature.valueChanged.connect(self._mark_fever)
        self.symptoms = ui.symptoms
        self.symptoms.returnPressed.connect(self.record_health)
        self.health_button = ui.record_health
        self.health_button.clicked.connect(self.record_health)

        self.checks = RowsModel[RecentHealthCheck](
            [
                Column(self.tr("Giờ"), lambda h: h.checked_at.strftime("%H:%M %d/%m")),
                Column(self.tr("Họ và tên"), lambda h: h.full_name),
                Column(self.tr("Phòng"), lambda h: h.room),
                Column(
                    self.tr("Nhiệt độ"),
                    lambda h: f"{h.temperature:.1f} °C".replace(".", ","),
                    align_right=True,
                ),
                Column(self.tr("Triệu chứng"), lambda h: h.symptoms),
                Column(self.tr("Người ghi"), lambda h: h.recorded_by or ""),
            ],
            parent=self,
            highlight=lambda h: WARNING_BACKGROUND if h.fever else None,
        )
        self.checks_view = setup_table(ui.checks, self.checks, stretch_column=4)

    def _apply_filter(self) -> None:
        self._keep_current(lambda: self.present.set_filter(self.filter.text()))

    def _keep_current(self, reload: Callable[[], None]) -> None:
        """A reload after a write, or a new filter, keeps the person being checked selected."""
        current = self._current_present()
        reload()
        if current is not None:
            for row, stay in enumerate(self.present.rows()):
                if stay.stay == current.stay:
                    self.present.show_up_to(row)
                    self.present_view.selectRow(row)
                    break
        self._show_present_count()

    def _show_present_count(self) -> None:
        model = self.present
        text = self.tr("%1 người đang cách ly.").replace("%1", f"{model.total:,}".replace(",", "."))
        if model.words:
            found = len(model.rows())
            if model.complete:
                text += " " + self.tr("%1 người khớp với bộ lọc.").replace(
                    "%1", f"{found:,}".replace(",", ".")
                )
            else:
                text += " " + self.tr("Đang tìm: %1 người khớp…").replace(
                    "%1", f"{found:,}".replace(",", ".")
                )
        self.present_count.setText(text)

    def _current_present(self) -> StayRow | None:
        index = self.present_view.currentIndex()
        return self.present.row_at(index.row()) if index.isValid() else None

    def _mark_fever(self, value: float) -> None:
        self.temperature.setStyleSheet(
            "QDoubleSpinBox { background: #fde2e1; color: #b3261e; }" if value >= FEVER_FROM else ""
        )

    def record_health(self) -> None:
        if writing(self):
            return
        stay = self._current_present()
        if stay is None:
            self.message.error(self.tr("Chọn người cần ghi nhận trong danh sách."))
            return
        temperature = round(self.temperature.value(), 1)
        symptoms = self.symptoms.text().strip()
        desk = self.ctx.desk
        operations.write(
            self.ctx,
            self,
            lambda: medical.record_health_check(desk, stay.person, temperature, symptoms),
            lambda _check: self._health_recorded(stay, temperature),
            self._refused,
            busy=[self.health_button],
        )

    def _health_recorded(self, stay: StayRow, temperature: float) -> None:
        text = (
            self.tr("Đã ghi nhận %1: %2 °C.")
            .replace("%1", stay.full_name)
            .replace("%2", f"{temperature:.1f}".replace(".", ","))
        )
        if temperature >= FEVER_FROM:
            self.message.error(text + " " + self.tr("Sốt: báo bác sĩ trực."))
        else:
            self.message.done(text)
        self.symptoms.clear()
        self.temperature.setValue(36.5)
        # The next person in the list: checks go room by room.
        rows = self.present.rows()
        row = next((i for i, s in enumerate(rows) if s.stay == stay.stay), None)
        if row is not None and row + 1 < len(rows):
            self.present_view.selectRow(row + 1)

    # --- releases ---------------------------------------------------------------------------------------------

    def _build_releases(self) -> None:
        ui = self.ui
        self.leaving = RowsModel[WorklistRow](
            [
                Column(self.tr("Họ và tên"), lambda r: r.full_name),
                Column(self.tr("Phòng"), lambda r: r.room),
                Column(self.tr("Dự kiến ra"), lambda r: vn_date(r.planned_release)),
                Column(self.tr("Ngày"), self._when_text),
                Column(self.tr("Vấn đề"), self.problems_text),
            ],
            parent=self,
            highlight=self._leaving_colour,
        )
        self.leaving_view = setup_table(ui.leaving, self.leaving, stretch_column=4)
        self.leaving_view.selectionModel().currentRowChanged.connect(
            lambda *_: self._update_release_buttons()
        )
        self.release_button = ui.release
        self.release_button.clicked.connect(self.release_selected)
        self.override_button = ui.override
        self.override_button.clicked.connect(self.override_selected)
        self.transfer_button = ui.transfer
        self.transfer_button.clicked.connect(self.transfer_selected)
        # The paper of the last person who left from this list: the completion certificate for "completed",
        # the release paper (dates, real days, reason) for an early release, home quarantine or other.
        self.last_left: StayRow | None = None
        self.paper_button = ui.paper
        self.paper_button.clicked.connect(self.print_paper)
        self._update_paper_button()

    def _when_text(self, line: WorklistRow) -> str:
        return {
            Leaving.TODAY: self.tr("Hôm nay"),
            Leaving.TOMORROW: self.tr("Ngày mai"),
            Leaving.POSITIVE: self.tr("Chờ chuyển"),
        }[line.when]

    def problem_text(self, problem: ReleaseProblem) -> str:
        due = vn_date(problem.due)
        match problem.kind:
            case ProblemKind.EARLY:
                return self.tr("chưa hết thời gian cách ly (đến %1)").replace("%1", due)
            case ProblemKind.POSITIVE:
                return self.tr("dương tính")
            case ProblemKind.MISSING_TEST:
                return (
                    self.tr("thiếu xét nghiệm ngày %1 (hạn %2)")
                    .replace("%1", str(problem.day))
                    .replace("%2", due)
                )

    def problems_text(self, line: WorklistRow) -> str:
        if not line.problems:
            return self.tr("Đủ điều kiện")
        return "; ".join(self.problem_text(p) for p in line.problems)

    def _leaving_colour(self, line: WorklistRow):  # type: ignore[no-untyped-def]
        if line.positive:
            return WARNING_BACKGROUND
        return ATTENTION_BACKGROUND if line.problems else None

    def _current_leaving(self) -> WorklistRow | None:
        index = self.leaving_view.currentIndex()
        return self.leaving.row_at(index.row()) if index.isValid() else None

    def _update_release_buttons(self) -> None:
        line = self._current_leaving()
        self.release_button.setEnabled(line is not None and not line.problems)
        # Only a manager may release with problems; other users do not see the button at all.
        self.override_button.setVisible(self.ctx.desk.can(Permission.OVERRIDE_RELEASE))
        self.override_button.setEnabled(line is not None and bool(line.problems))
        self.transfer_button.setEnabled(line is not None)

    def release_selected(self) -> None:
        line = self._current_leaving()
        if line is not None:
            self._release(line, None)

    def outcome_choices(self) -> dict[str, StayOutcome]:
        """How a stay that has not run its course may end, as the manager picks it."""
        return {
            self.tr("Ra sớm theo quyết định của Ban quản lý"): StayOutcome.RELEASED_EARLY,
            self.tr("Chuyển cách ly tại nhà"): StayOutcome.HOME_QUARANTINE,
            self.tr("Ra khỏi khu vì lý do khác"): StayOutcome.OTHER,
        }

    def override_selected(self) -> None:
        line = self._current_leaving()
        if line is None:
            return
        choices = self.outcome_choices()
        picked = self.ask.choice(
            self.tr("Duyệt cho ra"),
            self.tr("%1: %2.\nHình thức ra khỏi khu cách ly:")
            .replace("%1", line.full_name)
            .replace("%2", self.problems_text(line)),
            list(choices),
        )
        outcome = choices.get(picked or "")
        if outcome is None:
            return
        home = None
        if outcome is StayOutcome.HOME_QUARANTINE:
            home = self.ask.text(
                self.tr("Chuyển cách ly tại nhà"),
                self.tr("Địa chỉ cách ly tại nhà của %1 (để trống: địa chỉ đã đăng ký):").replace(
                    "%1", line.full_name
                ),
            )
        # A required reason: an empty one reaches the service, which says why it is refused.
        reason = self.ask.reason(
            self.tr("Duyệt cho ra"),
            self.tr("Lý do (được ghi vào nhật ký và in trên giấy xác nhận):"),
        )
        if reason is not None:
            self._release(line, reason, outcome, home)

    def _leave(self, write: Callable[[], StayRow], done: Callable[[StayRow], None]) -> None:
        """A release or a transfer on the write worker; the buttons wait for its answer."""
        operations.write(
            self.ctx,
            self,
            write,
            done,
            self._refused,
            busy=[self.release_button, self.override_button, self.transfer_button],
        )

    def _release(
        self,
        line: WorklistRow,
        override: str | None,
        outcome: StayOutcome | None = None,
        home: str | None = None,
    ) -> None:
        if writing(self):
            return
        desk = self.ctx.desk
        done = {
            StayOutcome.COMPLETED: self.tr("%1 đã hoàn thành cách ly."),
            StayOutcome.RELEASED_EARLY: self.tr("%1 đã ra khỏi khu cách ly trước thời hạn."),
            StayOutcome.HOME_QUARANTINE: self.tr("%1 đã chuyển sang cách ly tại nhà."),
            StayOutcome.OTHER: self.tr("%1 đã ra khỏi khu cách ly."),
        }

        def released(row: StayRow) -> None:
            log.info("stay %s ended: %s", line.stay, row.outcome)
            text = done.get(StayOutcome(row.outcome or "other"), done[StayOutcome.OTHER])
            self.last_left = row
            self._update_paper_button()
            self.message.done(
                text.replace("%1", line.full_name)
                + " "
                + self.tr("Bấm “In giấy cho người vừa ra” để in %1.").replace("%1", self.paper_name(row))
            )

        self._leave(
            lambda: stays.release(
                desk,
                line.person,
                override=override,
                outcome=outcome,
                home_address=home,
                shown=(line.stay, line.version),
            ),
            released,
        )

    # --- the paper of who left ----------------------------------------------------------------------------------

    def paper_name(self, row: StayRow) -> str:
        if row.outcome is StayOutcome.COMPLETED:
            return self.tr("giấy xác nhận hoàn thành cách ly")
        return self.tr("giấy xác nhận thời gian cách ly")

    def _update_paper_button(self) -> None:
        if not self.ctx.desk.can(Permission.EXPORT):
            return  # off for good, with the refusal's tooltip (``restrict``)
        row = self.last_left
        has_paper = row is not None and row.outcome is not StayOutcome.TRANSFERRED
        self.paper_button.setEnabled(has_paper)
        self.paper_button.setToolTip(
            self.tr("In %1 của %2").replace("%1", self.paper_name(row)).replace("%2", row.full_name)
            if row is not None and has_paper
            else self.tr("In giấy của người vừa cho ra khỏi khu (không có giấy cho người chuyển điều trị)")
        )

    def ask_paper_path(self, suggested: str) -> Path | None:
        """Where to save the paper; None when the user cancels. Tests replace this method."""
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Lưu giấy xác nhận"), str(Path.home() / suggested), self.tr("Tệp PDF (*.pdf)")
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")

    def print_paper(self) -> None:
        """The paper the outcome gets: only "completed" gets the completion certificate; early, home and other
        endings get the release paper with the dates, the real number of days and the reason."""
        row = self.last_left
        if row is None or row.outcome is StayOutcome.TRANSFERRED:
            return
        completed = row.outcome is StayOutcome.COMPLETED
        prefix = "giay-hoan-thanh" if completed else "giay-ra-khu"
        path = self.ask_paper_path(f"{prefix}-{row.person}-{row.released_at or self._today:%Y%m%d}.pdf")
        if path is None:
            return
        desk, person = self.ctx.desk, row.person

        def work(_progress: Progress, _should_stop: ShouldStop) -> object:
            if completed:
                return documents.certificate(desk, person, path)
            return documents.release_paper(desk, person, path)

        operations.task(
            self.ctx,
            self,
            self.tr("Đang in giấy xác nhận…"),
            work,
            lambda _data: self.message.done(
                self.tr("Đã lưu %1 của %2: %3")
                .replace("%1", self.paper_name(row))
                .replace("%2", row.full_name)
                .replace("%3", str(path))
            ),
            self._refused,
        )

    def transfer_selected(self) -> None:
        line = self._current_leaving()
        if line is None or writing(self):
            return
        to = self.ask.text(
            self.tr("Chuyển điều trị"),
            self.tr("Chuyển %1 đến (bệnh viện, cơ sở điều trị):").replace("%1", line.full_name),
        )
        if to is None:
            return
        desk = self.ctx.desk

        def transferred(row: StayRow) -> None:
            self.last_left = row
            self._update_paper_button()
            self.message.done(
                self.tr("%1 đã được chuyển đến %2.").replace("%1", line.full_name).replace("%2", to)
            )

        self._leave(
            lambda: stays.transfer(desk, line.person, to, shown=(line.stay, line.version)), transferred
        )

    # --- loading ----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the tests due, the people present, those leaving and the recent checks off the GUI thread."""
        self._today = today = self.ctx.desk.now().date()
        code, desk = self.ctx.facility, self.ctx.desk
        self.sampled_at.setDateTime(to_qdatetime(self.ctx.desk.now()))
        if not code:
            self.show_lists(MedicalLists((), None, (), ()))
            return

        limit = max(ROSTER_PAGE, len(self.present.read)) if self.present.code == code else ROSTER_PAGE

        def load() -> MedicalLists:
            since = datetime.combine(today - timedelta(days=1), time.min)
            return MedicalLists(
                due=tuple(medical.tests_due_list(desk, code, today)),
                # As many rows as were read before (a reload after a check keeps the place in a long list).
                present=stays.roster_page(desk, code, today, limit=limit),
                leaving=tuple(stays.release_worklist(desk, code, today)),
                checks=tuple(medical.recent_health_checks(desk, code, since)),
            )

        query(self, load, self.show_lists, self._refused)

    def show_lists(self, lists: MedicalLists) -> None:
        due, checks = list(lists.due), list(lists.checks)
        leaving = list(lists.leaving)
        self.due.set_rows(due)
        overdue = sum(1 for d in due if d.overdue(self._today))
        self.due_count.setText(
            self.tr("%1 xét nghiệm đến hạn hôm nay, trong đó %2 quá hạn.")
            .replace("%1", str(len(due)))
            .replace("%2", str(overdue))
        )
        code = self.ctx.facility or ""
        self._keep_current(lambda: self.present.show_page(code, lists.present))
        self.checks.set_rows(checks)
        self.leaving.set_rows(leaving)
        self._update_test_buttons()
        self._update_release_buttons()
