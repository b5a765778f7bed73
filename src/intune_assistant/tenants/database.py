"""Where the registry lives: the database URL, engines with sane settings, and migrations.

SQLite (a file in the caller's data directory) by default; PostgreSQL when ``DATABASE_URL`` says
so, e.g. ``postgresql+psycopg://user:password@host:5432/intune``. Schema changes are Alembic
migrations packaged with the code and run programmatically; no ``alembic.ini`` is involved.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

DATABASE_URL_ENV = "DATABASE_URL"
SQLITE_FILENAME = "intune-assistant.db"
MIGRATIONS = Path(__file__).with_name("migrations")

# Alembic keeps the running migration's context in module globals (alembic.context, alembic.op), so
# two migrations in one process at the same time trample each other; separate processes are fine.
_ALEMBIC_LOCK = threading.Lock()

# SQLite waits this long for another writer's lock before giving up ("database is locked").
_SQLITE_BUSY_TIMEOUT_S = 30.0


def database_url(data_dir: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> str:
    """The registry's database URL: ``DATABASE_URL`` if set, else a SQLite file in ``data_dir``.

    ``environ`` defaults to the process environment, read at call time.
    """
    env = os.environ if environ is None else environ
    configured = env.get(DATABASE_URL_ENV, "").strip()
    if configured:
        return configured
    return URL.create("sqlite", database=str(Path(data_dir) / SQLITE_FILENAME)).render_as_string()


def _normalise(url: str | URL) -> URL:
    parsed = make_url(url)
    # Hosting providers hand out postgres:// or postgresql:// URLs; the driver we ship is psycopg 3.
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def engine_from_url(url: str | URL) -> Engine:
    """Create an engine for the registry.

    SQLite: foreign keys enforced (so offboarding cascades to modules), a busy timeout instead of
    immediate "database is locked" errors, connections usable across threads (the web server's
    worker threads share the pool), and the file's folder created if missing.
    PostgreSQL and others: connections checked before use and recycled, since the registry is
    touched rarely and idle connections get cut by proxies and managed databases.
    """
    parsed = _normalise(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, pool_recycle=1800, pool_size=5, max_overflow=10)

    in_memory = parsed.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {
        "connect_args": {"timeout": _SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
    }
    if in_memory:
        # One connection for everyone, or each connection would see its own empty database.
        kwargs["poolclass"] = StaticPool
    elif parsed.database is not None:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: object) -> None:
    # SQLite leaves foreign keys off unless each connection asks for them.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic ``Config`` for the packaged migrations, built in code.

    The engine travels in ``config.attributes`` rather than as ``sqlalchemy.url``: no password in a
    config object, no ``%`` escaping, and the same engine settings (SQLite pragmas) as the app.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade_database(url: str | URL | Engine, revision: str = "head") -> None:
    """Bring the registry's schema up to ``revision`` (default: the latest). Safe to run on every
    start-up: an up-to-date database is left alone, and on PostgreSQL concurrent replicas take
    turns (see migrations/env.py)."""
    _run(url, lambda config: command.upgrade(config, revision))


def downgrade_database(url: str | URL | Engine, revision: str = "base") -> None:
    """Take the registry's schema down to ``revision``; ``"base"`` drops every registry table."""
    _run(url, lambda config: command.downgrade(config, revision))


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or ``None`` for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest packaged migration."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def _run(target: str | URL | Engine, action: Callable[[Config], None]) -> None:
    if isinstance(target, Engine):
        with _ALEMBIC_LOCK:
            action(alembic_config(target))
        return
    engine = engine_from_url(target)  # ours, so closed here; a caller's engine is left open
    try:
        with _ALEMBIC_LOCK:
            action(alembic_config(engine))
    finally:
        engine.dispose()
