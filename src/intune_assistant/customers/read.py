"""Reading a partner tenant's GDAP data from Microsoft Graph (the only I/O of this package).

``read_gdap`` lists ``tenantRelationships/delegatedAdminRelationships`` (``$top=300``, Graph's
maximum, following nextLinks), each relationship's ``accessAssignments``, the
``delegatedAdminCustomers``, the names of the security groups assignments name and the groups
the signed-in user is a direct member of. It needs ``DelegatedAdminRelationship.Read.All`` and
``Group.Read.All`` in the partner tenant — and is never pointed at a customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from intune_assistant.graph import GraphClient
from intune_assistant.graph.errors import GraphError
from intune_assistant.graph.models import BatchRequest

RELATIONSHIPS = "tenantRelationships/delegatedAdminRelationships"
CUSTOMERS = "tenantRelationships/delegatedAdminCustomers"
# Graph's largest page for both lists ("$top supports up to 300 objects").
PAGE = {"$top": "300"}


class GdapUnreadable(Exception):
    """The partner's GDAP relationships could not be read; ``error`` says why."""

    def __init__(self, error: GraphError) -> None:
        super().__init__(error.describe())
        self.error = error


@dataclass
class GdapData:
    """What Graph answered in the partner tenant (in memory only)."""

    relationships: list[dict[str, Any]]
    # Per relationship id, its access assignments.
    assignments: dict[str, list[dict[str, Any]]]
    customers: list[dict[str, Any]]
    group_names: dict[str, str]
    # Groups the signed-in user is a direct member of (``None``: not read, e.g. the CLI's demo).
    user_groups: frozenset[str] | None
    # Parts that could not be read (assignments of a relationship, group names), as sentences.
    gaps: list[str] = field(default_factory=list)


async def read_gdap(client: GraphClient, user_id: str | None) -> GdapData:
    """The partner's relationships, their assignments, customers, group names and the user's groups.

    Raises ``GdapUnreadable`` when the relationships list itself cannot be read (no consent to the
    scope, a 403, Graph unreachable); a part below it that fails is recorded in ``gaps``.
    """
    listed = await client.list_all(RELATIONSHIPS, version="v1.0", params=PAGE)
    if listed.error is not None:
        raise GdapUnreadable(listed.error)
    relationships = listed.items
    ids = [str(r.get("id", "")) for r in relationships]
    results = await client.batch_list_all([f"{RELATIONSHIPS}/{rid}/accessAssignments" for rid in ids], version="v1.0")
    data = GdapData(relationships, {}, [], {}, None)
    for rid, result in zip(ids, results, strict=True):
        data.assignments[rid] = result.items
        if result.error is not None:
            data.gaps.append(f"Access assignments of relationship {rid}: {result.error.describe()}")
    customers = await client.list_all(CUSTOMERS, version="v1.0", params=PAGE)
    data.customers = customers.items
    if customers.error is not None:
        data.gaps.append(f"Customers: {customers.error.describe()}")
    group_ids = sorted(
        {
            str(a["accessContainer"]["accessContainerId"])
            for items in data.assignments.values()
            for a in items
            if isinstance(a.get("accessContainer"), dict) and a["accessContainer"].get("accessContainerId")
        }
    )
    answers = await client.batch(
        [BatchRequest("GET", f"groups/{gid}?$select=id,displayName") for gid in group_ids], version="v1.0"
    )
    for gid, answer in zip(group_ids, answers, strict=True):
        body = answer.body if answer.ok else None
        if isinstance(body, dict) and isinstance(body.get("displayName"), str):
            data.group_names[gid] = body["displayName"]
    if user_id:
        member_of = await client.list_all(
            f"users/{user_id}/memberOf", version="v1.0", params={"$select": "id", "$top": "999"}
        )
        if member_of.error is None:
            data.user_groups = frozenset(str(g.get("id", "")).lower() for g in member_of.items)
        else:
            data.gaps.append(f"Your group memberships: {member_of.error.describe()}")
    return data


async def read_default_domain(client: GraphClient) -> str | None:
    """The tenant's default verified domain (``GET /organization``), or ``None`` if unreadable."""
    answer = await client.request("GET", "organization", version="v1.0", params={"$select": "id,verifiedDomains"})
    body = answer.body if answer.ok else None
    values = body.get("value") if isinstance(body, dict) else None
    for org in values if isinstance(values, list) else []:
        domains = org.get("verifiedDomains") if isinstance(org, dict) else None
        for domain in domains if isinstance(domains, list) else []:
            if isinstance(domain, dict) and domain.get("isDefault") and isinstance(domain.get("name"), str):
                return str(domain["name"]).lower()
    return None
