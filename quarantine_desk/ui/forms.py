"""Small building blocks shared by the dialogs: OK/Cancel buttons in the interface language, an inline error line."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QWidget


def dialog_buttons(dialog: QDialog, ok_text: str = "") -> QDialogButtonBox:
    """OK and Cancel, labelled here so they read right even before Qt's own translation is loaded."""
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(
        ok_text or QCoreApplication.translate("Forms", "Đồng ý")
    )
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(QCoreApplication.translate("Forms", "Hủy"))
    # Enter in any field confirms, as people at the gate expect.
    box.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class ErrorLine(QLabel):
    """The reason an entry was refused, shown in the dialog beside the fields; hidden while there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorLine")
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020;")
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_error(self) -> None:
        self.setText("")
        self.hide()
