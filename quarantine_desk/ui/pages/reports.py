"""The reports page: rosters, the 16:00 daily report and its district merge, release certificates, and the
import of tracing teams' F1 lists.

Every file is written off the GUI thread through ``ui.tasks.run_task`` (progress and Cancel); a file is chosen
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
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.services import documents
from quarantine_desk.services.documents import ImportResult, Rejected
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.models import Column, RowsModel
from quarantine_desk.ui.tasks import Progress, ShouldStop, Task, run_task
from quarantine_desk.ui.widgets import MessageLine, make_table, vn_date

log = logging.getLogger(__name__)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(edit: QDateEdit) -> date:
    day: date = edit.date().toPython()  # type: ignore[assignment]
    return day


def _with_suffix(path: Path, suffix: str) -> Path:
    """The chosen path, with the format's extension added when the user typed a name without it."""
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def _percent(progress: Progress, text: str) -> Callable[[int, int], None]:
    """The services count ``(done, total)``; the progress dialog wants a percentage and a line of text."""

    def report(done: int, total: int) -> None:
        progress(int(done * 100 / total) if total else 0, text)

    return report


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

        title = QLabel(self.tr("Báo cáo & giấy tờ"))
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        content = QWidget()
        grid = QGridLayout(content)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self._build_roster(today), 0, 0)
        grid.addWidget(self._build_daily(today), 1, 0)
        grid.addWidget(self._build_merge(), 2, 0)
        grid.addWidget(self._build_certificates(today), 3, 0)
        grid.addWidget(self._build_import(), 0, 1, 5, 1)
        grid.setRowStretch(4, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(scroll, 1)
        ctx.facility_changed.connect(self.refresh)
        ctx.data_changed.connect(self.refresh)
        self.refresh()

    # --- building ------------------------------------------------------------------------------------------------

    def _date_edit(self, day: date) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setCalendarPopup(True)
        return edit

    def _row(self, *widgets: QWidget, caption: str = "", buddy: QWidget | None = None) -> QHBoxLayout:
        row = QHBoxLayout()
        if caption:
            label = QLabel(caption)
            if buddy is not None:
                label.setBuddy(buddy)
            row.addWidget(label)
        for widget in widgets:
            row.addWidget(widget)
        row.addStretch(1)
        return row

    def _build_roster(self, today: date) -> QGroupBox:
        box = QGroupBox(self.tr("Danh sách người cách ly"))
        self.roster_date = self._date_edit(today)
        self.roster_variant = QComboBox()
        labels = {
            "present": self.tr("Đang cách ly"),
            "admitted": self.tr("Vào trong ngày"),
            "released": self.tr("Hoàn thành trong ngày"),
            "due_tomorrow": self.tr("Dự kiến ra ngày mai"),
            "positive": self.tr("Dương tính / chuyển điều trị"),
        }
        for variant in documents.VARIANTS:
            self.roster_variant.addItem(labels.get(variant, variant), variant)
        self.roster_xlsx = QPushButton(self.tr("Xuất Excel…"))
        self.roster_xlsx.clicked.connect(lambda: self.export_roster(".xlsx"))
        self.roster_pdf = QPushButton(self.tr("Xuất PDF…"))
        self.roster_pdf.clicked.connect(lambda: self.export_roster(".pdf"))
        self.roster_message = MessageLine()
        layout = QVBoxLayout(box)
        layout.addLayout(self._row(self.roster_date, caption=self.tr("Ngày"), buddy=self.roster_date))
        layout.addLayout(
            self._row(self.roster_variant, caption=self.tr("Danh sách"), buddy=self.roster_variant)
        )
        layout.addLayout(self._row(self.roster_xlsx, self.roster_pdf))
        layout.addWidget(self.roster_message)
        return box

    def _build_daily(self, today: date) -> QGroupBox:
        box = QGroupBox(self.tr("Báo cáo 16 giờ"))
        self.daily_date = self._date_edit(today)
        self.daily_current = QRadioButton(self.tr("Khu hiện tại"))
        self.daily_all = QRadioButton(self.tr("Tất cả các khu"))
        self.daily_current.setChecked(True)
        group = QButtonGroup(box)
        group.addButton(self.daily_current)
        group.addButton(self.daily_all)
        self.daily_buttons: dict[str, QPushButton] = {}
        for suffix, text in ((".xlsx", "Excel…"), (".pdf", "PDF…"), (".json", "JSON…")):
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, s=suffix: self.write_daily_report(s))
            self.daily_buttons[suffix] = button
        self.daily_message = MessageLine()
        layout = QVBoxLayout(box)
        layout.addLayout(self._row(self.daily_date, caption=self.tr("Ngày"), buddy=self.daily_date))
        layout.addLayout(self._row(self.daily_current, self.daily_all))
        layout.addLayout(self._row(*self.daily_buttons.values(), caption=self.tr("Xuất ra")))
        layout.addWidget(self.daily_message)
        return box

    def _build_merge(self) -> QGroupBox:
        box = QGroupBox(self.tr("Tổng hợp báo cáo các khu (cấp huyện)"))
        self.merge_button = QPushButton(self.tr("Chọn các tệp báo cáo…"))
        self.merge_button.clicked.connect(self.merge_reports)
        self.merge_message = MessageLine()
        layout = QVBoxLayout(box)
        layout.addLayout(self._row(self.merge_button))
        layout.addWidget(self.merge_message)
        return box

    def _build_certificates(self, today: date) -> QGroupBox:
        box = QGroupBox(self.tr("Giấy xác nhận hoàn thành cách ly"))
        self.certificate_date = self._date_edit(today)
        self.certificate_button = QPushButton(self.tr("In giấy xác nhận (PDF)…"))
        self.certificate_button.clicked.connect(self.print_certificates)
        self.certificate_message = MessageLine()
        layout = QVBoxLayout(box)
        layout.addLayout(
            self._row(
                self.certificate_date,
                self.certificate_button,
                caption=self.tr("Ngày hoàn thành"),
                buddy=self.certificate_date,
            )
        )
        layout.addWidget(self.certificate_message)
        return box

    def _build_import(self) -> QGroupBox:
        box = QGroupBox(self.tr("Nhập danh sách F1"))
        self.import_choose = QPushButton(self.tr("Chọn tệp danh sách…"))
        self.import_choose.clicked.connect(self.choose_import_file)
        self.import_file = QLabel()
        self.import_file.setWordWrap(True)
        self.import_summary = QLabel()
        self.import_summary.setWordWrap(True)
        self.rejected = RowsModel[Rejected](
            [
                Column(self.tr("Dòng"), lambda r: str(r.row), align_right=True),
                Column(self.tr("Lý do"), lambda r: r.message, tooltip=lambda r: r.message),
            ],
            parent=self,
        )
        self.rejected_view = make_table(self.rejected, stretch_column=1)
        self.rejected_view.setObjectName("rejected")
        self.rejected_view.setWordWrap(True)
        self.import_button = QPushButton()
        self.import_button.setStyleSheet("QPushButton { font-weight: 600; padding: 4px 12px; }")
        self.import_button.clicked.connect(self.import_for_real)
        self.import_message = MessageLine()
        note = QLabel(
            self.tr(
                "Tệp Excel hoặc CSV của tổ truy vết. Chương trình kiểm tra từng dòng trước; "
                "chưa có ai được thêm cho tới khi bấm nút nhập."
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(note)
        layout.addLayout(self._row(self.import_choose))
        layout.addWidget(self.import_file)
        layout.addWidget(self.import_summary)
        layout.addWidget(self.rejected_view, 1)
        layout.addLayout(self._row(self.import_button))
        layout.addWidget(self.import_message)
        self._show_preview(None)
        return box

    # --- shared ---------------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Buttons that need a facility wait for one; nothing here is read from the database."""
        has_facility = bool(self.ctx.facility)
        for button in (self.roster_xlsx, self.roster_pdf, self.certificate_button):
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

        self.task = run_task(self, title, work, finished, failed)

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
                progress=_percent(progress, text),
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
                progress=_percent(progress, text),
                should_stop=should_stop,
            )

        def done(written: Path) -> None:
            self.daily_message.done(
                self.tr("Đã lưu báo cáo ngày %1: %2").replace("%1", vn_date(on)).replace("%2", str(written))
            )
            self.ctx.notify_changed()  # the 15:30 reminder stops on every page

        self._run(text, work, done, self.daily_message)

    # --- district merge ---------------------------------------------------------------------------------------------

    def merge_reports(self) -> None:
        sources = self._ask_open_paths(self.tr("Báo cáo các khu (*.xlsx *.json)"))
        if not sources:
            return
        today = self.ctx.desk.now().date()
        path = self._save_as(f"tong-hop-bao-cao-{today.isoformat()}", ".xlsx")
        if path is None:
            return
        text = self.tr("Đang tổng hợp báo cáo…")

        def work(progress: Progress, should_stop: ShouldStop) -> Any:
            return documents.merge_reports(sources, path)

        def done(_merged: Any) -> None:
            self.merge_message.done(
                self.tr("Đã tổng hợp %1 báo cáo: %2")
                .replace("%1", str(len(sources)))
                .replace("%2", str(path))
            )

        self._run(text, work, done, self.merge_message)

    # --- certificates -------------------------------------------------------------------------------------------

    def print_certificates(self) -> None:
        facility = self._need_facility(self.certificate_message)
        if facility is None:
            return
        on = _day(self.certificate_date)
        path = self._save_as(f"giay-xac-nhan-{facility}-{on.isoformat()}", ".pdf")
        if path is None:
            return
        desk = self.ctx.desk
        text = self.tr("Đang in giấy xác nhận…")

        def work(progress: Progress, should_stop: ShouldStop) -> int:
            return documents.certificates(desk, facility, on, path, _percent(progress, text), should_stop)

        def done(count: int) -> None:
            self.certificate_message.done(
                self.tr("Đã in %1 giấy xác nhận: %2").replace("%1", str(count)).replace("%2", str(path))
            )

        self._run(text, work, done, self.certificate_message)

    # --- F1 list import -------------------------------------------------------------------------------------------

    def choose_import_file(self) -> None:
        paths = self._ask_open_paths(self.tr("Danh sách F1 (*.xlsx *.csv)"))
        if not paths:
            return
        path = paths[0]
        self.import_path = None
        self._show_preview(None)
        self.import_file.setText(self.tr("Tệp: %1").replace("%1", path.name))
        desk, lang = self.ctx.desk, self.ctx.lang

        def work(progress: Progress, should_stop: ShouldStop) -> ImportResult:
            return documents.import_people(desk, path, dry_run=True, lang=lang)

        def done(result: ImportResult) -> None:
            self.import_path = path
            self._show_preview(result)

        self._run(self.tr("Đang kiểm tra danh sách…"), work, done, self.import_message)

    def _show_preview(self, result: ImportResult | None) -> None:
        self.preview = result
        self.rejected.set_rows(result.rejected if result is not None else ())
        accepted = result.accepted if result is not None and result.dry_run else 0
        self.import_button.setText(self.tr("Nhập %1 người vào danh sách chờ").replace("%1", str(accepted)))
        self.import_button.setEnabled(accepted > 0 and self.import_path is not None)
        if result is None:
            self.import_summary.setText(self.tr("Chưa chọn tệp."))
        elif result.dry_run:
            self.import_summary.setText(
                self.tr("Có thể nhập %1 người; %2 dòng bị từ chối (xem bảng dưới).")
                .replace("%1", str(result.accepted))
                .replace("%2", str(len(result.rejected)))
            )
        else:
            self.import_summary.setText(
                self.tr("Đã nhập %1 người; %2 dòng không nhập.")
                .replace("%1", str(result.accepted))
                .replace("%2", str(len(result.rejected)))
            )

    def import_for_real(self) -> None:
        path = self.import_path
        if path is None or self.preview is None or not self.preview.dry_run:
            return
        self.import_button.setEnabled(False)
        desk, lang = self.ctx.desk, self.ctx.lang

        def work(progress: Progress, should_stop: ShouldStop) -> ImportResult:
            return documents.import_people(desk, path, lang=lang)

        def done(result: ImportResult) -> None:
            self.import_path = None
            self._show_preview(result)
            self.import_message.done(
                self.tr("Đã nhập %1 người vào danh sách chờ.").replace("%1", str(result.accepted))
            )
            self.ctx.notify_changed()

        def failed() -> None:
            self.import_button.setEnabled(self.import_path is not None)  # the checked list can be tried again

        self._run(self.tr("Đang nhập danh sách…"), work, done, self.import_message, failed)
