"""`intune-assistant` commands of the targeting module (registered by `cli.main`)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
