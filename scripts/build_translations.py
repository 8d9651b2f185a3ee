"""Builds resources/translations/*.ts into .qm files with Qt's lrelease (run by `make run`, `make test`).

    python scripts/build_translations.py            # build the .qm files that are older than their .ts
    python scripts/build_translations.py --update   # first bring quarantine_desk_en.ts up to date

``--update`` runs lupdate over the window's code (quarantine_desk/ui, without the compiled forms) and the Designer
forms (forms/*.ui, whose strings take the form's class as context), drops what is gone, and keeps a source text's
English where the same text is already translated elsewhere. It prints the strings still to translate; fill them
in with Qt Linguist (pyside6-linguist) or by hand.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "resources" / "translations"
ENGLISH = FOLDER / "quarantine_desk_en.ts"


def _tool(name: str) -> list[str]:
    tool = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if tool is None:
        sys.exit(f"{name} not found: install the project first (make run or make test)")
    return [tool]


def lrelease() -> list[str]:
    return _tool("pyside6-lrelease")


def translated_sources() -> list[Path]:
    """Every file with strings of the window: its code and its forms."""
    code = sorted(
        path for path in (ROOT / "quarantine_desk" / "ui").rglob("*.py") if "forms_compiled" not in path.parts
    )
    return [*code, *sorted((ROOT / "forms").glob("*.ui"))]


def update() -> int:
    subprocess.run(
        [
            *_tool("pyside6-lupdate"),
            *map(str, translated_sources()),
            "-source-language",
            "vi",
            "-target-language",
            "en",
            "-no-obsolete",
            "-disable-heuristic",
            "similartext",
            "-silent",
            "-ts",
            str(ENGLISH),
        ],
        check=True,
    )
    text = ENGLISH.read_text(encoding="utf-8")
    # The same source text already translated in another context: lupdate proposes that translation.
    text = re.sub(
        r'<translation type="unfinished">([^<]+)</translation>', r"<translation>\1</translation>", text
    )
    ENGLISH.write_text(text, encoding="utf-8")
    missing = re.findall(r"<source>([^<]*)</source>\s*<translation type=\"unfinished\"></translation>", text)
    for source in missing:
        print("to translate:", source)
    return 0


def main(argv: list[str]) -> int:
    if "--update" in argv:
        update()
    for source in sorted(FOLDER.glob("*.ts")):
        target = source.with_suffix(".qm")
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        subprocess.run([*lrelease(), "-silent", str(source), "-qm", str(target)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
