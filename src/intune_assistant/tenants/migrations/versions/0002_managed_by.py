"""Tenant registry: the partner tenant that manages a GDAP customer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``tenant.managed_by`` (nullable) and its index."""
    with op.batch_alter_table("tenant") as batch:
        batch.add_column(sa.Column("managed_by", sa.String(36), nullable=True))
        batch.create_index("ix_tenant_managed_by", ["managed_by"])


def downgrade() -> None:
    """Drop ``tenant.managed_by``."""
    with op.batch_alter_table("tenant") as batch:
        batch.drop_index("ix_tenant_managed_by")
        batch.drop_column("managed_by")
