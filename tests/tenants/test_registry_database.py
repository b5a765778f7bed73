"""Database URL selection and engine settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from intune_assistant.tenants import Registry, database_url, engine_from_url, upgrade_database

CONTOSO = "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"


def test_default_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    url = database_url(tmp_path / "data", environ={})

    assert url == f"sqlite:///{tmp_path / 'data' / 'intune-assistant.db'}"


def test_database_url_env_wins(tmp_path: Path) -> None:
    configured = "postgresql+psycopg://intune:secret@db.internal:5432/intune"

    assert database_url(tmp_path, environ={"DATABASE_URL": configured}) == configured
    assert database_url(tmp_path, environ={"DATABASE_URL": "  "}).startswith("sqlite:///")


def test_database_url_reads_the_process_environment_at_call_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////srv/registry.db")
    assert database_url(tmp_path) == "sqlite:////srv/registry.db"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url(tmp_path).endswith("intune-assistant.db")


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_plain_postgres_urls_use_psycopg_3(scheme: str) -> None:
    engine = engine_from_url(f"{scheme}://intune:secret@db.internal:5432/intune")  # no connection is made
    try:
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.pool.__class__.__name__ == "QueuePool"
    finally:
        engine.dispose()


def test_sqlite_file_engine_enforces_foreign_keys_and_creates_the_folder(tmp_path: Path) -> None:
    url = database_url(tmp_path / "new" / "folder", environ={})
    engine = engine_from_url(url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert (tmp_path / "new" / "folder").is_dir()
    finally:
        engine.dispose()


def test_in_memory_sqlite_keeps_one_database_for_every_connection() -> None:
    engine = engine_from_url("sqlite://")
    try:
        upgrade_database(engine)
        Registry(engine).onboard(CONTOSO, "contoso.com", "self-hosted")
        assert [r.tenant_id for r in Registry(engine).list()] == [CONTOSO]
    finally:
        engine.dispose()


def test_start_up_sequence_from_a_data_dir(tmp_path: Path) -> None:
    # What the app and CLI do at start-up, end to end on the default backend.
    url = database_url(tmp_path, environ={})
    upgrade_database(url)
    engine: Engine = engine_from_url(url)
    try:
        assert Registry(engine).onboard(CONTOSO, "contoso.com", "self-hosted").enabled
        assert (tmp_path / "intune-assistant.db").is_file()
    finally:
        engine.dispose()
