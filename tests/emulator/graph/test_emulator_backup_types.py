"""The Intune types a full backup reads (issue 12), written as their Graph pages document.

Each assignment route follows the type's own page: compliance scripts and branding profiles take
the whole set through ``/assign`` (intune-devices-devicecompliancescript-assign.md: body key
``deviceHealthScriptAssignments``; intune-wip-intunebrandingprofile-assign.md: ``assignments``;
both 204), terms and conditions one assignment at a time through ``POST {id}/assignments``
(intune-companyterms-termsandconditionsassignment-create.md, 201), and policy sets have no
``/assign`` (intune-policyset-policyset-update.md: assignments go through ``POST {id}/update``).
"""

from __future__ import annotations

from typing import Any

from tests.emulator.graph.conftest import DemoEnv, all_scopes

from intune_assistant.catalog import default_catalog
from intune_assistant.emulator.tenants import demo_tenants
from intune_assistant.emulator.tokens import TestTokenIssuer

CATALOG = default_catalog()


def _target(group_id: str) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": group_id}


def _writable(issuer: TestTokenIssuer) -> DemoEnv:
    return DemoEnv(issuer, demo_tenants()["contoso"])  # a fresh copy: this test writes


async def test_assign_routes_follow_each_types_page(issuer: TestTokenIssuer) -> None:
    env = _writable(issuer)
    data = env.tenant.objects
    group = data["groups"][0]["id"]
    script, branding = data["complianceScripts"][0]["id"], data["brandingProfiles"][1]["id"]
    terms, policy_set = data["termsAndConditions"][1]["id"], data["policySets"][0]["id"]
    scopes = all_scopes(CATALOG)
    async with env.client(scopes=scopes) as client:
        scripts = f"/beta/deviceManagement/deviceComplianceScripts/{script}"
        script_assign = await client.post(
            f"{scripts}/assign", json={"deviceHealthScriptAssignments": [{"target": _target(group)}]}
        )
        script_wrong_key = await client.post(f"{scripts}/assign", json={"assignments": [{"target": _target(group)}]})
        script_read = await client.get(f"{scripts}/assignments")
        brandings = f"/beta/deviceManagement/intuneBrandingProfiles/{branding}"
        branding_assign = await client.post(f"{brandings}/assign", json={"assignments": [{"target": _target(group)}]})
        branding_read = await client.get(f"{brandings}/assignments")
        terms_path = f"/beta/deviceManagement/termsAndConditions/{terms}"
        terms_post = await client.post(f"{terms_path}/assignments", json={"target": _target(group)})
        terms_assign = await client.post(f"{terms_path}/assign", json={"assignments": []})
        terms_read = await client.get(f"{terms_path}/assignments")
        set_assign = await client.post(
            f"/beta/deviceAppManagement/policySets/{policy_set}/assign", json={"assignments": []}
        )
    assert script_assign.status_code == 204, script_assign.text
    assert script_wrong_key.status_code == 400
    assert [a["target"]["groupId"] for a in script_read.json()["value"]] == [group]
    assert branding_assign.status_code == 204, branding_assign.text
    assert [a["target"]["groupId"] for a in branding_read.json()["value"]] == [group]
    assert terms_post.status_code == 201, terms_post.text
    assert terms_assign.status_code == 400  # no /assign action on terms and conditions
    assert group in [a["target"].get("groupId") for a in terms_read.json()["value"]]
    assert set_assign.status_code == 400  # policy sets have no /assign action


async def test_write_scopes_are_the_documented_ones(issuer: TestTokenIssuer) -> None:
    """The assign pages' "Permissions": branding needs DeviceManagementApps.ReadWrite.All, compliance
    scripts DeviceManagementConfiguration.ReadWrite.All; a read scope alone is a 403."""
    env = _writable(issuer)
    data = env.tenant.objects
    branding = data["brandingProfiles"][1]["id"]
    path = f"/beta/deviceManagement/intuneBrandingProfiles/{branding}/assign"
    async with env.client(scopes=[*CATALOG.read_scopes(), "DeviceManagementServiceConfig.ReadWrite.All"]) as client:
        refused = await client.post(path, json={"assignments": []})
    async with env.client(scopes=[*CATALOG.read_scopes(), "DeviceManagementApps.ReadWrite.All"]) as client:
        allowed = await client.post(path, json={"assignments": []})
    assert refused.status_code == 403
    assert "DeviceManagementApps.ReadWrite.All" in refused.text
    assert allowed.status_code == 204
