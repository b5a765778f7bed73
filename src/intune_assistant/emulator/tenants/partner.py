"""The MSP's own tenant: a small directory, GDAP relationships and the customers they reach.

Every customer of the partner is described by a ``CustomerSpec``: how its relationship looks (full
Intune access, read-only, Directory Readers only, expired) and whether the customer has consented
to the product's apps. ``partner_customers(n)`` makes ``n`` varied specs with small tenants of
their own (the demo's three, or many for ``--customers N``); ``partner_tenant`` builds the partner
with one relationship per spec and the ``delegatedAdminCustomers`` Graph derives from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from .context import GRAPH, Ctx, Size
from .definitions import public_definitions
from .generator import generate_tenant, operators_for, tenant_id
from .ids import BASE_DATE, created_modified, guid, iso
from .model import GLOBAL_READER, INTUNE_ADMINISTRATOR, Operator, TenantData
from .people import build_users
from .planted import KINDS

Obj = dict[str, Any]
PARTNER_NAME = "Northwind Managed Services"
PARTNER_DOMAIN = "northwind-msp.onmicrosoft.com"
TECHNICIANS = "Northwind - Intune Technicians"
ESCALATION = "Northwind - Escalation Engineers"
DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"

Access = Literal["full", "read-only", "directory-only", "expired"]
# The roles each kind of relationship grants (Entra role template ids).
_ROLES: dict[Access, tuple[str, ...]] = {
    "full": (INTUNE_ADMINISTRATOR, GLOBAL_READER),
    "expired": (INTUNE_ADMINISTRATOR, GLOBAL_READER),
    "read-only": (GLOBAL_READER,),
    "directory-only": (DIRECTORY_READERS,),
}
# Names for generated customers (then "Customer 011", ...): the demo's three come first.
_NAMES = (
    ("Litware Inc.", "litware"),
    ("Adatum Corporation", "adatum"),
    ("Woodgrove Bank", "woodgrove"),
    ("Alpine Ski House", "alpineskihouse"),
    ("Wide World Importers", "wideworldimporters"),
    ("Coho Winery", "cohowinery"),
    ("Lamna Healthcare", "lamnahealthcare"),
    ("Relecloud", "relecloud"),
    ("Trey Research", "treyresearch"),
    ("Proseware", "proseware"),
)
# The cycle of varieties for generated customers: (access, consented, days until the end date).
_VARIETY: tuple[tuple[Access, bool, int], ...] = (
    ("expired", True, -370),
    ("full", False, 400),
    ("read-only", True, 300),
    ("full", True, 20),
    ("directory-only", True, 500),
    ("full", True, 600),
)


@dataclass(frozen=True)
class CustomerSpec:
    """How the partner relates to one customer tenant."""

    tenant_id: str
    display_name: str
    domain: str
    access: Access = "full"
    # Whether the customer granted admin consent to the product's apps (the demo pre-consents).
    consented: bool = True
    # Days from the tenants' "now" to the relationship's endDateTime (negative: in the past).
    ends_in_days: int = 530


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


def _relationship(ctx: Ctx, spec: CustomerSpec, group_ids: list[str], as_of: datetime) -> Obj:
    rng = ctx.rng(f"gdap/{spec.tenant_id}")
    end = as_of + timedelta(days=spec.ends_in_days)
    duration = 730
    created = iso(end - timedelta(days=duration))
    expired = spec.access == "expired"
    roles = [{"roleDefinitionId": r} for r in _ROLES[spec.access]]
    relationship_id = f"{guid(rng)}-{guid(rng)[:8]}"
    return {
        "@odata.type": GRAPH + "delegatedAdminRelationship",
        "id": relationship_id,
        "displayName": f"Northwind Intune support - {spec.display_name}",
        "customer": {"tenantId": spec.tenant_id, "displayName": spec.display_name},
        "accessDetails": {"unifiedRoles": roles},
        "status": "expired" if expired else "active",
        "duration": f"P{duration}D",
        "autoExtendDuration": "PT0S" if expired or spec.ends_in_days < 30 else "P180D",
        "createdDateTime": created,
        "activatedDateTime": created,
        "lastModifiedDateTime": iso(end) if expired else created,
        "endDateTime": iso(end),
        # Entra keeps an expired relationship's assignments; its status alone ends the access.
        "accessAssignments": [
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


def _customer_object(spec: CustomerSpec) -> Obj:
    return {
        "@odata.type": GRAPH + "delegatedAdminCustomer",
        "id": spec.tenant_id,
        "tenantId": spec.tenant_id,
        "displayName": spec.display_name,
    }


def partner_customers(count: int, seed: int, *, as_of: datetime = BASE_DATE) -> list[tuple[CustomerSpec, TenantData]]:
    """``count`` varied customers of the partner, each with a small tenant of its own.

    The varieties cycle: expired relationship, no consent, read-only (Global Reader), full access
    ending within 30 days, Directory Readers only (not enough for any module), full access.
    """
    if count < 0:
        raise ValueError("the number of customers cannot be negative")
    found: list[tuple[CustomerSpec, TenantData]] = []
    for index in range(count):
        name, label = _NAMES[index] if index < len(_NAMES) else (f"Customer {index + 1:03}", f"customer{index + 1:03}")
        domain = f"{label}.onmicrosoft.com"
        access, consented, ends = _VARIETY[index % len(_VARIETY)]
        spec = CustomerSpec(tenant_id(domain), name, domain, access, consented, ends)
        tenant = generate_tenant("small", name, domain, seed + 100 + index, as_of=as_of)
        tenant.consented = consented
        found.append((spec, tenant))
    return found


def partner_tenant(customers: list[CustomerSpec], seed: int, *, as_of: datetime = BASE_DATE) -> TenantData:
    """The partner tenant with one GDAP relationship per customer in ``customers``.

    Both security groups (technicians and escalation engineers, whose members include the first
    admin) are assigned in every relationship. ``delegatedAdminCustomers`` lists the customers with
    an active relationship (Graph removes a customer once no relationship is active).
    """
    ctx = Ctx(
        seed, PARTNER_DOMAIN, PARTNER_NAME, tenant_id(PARTNER_DOMAIN), Size(users=14, devices=0, groups=3, objects={})
    )
    users = build_users(ctx)
    users[3]["accountEnabled"] = False
    technician = users[5]
    technician["jobTitle"], technician["department"] = "Intune Technician", "Managed Services"
    technicians = _group(ctx, TECHNICIANS, [technician, users[6], users[7]])
    escalation = _group(ctx, ESCALATION, [users[0], users[8]])
    staff = _group(ctx, "Northwind - All Staff", users)
    relationships = [_relationship(ctx, c, [technicians["id"], escalation["id"]], as_of) for c in customers]
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
            "gdapCustomers": [_customer_object(c) for c in customers if c.access != "expired"],
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


__all__ = ["Access", "CustomerSpec", "partner_customers", "partner_tenant"]
