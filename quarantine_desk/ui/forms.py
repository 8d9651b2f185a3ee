"""What the Designer forms (forms/*.ui, compiled into ``ui.forms_compiled``) leave to code: the OK/Cancel
labels in the interface language, and the inline error line the forms place as a custom widget.

A dialog takes its layout, tab order and buddies from its form (``self.ui = Ui_LoginDialog();
self.ui.setupUi(self)``); the form connects its button box to ``accept``/``reject``, and ``ready_buttons`` names
the buttons and makes OK the default, so that Enter in any field confirms and Esc cancels.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QWidget


def ready_buttons(box: QDialogButtonBox, ok_text: str = "", cancel_text: str = "") -> QDialogButtonBox:
    """OK and Cancel, labelled here so they read right even before Qt's own translation is loaded."""
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text or QCoreApplication.translate("Forms", "Đồng ý"))
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(
        cancel_text or QCoreApplication.translate("Forms", "Hủy")
    )
    # Enter in any field confirms, as people at the gate expect.
    ok.setDefault(True)
    return box


class ErrorLine(QLabel):
    """The reason an entry was refused, shown in the dialog beside the fields; hidden while there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020;")
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_error(self) -> None:
        self.setText("")
        self.hide()
