"""The reports page: rosters, the 16:00 daily report and its district merge, release certificates, and the
import of tracing teams' F1 lists.

Every file is written off the GUI thread through ``ui.operations.task`` (progress and Cancel); a file is chosen
through ``_ask_save_path`` / ``_ask_open_paths`` so the tests answer without a file dialog. An import is always
checked first (a dry run listing the rejected rows by their row number) and only then written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from quarantine_desk.domain.errors import BadFile, DeskError
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.domain.stays import ROSTER_VARIANTS
from quarantine_desk.messages import import_mapping
from quarantine_desk.services import documents, handover, imports, support
from quarantine_desk.services.imports import ImportResult, Rejected
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms_compiled.ui_reports_page import Ui_ReportsPage
from quarantine_desk.ui.interaction import error_text, interaction
from quarantine_desk.ui.models import Column, RowsModel
from quarantine_desk.ui.operations import task
from quarantine_desk.ui.permissions import restrict
from quarantine_desk.ui.tasks import Task
from quarantine_desk.ui.widgets import MessageLine, setup_table, vn_date

log = logging.getLogger(__name__)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> date:
    day: date = edit.date().toPython()  # type: ignore[assignment]
    return day


def _with_suffix(path: Path, suffix: str) -> Path:
    """The chosen path, with the format's extension added when the user typed a name without it."""
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


class ReportsPage(QWidget):
    """Báo cáo & giấy tờ."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("reports_page")
        self.task: Task | None = None
        self.import_path: Path | None = None
        self.preview: ImportResult | None = None
        self._folder = Path.home()
        today = ctx.desk.now().date()

        # The layout, tab order and buddies come from forms/reports_page.ui; models and signals from here.
        self.ui = Ui_ReportsPage()
        self.ui.setupUi(self)
        self._build_roster(today)
        self._build_daily(today)
        self._build_merge()
        self._build_certificates(today)
        self._build_handover(today)
        self._build_support(today)
        self._build_import()
        ctx.facility_changed.connect(
            self.refresh
        )  # nothing here is read from the database: no areas to follow
        self.refresh()

    # --- building ------------------------------------------------------------------------------------------------

    def _build_roster(self, today: date) -> None:
        ui = self.ui
        self.roster_date = ui.roster_date
        self.roster_date.setDate(_qdate(today))
        self.roster_variant = ui.roster_variant
        labels = {
            "present": self.tr("Đang cách ly"),
            "admitted": self.tr("Vào trong ngày"),
            "released": self.tr("Hoàn thành trong ngày"),
            "due_tomorrow": self.tr("Dự kiến ra ngày mai"),
            "positive": self.tr("Dương tính / chuyển điều trị"),
        }
        for variant in ROSTER_VARIANTS:
            self.roster_variant.addItem(labels.get(variant, variant), variant)
        self.roster_xlsx = ui.roster_xlsx
        self.roster_xlsx.clicked.connect(lambda: self.export_roster(".xlsx"))
        self.roster_pdf = ui.roster_pdf
        self.roster_pdf.clicked.connect(lambda: self.export_roster(".pdf"))
        self.roster_message = ui.roster_message

    def _build_daily(self, today: date) -> None:
        ui = self.ui
        self.daily_date = ui.daily_date
        self.daily_date.setDate(_qdate(today))
        # One group box holds both: they exclude each other.
        self.daily_current = ui.daily_current
        self.daily_all = ui.daily_all
        self.daily_buttons: dict[str, QPushButton] = {
            ".xlsx": ui.daily_xlsx,
            ".pdf": ui.daily_pdf,
            ".json": ui.daily_json,
        }
        for suffix, button in self.daily_buttons.items():
            button.clicked.connect(lambda _checked=False, s=suffix: self.write_daily_report(s))
        self.daily_message = ui.daily_message

    def _build_merge(self) -> None:
        self.merge_button = self.ui.merge
        self.merge_button.clicked.connect(self.merge_reports)
        self.merge_message = self.ui.merge_message

    def _build_certificates(self, today: date) -> None:
        ui = self.ui
        self.certificate_date = ui.certificate_date
        self.certificate_date.setDate(_qdate(today))
        self.certificate_button = ui.certificate
        self.certificate_button.clicked.connect(self.print_certificates)
        self.release_papers_button = ui.release_papers
        self.release_papers_button.clicked.connect(lambda: self.print_certificates(papers=True))
        self.certificate_message = ui.certificate_message

    def _build_handover(self, today: date) -> None:
        ui = self.ui
        self.handover_date = ui.handover_date
        self.handover_date.setDate(_qdate(today))
        self.handover_commune = ui.handover_commune
        self.handover_buttons: dict[str, QPushButton] = {".xlsx": ui.handover_xlsx, ".pdf": ui.handover_pdf}
        for suffix, button in self.handover_buttons.items():
            button.clicked.connect(lambda _checked=False, s=suffix: self.export_handover(s))
        self.not_arrived_days = ui.not_arrived_days
        self.not_arrived_buttons: dict[str, QPushButton] = {
            ".xlsx": ui.not_arrived_xlsx,
            ".pdf": ui.not_arrived_pdf,
        }
        for suffix, button in self.not_arrived_buttons.items():
            button.clicked.connect(lambda _checked=False, s=suffix: self.export_not_arrived(s))
        self.handover_message = ui.handover_message
    def _build_support(self, today: date) -> None:
        ui = self.ui
        self.support_from = ui.support_from
        self.support_from.setDate(_qdate(today.replace(day=1)))
        self.support_to = ui.support_to
        self.support_to.setDate(_qdate(today))
        self.support_xlsx = ui.support_xlsx
        self.support_xlsx.clicked.connect(lambda: self.write_support_list(".xlsx"))
        self.support_pdf = ui.support_pdf
        self.support_pdf.clicked.connect(lambda: self.write_support_list(".pdf"))
        self.support_message = ui.support_message

    def _build_import(self) -> None:
        ui = self.ui
        self.import_choose = ui.import_choose
        self.import_choose.clicked.connect(self.choose_import_file)
        self.import_file = ui.import_file
        # Matches are never added twice; this also fills their empty fields from the list (never overwriting).
        self.import_update = ui.import_update
        self.import_update.toggled.connect(self._update_choice_changed)
        self.import_summary = ui.import_summary
        # two lines (counts, then the columns found): the table below gives way, never the summary
        self.import_summary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.rejected = RowsModel[Rejected](
            [
                Column(self.tr("Dòng"), lambda r: str(r.row), align_right=True),
                Column(self.tr("Lý do"), lambda r: r.message, tooltip=lambda r: r.message),
            ],
            parent=self,
        )
        self.rejected_view = setup_table(ui.rejected, self.rejected, stretch_column=1)
        self.rejected_view.setWordWrap(True)
        self.import_button = ui.import_people
        self.import_button.clicked.connect(self.import_for_real)
        self.import_message = ui.import_message
        self._show_preview(None)
        restrict(
            self.ctx.desk,
            [self.import_choose, self.import_update, self.import_button],
            Permission.REGISTER_PERSON,
        )

    # --- shared ---------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Buttons that need a facility wait for one; nothing here is read from the database."""
        has_facility = bool(self.ctx.facility)
        for button in (
            self.roster_xlsx,
            self.roster_pdf,
            self.certificate_button,
            self.release_papers_button,
            *self.handover_buttons.values(),
            self.support_xlsx,
            self.support_pdf,
        ):
            button.setEnabled(has_facility)
        self.daily_current.setEnabled(has_facility)
        if not has_facility:
            self.daily_all.setChecked(True)

    @property
    def busy(self) -> bool:
        return self.task is not None

    def _ask_save_path(self, suggested: str, file_filter: str) -> Path | None:
        """Where to write a file; None when the user cancels. Tests replace this method."""
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Lưu tệp"), str(self._folder / suggested), file_filter
        )
        if not chosen:
            return None
        path = Path(chosen)
        self._folder = path.parent
        return path

    def _ask_open_paths(self, file_filter: str) -> list[Path]:
        """The files to read; empty when the user cancels. Tests replace this method."""
        chosen, _ = QFileDialog.getOpenFileNames(self, self.tr("Chọn tệp"), str(self._folder), file_filter)
        paths = [Path(p) for p in chosen]
        if paths:
            self._folder = paths[0].parent
        return paths

    def _filter(self, suffix: str) -> str:
        return {
            ".xlsx": self.tr("Bảng tính Excel (*.xlsx)"),
            ".pdf": self.tr("Tệp PDF (*.pdf)"),
            ".json": self.tr("Tệp JSON (*.json)"),
        }[suffix]

    def _save_as(self, suggested: str, suffix: str) -> Path | None:
        path = self._ask_save_path(suggested + suffix, self._filter(suffix))
        return _with_suffix(path, suffix) if path is not None else None

    def _run(
        self,
        title: str,
        work: Callable[[Progress, ShouldStop], Any],
        done: Callable[[Any], None],
        message: MessageLine,
        after_error: Callable[[], None] | None = None,
        after_error_with: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``work`` off the GUI thread; its refusal (or Cancel) is shown in ``message``."""
        message.clear_message()

        def finished(value: Any) -> None:
            self.task = None
            done(value)

        def failed(error: BaseException) -> None:
            self.task = None
            text = (
                self.ctx.describe(error) if isinstance(error, DeskError) else error_text(error, self.ctx.lang)
            )
            message.error(text)
            if after_error is not None:
                after_error()
            if after_error_with is not None:
                after_error_with(error)

        self.task = task(self.ctx, self, title, work, finished, failed)

    def _need_facility(self, message: MessageLine) -> str | None:
        if not self.ctx.facility:
            message.error(self.tr("Chưa chọn khu cách ly."))
            return None
        return self.ctx.facility

    # --- roster ---------------------------------------------------------------------------------------------------

    def export_roster(self, suffix: str) -> None:
        facility = self._need_facility(self.roster_message)
        if facility is None:
            return
        on = _day(self.roster_date)
        variant = str(self.roster_variant.currentData())
        path = self._save_as(f"danh-sach-{facility}-{on.isoformat()}", suffix)
        if path is None:
            return
        desk = self.ctx.desk
        text = self.tr("Đang xuất danh sách…")

        def work(progress: Progress, should_stop: ShouldStop) -> Path:
            return documents.export_roster(
                desk,
                facility,
                path,
                on=on,
                variant=variant,
                progress=progress,
                should_stop=should_stop,
            )

        def done(written: Path) -> None:
            self.roster_message.done(self.tr("Đã lưu danh sách: %1").replace("%1", str(written)))

        self._run(text, work, done, self.roster_message)

    # --- daily report ---------------------------------------------------------------------------------------------

    def write_daily_report(self, suffix: str) -> None:
        on = _day(self.daily_date)
        facility: str | None = None
        if self.daily_current.isChecked():
            facility = self._need_facility(self.daily_message)
            if facility is None:
                return
        path = self._save_as(f"bao-cao-16h-{facility or 'tat-ca'}-{on.isoformat()}", suffix)
        if path is None:
            return
        desk = self.ctx.desk
        text = self.tr("Đang lập báo cáo 16 giờ…")

        def work(progress: Progress, should_stop: ShouldStop) -> Path:
            return documents.write_daily_report(
                desk,
                path,
                facility_code=facility,
                on=on,
                progress=progress,
                should_stop=should_stop,
            )

        def done(written: Path) -> None:
            self.daily_message.done(
                self.tr("Đã lưu báo cáo ngày %1: %2").replace("%1", vn_date(on)).replace("%2", str(written))
            )

        self._run(text, work, done, self.daily_message)

    # --- Resolution 68 support list ---------------------------------------------------------------------------------

    def write_support_list(self, suffix: str) -> None:
        facility = self._need_facility(self.support_message)
        if facility is None:
            return
        start, end = _day(self.support_from), _day(self.support_to)
        path = self._save_as(f"ho-tro-nq68-{facility}-{start.isoformat()}-{end.isoformat()}", suffix)
        if path is None:
            return
        desk = self.ctx.desk
        text = self.tr("Đang lập danh sách hỗ trợ…")

        def work(progress: Progress, should_stop: ShouldStop) -> Any:
            return support.write_support_list(desk, facility, start, end, path, progress, should_stop)

        def done(made: Any) -> None:
            self.support_message.done(
                self.tr("Đã lưu danh sách hỗ trợ: %1 người, %2 đồng: %3")
                .replace("%1", str(len(made.rows)))
                .replace("%2", f"{made.total:,}".replace(",", "."))
                .replace("%3", str(path))
            )

        self._run(text, work, done, self.support_message)

    # --- district merge ---------------------------------------------------------------------------------------------

    def merge_reports(self) -> None:
        sources = self._ask_open_paths(self.tr("Báo cáo các khu (*.xlsx *.json)"))
        if not sources:
            return
        today = self.ctx.desk.now().date()
        path = self._save_as(f"tong-hop-bao-cao-{today.isoformat()}", ".xlsx")
        if path is None:
            return
        self._merge(sources, path, force=False)

    def _merge(self, sources: list[Path], path: Path, force: bool) -> None:
        text = self.tr("Đang tổng hợp báo cáo…")

        def work(progress: Progress, should_stop: ShouldStop) -> Any:
            return documents.merge_reports(sources, path, force=force)

        def done(merged: Any) -> None:
            marked = [f.facility_code for f in merged.facilities if f.remarks]
            self.merge_message.done(
                self.tr("Đã tổng hợp %1 báo cáo: %2")
                .replace("%1", str(len(sources)))
                .replace("%2", str(path))
                + (self.tr(" (số liệu được đánh dấu: %1)").replace("%1", ", ".join(marked)) if marked else "")
            )

        def refused(error: BaseException) -> None:
            # figures typed over or not adding up: the official may still merge them, marked in the report
            if isinstance(error, BadFile) and error.reason in documents.MERGE_FORCEABLE and not force:
                question = self.tr(
                    "%1\n\nVẫn tổng hợp theo số liệu hiển thị và đánh dấu chúng trong báo cáo tổng hợp?"
                )
                if interaction().confirm(self, question.replace("%1", self.ctx.describe(error))):
                    self._merge(sources, path, force=True)

        self._run(text, work, done, self.merge_message, after_error_with=refused)

    # --- certificates -------------------------------------------------------------------------------------------

    def print_certificates(self, papers: bool = False) -> None:
        """The completion certificates of a day's releases, or (``papers``) the release papers of those who left
        early, for home quarantine or otherwise: the paper each outcome gets, never the other."""
        facility = self._need_facility(self.certificate_message)
        if facility is None:
            return
        on = _day(self.certificate_date)
        name = "giay-ra-khu" if papers else "giay-xac-nhan"
        path = self._save_as(f"{name}-{facility}-{on.isoformat()}", ".pdf")
        if path is None:
            return
        desk = self.ctx.desk
        text = self.tr("Đang in giấy xác nhận…")

        def work(progress: Progress, should_stop: ShouldStop) -> int:
            return documents.certificates(desk, facility, on, path, progress, should_stop, papers=papers)

        def done(count: int) -> None:
            self.certificate_message.done(
                (
                    self.tr("Đã in %1 giấy xác nhận thời gian cách ly: %2")
                    if papers
                    else self.tr("Đã in %1 giấy xác nhận hoàn thành cách ly: %2")
                )
                .replace("%1", str(count))
                .replace("%2", str(path))
            )

        self._run(text, work, done, self.certificate_message)

    # --- lists for the communes ------------------------------------------------------------------------------------

    def export_handover(self, suffix: str) -> None:
        """The people who left on the day, by home commune (one sheet or section each), for the communes."""
        facility = self._need_facility(self.handover_message)
        if facility is None:
            return
        on = _day(self.handover_date)
        commune = self.handover_commune.text().strip() or None
        path = self._save_as(f"ban-giao-{facility}-{on.isoformat()}", suffix)
        if path is None:
            return
        desk = self.ctx.desk

        def work(progress: Progress, should_stop: ShouldStop) -> handover.HandoverSummary:
            return handover.export_handover(
                desk, facility, on, path, commune=commune, progress=progress, should_stop=should_stop
            )

        def done(summary: handover.HandoverSummary) -> None:
            self.handover_message.done(
                self.tr("Đã lưu danh sách bàn giao: %1 người, %2 xã/phường: %3")
                .replace("%1", str(summary.people))
                .replace("%2", str(len(summary.communes)))
                .replace("%3", str(summary.path))
            )

        self._run(self.tr("Đang lập danh sách bàn giao…"), work, done, self.handover_message)

    def export_not_arrived(self, suffix: str) -> None:
        """The people of the imported F1 lists who have not arrived after N days, by commune, for tracing."""
        days = self.not_arrived_days.value()
        commune = self.handover_commune.text().strip() or None
        today = self.ctx.desk.now().date()
        path = self._save_as(f"f1-chua-den-{today.isoformat()}", suffix)
        if path is None:
            return
        desk = self.ctx.desk

        def work(progress: Progress, should_stop: ShouldStop) -> handover.HandoverSummary:
            return handover.export_not_arrived(
                desk, days, path, on=today, commune=commune, progress=progress, should_stop=should_stop
            )

        def done(summary: handover.HandoverSummary) -> None:
            self.handover_message.done(
                self.tr("Đã lưu danh sách F1 chưa đến: %1 người: %2")
                .replace("%1", str(summary.people))
                .replace("%2", str(summary.path))
            )

        self._run(self.tr("Đang lập danh sách F1 chưa đến…"), work, done, self.handover_message)

    # --- F1 list import -------------------------------------------------------------------------------------------

    def choose_import_file(self) -> None:
        paths = self._ask_open_paths(self.tr("Danh sách F1 (*.xlsx *.csv)"))
        if not paths:
            return
        self._check_import(paths[0])

    def _check_import(self, path: Path) -> None:
        """Check every row of the list (a dry run) and show what an import would do, before writing anything."""
        self.import_path = None
        self._show_preview(None)
        self.import_file.setText(self.tr("Tệp: %1").replace("%1", path.name))
        desk, lang = self.ctx.desk, self.ctx.lang

        text = self.tr("Đang kiểm tra danh sách…")

        update = self.import_update.isChecked()

        def work(progress: Progress, should_stop: ShouldStop) -> ImportResult:
            return imports.import_people(
                desk,
                path,
                dry_run=True,
                update_existing=update,
                lang=lang,
                progress=progress,
                should_stop=should_stop,
            )

        def done(result: ImportResult) -> None:
            self.import_path = path
            self._show_preview(result)

        self._run(text, work, done, self.import_message)

    def _update_choice_changed(self, _checked: bool) -> None:
        """The check shown was made with the other choice: check the same file again with this one."""
        if self.import_path is not None and self.preview is not None and self.preview.dry_run:
            self._check_import(self.import_path)

    def _filled_count(self, result: ImportResult) -> int:
        return sum(1 for m in result.matched if m.filled)

    def _show_preview(self, result: ImportResult | None) -> None:
        self.preview = result
        self.rejected.set_rows(result.rejected if result is not None else ())
        checked = result is not None and result.dry_run
        accepted = result.accepted if result is not None and checked else 0
        filled = (
            self._filled_count(result) if result is not None and checked and result.update_existing else 0
        )
        if filled:
            self.import_button.setText(
                self.tr("Nhập %1 người, bổ sung %2 người đã có")
                .replace("%1", str(accepted))
                .replace("%2", str(filled))
            )
        else:
            self.import_button.setText(
                self.tr("Nhập %1 người vào danh sách chờ").replace("%1", str(accepted))
            )
        self.import_button.setEnabled((accepted > 0 or filled > 0) and self.import_path is not None)
        if result is None:
            self.import_summary.setText(self.tr("Chưa chọn tệp."))
        elif result.dry_run:
            columns = import_mapping(result.found, self.ctx.lang)
            self.import_summary.setText(
                self.tr(
                    "Có thể nhập %1 người; %2 người đã có (không thêm lần nữa); %3 dòng bị từ chối (xem bảng dưới)."
                )
                .replace("%1", str(result.accepted))
                .replace("%2", str(len(result.matched)))
                .replace("%3", str(len(result.rejected)))
                + (
                    " "
                    + self.tr("Sẽ bổ sung ô còn trống cho %1 người đã có.").replace(
                        "%1", str(self._filled_count(result))
                    )
                    if result.update_existing
                    else ""
                )
                + "\n"
                + self.tr("Các cột: %1").replace("%1", columns)
            )
        else:
            self.import_summary.setText(
                self.tr("Đã nhập %1 người; %2 người đã có; %3 dòng không nhập.")
                .replace("%1", str(result.accepted))
                .replace("%2", str(len(result.matched)))
                .replace("%3", str(len(result.rejected)))
                + (
                    " "
                    + self.tr("Đã bổ sung ô còn trống cho %1 người đã có.").replace(
                        "%1", str(self._filled_count(result))
                    )
                    if result.update_existing
                    else ""
                )
            )

    def import_for_real(self) -> None:
        path = self.import_path
        if path is None or self.preview is None or not self.preview.dry_run:
            return
        self.import_button.setEnabled(False)
        desk, lang = self.ctx.desk, self.ctx.lang

        text = self.tr("Đang nhập danh sách…")

        update = self.preview.update_existing  # as checked: the choice changed means a new check first

        def work(progress: Progress, should_stop: ShouldStop) -> tuple[ImportResult, Path | None]:
            result = imports.import_people(
                desk,
                path,
                update_existing=update,
                lang=lang,
                progress=progress,
                should_stop=should_stop,
            )
            saved = imports.save_rejected(result, path, lang=lang) if result.rejected else None
            return result, saved

        def done(outcome: tuple[ImportResult, Path | None]) -> None:
            result, saved = outcome
            self.import_path = None
            self._show_preview(result)
            message = self.tr("Đã nhập %1 người vào danh sách chờ.").replace("%1", str(result.accepted))
            if saved is not None:
                message += " " + self.tr("Các dòng bị từ chối, kèm lý do, đã lưu vào %1.").replace(
                    "%1", str(saved)
                )
            self.import_message.done(message)

        def failed() -> None:
            self.import_button.setEnabled(self.import_path is not None)  # the checked list can be tried again

        self._run(text, work, done, self.import_message, failed)
