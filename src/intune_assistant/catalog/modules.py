"""The product's modules in the admin's words, and the delegated write scopes each write module needs.

Plans (tenant registry) refer to modules by these names; incremental admin consent asks for exactly
``write_scopes(catalog)[module]`` when a tenant activates a write module, and never otherwise.
"""

from __future__ import annotations

from .model import Kind
from .registry import Catalog

READ_MODULES: tuple[str, ...] = ("inventory", "document", "compare", "troubleshoot", "msp")
WRITE_MODULES: tuple[str, ...] = ("deploy-baseline", "bulk-assign", "restore")


def write_scopes(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Per write module, the delegated write scopes it needs (derived from the catalog records)."""

    def scopes(kinds: set[Kind], *, assignable_only: bool = False, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
        found = [
            r.write_scope
            for r in catalog
            if r.write_scope
            and r.kind in kinds
            and (not assignable_only or r.write.assign_body_key or r.write.assign_by_post)
        ]
        return tuple(dict.fromkeys([*found, *extra]))

    config = {Kind.POLICY, Kind.APP, Kind.SCRIPT, Kind.ENROLLMENT}
    return {
        # Baselines create and update policies (and their assignments).
        "deploy-baseline": scopes(config),
        # Bulk assignment changes call /assign, and may add devices or users to groups.
        "bulk-assign": scopes(config, assignable_only=True, extra=("Group.ReadWrite.All",)),
        # Restore puts back any object a snapshot holds.
        "restore": scopes(config | {Kind.TENANT, Kind.DIRECTORY}),
    }
