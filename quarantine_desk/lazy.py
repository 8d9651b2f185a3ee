"""Modules loaded on first use, so that a command that does not need them starts at once.

``quarantine-desk --version`` and ``--help`` build the whole command line, whose areas name the services they
call; importing those services would import SQLAlchemy (a third of a second), and through them reportlab, openpyxl
and Alembic. A module given by ``lazy_module`` is registered at once but runs only when one of its names is first
read. Type checkers see the real import (``if TYPE_CHECKING:``), so nothing loses its type.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, loaded when an attribute of it is first read (at once if it is already loaded)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
