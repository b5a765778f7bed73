"""Packaged migrations: upgrade from empty, idempotent, downgrade to base, and in step with the models."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from intune_assistant.tenants import (
    Registry,
    current_revision,
    downgrade_database,
    head_revision,
    upgrade_database,
)
from intune_assistant.tenants.model import Base

if TYPE_CHECKING:
    from conftest import Backend

TENANT = "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"
REGISTRY_TABLES = {"tenant", "tenant_module", "ended_session"}


def test_upgrade_from_empty_creates_the_registry_tables(backend: Backend) -> None:
    engine = backend.engine()
    assert current_revision(engine) is None

    upgrade_database(engine)

    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= REGISTRY_TABLES


def test_upgrade_by_url_is_idempotent_and_keeps_data(backend: Backend) -> None:
    upgrade_database(backend.url)
    engine = backend.engine()
    Registry(engine).onboard(TENANT, "contoso.onmicrosoft.com", "self-hosted")

    upgrade_database(backend.url)
    upgrade_database(engine)

    assert current_revision(engine) == head_revision()
    record = Registry(engine).get(TENANT)
    assert record is not None and record.domain == "contoso.onmicrosoft.com"


def test_downgrade_to_base_drops_the_registry_and_upgrade_recreates_it(backend: Backend) -> None:
    engine = backend.engine()
    upgrade_database(engine)
    Registry(engine).onboard(TENANT, "contoso.onmicrosoft.com", "self-hosted")

    downgrade_database(engine, "base")

    assert current_revision(engine) is None
    assert not REGISTRY_TABLES & set(inspect(engine).get_table_names())

    upgrade_database(engine)
    assert current_revision(engine) == head_revision()
    assert Registry(engine).list() == ()


def test_migrations_match_the_models(backend: Backend) -> None:
    # A model change without its migration would show up here as a difference.
    engine = backend.engine()
    upgrade_database(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_replicas_starting_together_migrate_once(postgres_backend: Backend) -> None:
    # §7: several web replicas (separate processes) over one PostgreSQL all migrate at start-up.
    # Each replica imports first, then all start migrating at the same instant.
    script = (
        "import sys, time\n"
        "from intune_assistant.tenants import upgrade_database\n"
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"
        "upgrade_database(sys.argv[1])\n"
    )
    start_at = str(time.time() + 3)
    command = [sys.executable, "-c", script, postgres_backend.url, start_at]
    replicas = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    outcomes = [(replica.communicate(timeout=120)[1], replica.returncode) for replica in replicas]

    assert [stderr for stderr, returncode in outcomes if returncode] == []
    assert current_revision(postgres_backend.engine()) == head_revision()


def test_threads_of_one_process_can_migrate_together(backend: Backend) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def migrate() -> None:
        engine = backend.engine()
        start.wait()
        try:
            upgrade_database(engine)
        except BaseException as error:  # handed to the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=migrate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert current_revision(backend.engine()) == head_revision()
