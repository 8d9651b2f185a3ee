"""Builds resources/translations/*.ts into .qm files with Qt's lrelease (run by `make run`, `make test`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "resources" / "translations"


def lrelease() -> list[str]:
    tool = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent)) or shutil.which(
        "pyside6-lrelease"
    )
    if tool is None:
        sys.exit("pyside6-lrelease not found: install the project first (make run or make test)")
    return [tool]


def main() -> int:
    sources = sorted(FOLDER.glob("*.ts"))
    for source in sources:
        target = source.with_suffix(".qm")
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        subprocess.run([*lrelease(), "-silent", str(source), "-qm", str(target)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
