"""The product's modules in the admin's words, and the delegated write scopes each write module needs.

Plans (tenant registry) refer to modules by these names; incremental admin consent asks for exactly
``write_scopes(catalog)[module]`` when a tenant activates a write module, and never otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Kind, ResourceType
from .records import CA_WRITE
from .registry import Catalog

READ_MODULES: tuple[str, ...] = ("inventory", "document", "compare", "troubleshoot", "msp")
WRITE_MODULES: tuple[str, ...] = ("deploy-baseline", "bulk-assign", "bulk-edit", "restore")


@dataclass(frozen=True)
class ModuleWords:
    """How a module is named to admins: a title and one sentence on what it does."""

    title: str
    description: str


_WORDS: dict[str, ModuleWords] = {
    "inventory": ModuleWords("Inventory", "Every policy, app, script and filter of the tenant, with assignments."),
    "document": ModuleWords("Documentation", "The tenant's configuration as readable documents."),
    "compare": ModuleWords("Compare", "Compare policies, tenants and baselines."),
    "troubleshoot": ModuleWords("Troubleshoot", "Why a user or device gets (or does not get) a policy."),
    "msp": ModuleWords("Multi-tenant", "Work across customer tenants through GDAP."),
    "deploy-baseline": ModuleWords(
        "Deploy baselines", "Create and update policies from a baseline, with a reviewed plan."
    ),
    "bulk-assign": ModuleWords(
        "Assignment manager", "Change the assignments of many policies, apps and scripts at once, reviewed first."
    ),
    "bulk-edit": ModuleWords(
        "Bulk edits",
        "Rename or delete many policies at once, and add or remove group members, reviewed first.",
    ),
    "restore": ModuleWords("Restore", "Put back objects from a backup or snapshot."),
}


def module_words(name: str) -> ModuleWords:
    """The module's title and description in the admin's words (an unknown name reads as itself)."""
    return _WORDS.get(name, ModuleWords(name.replace("-", " ").capitalize(), ""))


def _editable(record: ResourceType) -> bool:
    """Renamed or deleted by bulk edits: updatable or deletable, not a singleton, not Conditional Access."""
    writable = record.write.update or record.write.delete
    return writable and not record.singleton and record.write_scope != CA_WRITE


def write_scopes(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Per write module, the delegated write scopes it needs (derived from the catalog records)."""

    def scopes(
        kinds: set[Kind], *, assignable_only: bool = False, editable_only: bool = False, extra: tuple[str, ...] = ()
    ) -> tuple[str, ...]:
        found = [
            r.write_scope
            for r in catalog
            if r.write_scope
            and r.kind in kinds
            and (not assignable_only or r.write.assign_body_key or r.write.assign_by_post)
            and (not editable_only or _editable(r))
        ]
        return tuple(dict.fromkeys([*found, *extra]))

    config = {Kind.POLICY, Kind.APP, Kind.SCRIPT, Kind.ENROLLMENT}
    return {
        # Baselines create and update policies (and their assignments).
        "deploy-baseline": scopes(config),
        # Bulk assignment changes call /assign, and may add devices or users to groups.
        "bulk-assign": scopes(config, assignable_only=True, extra=("Group.ReadWrite.All",)),
        # Bulk edits rename (PATCH) and delete configuration objects, and change static groups'
        # members (members/$ref: GroupMember.ReadWrite.All is Graph's least privilege, but write
        # modules ask only for the security overview's write scopes, of which Group.ReadWrite.All).
        # Conditional Access is written by a module of its own (DESIGN §2.3), never by bulk edits.
        "bulk-edit": scopes(config, editable_only=True, extra=("Group.ReadWrite.All",)),
        # Restore puts back any object a snapshot holds.
        "restore": scopes(config | {Kind.TENANT, Kind.DIRECTORY}),
    }
