"""Imports go one way: the window reaches the database only through the services."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "quarantine_desk"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_window_does_not_import_the_database_layer() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m.startswith("quarantine_desk.db")
        )
        for path in (PACKAGE / "ui").rglob("*.py")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_rules_and_services_do_not_import_the_window() -> None:
    for layer in ("domain", "services", "db", "exports"):
        for path in (PACKAGE / layer).rglob("*.py"):
            found = [m for m in imported_modules(path) if m.startswith(("quarantine_desk.ui", "PySide6"))]
            assert not found, f"{path.relative_to(PACKAGE)} imports {found}"
