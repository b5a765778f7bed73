"""From a partner's GDAP data to its customers: status, roles, modules, and why one is unusable.

Pure: ``assess`` reads ``GdapData`` (what Graph answered), the per-customer ``CustomerAccess``
(what Entra answered) and the registry's records, and decides. The rules follow Entra's: only an
``active`` relationship grants access; an access assignment grants its roles (or the
relationship's when it names none, limited to the relationship's) to the direct members of its
security group; nested groups do not count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from intune_assistant.catalog.modules import READ_MODULES, WRITE_MODULES, module_words
from intune_assistant.identity.roles import (
    GLOBAL_READER,
    INTUNE_ADMINISTRATOR,
    INTUNE_READ_ROLE_IDS,
    INTUNE_WRITE_ROLE_IDS,
    role_name,
)
from intune_assistant.tenants import TenantRecord

from .model import Consent, Customer, CustomerAccess, Grant, ModuleFit, Problem, Relationship
from .read import GdapData

PARTNER_CENTER = "Partner Center (Customers → Admin relationships)"


def _role_ids(details: Any) -> tuple[str, ...]:
    roles = details.get("unifiedRoles") if isinstance(details, Mapping) else None
    found: list[str] = []
    for role in roles if isinstance(roles, list) else []:
        rid = role.get("roleDefinitionId") if isinstance(role, Mapping) else None
        if isinstance(rid, str) and rid.lower() not in found:
            found.append(rid.lower())
    return tuple(found)


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _relationship(raw: Mapping[str, Any], assignments: list[dict[str, Any]], data: GdapData) -> Relationship:
    allowed = _role_ids(raw.get("accessDetails"))
    grants: list[Grant] = []
    for assignment in assignments:
        if assignment.get("status", "active") != "active":
            continue
        container = assignment.get("accessContainer")
        group_id = str(container.get("accessContainerId", "")).lower() if isinstance(container, Mapping) else ""
        if not group_id:
            continue
        roles = tuple(r for r in (_role_ids(assignment.get("accessDetails")) or allowed) if r in allowed)
        grants.append(
            Grant(
                group_id=group_id,
                group_name=data.group_names.get(group_id, data.group_names.get(group_id.upper(), group_id)),
                roles=roles,
                role_names=tuple(role_name(r) for r in roles),
                yours=data.user_groups is not None and group_id in data.user_groups,
            )
        )
    return Relationship(
        id=str(raw.get("id", "")),
        name=str(raw.get("displayName", "")),
        status=str(raw.get("status", "unknown")),
        end=_when(raw.get("endDateTime")),
        grants=tuple(grants),
    )


def module_fits(roles: Iterable[str]) -> tuple[ModuleFit, ...]:
    """Per product module, whether ``roles`` (Entra role template ids) let Intune do what it needs."""
    held = {r.lower() for r in roles}
    reads = bool(held & INTUNE_READ_ROLE_IDS)
    writes = bool(held & INTUNE_WRITE_ROLE_IDS)
    fits = [
        ModuleFit(m, module_words(m).title, reads, "" if reads else f"needs {role_name(GLOBAL_READER)} or higher")
        for m in READ_MODULES
        if m != "msp"
    ]
    fits += [
        ModuleFit(m, module_words(m).title, writes, "" if writes else f"needs {role_name(INTUNE_ADMINISTRATOR)}")
        for m in WRITE_MODULES
    ]
    return tuple(fits)


def _problem(
    name: str,
    relationships: list[Relationship],
    roles: tuple[str, ...],
    access: CustomerAccess,
    user_known: bool,
) -> Problem | None:
    active = [r for r in relationships if r.status == "active"]
    if not active:
        ended = [r for r in relationships if r.status == "expired"]
        if ended:
            last = max((r.end for r in ended if r.end is not None), default=None)
            on = f" on {last:%Y-%m-%d}" if last is not None else ""
            return Problem(
                "expired",
                f"The GDAP relationship with {name} expired{on}, so Entra ID refuses every sign-in to it.",
                f"Request a new admin relationship in {PARTNER_CENTER} and have {name}'s Global "
                "Administrator approve it.",
            )
        states = ", ".join(sorted({r.status for r in relationships})) or "none"
        return Problem(
            "no-relationship",
            f"There is no active GDAP relationship with {name} (status: {states}).",
            f"Wait for {name} to approve the relationship, or request a new one in {PARTNER_CENTER}.",
        )
    if user_known and not roles:
        groups = ", ".join(sorted({g.group_name for r in active for g in r.grants})) or "no group"
        return Problem(
            "no-role",
            f"You are not a direct member of any security group assigned in the GDAP relationship with {name}.",
            f"Ask your partner administrator to add you to one of: {groups} (nested groups do not count).",
        )
    if user_known and not set(roles) & INTUNE_READ_ROLE_IDS:
        held = ", ".join(role_name(r) for r in roles)
        return Problem(
            "role-not-enough",
            f"Your GDAP roles in {name} ({held}) do not let Intune be read.",
            f"Ask your partner administrator to add {role_name(GLOBAL_READER)} or {role_name(INTUNE_ADMINISTRATOR)} "
            f"to the relationship's access assignment for your group in {PARTNER_CENTER}.",
        )
    if access.consent is Consent.MISSING:
        return no_consent_problem(name)
    return None


def no_consent_problem(name: str) -> Problem:
    """Why a customer without admin consent to the product's apps cannot be used, and the fix."""
    return Problem(
        "no-consent",
        f"{name} has not granted admin consent to Intune Assistant, so Entra ID issues no token for it.",
        f"Send the consent link to a Global Administrator of {name} (or open it yourself with a GDAP "
        "Cloud Application Administrator role there).",
    )


def assess(
    data: GdapData,
    access: Mapping[str, CustomerAccess],
    registry: Mapping[str, TenantRecord],
    *,
    partner_tenant_id: str,
    now: datetime,
) -> list[Customer]:
    """Every customer of the partner, sorted by name, with what decides whether it can be used.

    ``access`` is keyed by lower-case tenant id (missing: consent unknown); ``registry`` holds
    the registry's records of the customers' tenants by lower-case id.
    """
    by_tenant: dict[str, list[Relationship]] = {}
    names: dict[str, str] = {}
    for raw in data.relationships:
        customer = raw.get("customer")
        tenant = str(customer.get("tenantId", "")).lower() if isinstance(customer, Mapping) else ""
        if not tenant:
            continue
        names.setdefault(tenant, str(customer.get("displayName") or tenant) if isinstance(customer, Mapping) else "")
        relationship = _relationship(raw, data.assignments.get(str(raw.get("id", "")), []), data)
        by_tenant.setdefault(tenant, []).append(relationship)
    for raw in data.customers:
        tenant = str(raw.get("tenantId", "")).lower()
        if tenant and isinstance(raw.get("displayName"), str):
            names[tenant] = raw["displayName"]
    user_known = data.user_groups is not None
    found: list[Customer] = []
    for tenant, relationships in by_tenant.items():
        active = [r for r in relationships if r.status == "active"]
        roles = tuple(
            dict.fromkeys(role for r in active for g in r.grants if g.yours or not user_known for role in g.roles)
        )
        ends = [r.end for r in (active or relationships) if r.end is not None]
        end = max(ends) if ends else None
        days_left = (end - now).days if end is not None else None
        record = registry.get(tenant)
        customer_access = access.get(tenant, CustomerAccess(Consent.UNKNOWN, note="not checked"))
        name = names.get(tenant, tenant)
        found.append(
            Customer(
                tenant_id=tenant,
                name=name,
                relationships=tuple(relationships),
                status="active" if active else (relationships[0].status if relationships else "none"),
                end=end,
                days_left=days_left,
                roles=roles,
                role_names=tuple(role_name(r) for r in roles),
                modules=module_fits(roles),
                access=customer_access,
                problem=_problem(name, relationships, roles, customer_access, user_known),
                domain=record.domain if record is not None else customer_access.domain,
                onboarded=record is not None and record.managed_by == partner_tenant_id.lower(),
                managed_by_other=record is not None
                and record.managed_by is not None
                and record.managed_by != partner_tenant_id.lower(),
            )
        )
    return sorted(found, key=lambda c: (c.name.lower(), c.tenant_id))
