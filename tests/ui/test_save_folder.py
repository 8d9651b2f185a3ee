"""The save question of the pages that write an Excel sheet or a PDF (ui.files.SaveFolder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget

from quarantine_desk.ui.files import SaveFolder


def _answer(monkeypatch: pytest.MonkeyPatch, chosen: str, chosen_filter: str, asked: list[str]) -> None:
    def fake(parent: QWidget, title: str, start: str, filters: str) -> tuple[str, str]:
        asked.append(start)
        return chosen, chosen_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))


def test_the_extension_of_the_chosen_filter_is_added_and_the_folder_remembered(qtbot, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    saves, asked = SaveFolder(), []
    _answer(monkeypatch, str(tmp_path / "phieu"), "Tệp PDF (*.pdf)", asked)
    assert saves.ask_excel_or_pdf(parent, "Lưu", "a.xlsx") == tmp_path / "phieu.pdf"
    assert asked == [str(Path.home() / "a.xlsx")]
    _answer(monkeypatch, str(tmp_path / "bang"), "Bảng tính Excel (*.xlsx)", asked)
    assert saves.ask_excel_or_pdf(parent, "Lưu", "b.xlsx") == tmp_path / "bang.xlsx"
    assert asked[-1] == str(tmp_path / "b.xlsx")  # the folder of the last file
    _answer(monkeypatch, str(tmp_path / "da-co.pdf"), "Bảng tính Excel (*.xlsx)", asked)
    assert saves.ask_excel_or_pdf(parent, "Lưu", "c.xlsx") == tmp_path / "da-co.pdf"


def test_cancel_gives_nothing_and_keeps_the_folder(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    saves, asked = SaveFolder(), []
    _answer(monkeypatch, "", "", asked)
    assert saves.ask_excel_or_pdf(parent, "Lưu", "a.xlsx") is None
    assert saves.folder == Path.home()
