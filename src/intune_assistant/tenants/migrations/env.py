"""Alembic environment for the tenant registry.

Run only through ``intune_assistant.tenants.database`` (``upgrade_database``), which passes the
engine in ``config.attributes["engine"]``; there is no alembic.ini and no offline (SQL script) mode.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, text

from intune_assistant.tenants.model import Base

# Any fixed number: the PostgreSQL advisory lock that makes concurrent start-ups migrate in turn.
_MIGRATION_LOCK_KEY = 0x1A7E_0001


def run_migrations() -> None:
    """Migrate through the engine handed over by ``upgrade_database``."""
    if context.is_offline_mode():
        raise RuntimeError("The tenant registry's migrations run online only (upgrade_database).")
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("Run the registry's migrations through intune_assistant.tenants.upgrade_database.")
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Replicas starting together would both try to create the tables; the second waits here
            # until the first commits, then finds the database up to date. Released at commit.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            # SQLite cannot ALTER most things; batch mode recreates the table instead.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
