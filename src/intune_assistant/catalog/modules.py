"""The product's modules in the admin's words, and the delegated scopes each optional module needs.

Plans (tenant registry) refer to modules by these names. Read modules are always on and use the
default read scopes (DESIGN §2.3). Optional read modules (Intune roles, managed devices) and write
modules are off until a tenant admin turns them on: incremental admin consent then asks for exactly
``read_module_scopes(catalog)[module]`` or ``write_scopes(catalog)[module]``, and never otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Kind, ResourceType
from .records import CA_WRITE, DEVICES_READ, DIRECTORY_ROLES_READ, RBAC_READ
from .registry import Catalog

READ_MODULES: tuple[str, ...] = ("inventory", "document", "compare", "troubleshoot", "msp")
# Reads that need a scope outside the default set: off until a tenant admin turns them on.
OPTIONAL_READ_MODULES: tuple[str, ...] = ("managed-devices", "intune-roles")
WRITE_MODULES: tuple[str, ...] = ("deploy-baseline", "bulk-assign", "bulk-edit", "restore")

# The scopes each optional read module adds; the catalog types it reads are those no default scope
# reads and one of these does (``optional_module_of``). Intune roles include the Entra directory
# roles the Roles page names beside them (RoleManagement.Read.Directory).
_READ_MODULE_SCOPES: dict[str, tuple[str, ...]] = {
    "managed-devices": (DEVICES_READ,),
    "intune-roles": (RBAC_READ, DIRECTORY_ROLES_READ),
}


@dataclass(frozen=True)
class ModuleWords:
    """How a module is named to admins: a title, one sentence on what it does, and (optional modules)
    why it needs its permissions and what is missing without it."""

    title: str
    description: str
    why: str = ""


_WORDS: dict[str, ModuleWords] = {
    "inventory": ModuleWords("Inventory", "Every policy, app, script and filter of the tenant, with assignments."),
    "document": ModuleWords("Documentation", "The tenant's configuration as readable documents."),
    "compare": ModuleWords("Compare", "Compare policies, tenants and baselines."),
    "troubleshoot": ModuleWords("Troubleshoot", "Why a user or device gets (or does not get) a policy."),
    "msp": ModuleWords("Multi-tenant", "Work across customer tenants through GDAP."),
    "managed-devices": ModuleWords(
        "Managed devices",
        "The Devices page (compliance, hardware, stale and duplicate records) and Troubleshoot for a device.",
        "Intune's managed devices are readable only with DeviceManagementManagedDevices.Read.All. Without it, "
        "devices are not read: Devices stays empty and Troubleshoot looks up users only.",
    ),
    "intune-roles": ModuleWords(
        "Intune roles",
        "The Roles page: Intune role definitions and assignments, who can do what, with findings.",
        "Intune role definitions and role assignments are readable only with DeviceManagementRBAC.Read.All, "
        "and the Entra directory roles admins hold only with RoleManagement.Read.Directory. Without them, "
        "roles are not read and the Roles page stays empty.",
    ),
    "deploy-baseline": ModuleWords(
        "Deploy baselines", "Create and update policies from a baseline, with a reviewed plan."
    ),
    "bulk-assign": ModuleWords(
        "Assignment manager", "Change the assignments of many policies, apps and scripts at once, reviewed first."
    ),
    "bulk-edit": ModuleWords(
        "Bulk edits",
        "Rename, duplicate or delete many policies at once, and add or remove group members, reviewed first.",
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


def default_read_scopes(catalog: Catalog) -> tuple[str, ...]:
    """The read scopes every tenant's tokens carry: the catalog's, without the optional modules'."""
    optional = {scope for scopes in _READ_MODULE_SCOPES.values() for scope in scopes}
    return tuple(s for s in catalog.read_scopes() if s not in optional)


def read_module_scopes(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Per optional read module, the delegated read scopes it adds (only those a catalog type needs)."""
    needed = set(catalog.read_scopes())
    found = {m: tuple(s for s in scopes if s in needed) for m, scopes in _READ_MODULE_SCOPES.items()}
    return {m: scopes for m, scopes in found.items() if scopes}


def optional_module_of(record: ResourceType, catalog: Catalog) -> str | None:
    """The optional read module ``record`` needs, or None when the default read scopes read it."""
    if record.accepts_read(frozenset(default_read_scopes(catalog))):
        return None
    modules = read_module_scopes(catalog).items()
    return next((m for m, scopes in modules if record.accepts_read(frozenset(scopes))), None)


def module_scopes(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Per module a tenant admin turns on (optional read modules, then write modules), the scopes it adds."""
    return {**read_module_scopes(catalog), **write_scopes(catalog)}


def optional_write_scopes(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Per write module, the scopes it asks for only when an option that needs them is used.

    Deploy creates a group an assignment names that the target lacks only when the admin asks for it
    (``deploy plan --create-missing-groups``): only a plan that creates a group asks for
    Group.ReadWrite.All, at apply; activating the module never does.
    """
    group_write = catalog["groups"].write_scope if "groups" in catalog else None
    module_scopes = write_scopes(catalog)
    found = {"deploy-baseline": tuple(s for s in (group_write,) if s)}
    return {m: tuple(s for s in scopes if s not in module_scopes[m]) for m, scopes in found.items()}


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
