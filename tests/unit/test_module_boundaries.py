"""What one module keeps private stays private: no ``_name`` of the program is imported or reached into from
another module. What two modules share is a public function of the module that owns it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "quarantine_desk"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _crossings(path: Path, *, attributes: bool) -> list[str]:
    """``from quarantine_desk… import _x`` and, with ``attributes``, ``module._x`` on an imported program module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found: list[str] = []
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("quarantine_desk", "tests")):
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{where}:{node.lineno} imports {node.module}.{alias.name}")
                else:
                    modules.add(alias.asname or alias.name)
    if attributes:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and _private(node.attr)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                found.append(f"{where}:{node.lineno} reaches {node.value.id}.{node.attr}")
    return found


def test_the_program_imports_no_private_name_of_another_module() -> None:
    crossings = [c for path in sorted(PACKAGE.rglob("*.py")) for c in _crossings(path, attributes=True)]
    assert crossings == []


def test_the_tests_import_no_private_name() -> None:
    crossings = [
        c for path in sorted((ROOT / "tests").rglob("*.py")) for c in _crossings(path, attributes=False)
    ]
    assert crossings == []


def test_the_check_sees_a_crossing(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from quarantine_desk.services.stays import _open_stay\nfrom quarantine_desk.services import stays\n"
        "stays._stay_rows\n",
        encoding="utf-8",
    )
    assert _crossings(sample, attributes=True) == [
        "sample.py:1 imports quarantine_desk.services.stays._open_stay",
        "sample.py:3 reaches stays._stay_rows",
    ]
