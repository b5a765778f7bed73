"""The registry's tables: the only data Intune Assistant persists (DESIGN §2.4).

A tenant row holds its ID, primary domain, plan, whether it is enabled, two timestamps and, for a
GDAP customer an MSP onboarded, the partner tenant that manages it; each activated write module is
a row of ``tenant_module``. ``ended_session`` holds, for each browser session signed out whose token
has not expired yet, the SHA-256 of the session's random id and when the row may go: no tenant,
user or device can be learned from it (docs/security.md). Adding a column here is a change to a
promise made to customers; the schema test in ``tests/tenants`` fails on anything else.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, MetaData, String, true
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Named constraints, so later migrations can drop or alter them on both SQLite (batch mode
# recreates tables and needs the names) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are stored as naive UTC
    and given back their UTC zone when read. Naive datetimes are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("registry timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the registry's tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Tenant(Base):
    """An onboarded Entra ID tenant."""

    __tablename__ = "tenant"

    tenant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    domain: Mapped[str] = mapped_column(String(253))
    plan: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    onboarded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The partner tenant (MSP) that onboarded this customer through GDAP; NULL for a tenant that
    # onboarded itself. Indexed: the tenant switcher lists a partner's customers.
    managed_by: Mapped[str | None] = mapped_column(String(36), index=True, nullable=True)

    modules: Mapped[list[TenantModule]] = relationship(
        back_populates="tenant",
        cascade="all, delete-orphan",
        # The database's ON DELETE CASCADE removes module rows; no need to load them first.
        passive_deletes=True,
        order_by="TenantModule.module",
        lazy="selectin",
    )


class TenantModule(Base):
    """A write module an admin activated for a tenant."""

    __tablename__ = "tenant_module"

    tenant_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("tenant.tenant_id", ondelete="CASCADE"), primary_key=True
    )
    module: Mapped[str] = mapped_column(String(64), primary_key=True)
    activated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    tenant: Mapped[Tenant] = relationship(back_populates="modules")


class EndedSession(Base):
    """A signed-out browser session: the SHA-256 of its random id, until its API token expires.

    Every replica refuses a cookie whose session id is here, so a cookie copied before sign-out is
    worthless everywhere at once. Rows are deleted once ``ends_at`` passed (the cookie's token is
    expired by then, so the cookie is worthless anyway).
    """

    __tablename__ = "ended_session"

    marker: Mapped[str] = mapped_column(String(64), primary_key=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
