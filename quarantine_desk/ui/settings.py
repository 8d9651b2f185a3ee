"""The window's settings, each declared once with its key, type and default, stored with ``QSettings``.

Only what belongs to this PC and this user lives here (language, last database, last facility, window
geometry). Facility data always lives in the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger(__name__)

ORGANISATION = "QuarantineDesk"
APPLICATION = "QuarantineDesk"
LANGUAGES = ("vi", "en")

T = TypeVar("T", str, bytes)


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    type: type[T]
    default: T


LANGUAGE = Option("ui/language", str, "")  # "" until the user picks one in the menu
DATABASE_URL = Option("database/last_url", str, "")
LAST_FACILITY = Option("facility/last_code", str, "")
WINDOW_GEOMETRY = Option("window/geometry", bytes, b"")
WINDOW_STATE = Option("window/state", bytes, b"")


class Settings:
    """Typed access to the declared options; a value of the wrong type reads as the default."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store or QSettings(ORGANISATION, APPLICATION)

    def get(self, option: Option[T]) -> T:
        raw = self._store.value(option.key, None)
        if raw is None:
            return option.default
        if option.type is bytes:
            if isinstance(raw, QByteArray):
                return bytes(raw.data())  # type: ignore[return-value]
            if isinstance(raw, bytes):
                return raw  # type: ignore[return-value]
        elif isinstance(raw, str):
            return raw  # type: ignore[return-value]
        log.warning("setting %s has an unexpected value; using the default", option.key)
        return option.default

    def set(self, option: Option[T], value: T) -> None:
        if not isinstance(value, option.type):
            raise TypeError(f"{option.key} takes {option.type.__name__}")
        self._store.setValue(option.key, QByteArray(value) if isinstance(value, bytes) else value)

    def sync(self) -> None:
        self._store.sync()

    @property
    def language(self) -> str:
        value = self.get(LANGUAGE)
        return value if value in LANGUAGES else ""

    @language.setter
    def language(self, value: str) -> None:
        if value not in LANGUAGES:
            raise ValueError(value)
        self.set(LANGUAGE, value)
