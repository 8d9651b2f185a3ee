"""The honest page for an area that is not built yet: its name and a plain sentence, never sample data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class UnderConstructionPage(QWidget):
    def __init__(self, area: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("underConstruction")
        title = QLabel(area)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        note = QLabel(self.tr("Chức năng này đang được xây dựng; chưa dùng được trong phiên bản này."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addStretch(1)
        for label in (title, note):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def refresh(self) -> None:
        """Nothing to reload: the page shows no data."""
