"""What each JSON API operation answers (200), as pydantic models: the OpenAPI document's schemas.

The routes build their JSON with the same serializers the CLI's ``--json`` uses and return it as
it is; these models describe that JSON (``response_model`` documents, it does not convert).
``tests/web/test_web_api.py`` calls every operation and validates each answer against its schema,
so a model that drifts from the JSON fails there. Where the analyses' own dataclasses are what is
serialized (assignments, troubleshoot, plans), the models name them and pydantic derives their
schema; hand-built JSON gets its own model here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from intune_assistant.analyses.assignments import PolicyAssignments, TypeGap
from intune_assistant.analyses.troubleshoot import EffectiveAssignments, ResultantSettings
from intune_assistant.analyses.troubleshoot import WhatIf as TroubleshootWhatIf
from intune_assistant.changes.model import Plan

from .api_schema import Paging


class Me(BaseModel):
    """Who the token belongs to."""

    tenant_id: str
    display_name: str
    username: str
    partner_technician: bool = Field(description="A partner's technician working in a customer tenant (GDAP)")


class Ready(BaseModel):
    """The tenant's data was read: the answer is ready."""

    status: Literal["ready"]
    taken_at: str = Field(description="When the tenant was read (ISO 8601)")


class UnknownType(BaseModel):
    """A configuration type that could not be read, and why (a missing role names it)."""

    type: str
    status: str
    reason: str
    cause: str
    kind: str = Field(description="Why: missing_role, missing_scope, not_licensed, … or not_collected")
    request_id: str | None


class Policies(Ready):
    """Every configuration object as the Policies page lists it (its columns by name)."""

    columns: list[str]
    rows: list[dict[str, str]]
    unknown_types: list[UnknownType]


class Settings(Ready):
    """Every matching setting (where is a setting configured)."""

    columns: list[str]
    matched: int
    rows: list[dict[str, str]]


class Assignments(Ready):
    """Every assignment of every object, filtered as asked; what could not be read."""

    policies: list[PolicyAssignments]
    gaps: list[TypeGap]


class Troubleshoot(Ready):
    """Verdicts with their reasons for a user and/or device, and the device's resultant settings."""

    effective: EffectiveAssignments | None
    resultant: ResultantSettings | None
    what_if: TroubleshootWhatIf | None


class Comparison(Ready):
    """The tenant against a baseline: counts, scores, every object's and setting's status."""

    kind: str
    aligned: bool
    left: dict[str, Any]
    right: dict[str, Any]
    counts: dict[str, int]
    scores: list[dict[str, Any]]
    not_compared: list[Any]
    options: dict[str, Any]
    baseline_settings: list[dict[str, Any]]
    objects: list[dict[str, Any]]


class NotRead(BaseModel):
    """A type that could not be read, in words."""

    type: str
    reason: str


class Finding(BaseModel):
    """A problem found in the roles or the Conditional Access policies."""

    model_config = ConfigDict(extra="allow")

    finding: str
    reason: str


class Roles(BaseModel):
    """Intune and Entra roles: definitions, assignments, who holds what, findings."""

    status: Literal["ready"]
    tenant: str
    roles: list[dict[str, Any]]
    assignments: list[dict[str, Any]]
    grants: list[dict[str, Any]]
    findings: list[Finding]
    not_read: list[NotRead]
    audit_read: bool


class CaPolicy(BaseModel):
    """One Conditional Access policy in words."""

    id: str
    name: str
    state: str
    users: str
    target_resources: str
    conditions: str
    grant: str
    session: str
    modified: str | None


class ConditionalAccess(BaseModel):
    """Every Conditional Access policy in words and the gaps found."""

    status: Literal["ready"]
    tenant: str
    policies: list[CaPolicy]
    findings: list[Finding]
    not_read: list[NotRead]


class SignIn(BaseModel):
    """The sign-in the what-if evaluated (null: not said)."""

    user: str
    app: str | None
    platform: str | None
    location: str | None
    client_app: str | None
    roles: list[str] | None
    user_risk: str | None
    sign_in_risk: str | None


class Verdict(BaseModel):
    """One policy's verdict for the sign-in."""

    policy: str
    policy_id: str
    state: str
    verdict: str
    label: str
    controls: Any
    reasons: list[str]


class WhatIf(BaseModel):
    """Which Conditional Access policies apply to a sign-in, and the combined result."""

    status: Literal["ready"]
    tenant: str
    sign_in: SignIn
    access: str
    reason: str
    policies: list[Verdict]
    report_only: list[str]
    notes: list[str]
    not_read: list[NotRead]


class DeviceFinding(BaseModel):
    """Why a device is listed among the findings."""

    kind: str
    reason: str


class Device(BaseModel):
    """A managed device: the Devices page's columns by name, its id and findings."""

    model_config = ConfigDict(extra="allow")

    id: str
    findings: list[DeviceFinding]


class Devices(BaseModel):
    """Managed devices (a page of them) with findings."""

    status: Literal["ready", "not_read"]
    taken_at: str
    unread: str | None = Field(description="Why the devices could not be read")
    partial: str | None = Field(description="Why the list may be incomplete")
    paging: Paging
    devices: list[Device]


class AuditObject(BaseModel):
    """An object an audit event or change names."""

    id: str | None
    name: str | None
    type: str | None
    key: str | None


class AuditEvent(BaseModel):
    """One Intune audit event."""

    id: str
    when: str | None
    actor: str
    app: str
    activity: str
    operation: str
    result: str
    category: str
    objects: list[AuditObject]
    correlation_id: str | None


class Changed(BaseModel):
    """An object changed in the range: how often, last when, by whom."""

    id: str | None
    name: str | None
    type: str | None
    key: str | None
    changes: int
    last: str | None
    actors: list[str]
    deleted: bool
    failed: int = Field(description="How many of the changes failed")


class Audit(BaseModel):
    """Audit events of the range (a page of them) and the objects changed."""

    status: Literal["ready"]
    since: str
    days: int
    paging: Paging
    events: list[AuditEvent]
    changed: list[Changed]


class Planned(BaseModel):
    """A plan, with its sealed document to apply it (null when the module is not active or nothing changes)."""

    status: Literal["ready"]
    plan: Plan
    document: str | None
    can_apply: bool


class BulkEditPlanned(Planned):
    """A bulk edit's plan; a delete's ``confirm`` phrase must be sent back to apply it."""

    confirm: str | None


class ItemResult(BaseModel):
    """What happened to one item of the plan."""

    key: str
    type_key: str
    id: str
    name: str
    status: str
    reason: str
    requests: int


class Applied(BaseModel):
    """Every item's result and the backup taken before the first write (a snapshot zip, base64)."""

    counts: dict[str, int]
    results: list[ItemResult]
    backup_zip_base64: str | None


class CustomerGroup(BaseModel):
    """A GDAP security group of the relationship."""

    id: str
    name: str
    roles: list[str]
    yours: bool


class CustomerModule(BaseModel):
    """Whether the relationship's roles are enough for a module."""

    module: str
    enough: bool
    missing: Any


class CustomerProblem(BaseModel):
    """Why a customer cannot be worked in, and the fix."""

    code: str
    reason: str
    fix: str


class Customer(BaseModel):
    """A GDAP customer of the partner tenant."""

    tenant_id: str
    name: str
    domain: str | None
    status: str
    end: str | None
    days_left: int | None
    expiring: bool
    roles: list[str]
    groups: list[CustomerGroup]
    modules: list[CustomerModule]
    consent: str
    consent_url: str | None
    onboarded: bool
    usable: bool
    problem: CustomerProblem | None


class Customers(BaseModel):
    """The partner's customers, and what could not be read."""

    customers: list[Customer]
    gaps: list[str]


class ReportKind(BaseModel):
    """A cross-tenant report: its name (for ``/reports/{name}``), title and columns."""

    name: str
    title: str
    description: str
    columns: list[str]


class ReportCustomer(BaseModel):
    """A customer a report can run over."""

    tenant_id: str
    name: str
    domain: str | None
    onboarded: bool


class Reports(BaseModel):
    """The cross-tenant reports, the built-in baselines, and the partner's customers."""

    reports: list[ReportKind]
    baselines: list[str]
    customers: list[ReportCustomer]


class ReportTenant(BaseModel):
    """One customer's outcome of a report: its state and rows (the report's columns)."""

    tenant_id: str
    name: str
    domain: str | None
    state: str
    reason: str
    fix: str
    seconds: float
    requests: int
    rows: list[list[Any]]
