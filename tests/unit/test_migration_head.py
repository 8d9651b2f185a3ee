"""The newest revision as the program reads it (from the scripts' lines, without Alembic) is Alembic's own."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from quarantine_desk.db.migrate import alembic_config, head_revision


def test_head_is_alembics_head():
    assert head_revision() == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
