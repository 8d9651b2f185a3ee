"""What a command prints: its result as text or, with ``--json``, as JSON; and the exit codes.

Exit codes: 0 done; 2 usage error or bad input; 3 refused by a rule; 4 not found; 5 login or role; 6 bad input
file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_USAGE, EXIT_RULE, EXIT_NOT_FOUND, EXIT_NOT_ALLOWED, EXIT_BAD_FILE = 0, 2, 3, 4, 5, 6


def jsonable(value: Any) -> Any:
    """Dataclasses, dates, enums and paths as JSON takes them."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, Path):
        return str(value)
    return value


def printable(text: str) -> str:
    """Text that any terminal takes: characters that cannot be written as UTF-8 (lone surrogates, which an
    undecodable byte of the command line becomes) are shown as "?" instead of failing the whole answer."""
    return text.encode("utf-8", "replace").decode("utf-8")


class Output:
    """Prints a command's result: the value as JSON when asked, else the sentence ``text()`` makes."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def result(self, value: Any, text: Callable[[], str]) -> None:
        if self.as_json:
            print(printable(json.dumps(jsonable(value), ensure_ascii=False, indent=1)))
        else:
            print(printable(text()))
