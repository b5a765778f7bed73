"""RBAC analyzer over the collected demo tenants (each planted finding found, with its reason) and
over hand-made snapshots (unknown kept apart from "no", groups through nesting, GDAP sign-ins)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.integration.conftest import collect_demo

from intune_assistant.analyses.roles import (
    RBAC_TYPES,
    AuditLog,
    FindingKind,
    RbacReport,
    Source,
    Status,
    gdap_grants,
    rbac_report,
    technician_grants,
)
from intune_assistant.catalog.records import DIRECTORY_ROLES_READ, RBAC_READ
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus

GA = "62e90394-69f5-4237-9190-012177145e10"
INTUNE_ADMIN = "3a2c62db-5318-420d-8d74-23affee5d9d5"
GDAP_INDICATOR = "08372b87-7d02-482a-9e02-fb03ea5fe193"


@pytest.fixture(scope="module")
def demo() -> DemoTenancy:
    return build_demo(["contoso", "fabrikam", "partner"])


@pytest.fixture(scope="module")
def partner(demo: DemoTenancy) -> Snapshot:
    scopes = (*demo.catalog.read_scopes(), *demo.catalog.partner_scopes())
    types = ["gdapRelationships", "users", "groups"]
    snapshot, _ = asyncio.run(collect_demo(demo, "partner", types=types, scopes=scopes))
    return snapshot


def collected(demo: DemoTenancy, name: str, *, token: str | None = None) -> Snapshot:
    # Scope tags label objects of these types; the report counts them.
    types = [*RBAC_TYPES, "auditEvents", "deviceConfigurations", "mobileApps", "settingsCatalog"]
    snapshot, _ = asyncio.run(collect_demo(demo, name, types=types, token=token))
    return snapshot


@pytest.fixture(scope="module", params=["contoso", "fabrikam"])
def tenant_report(request: Any, demo: DemoTenancy, partner: Snapshot) -> tuple[RbacReport, dict[str, list[str]]]:
    name = request.param
    tenant = demo.tenants[name]
    report = rbac_report(collected(demo, name), gdap=gdap_grants(partner, tenant.tenant_id))
    return report, tenant.planted


def subjects(report: RbacReport, kind: FindingKind) -> list[str]:
    return sorted(f.subject for f in report.found(kind))


def test_many_global_admins_is_found_with_the_count_and_the_accounts(tenant_report: Any) -> None:
    report, planted = tenant_report
    assert subjects(report, FindingKind.MANY_GLOBAL_ADMINS) == planted["manyGlobalAdmins"] == ["Global Administrator"]
    (finding,) = report.found(FindingKind.MANY_GLOBAL_ADMINS)
    holders = [g for g in report.grants if g.role == "Global Administrator" and g.source is Source.ENTRA]
    assert f"{len(holders)} accounts hold Global Administrator" in finding.reason and len(holders) == 6
    assert "fewer than 5" in finding.reason and "break.glass@" in finding.reason


def test_the_intune_administrator_who_only_reads_is_found_from_the_audit_log(tenant_report: Any) -> None:
    report, planted = tenant_report
    assert report.audit_read
    assert subjects(report, FindingKind.READ_ONLY_ADMIN) == planted["readOnlyAdmins"]
    (finding,) = report.found(FindingKind.READ_ONLY_ADMIN)
    assert "all reads (Get BitLockerRecoveryKey)" in finding.reason and "Read Only Operator" in finding.reason
    # The other Intune Administrators changed something: neither found nor unknown.
    assert not [f for f in report.findings if f.kind is FindingKind.READ_ONLY_ADMIN and f.status is Status.UNKNOWN]


def test_an_intune_administrator_who_is_also_in_a_scoped_intune_role_is_a_narrower_fit(tenant_report: Any) -> None:
    report, planted = tenant_report
    assert subjects(report, FindingKind.NARROWER_ROLE_FITS) == planted["narrowerRoleFits"]
    (finding,) = report.found(FindingKind.NARROWER_ROLE_FITS)
    scoped = [g for g in report.grants_of(str(finding.subject_id)) if g.source is Source.INTUNE]
    assert scoped and all(g.role in finding.reason for g in scoped)
    assert "Intune Administrator" in finding.reason and "remove Intune Administrator" in finding.reason


def test_a_scope_tag_no_role_assignment_uses_limits_nothing(tenant_report: Any) -> None:
    report, planted = tenant_report
    assert subjects(report, FindingKind.IDLE_SCOPE_TAG) == planted["idleScopeTags"] == ["Kiosk"]
    used = {tag for row in report.assignments for tag in row.scope_tags}
    assert "Kiosk" not in used and {"EU Devices", "US Devices", "Finance"} <= used
    (finding,) = report.found(FindingKind.IDLE_SCOPE_TAG)
    assert "limits no admin's view" in finding.reason


def test_a_role_assigned_to_an_empty_group_is_found(tenant_report: Any) -> None:
    report, planted = tenant_report
    assert subjects(report, FindingKind.EMPTY_ROLE_GROUP) == planted["emptyRoleGroups"]
    (finding,) = report.found(FindingKind.EMPTY_ROLE_GROUP)
    assert "Member group 'Legacy VPN Users' has no users: the role reaches no one" in finding.reason


def test_partner_accounts_hold_roles_only_through_gdap(tenant_report: Any, demo: DemoTenancy) -> None:
    report, _ = tenant_report
    expected = demo.tenants["partner"].planted["gdapOnly"]
    assert subjects(report, FindingKind.GDAP_ONLY) == expected
    for finding in report.found(FindingKind.GDAP_ONLY):
        assert "Intune Administrator" in finding.reason and "Northwind Intune support" in finding.reason


def test_who_can_do_what_names_roles_groups_scope_and_tags(tenant_report: Any) -> None:
    report, _ = tenant_report
    helpdesk = next(r for r in report.assignments if r.role == "Help Desk Operator")
    assert helpdesk.built_in is True and helpdesk.scope.startswith("Scope groups: ")
    assert helpdesk.scope_tags == ("EU Devices",) and all(g.users for g in helpdesk.members)
    grants = [g for g in report.grants if g.role == "Help Desk Operator"]
    assert grants and all(helpdesk.name in g.via and g.scope_tags == ("EU Devices",) for g in grants)
    custom = next(r for r in report.roles if r.source is Source.INTUNE and not r.built_in)
    assert custom.permissions and custom.holders > 0
    assert {r.name for r in report.roles if r.source is Source.ENTRA} >= {
        "Global Administrator",
        "Intune Administrator",
    }


def test_without_the_rbac_scopes_every_finding_is_unknown_and_names_the_scope(demo: DemoTenancy) -> None:
    scopes = [s for s in demo.catalog.read_scopes() if s not in (RBAC_READ, DIRECTORY_ROLES_READ)]
    report = rbac_report(collected(demo, "contoso", token=demo.token("contoso", scopes=scopes)), gdap=())
    assert not report.found()
    unknown = {f.kind: f.reason for f in report.unknown()}
    assert set(unknown) == set(FindingKind) - {FindingKind.GDAP_ONLY}
    assert RBAC_READ in unknown[FindingKind.EMPTY_ROLE_GROUP]
    assert DIRECTORY_ROLES_READ in unknown[FindingKind.MANY_GLOBAL_ADMINS]
    unreadable = {k for k in RBAC_TYPES if not demo.catalog[k].accepts_read(frozenset(scopes))}
    assert {"roleDefinitions", "roleAssignments", "directoryRoles"} <= unreadable
    assert {g.type_key for g in report.gaps} == unreadable


# -- hand-made snapshots ---------------------------------------------------------------------

NOW = datetime(2026, 3, 10, tzinfo=UTC)


def user(uid: str) -> dict[str, Any]:
    return {"id": uid, "displayName": uid.title(), "userPrincipalName": f"{uid}@contoso.example"}


def ref(kind: str, oid: str) -> dict[str, str]:
    return {"@odata.type": f"#microsoft.graph.{kind}", "id": oid}


def snapshot_of(objects: dict[str, list[dict[str, Any]]], **results: TypeResult) -> Snapshot:
    done = {k: TypeResult(k, TypeStatus.OK, len(v), 0.0) for k, v in objects.items()}
    return Snapshot(TenantInfo("t", "contoso.example", "Contoso"), "emulator", NOW, objects, {**done, **results})


def base_objects() -> dict[str, list[dict[str, Any]]]:
    return {
        "users": [user("ann"), user("bob"), user("cid")],
        "groups": [
            {"id": "admins", "displayName": "Role-assignable admins", "members": [ref("user", "bob")]},
            {"id": "outer", "displayName": "Helpdesk", "members": [ref("group", "inner")]},
            {"id": "inner", "displayName": "Helpdesk EU", "members": [ref("user", "cid")]},
        ],
        "roleDefinitions": [{"id": "hd", "displayName": "Help Desk Operator", "isBuiltIn": True}],
        "roleAssignments": [
            {
                "id": "a1",
                "displayName": "Helpdesk - all devices",
                "members": ["outer"],
                "scopeType": "allDevices",
                "resourceScopes": [],
                "roleScopeTagIds": ["0"],
                "roleDefinition": {"id": "hd"},
            }
        ],
        "scopeTags": [{"id": "0", "displayName": "Default", "isBuiltIn": True}],
        "directoryRoles": [
            {
                "id": "r1",
                "roleTemplateId": INTUNE_ADMIN,
                "members": [ref("user", "ann"), ref("group", "admins"), ref("user", "cid")],
            }
        ],
    }


def test_roles_reach_users_through_nested_groups_and_role_assignable_groups() -> None:
    report = rbac_report(snapshot_of(base_objects()), gdap=())
    by_account = {(g.account, g.role): g for g in report.grants}
    nested = by_account[("cid@contoso.example", "Help Desk Operator")]
    assert nested.via == "'Helpdesk - all devices' through group 'Helpdesk'" and nested.scope == "All devices"
    assert by_account[("bob@contoso.example", "Intune Administrator")].via == (
        "Entra role through group 'Role-assignable admins'"
    )
    # cid holds Intune Administrator (Entra) and a scoped Intune role: a narrower one fits.
    assert subjects(report, FindingKind.NARROWER_ROLE_FITS) == ["cid@contoso.example"]
    # No audit log read: whether an Intune Administrator only reads is unknown, never "no".
    unknown = [f for f in report.findings if f.kind is FindingKind.READ_ONLY_ADMIN]
    assert {f.status for f in unknown} == {Status.UNKNOWN} and len(unknown) == 3
    assert all("audit log wasn't read" in f.reason for f in unknown)


def test_audit_events_decide_who_only_reads() -> None:
    def event(uid: str, operation: str) -> dict[str, Any]:
        actor = {"userId": uid, "userPrincipalName": f"{uid}@contoso.example"}
        return {"actor": actor, "activityOperationType": operation, "activityType": f"{operation} Thing"}

    audit = AuditLog([event("ann", "Get"), event("bob", "Patch"), event("bob", "Get")], "the last 30 days")
    report = rbac_report(snapshot_of(base_objects()), audit=audit, gdap=())
    found = {f.subject: f.reason for f in report.found(FindingKind.READ_ONLY_ADMIN)}
    assert set(found) == {"ann@contoso.example", "cid@contoso.example"}
    assert "1 audit events (the last 30 days), all reads (Get Thing)" in found["ann@contoso.example"]
    assert "no audit event at all (the last 30 days)" in found["cid@contoso.example"]


def test_a_deleted_member_group_reaches_no_one_and_unread_members_are_unknown() -> None:
    objects = base_objects()
    objects["roleAssignments"][0]["members"] = ["gone"]
    snapshot = snapshot_of(objects)
    snapshot.names.unresolved_groups.add("gone")
    (finding,) = rbac_report(snapshot, gdap=()).found(FindingKind.EMPTY_ROLE_GROUP)
    assert "no longer exists: the role reaches no one" in finding.reason
    objects = base_objects()
    objects["groups"][1]["members"] = None  # members not read
    report = rbac_report(snapshot_of(objects), gdap=())
    assert not report.found(FindingKind.EMPTY_ROLE_GROUP)
    (unknown,) = [f for f in report.unknown() if f.kind is FindingKind.EMPTY_ROLE_GROUP]
    assert "Can't tell whether member group 'Helpdesk'" in unknown.reason


def test_a_gdap_sign_in_shows_the_technicians_roles_and_none_without_gdap_data_is_unknown() -> None:
    grants = technician_grants("tech@partner.example", "partner:p:t", [GDAP_INDICATOR, INTUNE_ADMIN])
    assert [(g.role, g.source) for g in grants] == [("Intune Administrator", Source.GDAP)]
    report = rbac_report(snapshot_of(base_objects()), gdap=grants)
    (finding,) = report.found(FindingKind.GDAP_ONLY)
    assert finding.subject == "tech@partner.example" and "only through GDAP (your sign-in)" in finding.reason
    (unknown,) = [f for f in rbac_report(snapshot_of(base_objects())).findings if f.kind is FindingKind.GDAP_ONLY]
    assert unknown.status is Status.UNKNOWN and "partner's side" in unknown.reason


def test_many_global_admins_starts_at_five() -> None:
    objects = base_objects()
    objects["users"] += [user(f"ga{i}") for i in range(5)]
    objects["directoryRoles"].append({"id": "r2", "roleTemplateId": GA, "members": []})
    objects["directoryRoles"][1]["members"] = [ref("user", f"ga{i}") for i in range(4)]
    assert not rbac_report(snapshot_of(objects), gdap=()).found(FindingKind.MANY_GLOBAL_ADMINS)
    objects["directoryRoles"][1]["members"].append(ref("user", "ga4"))
    (finding,) = rbac_report(snapshot_of(objects), gdap=()).found(FindingKind.MANY_GLOBAL_ADMINS)
    assert finding.reason.startswith("5 accounts hold Global Administrator")


def test_an_assignment_without_its_expanded_role_gets_it_from_the_roles_navigation(demo: DemoTenancy) -> None:
    """Graph lists role assignments without ``roleDefinition`` unless expanded; the collection reads
    each role's ``roleAssignments`` instead, and the report names the role from that."""
    snapshot = collected(demo, "contoso")
    assert all(r.get("roleAssignments") is not None for r in snapshot.objects["roleDefinitions"])
    for assignment in snapshot.objects["roleAssignments"]:
        assignment.pop("roleDefinition")
    rows = rbac_report(snapshot, gdap=()).assignments
    assert rows and all(r.role != "Unknown role" and r.role_id for r in rows)
    assert {r.role for r in rows} >= {"Help Desk Operator", "Application Manager"}
