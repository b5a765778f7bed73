"""Fixtures for the tenant-registry tests: every backend-dependent test runs on SQLite and PostgreSQL.

PostgreSQL comes from ``INTUNE_ASSISTANT_TEST_POSTGRES_URL`` (``./scripts/postgres`` prints one).
Without it the PostgreSQL variants fail when ``CI`` is set (no silent skips in CI) and are skipped
with the reason otherwise. Each PostgreSQL test gets its own schema (via ``search_path``), named
after this test session and dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from intune_assistant.tenants import (
    WRITE_MODULES,
    PlanConfig,
    Registry,
    default_plans,
    engine_from_url,
    upgrade_database,
)

POSTGRES_URL_ENV = "INTUNE_ASSISTANT_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


@dataclass
class Backend:
    """A fresh, empty database for one test; engines made here are disposed after the test."""

    name: str
    url: str
    engines: list[Engine] = field(default_factory=list)

    def engine(self) -> Engine:
        """A new engine on this test's database."""
        engine = engine_from_url(self.url)
        self.engines.append(engine)
        return engine

    def dispose(self) -> None:
        """Close every engine made for the test (PostgreSQL cannot drop a schema in use)."""
        for engine in self.engines:
            engine.dispose()


@dataclass
class PostgresServer:
    """The PostgreSQL server for this test session and its session-unique schema prefix."""

    url: str
    admin: Engine
    prefix: str
    counter: Iterator[int] = field(default_factory=itertools.count)


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Connect to the test PostgreSQL server, or fail (CI) / skip (elsewhere) with the reason."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        how = f"run ./scripts/postgres and export its last line as {POSTGRES_URL_ENV} (./scripts/test does this)"
        if _ci():
            pytest.fail(f"{POSTGRES_URL_ENV} is not set but CI is: the registry must be tested on PostgreSQL; {how}.")
        pytest.skip(f"PostgreSQL variant not run: {POSTGRES_URL_ENV} is not set; {how}. (In CI this fails.)")
    admin = engine_from_url(url)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        admin.dispose()
        shown = make_url(url).render_as_string(hide_password=True)
        pytest.fail(f"{POSTGRES_URL_ENV}={shown} is set but PostgreSQL cannot be reached: {error}")
    prefix = f"ia_test_{uuid.uuid4().hex[:10]}"
    server = PostgresServer(url=url, admin=admin, prefix=prefix)
    try:
        yield server
    finally:
        # Belt and braces: drop whatever this session's tests left behind (e.g. after a crash).
        with admin.begin() as connection:
            leftovers = connection.scalars(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :pattern"), {"pattern": f"{prefix}%"}
            ).all()
            for schema in leftovers:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _postgres_backend(server: PostgresServer) -> Iterator[Backend]:
    schema = f"{server.prefix}_{next(server.counter)}"
    with server.admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # search_path puts every table (alembic_version included) in this test's schema.
    url = make_url(server.url).update_query_dict({"options": f"-csearch_path={schema}"})
    backend = Backend(name="postgresql", url=url.render_as_string(hide_password=False))
    try:
        yield backend
    finally:
        backend.dispose()
        with server.admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def _sqlite_backend(tmp_path: Path) -> Iterator[Backend]:
    backend = Backend(name="sqlite", url=f"sqlite:///{tmp_path / 'registry.db'}")
    try:
        yield backend
    finally:
        backend.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """An empty database on each backend in turn."""
    if request.param == "sqlite":
        yield from _sqlite_backend(tmp_path)
    else:
        yield from _postgres_backend(request.getfixturevalue("postgres_server"))


@pytest.fixture
def postgres_backend(postgres_server: PostgresServer) -> Iterator[Backend]:
    """An empty PostgreSQL database, for the tests only PostgreSQL can run (concurrent migrations)."""
    yield from _postgres_backend(postgres_server)


@pytest.fixture
def engine(backend: Backend) -> Engine:
    """A migrated registry database on the current backend."""
    engine = backend.engine()
    upgrade_database(engine)
    return engine


@pytest.fixture
def clock() -> Callable[[], datetime]:
    """A clock that moves one second per reading, so updated_at changes are visible."""
    start = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    ticks = itertools.count()
    return lambda: start + timedelta(seconds=next(ticks))


@pytest.fixture
def plans() -> dict[str, PlanConfig]:
    """The shipped plans, plus a plan offering no module to turn on and one offering only ``restore``."""
    configured = default_plans()
    configured["viewer"] = PlanConfig(name="viewer", optional_modules=frozenset())
    configured["restore-only"] = PlanConfig(
        name="restore-only", optional_modules=frozenset(), write_modules=frozenset({"restore"})
    )
    assert "restore" in WRITE_MODULES
    return configured


@pytest.fixture
def registry(engine: Engine, plans: dict[str, PlanConfig], clock: Callable[[], datetime]) -> Registry:
    """A registry over the migrated database with the test plans and the ticking clock."""
    return Registry(engine, plans, clock=clock)
