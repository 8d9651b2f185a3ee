"""The "Kiểm tra giấy xác nhận" dialog: the scanner's text in, who and whether the signature holds out."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from quarantine_desk.services import documents, facilities, medical, people, stays
from quarantine_desk.services.people import NewPerson
from quarantine_desk.ui import operations
from quarantine_desk.ui.certificate_check import CertificateCheckDialog
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.main_window import MainWindow


def _certificate(ctx: UiContext, tmp_path: Path) -> str:
    facilities.add_facility(ctx.desk, "F01", "Khu cách ly Trường Quân sự")
    facilities.add_rooms(ctx.desk, "F01", "Tầng 1", "101", 4, "any")
    person = people.add_person(ctx.desk, NewPerson("Lê Văn Tám", "M", "1975", id_number="001075000333")).id
    admitted = ctx.desk.now() - timedelta(days=15)
    stays.admit(ctx.desk, person, "F01", "Nhóm 1", at=admitted)
    for day in (1, 7, 14):  # the tests the policy asks for, then the release after the period: completed
        medical.record_test(ctx.desk, person, "rapid", "negative", at=admitted + timedelta(days=day - 1))
    stays.release(ctx.desk, person)
    return documents.certificate(ctx.desk, person, tmp_path / "gxn.pdf").verification_code


def _answer(qtbot, dialog: CertificateCheckDialog) -> str:  # type: ignore[no-untyped-def]
    """The verdict, once the check off the GUI thread has come back."""
    qtbot.waitUntil(operations.idle, timeout=10_000)
    return dialog.verdict_line.text()


def _scan(qtbot, dialog: CertificateCheckDialog, text: str) -> str:  # type: ignore[no-untyped-def]
    dialog.text.setText(text)
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)  # a scanner ends its text with Enter
    return _answer(qtbot, dialog)


def test_a_scanned_certificate_is_checked(qtbot, ctx: UiContext, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    qr = _certificate(ctx, tmp_path)
    window = MainWindow(ctx, settings)
    qtbot.addWidget(window)
    assert window.check_certificate_action.isEnabled()
    dialog = CertificateCheckDialog(ctx, window)
    qtbot.addWidget(dialog)
    result = _scan(qtbot, dialog, qr)
    assert result.startswith("HỢP LỆ") and "Lê Văn Tám" in result and f"{ctx.desk.now():%d/%m/%Y}" in result
    assert "…0333" in result and dialog.verdict_line.property("valid") is True
    result = _scan(qtbot, dialog, qr.replace("Lê Văn Tám", "Lê Văn Tâm"))
    assert result.startswith("KHÔNG hợp lệ") and dialog.verdict_line.property("valid") is False
    assert _scan(qtbot, dialog, "không phải mã").startswith("KHÔNG đọc được")


def test_another_facilitys_certificate_needs_its_key_file(qtbot, ctx: UiContext, tmp_path) -> None:  # type: ignore[no-untyped-def]
    qr = _certificate(ctx, tmp_path)
    key = documents.export_facility_key(ctx.desk, "F01", tmp_path / "F01.key")
    text = qr.replace("|F01|", "|F09|")  # as if from a facility this database does not know
    dialog = CertificateCheckDialog(ctx)
    qtbot.addWidget(dialog)
    assert _scan(qtbot, dialog, text).startswith("CHƯA kiểm tra được") and "F09" in dialog.verdict_line.text()
    dialog.use_key_file(key)
    assert "F01.key" in dialog.key_label.text()
    assert _answer(qtbot, dialog).startswith("CHƯA kiểm tra được")  # the key is F01's, not F09's
    assert _scan(qtbot, dialog, qr).startswith("HỢP LỆ")
