"""The MSP's own tenant: a small directory and GDAP relationships to its customers."""

from __future__ import annotations

from typing import Any

from .context import GRAPH, Ctx, Size
from .definitions import public_definitions
from .generator import operators_for, tenant_id
from .ids import created_modified, days_after, days_before, guid, stable_guid
from .model import INTUNE_ADMINISTRATOR, Operator, TenantData
from .people import build_users
from .planted import KINDS

Obj = dict[str, Any]
PARTNER_NAME = "Northwind Managed Services"
PARTNER_DOMAIN = "northwind-msp.onmicrosoft.com"
TECHNICIANS = "Northwind - Intune Technicians"
# Entra role template ids granted through GDAP besides Intune Administrator.
_GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"


def _group(ctx: Ctx, name: str, members: list[Obj]) -> Obj:
    rng = ctx.rng(f"group/{name}")
    created, _ = created_modified(rng)
    return {
        "@odata.type": GRAPH + "group",
        "id": guid(rng),
        "displayName": name,
        "description": "Security group used in GDAP access assignments.",
        "mailEnabled": False,
        "mailNickname": "".join(c for c in name.lower() if c.isalnum()),
        "securityEnabled": True,
        "groupTypes": [],
        "membershipRule": None,
        "membershipRuleProcessingState": None,
        "createdDateTime": created,
        "members": [{"@odata.type": GRAPH + "user", "id": u["id"]} for u in members],
    }


def _relationship(ctx: Ctx, customer: tuple[str, str], group_ids: list[str], *, expired: bool = False) -> Obj:
    rng = ctx.rng(f"gdap/{customer[0]}")
    created = days_before(1100 if expired else 200)
    roles = [{"roleDefinitionId": INTUNE_ADMINISTRATOR}, {"roleDefinitionId": _GLOBAL_READER}]
    relationship_id = f"{guid(rng)}-{guid(rng)[:8]}"
    return {
        "@odata.type": GRAPH + "delegatedAdminRelationship",
        "id": relationship_id,
        "displayName": f"Northwind Intune support - {customer[1]}",
        "customer": {"tenantId": customer[0], "displayName": customer[1]},
        "accessDetails": {"unifiedRoles": roles},
        "status": "expired" if expired else "active",
        "duration": "P730D",
        "autoExtendDuration": "PT0S" if expired else "P180D",
        "createdDateTime": created,
        "activatedDateTime": created,
        "lastModifiedDateTime": created,
        "endDateTime": days_before(370) if expired else days_after(530),
        "accessAssignments": []
        if expired
        else [
            {
                "id": guid(rng),
                "status": "active",
                "createdDateTime": created,
                "lastModifiedDateTime": created,
                "accessContainer": {"accessContainerId": g, "accessContainerType": "securityGroup"},
                "accessDetails": {"unifiedRoles": roles},
            }
            for g in group_ids
        ],
    }


def partner_tenant(customers: list[tuple[str, str]], seed: int) -> TenantData:
    """The partner tenant with active relationships to ``customers`` (tenant id, name) and one expired."""
    ctx = Ctx(
        seed, PARTNER_DOMAIN, PARTNER_NAME, tenant_id(PARTNER_DOMAIN), Size(users=14, devices=0, groups=3, objects={})
    )
    users = build_users(ctx)
    users[3]["accountEnabled"] = False
    technician = users[5]
    technician["jobTitle"], technician["department"] = "Intune Technician", "Managed Services"
    technicians = _group(ctx, TECHNICIANS, [technician, users[6], users[7]])
    escalation = _group(ctx, "Northwind - Escalation Engineers", [users[0], users[8]])
    staff = _group(ctx, "Northwind - All Staff", users)
    relationships = [_relationship(ctx, c, [technicians["id"], escalation["id"]]) for c in customers]
    relationships.append(
        _relationship(ctx, (stable_guid("tenant", "litware.onmicrosoft.com"), "Litware Inc."), [], expired=True)
    )
    scope = [
        {
            "@odata.type": GRAPH + "roleScopeTag",
            "id": "0",
            "displayName": "Default",
            "description": "Built-in scope tag.",
            "isBuiltIn": True,
            "assignments": [],
        }
    ]
    operators = operators_for(users)
    upns = {u["id"]: u["userPrincipalName"] for u in users}
    operators.append(Operator(technician["id"], technician["userPrincipalName"], technician["displayName"], "none"))
    return TenantData(
        tenant_id=ctx.tenant_id,
        domain=PARTNER_DOMAIN,
        display_name=PARTNER_NAME,
        objects={
            "users": users,
            "groups": [technicians, escalation, staff],
            "gdapRelationships": relationships,
            "scopeTags": scope,
        },
        setting_definitions=public_definitions(),
        operators=operators,
        # Partner accounts holding customer roles only through GDAP (the active relationships' groups).
        planted={
            **{k: [] for k in KINDS},
            "gdapOnly": sorted({upns[m["id"]] for group in (technicians, escalation) for m in group["members"]}),
        },
    )
