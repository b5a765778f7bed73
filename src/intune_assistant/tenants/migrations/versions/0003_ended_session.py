"""Ended browser sessions: the SHA-256 of a signed-out session's random id and when it may go.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``ended_session``."""
    op.create_table(
        "ended_session",
        sa.Column("marker", sa.String(64), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("marker", name="pk_ended_session"),
    )
    op.create_index("ix_ended_session_ends_at", "ended_session", ["ends_at"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_ended_session_ends_at", table_name="ended_session")
    op.drop_table("ended_session")
