"""Questions and notices to the user go through one replaceable object.

The window installs ``Interaction`` (real message boxes); tests swap in a recorder with ``set_interaction`` so no
modal box ever blocks a test. Button texts are set here in the interface language rather than left to Qt.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.messages import describe

log = logging.getLogger(__name__)


def error_text(error: BaseException, lang: str) -> str:
    """The sentence for any failure: the service's typed error, or a plain line for the unexpected."""
    if isinstance(error, DeskError):
        return describe(error, lang)
    log.error("unexpected failure", exc_info=error)
    return QCoreApplication.translate("Interaction", "Đã xảy ra lỗi ngoài dự kiến; chi tiết trong nhật ký.")


class Interaction:
    """Real message boxes."""

    def error(self, parent: QWidget | None, text: str, title: str = "") -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            title or QCoreApplication.translate("Interaction", "Không thực hiện được"),
            text,
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.button(QMessageBox.StandardButton.Ok).setText(QCoreApplication.translate("Interaction", "Đồng ý"))
        box.exec()

    def info(self, parent: QWidget | None, text: str, title: str = "") -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            title or QCoreApplication.translate("Interaction", "Thông báo"),
            text,
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.button(QMessageBox.StandardButton.Ok).setText(QCoreApplication.translate("Interaction", "Đồng ý"))
        box.exec()

    def confirm(self, parent: QWidget | None, text: str, title: str = "") -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title or QCoreApplication.translate("Interaction", "Xác nhận"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            parent,
        )
        box.button(QMessageBox.StandardButton.Yes).setText(QCoreApplication.translate("Interaction", "Có"))
        box.button(QMessageBox.StandardButton.No).setText(QCoreApplication.translate("Interaction", "Không"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes


_current: Interaction = Interaction()


def interaction() -> Interaction:
    return _current


def set_interaction(value: Interaction) -> Interaction:
    """Install another implementation (tests); returns the previous one."""
    global _current
    previous, _current = _current, value
    return previous
