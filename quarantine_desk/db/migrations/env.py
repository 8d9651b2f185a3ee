"""Alembic environment: runs the migrations on the connection the program hands over (no alembic.ini needed)."""

from __future__ import annotations

from alembic import context

from quarantine_desk.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from quarantine_desk.db.engine import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or "", check=False)
        with engine.connect() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
