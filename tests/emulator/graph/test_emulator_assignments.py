"""Assignment writes for every assignable catalog type, as Graph documents them: /assign replaces the
set under the type's body key, single assignments are created, updated and deleted, an invalid
target is a 400, a missing write scope or a read-only Intune role a 403 that changes nothing, and
each write is an audit event under the signed-in user."""

from __future__ import annotations

import json
from typing import Any

import pytest

from intune_assistant.analyses.assignments import assignable_types
from intune_assistant.catalog import ResourceType, default_catalog
from intune_assistant.emulator.tenants import demo_tenants

from .conftest import DemoEnv, all_scopes

# Policy sets are assigned through POST {id}/update (not emulated): only types with an assignment write.
RECORDS = tuple(r for r in assignable_types(default_catalog()) if r.write.assign_body_key or r.write.assign_by_post)
GROUP = "#microsoft.graph.groupAssignmentTarget"


@pytest.fixture
def fresh(issuer: Any) -> DemoEnv:
    """A Contoso of its own (these tests write)."""
    return DemoEnv(issuer, demo_tenants()["contoso"])


def _is_app(record: ResourceType) -> bool:
    return record.write.assign_body_key == "mobileAppAssignments"


def _new(record: ResourceType, group_id: str, **target: Any) -> dict[str, Any]:
    assignment: dict[str, Any] = {"target": {"@odata.type": GROUP, "groupId": group_id, **target}}
    if _is_app(record):
        assignment = {"@odata.type": "#microsoft.graph.mobileAppAssignment", "intent": "required", **assignment}
    return assignment


def _unused_group(env: DemoEnv, obj: dict[str, Any]) -> str:
    used = {a["target"].get("groupId") for a in obj.get("assignments") or []}
    return str(next(g["id"] for g in env.tenant.objects["groups"] if g["id"] not in used))


def _base(record: ResourceType, obj: dict[str, Any]) -> str:
    return f"/beta/{record.path}/{obj['id']}"


def _stored(env: DemoEnv) -> str:
    return json.dumps(env.tenant.objects, sort_keys=True)


async def test_every_assignable_type_takes_its_whole_set_and_audits_it_under_the_user(fresh: DemoEnv) -> None:
    token = fresh.token(scopes=all_scopes(fresh.catalog))
    admin = next(o for o in fresh.tenant.operators if o.role == "admin")
    async with fresh.client(token=token) as client:
        for record in RECORDS:
            obj = fresh.tenant.objects[record.key][0]
            before = list(obj.get("assignments") or [])
            group = _unused_group(fresh, obj)
            if record.write.assign_by_post:
                response = await client.post(f"{_base(record, obj)}/assignments", json=_new(record, group))
                assert response.status_code == 201, record.key
            else:
                key = record.write.assign_body_key
                response = await client.post(f"{_base(record, obj)}/assign", json={key: [*before, _new(record, group)]})
                assert response.status_code == (200 if record.write.assign_returns_collection else 204), record.key
            read = await client.get(f"{_base(record, obj)}/assignments")
            targets = [a["target"].get("groupId") for a in read.json()["value"]]
            assert targets.count(group) == 1 and len(targets) == len(before) + 1, record.key
            event = fresh.tenant.audit_events[-1]
            assert event["actor"]["userPrincipalName"] == admin.user_principal_name, record.key
            assert event["resources"][0]["resourceId"] == obj["id"], record.key
    assert len(fresh.tenant.audit_events) == len(RECORDS)


async def test_single_assignments_are_created_updated_and_deleted_for_every_type(fresh: DemoEnv) -> None:
    token = fresh.token(scopes=all_scopes(fresh.catalog))
    async with fresh.client(token=token) as client:
        for record in RECORDS:
            obj = fresh.tenant.objects[record.key][0]
            base = f"{_base(record, obj)}/assignments"
            group = _unused_group(fresh, obj)
            created = await client.post(base, json=_new(record, group))
            assert created.status_code == 201, record.key
            assignment_id = created.json()["id"]
            again = await client.post(base, json=_new(record, group))
            assert again.status_code == 409, record.key
            patch = {"target": {"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": group}}
            patched = await client.patch(f"{base}/{assignment_id}", json=patch)
            assert patched.status_code == 200, record.key
            assert patched.json()["target"]["@odata.type"].endswith("exclusionGroupAssignmentTarget")
            deleted = await client.delete(f"{base}/{assignment_id}")
            missing = await client.delete(f"{base}/{assignment_id}")
            assert (deleted.status_code, missing.status_code) == (204, 404), record.key
    operations = [e["activityOperationType"] for e in fresh.tenant.audit_events]
    assert operations == ["Create", "Patch", "Delete"] * len(RECORDS)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({"@odata.type": "#microsoft.graph.somethingElseTarget", "groupId": "g"}, "Invalid assignment target type"),
        ({"@odata.type": GROUP}, "requires a 'groupId'"),
        ({"@odata.type": GROUP, "groupId": ""}, "requires a 'groupId'"),
        ({"@odata.type": GROUP, "groupId": "g", "deviceAndAppManagementAssignmentFilterType": "sometimes"},
         "was not found in deviceAndAppManagementAssignmentFilterType"),
        ({"@odata.type": GROUP, "groupId": "g", "deviceAndAppManagementAssignmentFilterType": "include"},
         "needs a 'deviceAndAppManagementAssignmentFilterId'"),
        ({"@odata.type": "#microsoft.graph.configurationManagerCollectionAssignmentTarget"}, "'collectionId'"),
    ],
)  # fmt: skip
async def test_an_invalid_target_is_a_400_and_changes_nothing(fresh: DemoEnv, target: Any, message: str) -> None:
    token = fresh.token(scopes=all_scopes(fresh.catalog))
    before = _stored(fresh)
    async with fresh.client(token=token) as client:
        for record in RECORDS:
            obj = fresh.tenant.objects[record.key][0]
            body = {**_new(record, "g"), "target": target}
            if record.write.assign_body_key:
                response = await client.post(
                    f"{_base(record, obj)}/assign", json={record.write.assign_body_key: [body]}
                )
                assert response.status_code == 400 and message in response.json()["error"]["message"], record.key
            single = await client.post(f"{_base(record, obj)}/assignments", json=body)
            assert single.status_code == 400 and message in single.json()["error"]["message"], record.key
    assert _stored(fresh) == before and fresh.tenant.audit_events == []


async def test_an_app_assignment_needs_a_documented_install_intent(fresh: DemoEnv) -> None:
    token = fresh.token(scopes=all_scopes(fresh.catalog))
    app = fresh.tenant.objects["mobileApps"][0]
    target = {"@odata.type": GROUP, "groupId": _unused_group(fresh, app)}
    async with fresh.client(token=token) as client:
        url = f"/beta/deviceAppManagement/mobileApps/{app['id']}/assign"
        missing = await client.post(url, json={"mobileAppAssignments": [{"target": target}]})
        wrong = await client.post(url, json={"mobileAppAssignments": [{"target": target, "intent": "Required"}]})
        right = await client.post(url, json={"mobileAppAssignments": [{"target": target, "intent": "uninstall"}]})
    assert (missing.status_code, wrong.status_code, right.status_code) == (400, 400, 204)
    assert "installIntent" in wrong.json()["error"]["message"]


@pytest.mark.parametrize("who", ["read-only admin", "no write scope"])
async def test_who_may_not_write_gets_a_403_on_every_assignment_route_and_nothing_changes(
    fresh: DemoEnv, who: str
) -> None:
    if who == "read-only admin":
        token = fresh.token("reader", scopes=all_scopes(fresh.catalog))
    else:
        token = fresh.token(scopes=fresh.catalog.read_scopes())
    before = _stored(fresh)
    async with fresh.client(token=token) as client:
        for record in RECORDS:
            obj = fresh.tenant.objects[record.key][0]
            responses = [await client.post(f"{_base(record, obj)}/assignments", json=_new(record, "g"))]
            if record.write.assign_body_key:
                responses.append(
                    await client.post(f"{_base(record, obj)}/assign", json={record.write.assign_body_key: []})
                )
            for response in responses:
                assert response.status_code == 403, record.key
                message = json.loads(response.json()["error"]["message"])["Message"]
                if who == "read-only admin":
                    assert message.startswith("User is not authorized to perform this operation"), record.key
                else:
                    assert f"one of the following scopes: {record.write_scope}" in message, record.key
    assert _stored(fresh) == before and fresh.tenant.audit_events == []
