"""Data residency (DESIGN §2.4): the registry stores tenant ID, domain, plan, modules, timestamps
and, for a GDAP customer, the partner tenant that manages it (issue 16).

Nothing else may appear in the schema. Adding a column or table here is a change to a promise
made to customers; it needs the security overview changed first, not just this list.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, inspect

from intune_assistant.tenants import Registry
from intune_assistant.tenants.model import Base

ALLOWED = {
    "tenant": {"tenant_id", "domain", "plan", "enabled", "onboarded_at", "updated_at", "managed_by"},
    "tenant_module": {"tenant_id", "module", "activated_at"},
    # A signed-out browser session: the SHA-256 of its random id and when the row goes (the
    # token's expiry). Nothing in it names a tenant, a user or a device (docs/security.md).
    "ended_session": {"marker", "ends_at"},
}
MIGRATION_BOOKKEEPING = {"alembic_version": {"version_num"}}


def test_the_database_holds_only_allowed_tables_and_columns(engine: Engine) -> None:
    inspector = inspect(engine)
    stored = {
        table: {column["name"] for column in inspector.get_columns(table)} for table in inspector.get_table_names()
    }

    assert stored == ALLOWED | MIGRATION_BOOKKEEPING


def test_the_models_declare_only_allowed_tables_and_columns() -> None:
    declared = {name: {column.name for column in table.columns} for name, table in Base.metadata.tables.items()}

    assert declared == ALLOWED


def test_a_stored_tenant_contains_only_what_was_given(registry: Registry, engine: Engine) -> None:
    registry.onboard("6F1C2D3E-4A5B-4C6D-8E7F-0A1B2C3D4E5F", "Contoso.com", "self-hosted")
    registry.activate_module("6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f", "restore")

    with engine.connect() as connection:
        tenant = connection.exec_driver_sql("SELECT tenant_id, domain, plan FROM tenant").all()
        modules = connection.exec_driver_sql("SELECT tenant_id, module FROM tenant_module").all()

    assert [tuple(row) for row in tenant] == [("6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f", "contoso.com", "self-hosted")]
    assert [tuple(row) for row in modules] == [("6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f", "restore")]


def test_an_ended_session_row_holds_only_a_hash_and_a_time(registry: Registry, engine: Engine) -> None:
    # The registry's test clock starts at 2025-01-01 09:00 and moves a second per reading.
    start = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
    marker = "ab" * 32
    registry.end_session(marker, start + timedelta(minutes=5))
    registry.end_session("cd" * 32, start - timedelta(minutes=1))  # already over: swept next time
    registry.end_session("ef" * 32, start + timedelta(minutes=5))

    assert registry.session_ended(marker) and not registry.session_ended("cd" * 32)
    assert not registry.session_ended("00" * 32)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT marker FROM ended_session ORDER BY marker").all()
    assert [row[0] for row in rows] == ["ab" * 32, "ef" * 32]
