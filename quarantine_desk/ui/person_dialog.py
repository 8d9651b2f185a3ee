"""The person editor: correct a person's details, vaccination doses (each with its date and vaccine) and recovery.

Saving goes through ``vaccination.edit_person`` on the write worker; when the correction changes the policy of an
open stay, the dialog says how the planned release moved (the service recomputes and audits it).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidgetItem, QWidget

from quarantine_desk.domain.errors import DeskError
from quarantine_desk.services import stays, vaccination
from quarantine_desk.services.context import Desk
from quarantine_desk.services.people import Details, Dose, PersonRow, parse_day
from quarantine_desk.ui.forms import ready_buttons
from quarantine_desk.ui.forms_compiled.ui_person_dialog import Ui_PersonDialog
from quarantine_desk.ui.interaction import error_text
from quarantine_desk.ui.labels import f_level_label
from quarantine_desk.ui.operations import query
from quarantine_desk.ui.tasks import run_write


def _dmy(value: object) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""  # type: ignore[attr-defined]


class PersonDialog(QDialog):
    """Edit one person; ``result`` holds the service's answer once saved."""

    def __init__(
        self, desk: Desk, person: PersonRow, lang: str = "vi", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.person = person
        self.lang = lang
        self.result_row: vaccination.EditResult | None = None
        # Layout, tab order and buddies from forms/person_dialog.ui; OK saves on the write worker.
        self.ui = Ui_PersonDialog()
        self.ui.setupUi(self)
        ui = self.ui
        self.name, self.phone, self.address = ui.name, ui.phone, ui.address
        self.household, self.recovered, self.doses, self.error = (
            ui.household,
            ui.recovered,
            ui.doses,
            ui.error,
        )
        self.name.setText(person.full_name)
        self.phone.setText(person.phone or "")
        self.address.setText(person.address or "")
        self.household.setText(person.household or "")
        self.recovered.setText(_dmy(person.recovered_on))
        # The record's other fields (commune, F-level, relative, conditions and the special-watch flag, notes)
        self.f_level = ui.fLevel
        self.f_level.addItem(self.tr("— chưa rõ —"), "")
        for value, text in (
            ("f1", self.tr("F1 (tiếp xúc F0)")),
            ("f2", self.tr("F2")),
            ("returnee", self.tr("Về từ vùng dịch")),
            ("other", self.tr("Khác")),
        ):
            self.f_level.addItem(text, value)
        self.f_level.setCurrentIndex(max(0, self.f_level.findData(person.f_level or "")))
        # What the kitchen cooks for the person (the meal counts per diet).
        self.diet = ui.diet
        for value, text in (
            ("regular", self.tr("Thường")),
            ("vegetarian", self.tr("Chay")),
            ("child", self.tr("Trẻ em")),
            ("soft", self.tr("Mềm (cháo, người già, người ốm)")),
            ("special", self.tr("Đặc biệt (bệnh nền, thai phụ, theo chỉ định)")),
        ):
            self.diet.addItem(text, value)
        self.diet.setCurrentIndex(max(0, self.diet.findData(person.diet)))
        self.texts = {
            "commune": ui.commune,
            "district": ui.district,
            "province": ui.province,
            "exposure": ui.exposure,
            "relative_name": ui.relativeName,
            "relative_phone": ui.relativePhone,
            "conditions": ui.conditions,
            "notes": ui.notes,
        }
        for field, widget in self.texts.items():
            widget.setText(getattr(person, field) or "")
        self.pregnant, self.special_watch = ui.pregnant, ui.specialWatch
        self.pregnant.setChecked(person.pregnant)
        self.special_watch.setChecked(person.special_watch)
        self.doses.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # The dose history is read off the GUI thread and shown when it arrives.
        query(self, lambda: vaccination.person_doses(desk, person.id), self._show_doses, self._failed)
        # Where the record has no F-level or exposure of its own, the latest stay's cohort says it for everyone
        # in it: shown in the empty fields, never written into the record.
        query(self, lambda: stays.person_stays(desk, person.id)[:1], self._show_cohort_exposure, self._failed)
        ui.addDose.clicked.connect(lambda: self.add_dose("", ""))
        ui.removeDose.clicked.connect(self.remove_dose)
        # The form wires OK to accept(), which saves first and closes only when the server has answered.
        self.buttons = ready_buttons(ui.buttons, self.tr("Lưu"))
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _show_doses(self, doses: tuple[Dose, ...]) -> None:
        for dose in reversed(doses):  # above any row typed meanwhile
            self.doses.insertRow(0)
            self.doses.setItem(0, 0, QTableWidgetItem(_dmy(dose.given_on)))
            self.doses.setItem(0, 1, QTableWidgetItem(dose.vaccine or ""))

    def _show_cohort_exposure(self, latest: list[stays.StayRow]) -> None:
        if not latest or not latest[0].exposure_from_cohort:
            return
        stay = latest[0]
        if not self.person.f_level and stay.f_level:
            self.f_level.setItemText(
                0, self.tr("— theo nhóm: %1 —").replace("%1", f_level_label(stay.f_level))
            )
        if not self.person.exposure and stay.exposure:
            self.texts["exposure"].setPlaceholderText(self.tr("theo nhóm: %1").replace("%1", stay.exposure))
            self.texts["exposure"].setToolTip(
                self.tr("theo nhóm %1: %2").replace("%1", stay.cohort).replace("%2", stay.exposure)
            )

    def _failed(self, err: BaseException) -> None:
        self.error.show_error(error_text(err, self.lang))

    def add_dose(self, day: str, vaccine: str) -> None:
        row = self.doses.rowCount()
        self.doses.insertRow(row)
        self.doses.setItem(row, 0, QTableWidgetItem(day))
        self.doses.setItem(row, 1, QTableWidgetItem(vaccine))

    def remove_dose(self) -> None:
        row = self.doses.currentRow()
        if row >= 0:
            self.doses.removeRow(row)

    def entered_doses(self) -> list[Dose]:
        today = self.desk.now().date()
        doses = []
        for row in range(self.doses.rowCount()):
            day = self.doses.item(row, 0)
            vaccine = self.doses.item(row, 1)
            given = parse_day(day.text() if day else "", "dose", today)
            doses.append(Dose(given, (vaccine.text().strip() if vaccine else "") or None))
        return doses

    def edit(self) -> vaccination.PersonEdit:
        today = self.desk.now().date()
        recovered = parse_day(self.recovered.text(), "recovered_on", today)
        return vaccination.PersonEdit(
            name=self.name.text(),
            phone=self.phone.text(),
            address=self.address.text(),
            household=self.household.text(),
            doses=self.entered_doses(),
            recovered_on=recovered,
            clear_recovered=recovered is None,
            details=Details(
                **{field: widget.text() for field, widget in self.texts.items()},
                f_level=str(self.f_level.currentData()),
                diet=str(self.diet.currentData()),
                pregnant=self.pregnant.isChecked(),
                special_watch=self.special_watch.isChecked(),
            ),
            version=self.person.version,  # refused if another PC has changed the record since it was shown
        )

    def save(self) -> None:
        try:
            edit = self.edit()
        except DeskError as err:
            self.error.show_error(error_text(err, self.lang))
            return
        desk, person = self.desk, self.person.id
        run_write(
            self,
            lambda: vaccination.edit_person(desk, person, edit),
            self._saved,
            lambda err: self.error.show_error(error_text(err, self.lang)),
            busy=[self.save_button],
        )

    def accept(self) -> None:
        if self.result_row is None:
            self.save()
            return
        super().accept()

    def _saved(self, result: vaccination.EditResult) -> None:
        self.result_row = result
        self.accept()

    def summary(self) -> str:
        """What the page tells the user after saving (the planned release, when it moved)."""
        if self.result_row is None:
            return ""
        text = self.tr("Đã lưu thông tin %1.").replace("%1", self.result_row.person.full_name)
        moved = self.result_row.recomputed
        if moved is not None:
            text += " " + (
                self.tr("Quy định cách ly đổi sang “%1”: ngày ra dự kiến %2 → %3.")
                .replace("%1", moved.policy_after)
                .replace("%2", _dmy(moved.planned_before))
                .replace("%3", _dmy(moved.planned_after))
            )
        return text
