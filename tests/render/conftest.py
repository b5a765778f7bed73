"""The renderer tests use the settings-row tests' snapshots: demo tenants collected through the
product's own client, and both real-world sample exports imported."""

from ..analyses.settings.conftest import catalog, contoso, demo, demo_snapshots, sample_snapshots

__all__ = ["catalog", "contoso", "demo", "demo_snapshots", "sample_snapshots"]
