"""The Customers analysis over Graph-shaped GDAP data: Entra's access rules, roles → modules,
end dates, and one reason with its fix for each customer that cannot be used."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from intune_assistant.customers.assess import assess, module_fits
from intune_assistant.customers.model import Consent, CustomerAccess
from intune_assistant.customers.read import GdapData
from intune_assistant.identity.roles import DIRECTORY_READERS, GLOBAL_READER, INTUNE_ADMINISTRATOR

NOW = datetime(2026, 12, 7, tzinfo=UTC)
PARTNER = "00000000-0000-4000-8000-00000000000a"
TECHS, OTHERS, PARENT = "group-techs", "group-others", "group-parent"


def _relationship(
    tenant: str, status: str = "active", roles: tuple[str, ...] = (INTUNE_ADMINISTRATOR,), ends_in: int = 300
) -> dict[str, Any]:
    return {
        "id": f"rel-{tenant}-{status}",
        "displayName": f"support {tenant}",
        "customer": {"tenantId": tenant, "displayName": tenant.title()},
        "accessDetails": {"unifiedRoles": [{"roleDefinitionId": r} for r in roles]},
        "status": status,
        "endDateTime": (NOW + timedelta(days=ends_in)).isoformat().replace("+00:00", "Z"),
    }


def _assignment(group: str, roles: tuple[str, ...] = (), status: str = "active") -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": f"a-{group}",
        "status": status,
        "accessContainer": {"accessContainerId": group, "accessContainerType": "securityGroup"},
    }
    if roles:
        found["accessDetails"] = {"unifiedRoles": [{"roleDefinitionId": r} for r in roles]}
    return found


def _data(
    relationships: list[dict[str, Any]],
    assignments: dict[str, list[dict[str, Any]]],
    user_groups: frozenset[str] | None = frozenset({TECHS}),
) -> GdapData:
    names = {TECHS: "Technicians", OTHERS: "Others", PARENT: "Parent"}
    return GdapData(relationships, assignments, [], names, user_groups)


def _one(data: GdapData, consent: Consent = Consent.GRANTED) -> Any:
    tenant = data.relationships[0]["customer"]["tenantId"]
    access = {tenant: CustomerAccess(consent, domain=f"{tenant}.example")}
    [customer] = assess(data, access, {}, partner_tenant_id=PARTNER, now=NOW)
    return customer


def test_a_full_relationship_through_your_group_is_usable_with_every_module() -> None:
    rel = _relationship("contoso", roles=(INTUNE_ADMINISTRATOR, GLOBAL_READER))
    customer = _one(_data([rel], {rel["id"]: [_assignment(TECHS)]}))
    assert customer.usable and customer.can_onboard and customer.domain == "contoso.example"
    assert customer.role_names == ("Intune Administrator", "Global Reader")
    assert all(m.enough for m in customer.modules)
    assert [(g.group_name, g.yours) for g in customer.groups] == [("Technicians", True)]


def test_an_assignment_grants_only_its_roles_within_the_relationships() -> None:
    rel = _relationship("contoso", roles=(GLOBAL_READER,))
    # The assignment names Intune Administrator too, which the relationship does not grant.
    customer = _one(_data([rel], {rel["id"]: [_assignment(TECHS, (INTUNE_ADMINISTRATOR, GLOBAL_READER))]}))
    assert customer.roles == (GLOBAL_READER,)
    writes = {m.module: m for m in customer.modules if m.module == "bulk-assign"}
    assert not writes["bulk-assign"].enough and writes["bulk-assign"].missing == "needs Intune Administrator"
    assert all(m.enough for m in customer.modules if m.module in ("inventory", "document", "compare"))


def test_expired_and_pending_relationships_explain_themselves() -> None:
    expired = _relationship("litware", status="expired", ends_in=-10)
    customer = _one(_data([expired], {expired["id"]: [_assignment(TECHS)]}))
    assert customer.problem.code == "expired" and "2026-11-27" in customer.problem.reason
    assert "Partner Center" in customer.problem.fix and not customer.can_onboard
    pending = _relationship("adatum", status="approvalPending")
    assert _one(_data([pending], {pending["id"]: [_assignment(TECHS)]})).problem.code == "no-relationship"


def test_nested_groups_and_inactive_assignments_grant_nothing() -> None:
    rel = _relationship("contoso")
    # The user is in TECHS; PARENT contains TECHS, but GDAP does not follow nesting.
    customer = _one(_data([rel], {rel["id"]: [_assignment(PARENT), _assignment(TECHS, status="deleting")]}))
    assert customer.problem.code == "no-role" and "Parent" in customer.problem.fix
    assert customer.roles == ()


def test_roles_that_cannot_read_intune_and_missing_consent() -> None:
    readers = _relationship("wideworld", roles=(DIRECTORY_READERS,))
    customer = _one(_data([readers], {readers["id"]: [_assignment(TECHS)]}))
    assert customer.problem.code == "role-not-enough" and "Directory Readers" in customer.problem.reason
    rel = _relationship("adatum")
    no_consent = _one(_data([rel], {rel["id"]: [_assignment(TECHS)]}), Consent.MISSING)
    assert no_consent.problem.code == "no-consent" and "consent link" in no_consent.problem.fix


def test_end_dates_warn_under_thirty_days_and_the_latest_active_one_counts() -> None:
    soon = _relationship("contoso", ends_in=20)
    later = dict(_relationship("contoso", ends_in=400), id="rel-later")
    customer = _one(_data([soon], {soon["id"]: [_assignment(TECHS)]}))
    assert customer.expiring and customer.days_left == 20 and customer.usable
    both = _one(_data([soon, later], {soon["id"]: [_assignment(TECHS)], "rel-later": [_assignment(TECHS)]}))
    assert not both.expiring and both.days_left == 400


def test_without_the_users_groups_every_granted_role_counts() -> None:
    rel = _relationship("contoso")
    customer = _one(_data([rel], {rel["id"]: [_assignment(OTHERS)]}, user_groups=None))
    assert customer.usable and customer.roles == (INTUNE_ADMINISTRATOR,)


def test_module_fits_name_the_missing_role() -> None:
    fits = {m.module: m for m in module_fits(())}
    assert fits["inventory"].missing == "needs Global Reader or higher"
    assert not any(m.enough for m in fits.values())
