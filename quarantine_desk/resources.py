"""Finds the program's bundled files (fonts, translations, icons, forms, migrations).

One helper for a source checkout and a PyInstaller bundle alike: in a bundle, ``sys._MEIPASS`` is the folder
that holds ``resources/`` and ``forms/``; in a checkout, they sit beside the ``quarantine_desk`` package.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """A file under ``resources/``, e.g. ``resource_path("fonts", "DejaVuSans.ttf")``."""
    return _root().joinpath("resources", *parts)


def form_path(name: str) -> Path:
    """A Qt Designer form under ``forms/``."""
    return _root().joinpath("forms", name)


def migrations_path() -> Path:
    """The Alembic scripts folder, packaged inside the ``quarantine_desk`` package."""
    return Path(__file__).resolve().parent / "db" / "migrations"
