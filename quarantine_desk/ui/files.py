"""Where a page saves the file it writes (an Excel sheet or a PDF): the save dialog, the extension added when the
user types none (the one of the chosen filter), and the folder remembered for the page's next file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget


class SaveFolder:
    """The folder of a page's last saved file (the home folder at first)."""

    def __init__(self) -> None:
        self.folder = Path.home()

    def ask_excel_or_pdf(self, parent: QWidget, title: str, suggested: str) -> Path | None:
        """The path the user chose for ``suggested`` (a file name), ending in .xlsx or .pdf; None on Cancel."""
        excel = QCoreApplication.translate("Files", "Bảng tính Excel (*.xlsx)")
        pdf = QCoreApplication.translate("Files", "Tệp PDF (*.pdf)")
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            parent, title, str(self.folder / suggested), f"{excel};;{pdf}"
        )
        if not chosen:
            return None
        path = Path(chosen)
        self.folder = path.parent
        if path.suffix.lower() not in (".xlsx", ".pdf"):
            path = path.with_name(path.name + (".pdf" if chosen_filter == pdf else ".xlsx"))
        return path
