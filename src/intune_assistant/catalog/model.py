"""The shape of a catalog record: everything the product knows about one Graph resource type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

ApiVersion = Literal["beta", "v1.0"]


class AssignmentRead(StrEnum):
    """How the assignments of a resource type are read from Graph."""

    LIST_EXPAND = "list $expand=assignments"
    PER_ITEM = "per item /assignments"
    INLINE = "inline in the object"
    NONE = "not assignable"


class Kind(StrEnum):
    """What an admin would call the object; drives grouping in views and exports."""

    POLICY = "policy"
    APP = "app"
    SCRIPT = "script"
    ENROLLMENT = "enrollment"
    TENANT = "tenant setting"
    DIRECTORY = "directory"
    DEVICE = "device"
    PARTNER = "partner"
    REFERENCE = "reference"


# Fields that change without an admin changing anything: never a difference in compare or drift.
COMMON_VOLATILE: frozenset[str] = frozenset(
    {
        "id",
        "createdDateTime",
        "lastModifiedDateTime",
        "modifiedDateTime",
        "version",
        "@odata.context",
        "@odata.etag",
        "@odata.id",
        "@odata.editLink",
        "settingCount",
        "isAssigned",
        # The policy set an assignment came from, by id (``source`` says whether it came from one).
        "sourceId",
    }
)


class HealthCheck(StrEnum):
    """What tenant health reads in objects of a type that expire or sync (certificates, tokens,
    connectors); the health analysis judges each kind by its documented fields."""

    PUSH_CERTIFICATE = "Apple MDM push certificate: expirationDateTime"
    VPP_TOKEN = "VPP token: expirationDateTime, state, lastSyncStatus"
    ENROLLMENT_TOKEN = "enrollment program token: tokenExpirationDateTime, lastSyncErrorCode"
    GOOGLE_PLAY = "Managed Google Play: bindStatus, lastAppSyncStatus"
    PARTNER = "partner connector: partnerState, lastHeartbeatDateTime"
    THREAT_DEFENSE = "Mobile Threat Defense connector: partnerState, heartbeat within its threshold"
    REMOTE_ASSISTANCE = "remote assistance partner: onboardingStatus"


@dataclass(frozen=True)
class Child:
    """A navigation under each object (``settings``, ``definitionValues``...).

    ``from_list_expand``: the child arrives inline through ``$expand`` on the parent list, so no
    per-item request is needed. ``expand``: navigation expanded on the child request itself
    (``definitionValues?$expand=definition``). ``children``: grandchildren, read per child item.
    """

    name: str
    expand: str | None = None
    from_list_expand: bool = False
    children: tuple[Child, ...] = ()
    select: str | None = None
    # $top sent on the child list, where Graph documents its maximum (fewer pages per parent).
    top: int | None = None


@dataclass(frozen=True)
class WriteActions:
    """Which writes Graph offers for the type; the write modules use only these."""

    create: bool = False
    update: bool = False
    delete: bool = False
    # Body key of POST {id}/assign, e.g. "assignments" or "mobileAppAssignments".
    assign_body_key: str | None = None
    # Autopilot profiles take group assignments one at a time: POST {id}/assignments {target}.
    assign_by_post: bool = False
    # /assign answers 200 with the new assignment collection (else 204 without a body).
    assign_returns_collection: bool = False
    # Policy sets have no /assign: the whole set goes as ``assignments`` in POST {id}/update, beside
    # the items to add, change or delete (intune-policyset-policyset-update.md).
    assign_by_update: bool = False


@dataclass(frozen=True)
class ResourceType:
    """One Graph resource type, declared once; collection, emulator, docs and compare read it."""

    key: str
    label: str
    kind: Kind
    path: str
    api_version: ApiVersion
    read_scope: str
    write_scope: str | None
    assignments: AssignmentRead = AssignmentRead.NONE
    children: tuple[Child, ...] = ()
    # Also served under /v1.0 (the product reads beta where filters on targets live).
    in_v1: bool = False
    name_field: str = "displayName"
    # Subtypes (@odata.type without "#microsoft.graph.") this record covers; empty = any.
    odata_types: tuple[str, ...] = ()
    # OData $filter sent on the list, e.g. to split update rings out of deviceConfigurations.
    list_filter: str | None = None
    # Fields, besides the name, that tell two objects apart across tenants.
    identity_key: tuple[str, ...] = ("@odata.type",)
    volatile_fields: frozenset[str] = COMMON_VOLATILE
    # A field that ranks objects of one kind (enrollment ``priority``): compare reads it as the
    # object's place among the objects found on both sides, so a renumbering is no change.
    order_field: str | None = None
    secret_fields: frozenset[str] = frozenset()
    write: WriteActions = field(default_factory=WriteActions)
    # Graph returns some fields (script content) only when the item is read by id.
    read_item_for_detail: bool = False
    # Page size Graph uses without $top, and the largest $top known to be honoured (None: unknown).
    page_size: int = 100
    max_page_size: int | None = None
    # Navigations Graph accepts in $expand on the list.
    list_expand: tuple[str, ...] = ()
    # Read through Graph's delta query (``{path}/delta?$select=...``) with these properties, so a
    # refresh reads only what changed; None: Graph documents no delta for the type.
    delta_select: str | None = None
    # The list is read as usual (large pages) and the delta query only tracks changes from now
    # (``$deltatoken=latest``: delta-query-overview.md's "sync from now" for Entra ID resources),
    # so a first collection costs one request more, not a delta round of small pages.
    delta_from_now: bool = False
    # The list answers ``$orderby=lastModifiedDateTime desc`` (observed: CIPP's change detection
    # reads these lists so), so a refresh reads only the newest pages.
    modified_order: bool = False
    # Whether snapshot collection reads this type by default.
    collect: bool = True
    # A single object at ``path`` (``GET deviceManagement``), not a collection: no paging, no
    # ``/{id}``; Graph answers 404 while it is unset (read as "none", not as a failure).
    singleton: bool = False
    # Properties asked for with $select on the list (None: Graph's default set).
    select: str | None = None
    # How tenant health judges its objects; None: not part of tenant health.
    health: HealthCheck | None = None
    # Scopes other than read/write that Graph also accepts for reading (higher privilege).
    also_accepted_scopes: tuple[str, ...] = ()
    notes: str = ""

    @property
    def identity(self) -> tuple[str, ...]:
        """Fields that identify an object across tenants: the name plus ``identity_key``."""
        return (self.name_field, *self.identity_key)

    def object_name(self, obj: Mapping[str, Any]) -> str:
        """What an admin calls ``obj``: its name field, else ``displayName``/``name``; a singleton
        (which has no name) by the type's label; "" when it has none."""
        for name_field in (self.name_field, "displayName", "name"):
            value = obj.get(name_field)
            if isinstance(value, str) and value:
                return value
        return self.label if self.singleton else ""

    def list_expands(self) -> list[str]:
        """The ``$expand`` items the collector sends on the list: ``assignments`` where the list
        expands them, then the children that come with the list (``name($expand=...)``)."""
        expands = [f"{c.name}($expand={c.expand})" if c.expand else c.name for c in self.children if c.from_list_expand]
        if self.assignments is AssignmentRead.LIST_EXPAND:
            expands.insert(0, "assignments")
        return expands

    def list_params(self) -> dict[str, str]:
        """Query options the collector sends on the first page of the list."""
        params: dict[str, str] = {}
        expands = self.list_expands()
        if expands:
            params["$expand"] = ",".join(expands)
        if self.max_page_size:
            params["$top"] = str(self.max_page_size)
        if self.list_filter:
            params["$filter"] = self.list_filter
        if self.select:
            params["$select"] = self.select
        return params

    def accepts_read(self, scopes: frozenset[str]) -> bool:
        """True when a delegated token with ``scopes`` may read this type."""
        allowed = {self.read_scope, *self.also_accepted_scopes}
        if self.write_scope:
            allowed.add(self.write_scope)
        return bool(allowed & scopes)

    def accepts_write(self, scopes: frozenset[str]) -> bool:
        """True when a delegated token with ``scopes`` may change this type."""
        return self.write_scope is not None and self.write_scope in scopes
