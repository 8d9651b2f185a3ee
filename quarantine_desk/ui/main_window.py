"""The main window: navigation on the left, one page per area, the facility switcher, menus and status bar.

Pages are imported when first shown. An area whose page module is not there yet shows a plain "being built"
page: the window never pretends with sample data.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from quarantine_desk import __version__
from quarantine_desk.domain.errors import DeskError
from quarantine_desk.domain.progress import Progress, ShouldStop
from quarantine_desk.domain.roles import Permission
from quarantine_desk.services import facilities, overview
from quarantine_desk.services.changes import Area as Data
from quarantine_desk.services.facilities import FacilityRow
from quarantine_desk.services.overview import Alert, AlertKind
from quarantine_desk.services.setup import setup_progress
from quarantine_desk.ui import data_menu
from quarantine_desk.ui import settings as opts
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.dialogs import BRAND
from quarantine_desk.ui.guide import SECTIONS, FirstSteps, GuideWindow
from quarantine_desk.ui.interaction import error_text, interaction
from quarantine_desk.ui.labels import database_kind_label, role_label
from quarantine_desk.ui.live import LiveUpdates
from quarantine_desk.ui.operations import query, task
from quarantine_desk.ui.pages.dashboard import alert_target, alert_text
from quarantine_desk.ui.permissions import restrict

log = logging.getLogger(__name__)

# What the banner's alerts are made of (the same as the overview's, less the figures it does not show).
BANNER_AREAS = frozenset(
    {Data.FACILITIES, Data.ROOMS, Data.PEOPLE, Data.STAYS, Data.TESTS, Data.STOCK, Data.SHIFTS, Data.REPORTS}
)
BANNER_REFRESH_MS = 60_000  # the 15:30 reminder appears within a minute without anyone touching the window


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    module: str  # quarantine_desk.ui.pages.<module>
    page_class: str


def sqlite_file(url: str) -> str:
    """The file behind a SQLite URL, which says more to a facility manager than the URL does."""
    prefix = "sqlite:///"
    return url[len(prefix) :] or url if url.startswith(prefix) else url


DEMO_PERMISSIONS = (
    Permission.MANAGE_FACILITY,
    Permission.REGISTER_PERSON,
    Permission.ADMIT,
    Permission.RECORD_MEDICAL,
    Permission.MANAGE_STOCK,
    Permission.MANAGE_SHIFTS,
)


class MainWindow(QMainWindow):
    def __init__(
        self, ctx: UiContext, settings: opts.Settings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings or opts.Settings()
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Quản lý khu cách ly tập trung") + f" — {BRAND}")
        self.setMinimumSize(QSize(1024, 640))
        self.areas = self._areas()
        self._pages: dict[str, QWidget] = {}
        self._banner_facility: str | None = (
            None  # the facility whose alerts the banner has read or is reading
        )
        # The damage that the integrity check after the start found (database_damaged): the window closed for it.
        self.damage: DeskError | None = None

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setMinimumWidth(170)
        self.navigation.setMaximumWidth(240)
        self.navigation.setSpacing(2)
        for area in self.areas:
            item = QListWidgetItem(area.title)
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            item.setSizeHint(QSize(0, 34))
            self.navigation.addItem(item)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        for _ in self.areas:
            self.stack.addWidget(QWidget())  # replaced by the real page when first shown
        splitter = QSplitter()
        splitter.addWidget(self.navigation)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 1100])
        splitter.setChildrenCollapsible(False)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self._build_banner())
        self.first_steps = FirstSteps(ctx.desk)
        self.first_steps.step_chosen.connect(self.first_step)
        self.first_steps.setVisible(False)
        central_layout.addWidget(self.first_steps)
        self.guide: GuideWindow | None = None
        central_layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

        self._build_toolbar()
        self._build_menus()
        self._build_status_bar()

        self.navigation.currentRowChanged.connect(self.show_area)
        ctx.facility_changed.connect(self._facility_changed)
        ctx.changed.connect(self._data_changed)
        self.banner_timer = QTimer(self)
        self.banner_timer.setInterval(BANNER_REFRESH_MS)
        self.banner_timer.timeout.connect(self.refresh_banner)
        self.live = LiveUpdates(ctx, self)  # other PCs' changes reach the pages as this window's own do
        self.reload_facilities()
        self._restore_geometry()
        self.navigation.setCurrentRow(0)

    # --- areas -------------------------------------------------------------------------------------------------

    def _areas(self) -> list[Area]:
        return [
            Area("dashboard", self.tr("Tổng quan"), "dashboard", "DashboardPage"),
            Area("checkin", self.tr("Người cách ly"), "checkin", "CheckinPage"),
            Area("rooms", self.tr("Phòng & giường"), "rooms", "RoomBoardPage"),
            Area("medical", self.tr("Xét nghiệm"), "medical", "MedicalPage"),
            Area("meals", self.tr("Suất ăn"), "meals", "MealsPage"),
            Area("supplies", self.tr("Vật tư"), "supplies", "SuppliesPage"),
            Area("relief", self.tr("Cứu trợ"), "relief", "ReliefPage"),
            Area("shifts", self.tr("Ca trực"), "shifts", "ShiftsPage"),
            Area("reports", self.tr("Báo cáo"), "reports", "ReportsPage"),
            Area("admin", self.tr("Quản trị"), "admin", "AdminPage"),
        ]

    def _make_page(self, area: Area) -> QWidget:
        name = f"quarantine_desk.ui.pages.{area.module}"
        # Imported when first shown, so the window opens fast; a page that fails to import fails loudly.
        module = importlib.import_module(name)
        page_class: Callable[..., QWidget] = getattr(module, area.page_class)
        page = page_class(self.ctx)
        open_area = getattr(page, "open_area", None)
        if open_area is not None:
            open_area.connect(self.open_area)
        alerts_read = getattr(page, "alerts_read", None)
        if alerts_read is not None:
            alerts_read.connect(self._alerts_read)
        return page

    def page(self, key: str) -> QWidget:
        """The page of an area, built the first time it is asked for."""
        if key not in self._pages:
            index = next(i for i, a in enumerate(self.areas) if a.key == key)
            page = self._make_page(self.areas[index])
            page.setObjectName(f"page_{key}")
            old = self.stack.widget(index)
            assert old is not None
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(old)
            old.deleteLater()
            self._pages[key] = page
        return self._pages[key]

    @Slot(int)
    def show_area(self, row: int) -> None:
        if not 0 <= row < len(self.areas):
            return
        # A page built now reads its data; one shown again reloads if what it shows changed meanwhile.
        self.stack.setCurrentWidget(self.page(self.areas[row].key))

    def select_area(self, key: str) -> None:
        row = next(i for i, a in enumerate(self.areas) if a.key == key)
        self.navigation.setCurrentRow(row)

    @Slot(str, str)
    def open_area(self, key: str, target: str = "") -> None:
        """Switch to an area and show ``target`` in it: ``room:<name>`` on the room board, or a widget of the
        page named by its object name or attribute (its tab is brought forward and it is scrolled into view)."""
        if not any(a.key == key for a in self.areas):
            log.warning("no area %s", key)
            return
        self.select_area(key)
        if target:
            self._reveal(self.page(key), target)

    def _reveal(self, page: QWidget, target: str) -> None:
        if target.startswith("room:"):
            room = target.removeprefix("room:")
            board: Any = getattr(page, "board", None)
            if board is not None and hasattr(board, "selected"):
                board.selected = room
                board.update()
            show_room: Any = getattr(page, "show_room", None)
            if callable(show_room):
                show_room(room)
            return
        widget = page.findChild(QWidget, target)
        if widget is None:
            attribute = getattr(page, target, None)
            widget = attribute if isinstance(attribute, QWidget) else None
        if widget is None:
            log.info("%s has nothing called %s to show", page.objectName(), target)
            return
        child: QWidget | None = widget
        while child is not None and child is not page:
            parent = child.parentWidget()
            if isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget):
                tabs = parent.parentWidget()
                assert isinstance(tabs, QTabWidget)
                tabs.setCurrentWidget(child)
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(widget)
            child = parent
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- the alert banner -------------------------------------------------------------------------------------

    def _build_banner(self) -> QFrame:
        self.banner = QFrame()
        self.banner.setObjectName("alertBanner")
        self.banner_text = QLabel()
        self.banner_text.setObjectName("alertText")
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextFormat(Qt.TextFormat.PlainText)
        self.banner_text.setStyleSheet("QLabel { font-size: 10pt; font-weight: 600; }")
        self.banner_open = QPushButton(self.tr("Xem"))
        self.banner_open.setObjectName("alertOpen")
        self.banner_open.clicked.connect(self._open_banner_alert)
        self.banner_report = QPushButton(self.tr("Lập báo cáo"))
        self.banner_report.setObjectName("makeReport")
        self.banner_report.clicked.connect(lambda: self.open_area("reports", "daily_date"))
        layout = QHBoxLayout(self.banner)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.addWidget(self.banner_text, 1)
        layout.addWidget(self.banner_open)
        layout.addWidget(self.banner_report)
        self.banner.setVisible(False)
        self.banner_alert: Alert | None = None
        return self.banner

    @Slot()
    def refresh_banner(self) -> None:
        """The most urgent alert of the current facility, and the 16:00 report reminder; hidden when all is well."""
        code, desk = self.ctx.facility, self.ctx.desk
        self._banner_facility = code
        if not code:
            self.show_banner([])
            return
        query(self, lambda: overview.alerts(desk, code), self.show_banner, self._banner_failed, key="banner")

    @Slot(str, object)
    def _alerts_read(self, code: str, alerts: list[Alert]) -> None:
        """The overview has read the facility's alerts: the banner shows the same, without a read of its own."""
        if code == self.ctx.facility:
            self._banner_facility = code
            self.show_banner(alerts)

    def _banner_failed(self, error: BaseException) -> None:
        log.warning("alerts could not be read: %s", error)
        self.show_banner([])

    def show_banner(self, alerts: list[Alert]) -> None:
        self.banner_alert = alerts[0] if alerts else None
        if not alerts:
            self.banner.setVisible(False)
            return
        top = alerts[0]
        report_due = any(a.kind is AlertKind.REPORT_DUE for a in alerts)
        lines = [alert_text(top)]
        if report_due and top.kind is not AlertKind.REPORT_DUE:
            lines.append(alert_text(Alert(AlertKind.REPORT_DUE)))
        others = len(alerts) - len(lines)
        if others > 0:
            lines[0] += " " + self.tr("(và %1 việc khác trong Tổng quan)").replace("%1", str(others))
        self.banner_text.setText("\n".join(lines))
        self.banner_open.setVisible(top.kind is not AlertKind.REPORT_DUE)
        self.banner_report.setVisible(report_due)
        border, background = (
            ("#c62828", "#fdecea") if top.kind is AlertKind.POSITIVE else ("#e65100", "#fff4d6")
        )
        self.banner.setStyleSheet(
            f"QFrame#alertBanner {{ background: {background}; border-bottom: 2px solid {border}; }}"
            f"QFrame#alertBanner QLabel {{ color: {border if top.kind is AlertKind.POSITIVE else '#5d2e00'}; }}"
        )
        self.banner.setVisible(True)

    @Slot()
    def _open_banner_alert(self) -> None:
        if self.banner_alert is not None:
            self.open_area(*alert_target(self.banner_alert))

    @Slot(object)
    def _data_changed(self, areas: frozenset[Data]) -> None:
        # The window is always on show: the switcher and the banner reload at once when their data changed.
        if Data.FACILITIES in areas:
            self.reload_facilities()  # and the first steps with it
        elif areas & {Data.ROOMS, Data.PEOPLE}:
            self.refresh_first_steps()
        if areas & BANNER_AREAS:
            self.refresh_banner()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._banner_facility != self.ctx.facility:
            self.refresh_banner()
        self.banner_timer.start()
        self.live.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self.banner_timer.stop()
        self.live.stop()
        super().hideEvent(event)

    # --- toolbar: the facility switcher ------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Khu cách ly"))
        bar.setObjectName("facilityBar")
        bar.setMovable(False)
        bar.addWidget(QLabel(self.tr("Khu cách ly:") + " "))
        self.facility_box = QComboBox()
        self.facility_box.setObjectName("facilitySwitcher")
        # Long official names ("Khu cách ly tập trung Trường Quân sự tỉnh Kon Tum") must fit without clipping.
        self.facility_box.setMinimumContentsLength(64)
        self.facility_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.facility_box.setToolTip(self.tr("Khu cách ly đang làm việc"))
        self.facility_box.currentIndexChanged.connect(self._facility_chosen)
        bar.addWidget(self.facility_box)
        self.addToolBar(bar)

    @Slot()
    def reload_facilities(self) -> None:
        desk = self.ctx.desk
        query(
            self,
            lambda: facilities.list_facilities(desk),
            self.show_facilities,
            self._facilities_failed,
            key="facilities",
        )

    def _facilities_failed(self, error: BaseException) -> None:
        log.warning("facilities could not be listed: %s", error)
        self.show_facilities([])

    def show_facilities(self, rows: list[FacilityRow]) -> None:
        wanted = self.ctx.facility or self.settings.get(opts.LAST_FACILITY)
        self.facility_box.blockSignals(True)
        self.facility_box.clear()
        for row in rows:
            if not row.active and row.code != wanted:
                continue
            label = f"{row.code} – {row.name}"
            if not row.active:
                label += " " + self.tr("(đã đóng)")
            self.facility_box.addItem(label, row.code)
        if self.facility_box.count() == 0:
            self.facility_box.addItem(self.tr("(chưa có khu cách ly nào)"), "")
        index = max(0, self.facility_box.findData(wanted))
        self.facility_box.setCurrentIndex(index)
        self.facility_box.blockSignals(False)
        self._facility_chosen(index)
        self.refresh_first_steps()

    @Slot(int)
    def _facility_chosen(self, index: int) -> None:
        code = self.facility_box.itemData(index) or ""
        self.ctx.set_facility(code)
        self._show_facility(code)

    @Slot(str)
    def _facility_changed(self, code: str) -> None:
        if code:
            self.settings.set(opts.LAST_FACILITY, code)
        index = self.facility_box.findData(code)
        if index >= 0 and index != self.facility_box.currentIndex():
            self.facility_box.setCurrentIndex(index)
        self._show_facility(code)

    # --- menus ---------------------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&Tệp"))
        file_menu.setToolTipsVisible(True)  # why an action is off
        self.demo_action = QAction(self.tr("Tạo dữ liệu mẫu"), self)
        self.demo_action.setObjectName("demoAction")
        self.demo_action.triggered.connect(self.build_demo)
        # The demo sets up a facility and fills every area of it.
        restrict(self.ctx.desk, [self.demo_action], *DEMO_PERMISSIONS)
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        self.backup_action = QAction(self.tr("Sao lưu dữ liệu…"), self)
        self.backup_action.setObjectName("backupAction")
        self.backup_action.triggered.connect(self.backup)
        self.restore_action = QAction(self.tr("Khôi phục từ bản sao lưu…"), self)
        self.restore_action.setObjectName("restoreAction")
        self.restore_action.triggered.connect(self.restore)
        self.automatic_backups_action = QAction(self.tr("Bản sao lưu tự động…"), self)
        self.automatic_backups_action.setObjectName("automaticBackupsAction")
        self.automatic_backups_action.triggered.connect(self.automatic_backups)
        for action in (self.backup_action, self.restore_action, self.automatic_backups_action):
            action.setVisible(self.ctx.desk.can(Permission.BACKUP))
            file_menu.addAction(action)
        self.database_action = QAction(self.tr("Cơ sở dữ liệu…"), self)
        self.database_action.setObjectName("databaseAction")
        self.database_action.triggered.connect(self.choose_database)
        file_menu.addAction(self.database_action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("Thoát"), self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        language_menu = self.menuBar().addMenu(self.tr("&Ngôn ngữ"))
        group = QActionGroup(self)
        group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        for code, label in (("vi", "Tiếng Việt"), ("en", "English")):
            action = QAction(label, self, checkable=True)
            action.setChecked(code == self.ctx.lang)
            action.triggered.connect(lambda _checked=False, c=code: self.choose_language(c))
            group.addAction(action)
            language_menu.addAction(action)
            self.language_actions[code] = action

        help_menu = self.menuBar().addMenu(self.tr("Trợ &giúp"))
        self.guide_action = QAction(self.tr("Hướng dẫn sử dụng"), self)
        self.guide_action.setObjectName("guideAction")
        self.guide_action.setShortcut(QKeySequence(Qt.Key.Key_F1))
        self.guide_action.triggered.connect(lambda: self.show_guide())
        help_menu.addAction(self.guide_action)
        self.check_certificate_action = QAction(self.tr("Kiểm tra giấy xác nhận…"), self)
        self.check_certificate_action.setObjectName("checkCertificateAction")
        self.check_certificate_action.triggered.connect(self.check_certificate)
        help_menu.addAction(self.check_certificate_action)
        about = QAction(self.tr("Giới thiệu"), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def choose_language(self, code: str) -> None:
        self.settings.language = code
        self.settings.sync()
        if code != self.ctx.lang:
            interaction().info(
                self,
                self.tr("Ngôn ngữ mới sẽ được áp dụng khi khởi động lại chương trình."),
                self.tr("Ngôn ngữ"),
            )

    def backup(self) -> None:
        path = data_menu.ask_backup_path(self)
        if not path:
            return
        go_on, passphrase = data_menu.ask_backup_passphrase(self, self.ctx.lang)
        if go_on:
            data_menu.start_backup(self, self.ctx, path, passphrase)

    def restore(self, path: str = "") -> None:
        path = path or data_menu.ask_restore_path(self)
        if not path:
            return
        go_on, passphrase = data_menu.ask_restore_passphrase(self, path, self.ctx.lang)
        if go_on:
            data_menu.start_restore(self, self.ctx, path, passphrase)

    def automatic_backups(self) -> None:
        dialog = data_menu.AutomaticBackupsDialog(self.ctx.desk, self)
        if dialog.exec() and dialog.chosen():
            self.restore(dialog.chosen())

    def choose_database(self) -> None:
        if data_menu.choose_database(self, self.ctx, self.settings):
            interaction().info(
                self,
                self.tr("Cơ sở dữ liệu mới sẽ được dùng khi khởi động lại chương trình."),
                self.tr("Cơ sở dữ liệu"),
            )

    def current_area(self) -> str:
        row = self.navigation.currentRow()
        return self.areas[row].key if 0 <= row < len(self.areas) else "dashboard"

    def show_guide(self, section: str | None = None) -> None:
        """The user guide at ``section``, else at the section of the page in front (F1)."""
        if self.guide is None:
            self.guide = GuideWindow(self.ctx.lang, self)
        self.guide.show_section(section if section is not None else SECTIONS.get(self.current_area(), ""))

    @Slot(str)
    def first_step(self, step: str) -> None:
        """A button of the first steps: the dialog or page that does it."""
        if step == "guide":
            self.show_guide("bat-dau")
        elif step == "facility":
            self.select_area("admin")
            self.page("admin").facilities_tab.add_facility()  # type: ignore[attr-defined]
        elif step == "rooms":
            self.select_area("admin")
            self.page("admin").facilities_tab.add_rooms()  # type: ignore[attr-defined]
        elif step == "people":
            self.select_area("checkin")
        elif step == "import":
            self.open_area("reports", "import_choose")

    def refresh_first_steps(self) -> None:
        desk = self.ctx.desk
        query(
            self,
            lambda: setup_progress(desk),
            self.first_steps.show_progress,
            lambda err: log.warning("set-up progress could not be read: %s", err),
            key="first_steps",
        )

    def check_certificate(self) -> None:
        from quarantine_desk.ui.certificate_check import CertificateCheckDialog

        CertificateCheckDialog(self.ctx, self).exec()

    def show_about(self) -> None:
        text = self.tr(
            "Quản lý khu cách ly tập trung, phiên bản {0}.\n\n"
            "Phòng, giường, người cách ly, xét nghiệm, suất ăn, vật tư, ca trực và báo cáo hằng ngày."
        ).format(__version__)
        interaction().info(self, text, self.tr("Giới thiệu"))

    @Slot()
    def build_demo(self) -> None:
        if not interaction().confirm(
            self,
            self.tr(
                "Tạo một khu cách ly mẫu với phòng, người cách ly, xét nghiệm, vật tư và ca trực để tập sử dụng? "
                "Không nên làm việc này trên cơ sở dữ liệu thật."
            ),
            self.tr("Tạo dữ liệu mẫu"),
        ):
            return
        desk = self.ctx.desk
        # Imported here, not at the start: the demo's module is not needed to show the window.
        from quarantine_desk.services import demo

        def work(progress: Progress, should_stop: ShouldStop) -> object:
            return demo.build_demo(desk)

        def done(result: object) -> None:
            code = getattr(result, "facility", "")
            if isinstance(code, str) and code:
                self.ctx.set_facility(code)
            interaction().info(self, self.tr("Đã tạo dữ liệu mẫu."), self.tr("Tạo dữ liệu mẫu"))

        def failed(error: BaseException) -> None:
            interaction().error(self, error_text(error, self.ctx.lang))

        self.demo_task = task(self.ctx, self, self.tr("Đang tạo dữ liệu mẫu…"), work, done, failed)

    # --- status bar ------------------------------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        desk = self.ctx.desk
        self.database_label = QLabel()
        self.database_label.setObjectName("databaseStatus")
        kind = database_kind_label(desk.dialect)
        url = desk.display_url
        where = sqlite_file(url) if desk.dialect == "sqlite" else url
        shown = where if len(where) <= 70 else "…" + where[-69:]
        self.database_label.setText(self.tr("Cơ sở dữ liệu: {0} ({1})").format(kind, shown))
        self.database_label.setToolTip(url)
        self.user_label = QLabel()
        self.user_label.setObjectName("userStatus")
        user = desk.user
        if user is not None:
            name = user.full_name or user.username
            self.user_label.setText(self.tr("Người dùng: {0} – {1}").format(name, role_label(user.role)))
        self.facility_label = QLabel()
        self.facility_label.setObjectName("facilityStatus")
        for label in (self.database_label, self.user_label, self.facility_label):
            label.setContentsMargins(8, 0, 8, 0)
        # Shown when the automatic backup failed (show_backup_failure), hidden until then.
        self.backup_label = QLabel()
        self.backup_label.setObjectName("backupStatus")
        self.backup_label.setStyleSheet("color: #b00020; font-weight: bold")
        self.backup_label.setContentsMargins(8, 0, 8, 0)
        self.backup_label.hide()
        bar = self.statusBar()
        bar.addWidget(self.database_label, 1)
        bar.addPermanentWidget(self.backup_label)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.facility_label)

    def show_backup_failure(self, text: str) -> None:
        """The automatic backup failed: a line in the status bar that stays until the next one succeeds or the
        window closes, and a message now, so that nobody works for days without a backup unawares."""
        self.backup_label.setText(
            self.tr("Sao lưu tự động lỗi lúc {0}").format(datetime.now().strftime("%H:%M %d/%m"))
        )
        self.backup_label.setToolTip(text)
        self.backup_label.show()
        interaction().error(self, text, self.tr("Sao lưu tự động không thành công"))

    def _show_facility(self, code: str) -> None:
        index = self.facility_box.findData(code) if code else -1
        name = self.facility_box.itemText(index) if index >= 0 else self.tr("chưa chọn")
        self.facility_label.setText(self.tr("Khu cách ly: {0}").format(name))
        if code and self.current_area() == "dashboard":
            # The overview reads this facility's alerts with its figures and hands them to the banner (_alerts_read):
            # the first screen reads them once.
            self._banner_facility = code
            return
        self.refresh_banner()

    # --- geometry -------------------------------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.get(opts.WINDOW_GEOMETRY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(1366, 740)
        state = self.settings.get(opts.WINDOW_STATE)
        if state:
            self.restoreState(QByteArray(state))

    @Slot(object)
    def database_damaged(self, error: DeskError) -> None:
        """The integrity check run after the window was shown found the file damaged: say so, and close the window
        so that nobody goes on writing into the damaged file; the start then offers a backup to put in its place,
        as it does for a file found damaged when it is opened (``app.run_window``)."""
        self.damage = error
        interaction().error(
            self,
            self.tr(
                "Tệp dữ liệu {0} bị hỏng: kiểm tra toàn vẹn, chạy ngay sau khi mở chương trình, không đạt.\n\n"
                "Cửa sổ sẽ đóng lại để không ai ghi thêm vào tệp bị hỏng. Sau đó chương trình đề nghị chọn một "
                "bản sao lưu để khôi phục; tệp bị hỏng được giữ lại bên cạnh, không bị xóa."
            ).format(sqlite_file(self.ctx.desk.display_url)),
            self.tr("Tệp dữ liệu bị hỏng"),
        )
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.live.close()
        self.settings.set(opts.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.settings.set(opts.WINDOW_STATE, bytes(self.saveState().data()))
        self.settings.sync()
        super().closeEvent(event)
