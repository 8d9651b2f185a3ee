"""The user guide shipped with the program (resources/guide/guide_<lang>.html), shown in a QTextBrowser; F1 opens
it at the section of the page in front of the user. And the first steps a new database shows as buttons."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from quarantine_desk.domain.roles import Permission
from quarantine_desk.resources import resource_path
from quarantine_desk.services.context import Desk
from quarantine_desk.services.setup import SetupProgress
from quarantine_desk.ui.permissions import restrict

# The guide's section for each area of the main window.
SECTIONS = {
    "dashboard": "bat-dau",
    "checkin": "tiep-nhan",
    "rooms": "phong",
    "medical": "duong-tinh",
    "meals": "hau-can",
    "supplies": "hau-can",
    "relief": "hau-can",
    "shifts": "hau-can",
    "reports": "bao-cao",
    "admin": "quan-tri",
}


def guide_url(lang: str, section: str = "") -> QUrl:
    path = resource_path("guide", f"guide_{lang}.html")
    if not path.exists():
        path = resource_path("guide", "guide_vi.html")
    url = QUrl.fromLocalFile(str(path))
    if section:
        url.setFragment(section)
    return url


class GuideWindow(QDialog):
    """The guide beside the main window (not modal: the user follows it while working)."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guide")
        self.setWindowTitle(self.tr("Hướng dẫn sử dụng"))
        self.lang = lang
        self.browser = QTextBrowser()
        self.browser.setObjectName("guideText")
        self.browser.setOpenExternalLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(720, 640)

    def show_section(self, section: str) -> None:
        self.browser.setSource(guide_url(self.lang, section))
        if section:
            self.browser.scrollToAnchor(section)
        self.show()
        self.activateWindow()


class FirstSteps(QFrame):
    """ "Bắt đầu": the three steps from an empty database to the first check-in, as buttons; a step done is ticked."""

    step_chosen = Signal(str)  # "facility", "rooms", "people", "import", "guide"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstSteps")
        self.setStyleSheet("QFrame#firstSteps { background: #e8f1fb; border-bottom: 2px solid #1565c0; }")
        title = QLabel(self.tr("Bắt đầu với cơ sở dữ liệu mới:"))
        title.setStyleSheet("font-weight: 600;")
        self.facility_button = QPushButton(self.tr("1. Tạo khu cách ly"))
        self.rooms_button = QPushButton(self.tr("2. Thêm phòng"))
        self.people_button = QPushButton(self.tr("3. Đăng ký người cách ly"))
        self.import_button = QPushButton(self.tr("hoặc nhập danh sách…"))
        self.guide_button = QPushButton(self.tr("Hướng dẫn (F1)"))
        self.buttons = {
            "facility": self.facility_button,
            "rooms": self.rooms_button,
            "people": self.people_button,
            "import": self.import_button,
            "guide": self.guide_button,
        }
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(title)
        for key, button in self.buttons.items():
            button.setObjectName(f"firstStep_{key}")
            button.clicked.connect(lambda _checked=False, k=key: self.step_chosen.emit(k))
            if key == "guide":
                layout.addStretch(1)
            layout.addWidget(button)
        restrict(desk, [self.facility_button, self.rooms_button], Permission.MANAGE_FACILITY)
        restrict(desk, [self.people_button, self.import_button], Permission.REGISTER_PERSON)

    def show_progress(self, progress: SetupProgress) -> None:
        """Shown while a step is left; each button says whether its step is done, the next one is the default."""
        self.setVisible(not progress.complete)
        done = {
            "facility": progress.facilities > 0,
            "rooms": progress.rooms > 0,
            "people": progress.people > 0,
        }
        for key, finished in done.items():
            button = self.buttons[key]
            text = button.text().removeprefix("✓ ")
            button.setText(f"✓ {text}" if finished else text)
            button.setDefault(False)
        next_step = next((k for k, finished in done.items() if not finished), None)
        if next_step is not None:
            self.buttons[next_step].setDefault(True)
