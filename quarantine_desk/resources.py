"""Finds the program's bundled files (fonts, translations, icons, migrations) and the user's data folder.

One helper for a source checkout and a PyInstaller bundle alike: in a bundle, ``sys._MEIPASS`` is the folder
that holds ``resources/``; in a checkout, it sits beside the ``quarantine_desk`` package. (The Designer forms are
compiled to modules, ``quarantine_desk.ui.forms_compiled``, and need no file at run time.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP_NAME = "QuarantineDesk"


def _root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """A file under ``resources/``, e.g. ``resource_path("fonts", "DejaVuSans.ttf")``."""
    return _root().joinpath("resources", *parts)


def migrations_path() -> Path:
    """The Alembic scripts folder (``env.py``, ``script.py.mako``, ``versions/``) of the ``quarantine_desk`` package.

    Alembic reads these as files, so a bundle carries them as data under ``quarantine_desk/db/migrations``
    (build.spec); there ``__file__`` of a module inside the archive does not name a real file, so the bundle
    folder is used directly.
    """
    if getattr(sys, "_MEIPASS", None):
        return _root() / "quarantine_desk" / "db" / "migrations"
    return Path(__file__).resolve().parent / "db" / "migrations"


def data_dir() -> Path:
    """The user's data folder (database, logs, backups)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
