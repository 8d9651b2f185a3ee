"""The newest revision and the known ones, as the program reads them (from the scripts' lines, without Alembic),
are Alembic's own."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from quarantine_desk.db.migrate import alembic_config, head_revision, known_revisions


def test_head_is_alembics_head():
    assert head_revision() == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_known_revisions_are_alembics():
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert known_revisions() == {s.revision for s in scripts.walk_revisions()}
