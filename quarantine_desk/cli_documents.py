"""Commands that read or write files: exports, reports, certificates, imports, backups."""

from __future__ import annotations

from typing import Any


def add_commands(sub: Any, parser_class: type) -> None:
    """Registers the document commands on the main parser's sub-commands."""
