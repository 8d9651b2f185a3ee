"""The "Kiểm tra giấy xác nhận" dialog: a scanner types the QR code of a release certificate into it (or someone
pastes it), and it says whose certificate it is and whether the facility's signature holds.

The check is the service's (documents.verify_certificate): the keys of the facilities in this database, and
the public key file of another facility when the paper comes from elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QWidget

from quarantine_desk.domain.certificates import CertificateCheck
from quarantine_desk.services import documents
from quarantine_desk.ui import operations
from quarantine_desk.ui.context import UiContext
from quarantine_desk.ui.forms_compiled.ui_certificate_check_dialog import Ui_CertificateCheckDialog
from quarantine_desk.ui.interaction import error_text


class CertificateCheckDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.key_file: Path | None = None
        self.ui = Ui_CertificateCheckDialog()
        self.ui.setupUi(self)
        self.text = self.ui.certificateText
        self.key_label = self.ui.keyLabel
        self.verdict_line = self.ui.result
        self.text.returnPressed.connect(self.check)
        self.ui.checkButton.clicked.connect(self.check)
        self.ui.chooseKeyButton.clicked.connect(self.choose_key)
        # labelled here so that it reads right even before Qt's own translation is loaded
        self.ui.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Đóng"))

    def choose_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Tệp khóa công khai"), "", self.tr("Tệp khóa (*.key *.pem *.txt);;Mọi tệp (*)")
        )
        if path:
            self.use_key_file(Path(path))

    def use_key_file(self, path: Path) -> None:
        self.key_file = path
        self.key_label.setText(
            self.tr("Khóa: tệp %1 và các khu trong cơ sở dữ liệu này.").replace("%1", path.name)
        )
        if self.text.text().strip():
            self.check()

    def check(self) -> None:
        """Checks the text off the GUI thread (the keys are read from the database); the verdict comes back."""
        text, key_file, desk = self.text.text(), self.key_file, self.ctx.desk

        def verify() -> CertificateCheck:
            keys = documents.known_public_keys(desk)
            if key_file is not None:
                keys.update(documents.read_key_file(key_file))
            return documents.verify_certificate(text, keys)

        def done(result: CertificateCheck) -> None:
            self._show(result.valid, self.verdict(result))
            self.text.selectAll()  # the next scan replaces this one

        def failed(error: BaseException) -> None:
            self._show(False, error_text(error, self.ctx.lang))

        operations.query(self, verify, done, failed, key="certificate")

    def verdict(self, result: CertificateCheck) -> str:
        claim = result.claim
        code = claim.facility_code if claim else ""
        if result.valid and claim is not None:
            return (
                self.tr(
                    "HỢP LỆ: giấy số %1 của %2 (sinh năm %3, giấy tờ số …%4) đã hoàn thành cách ly tại %5 từ %6 đến %7."
                )
                .replace("%1", claim.number)
                .replace("%2", claim.name)
                .replace("%3", str(claim.birth_year or "?"))
                .replace("%4", claim.id_last4 or "?")
                .replace("%5", claim.facility_name)
                .replace("%6", f"{claim.start:%d/%m/%Y}")
                .replace("%7", f"{claim.end:%d/%m/%Y}")
            )
        texts = {
            "malformed": self.tr(
                "KHÔNG đọc được: đây không phải mã QR của giấy xác nhận, hoặc quét chưa hết."
            ),
            "no_key": self.tr("CHƯA kiểm tra được: cần tệp khóa công khai của khu %1."),
            "other_facility": self.tr("CHƯA kiểm tra được: cần tệp khóa công khai của khu %1."),
            "bad_signature": self.tr("KHÔNG hợp lệ: nội dung đã bị sửa, hoặc không do khu %1 ký."),
            "not_completed": self.tr("KHÔNG hợp lệ: không phải giấy hoàn thành cách ly."),
        }
        return texts.get(result.reason, self.tr("KHÔNG hợp lệ.")).replace("%1", code)

    def _show(self, valid: bool, text: str) -> None:
        self.verdict_line.setText(text)
        self.verdict_line.setProperty("valid", valid)
        colour = "#1B5E20" if valid else "#B00020"
        self.verdict_line.setStyleSheet(f"QLabel {{ color: {colour}; font-size: 12pt; font-weight: bold; }}")
