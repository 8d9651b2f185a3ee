"""Compiles the Qt Designer forms in forms/*.ui into quarantine_desk/ui/forms_compiled/ (run by `make forms`).

Each ``forms/NAME.ui`` becomes ``ui_NAME.py`` (pyside6-uic: a ``Ui_<class>`` with ``setupUi``/``retranslateUi``)
and ``ui_NAME.pyi``, a stub naming every widget and layout of the form with its class, so that mypy checks the
code that uses the form (``self.ui.username`` is a ``QLineEdit``, a misspelt name is an error). The compiled files
are not kept in git: they are made from the forms, never edited. A form is compiled again only when it, or this
script, is newer than its output; the output of a form that is gone is removed.

    python scripts/build_forms.py           # compile what changed
    python scripts/build_forms.py --force   # compile everything
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "forms"
TARGET = ROOT / "quarantine_desk" / "ui" / "forms_compiled"
INIT = '"""Python classes compiled from forms/*.ui by scripts/build_forms.py; never edit, never commit."""\n'

# Where the stubs find the classes a form uses: Qt's from QtWidgets, custom widgets from their <header>.
LAYOUTS = {"QVBoxLayout", "QHBoxLayout", "QGridLayout", "QFormLayout", "QStackedLayout"}


def uic() -> list[str]:
    tool = shutil.which("pyside6-uic", path=str(Path(sys.executable).parent)) or shutil.which("pyside6-uic")
    if tool is None:
        sys.exit("pyside6-uic not found: install the project first (make forms)")
    return [tool]


def _names(form: ET.Element) -> tuple[str, str, dict[str, str], dict[str, str]]:
    """The form's class, its top-level widget's class, every named member with its class, custom widgets' modules."""
    klass = form.findtext("class") or ""
    top = form.find("widget")
    if top is None:
        raise SystemExit(f"{klass}: a form without a top-level widget")
    custom = {
        (c.findtext("class") or ""): (c.findtext("header") or "").removesuffix(".h").replace("/", ".")
        for c in form.iter("customwidget")
    }
    members: dict[str, str] = {}
    for element in top.iter():
        name = element.get("name")
        if element is top or not name:
            continue
        if element.tag in ("widget", "layout"):
            members[name] = element.get("class") or ""
        elif element.tag == "spacer":
            members[name] = "QSpacerItem"
        elif element.tag == "action":
            members[name] = "QAction"
    return klass, top.get("class") or "QWidget", members, custom


def stub(source: Path) -> str:
    klass, top_class, members, custom = _names(ET.parse(source).getroot())
    qt_widgets = {top_class, *members.values()} - set(custom) - {"QAction"}
    lines = [
        f'"""Types of Ui_{klass}, compiled from forms/{source.name}; never edit."""',
        "",
        f"from PySide6.QtWidgets import {', '.join(sorted(qt_widgets))}",
    ]
    if "QAction" in members.values():
        lines.append("from PySide6.QtGui import QAction")
    for module in sorted(set(custom.values())):
        names = sorted(name for name, where in custom.items() if where == module)
        lines.append(f"from {module} import {', '.join(names)}")
    lines += ["", f"class Ui_{klass}:"]
    lines += [f"    {name}: {kind}" for name, kind in members.items()]
    lines += [
        f"    def setupUi(self, {klass}: {top_class}) -> None: ...",
        f"    def retranslateUi(self, {klass}: {top_class}) -> None: ...",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    force = "--force" in argv
    TARGET.mkdir(parents=True, exist_ok=True)
    init = TARGET / "__init__.py"
    if not init.exists() or init.read_text(encoding="utf-8") != INIT:
        init.write_text(INIT, encoding="utf-8")
    sources = sorted(FORMS.glob("*.ui"))
    made = {f"ui_{source.stem}" for source in sources}
    for stale in [*TARGET.glob("ui_*.py"), *TARGET.glob("ui_*.pyi")]:
        if stale.stem not in made:
            stale.unlink()
    newest_tool = Path(__file__).stat().st_mtime
    for source in sources:
        module = TARGET / f"ui_{source.stem}.py"
        types = module.with_suffix(".pyi")
        changed = max(source.stat().st_mtime, newest_tool)
        if (
            not force
            and module.exists()
            and types.exists()
            and min(module.stat().st_mtime, types.stat().st_mtime) >= changed
        ):
            continue
        subprocess.run([*uic(), "--generator", "python", str(source), "--output", str(module)], check=True)
        types.write_text(stub(source), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
