"""The Designer forms themselves (forms/*.ui): every dialog form puts each field in its tab order with the buttons
last, wires OK and Cancel, gives each field label its buddy; and every form is compiled and used."""

from __future__ import annotations

import importlib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORMS = sorted((ROOT / "forms").glob("*.ui"))
DIALOGS = [form for form in FORMS if form.stem.endswith("_dialog")]
FIELDS = {
    "QLineEdit",
    "QSpinBox",
    "QComboBox",
    "QDateEdit",
    "QDateTimeEdit",
    "QCheckBox",
    "QListWidget",
    "QPushButton",
    "QTableView",
}


def test_there_are_forms() -> None:
    assert len(DIALOGS) >= 15


@pytest.mark.parametrize("form", DIALOGS, ids=lambda form: form.stem)
def test_a_dialog_form_tabs_through_every_field_then_the_buttons(form: Path) -> None:
    root = ET.parse(form).getroot()
    top = root.find("widget")
    assert top is not None and top.get("class") == "QDialog"
    fields = [w.get("name") for w in top.iter("widget") if w.get("class") in FIELDS]
    tabstops = [t.text for t in root.iter("tabstop")]
    assert tabstops[-1] == "buttons"
    assert sorted(tabstops[:-1]) == sorted(fields)
    wired = {
        (c.findtext("sender"), c.findtext("signal"), c.findtext("slot")) for c in root.iter("connection")
    }
    assert {("buttons", "accepted()", "accept()"), ("buttons", "rejected()", "reject()")} <= wired


@pytest.mark.parametrize("form", DIALOGS, ids=lambda form: form.stem)
def test_the_label_of_a_field_names_it_as_buddy(form: Path) -> None:
    root = ET.parse(form).getroot()
    for layout in root.iter("layout"):
        if layout.get("class") != "QFormLayout":
            continue
        rows: dict[str, dict[str, ET.Element]] = {}
        for item in layout.findall("item"):
            rows.setdefault(item.get("row") or "", {})[item.get("column") or "0"] = item
        for cells in rows.values():
            label = cells.get("0")
            field = cells.get("1")
            if label is None or field is None:
                continue
            first = next((w for w in field.iter("widget") if w.get("class") in FIELDS), None)
            if first is None:
                continue  # a value to read, not a field
            buddy = label.find("widget/property[@name='buddy']/cstring")
            assert buddy is not None and buddy.text == first.get("name"), ET.tostring(label, "unicode")[:120]


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.stem)
def test_every_form_is_compiled(form: Path) -> None:
    module = importlib.import_module(f"quarantine_desk.ui.forms_compiled.ui_{form.stem}")
    klass = ET.parse(form).getroot().findtext("class")
    assert hasattr(module, f"Ui_{klass}")
    assert (ROOT / "quarantine_desk").joinpath(*module.__name__.split(".")[1:]).with_suffix(".pyi").exists()
