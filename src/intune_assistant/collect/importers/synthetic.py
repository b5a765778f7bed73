"""Deterministic ids for things an export names but does not identify.

IntuneCD strips ids and replaces group, filter and scope tag ids with names. To keep objects
Graph-shaped (targets point at ids, ``Names`` maps ids to names) each such name gets an id
derived from it: the same name gives the same id in every import, so two backups of the same
tenant compare cleanly. These ids exist only in imported snapshots, never in a tenant.
"""

from __future__ import annotations

import uuid

__all__ = ["synthetic_id"]

# Fixed for all time: changing it would change every synthetic id and break drift over imports.
_NAMESPACE = uuid.UUID("5b1f7f3e-8f0c-4c47-9a43-2f4f4d7c1a11")


def synthetic_id(kind: str, value: str) -> str:
    """A stable UUID string for ``value`` of ``kind`` (e.g. ``("group", "All Devices")``)."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}\n{value}"))
