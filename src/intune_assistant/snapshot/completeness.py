"""What could not be read: the one answer every command's exit code and summary share.

A collected snapshot (Graph, the emulator) is incomplete when a type failed or stopped part-way,
children included. An imported one is incomplete only when a file could not be read: what the
export format never holds (IntuneCD keeps no group members, the portal no assignments) leaves
those types partial, so analyses say "unknown", but nothing went unread.
"""

from __future__ import annotations

from intune_assistant.catalog import Catalog, default_catalog

from .model import Snapshot, TypeStatus
from .store import DEFINITIONS

__all__ = ["IMPORTED_SOURCES", "not_read"]

# Sources that come from files another tool wrote (``mixed``: several of them merged).
IMPORTED_SOURCES = frozenset({"intunecd", "intunemanagement", "portal-export", "mixed"})


def not_read(snapshot: Snapshot, catalog: Catalog | None = None) -> list[str]:
    """One line per thing that could not be read (a file, a type, a type's children); empty when
    everything was read."""
    catalog = catalog if catalog is not None else default_catalog()
    # A missing definitions file costs setting names (derived instead, and said so where they
    # show), not configuration: it is not a read failure.
    lines = [f"{p.path}: {p.reason}" for p in snapshot.problems if p.path != DEFINITIONS]
    if snapshot.source in IMPORTED_SOURCES:
        return lines  # every read failure of an import is a file in problems
    for key, result in snapshot.results.items():
        label = catalog[key].label if key in catalog else key
        if result.status is TypeStatus.FAILED:
            lines.append(f"{label}: {result.error or 'not read'}")
        elif result.status is TypeStatus.PARTIAL:
            reasons = [result.error] if result.error else []
            lines.append(f"{label}: {'; '.join(reasons + result.child_errors) or 'read in part'}")
    return lines
