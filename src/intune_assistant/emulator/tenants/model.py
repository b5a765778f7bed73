"""The in-memory tenant the emulator serves: Graph-shaped objects per catalog type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# Entra role template ids (wids) the emulator understands.
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
INTUNE_ADMINISTRATOR = "3a2c62db-5318-420d-8d74-23affee5d9d5"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
# May grant tenant-wide admin consent to delegated Graph permissions (the demo admin onboards with it).
CLOUD_APPLICATION_ADMINISTRATOR = "158c047a-c907-4556-b7ef-446551a6b5f7"
GDAP_INDICATOR = "08372b87-7d02-482a-9e02-fb03ea5fe193"

OperatorRole = Literal["admin", "readOnly", "none"]


@dataclass
class Operator:
    """A demo user who can sign in to the product, with what Intune lets them do."""

    user_id: str
    user_principal_name: str
    display_name: str
    role: OperatorRole
    wids: tuple[str, ...] = ()
    mfa_required: bool = False
    enabled: bool = True
    # signInSessionsValidFromDateTime (Unix seconds): set by revokeSignInSessions; a CAE-capable Graph
    # token from a sign-in before it is refused with a claims challenge.
    sessions_valid_from: float | None = None


@dataclass
class RoleSchedule:
    """A Privileged Identity Management assignment: ``user_id`` is ``eligible`` for, or holds as
    ``active``, a directory role (``role_id``: its template id) or, with ``intune``, an Intune role
    (``role_id``: the role definition's name), from ``start`` until ``end`` (Unix seconds; ``None``:
    no end). Permanent roles stay on the operator (``role``, ``wids``)."""

    user_id: str
    role_id: str
    kind: Literal["eligible", "active"]
    start: float
    end: float | None = None
    intune: bool = False


@dataclass
class TenantData:
    """One synthetic tenant.

    ``objects`` maps a catalog key to Graph-shaped objects as Graph would return them by id,
    with navigations nested under their Graph names (``assignments``, ``settings``,
    ``definitionValues`` with ``definition`` and ``presentationValues`` ...). Group ``members``
    hold references ``{"@odata.type": "#microsoft.graph.user", "id": ...}`` that the emulator
    resolves. ``planted`` names the deliberate problems per kind (for analyses' tests).
    """

    tenant_id: str
    domain: str
    display_name: str
    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    setting_definitions: list[dict[str, Any]] = field(default_factory=list)
    operators: list[Operator] = field(default_factory=list)
    # Time-bound roles (PIM): eligible ones grant nothing until activated (``emulator/tenants/pim.py``).
    role_schedules: list[RoleSchedule] = field(default_factory=list)
    audit_events: list[dict[str, Any]] = field(default_factory=list)
    # Intune audit events from before the emulator started (served before ``audit_events``, which
    # holds what was written through the emulator since).
    audit_history: list[dict[str, Any]] = field(default_factory=list)
    planted: dict[str, list[str]] = field(default_factory=dict)
    # Whether the demo starts with admin consent to the product's apps (a GDAP customer may not).
    consented: bool = True
    # ``GET /organization``: the tenant's name and verified domains (kept apart from ``objects``,
    # which hold what the product collects).
    organization: list[dict[str, Any]] = field(default_factory=list)

    def count(self) -> int:
        """Number of top-level objects across all types."""
        return sum(len(v) for v in self.objects.values())
