"""Tenant registry: tenants and their activated write modules.

Revision ID: 0001
Revises:
Create Date: 2025-11-26

Written out in full rather than importing the models, so this migration keeps describing the
schema as it was when later model changes come with their own migrations.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``tenant`` and ``tenant_module``."""
    op.create_table(
        "tenant",
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("plan", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("onboarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_tenant"),
    )
    op.create_table(
        "tenant_module",
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("module", sa.String(64), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.tenant_id"],
            name="fk_tenant_module_tenant_id_tenant",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "module", name="pk_tenant_module"),
    )


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("tenant_module")
    op.drop_table("tenant")
