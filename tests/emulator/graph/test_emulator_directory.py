"""Directory: members, transitive members through nesting and cycles, memberOf, getByIds, $ref."""

from __future__ import annotations

from typing import Any


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["value"]]


async def test_direct_members_are_resolved_objects(env: Any) -> None:
    async with env.client() as client:
        response = await client.get("/v1.0/groups/g-nested/members")
        selected = await client.get("/v1.0/groups/g-nested/members", params={"$select": "displayName"})
    members = response.json()["value"]
    assert [(m["@odata.type"], m["id"]) for m in members] == [
        ("#microsoft.graph.user", "u-010"),
        ("#microsoft.graph.device", "d-0"),
        ("#microsoft.graph.group", "g-cycle"),
    ]
    assert members[0]["userPrincipalName"] == "user010@contoso.example"
    assert "members" not in members[2]  # a nested group's own members are a navigation
    assert selected.json()["value"][0] == {
        "@odata.type": "#microsoft.graph.user",
        "id": "u-010",
        "displayName": "User 010",
    }


async def test_group_objects_do_not_leak_member_references(env: Any) -> None:
    async with env.client() as client:
        response = await client.get("/v1.0/groups/g-all")
    assert "members" not in response.json()


async def test_transitive_members_through_nesting_and_a_cycle(env: Any) -> None:
    async with env.client() as client:
        everyone = await client.get("/v1.0/groups/g-all/transitiveMembers")
        cycle = await client.get("/v1.0/groups/g-cycle/transitiveMembers")
    found = ids(everyone)
    assert sorted(found) == sorted(["u-000", "u-001", "u-002", "g-nested", "u-010", "d-0", "g-cycle", "u-011"])
    assert len(found) == len(set(found))
    # g-cycle contains g-nested which contains g-cycle: the walk ends, g-cycle is not its own member.
    assert sorted(ids(cycle)) == sorted(["u-011", "g-nested", "u-010", "d-0"])


async def test_member_of_and_transitive_member_of(env: Any) -> None:
    async with env.client() as client:
        direct = await client.get("/v1.0/users/u-010/memberOf")
        transitive = await client.get("/v1.0/users/u-010/transitiveMemberOf")
        device = await client.get("/v1.0/devices/d-0/transitiveMemberOf")
        beta = await client.get("/beta/users/u-001/transitiveMemberOf")
    assert sorted(ids(direct)) == ["g-cycle", "g-nested"]
    assert sorted(ids(transitive)) == ["g-all", "g-cycle", "g-nested"]
    assert sorted(ids(device)) == ["g-all", "g-cycle", "g-nested"]
    assert ids(beta) == ["g-all"]
    assert all(g["@odata.type"] == "#microsoft.graph.group" for g in transitive.json()["value"])


async def test_membership_lists_page_like_the_directory(env: Any) -> None:
    async with env.client() as client:
        first = await client.get("/v1.0/groups/g-all/transitiveMembers", params={"$top": "3"})
        too_big = await client.get("/v1.0/groups/g-all/members", params={"$top": "1000"})
        rest = await client.get(first.json()["@odata.nextLink"])
    assert len(first.json()["value"]) == 3
    assert len(rest.json()["value"]) == 3
    assert too_big.status_code == 400


async def test_get_by_ids(env: Any) -> None:
    async with env.client() as client:
        response = await client.post(
            "/v1.0/directoryObjects/getByIds",
            json={"ids": ["u-005", "missing", "g-all", "d-2"], "types": ["User", "GROUP"]},
        )
        default_types = await client.post("/v1.0/directoryObjects/getByIds", json={"ids": ["d-2", "u-005"]})
        too_many = await client.post("/v1.0/directoryObjects/getByIds", json={"ids": [f"x{i}" for i in range(1001)]})
        bad_type = await client.post("/v1.0/directoryObjects/getByIds", json={"ids": ["u-005"], "types": ["widget"]})
    assert [(o["@odata.type"], o["id"]) for o in response.json()["value"]] == [
        ("#microsoft.graph.user", "u-005"),
        ("#microsoft.graph.group", "g-all"),
    ]
    assert ids(default_types) == ["d-2", "u-005"]
    assert too_many.status_code == 400
    assert bad_type.status_code == 400


async def test_member_add_and_remove_with_audit(env: Any) -> None:
    ref = {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/u-100"}
    async with env.client() as client:
        added = await client.post("/v1.0/groups/g-nested/members/$ref", json=ref)
        again = await client.post("/v1.0/groups/g-nested/members/$ref", json=ref)
        after_add = await client.get("/v1.0/groups/g-all/transitiveMembers", params={"$top": "999"})
        removed = await client.delete("/v1.0/groups/g-nested/members/u-100/$ref")
        removed_again = await client.delete("/v1.0/groups/g-nested/members/u-100/$ref")
        unknown = await client.post(
            "/v1.0/groups/g-nested/members/$ref",
            json={"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/zz"},
        )
        dynamic = await client.post("/v1.0/groups/g-dynamic/members/$ref", json=ref)
    assert added.status_code == 204
    assert again.status_code == 400
    assert "u-100" in ids(after_add)
    assert removed.status_code == 204
    assert removed_again.status_code == 404
    assert unknown.status_code == 404
    assert dynamic.status_code == 400
    events = env.tenant.audit_events
    assert [e["activityOperationType"] for e in events] == ["Action", "Action"]
    assert {e["actor"]["userPrincipalName"] for e in events} == {"admin@contoso.example"}
    assert [e["resources"][0]["resourceId"] for e in events] == ["g-nested", "g-nested"]


async def test_member_changes_need_group_write_scope_and_admin(env: Any) -> None:
    ref = {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/u-100"}
    async with env.client(scopes=["Group.Read.All"]) as client:
        no_scope = await client.post("/v1.0/groups/g-nested/members/$ref", json=ref)
    async with env.client(user="reader") as client:
        reader = await client.post("/v1.0/groups/g-nested/members/$ref", json=ref)
        reader_read = await client.get("/v1.0/groups/g-nested/members")
    for response in (no_scope, reader):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "Authorization_RequestDenied"
        assert response.json()["error"]["message"] == "Insufficient privileges to complete the operation."
    assert reader_read.status_code == 200


async def test_member_changes_take_graphs_least_privileged_scope_too(env: Any) -> None:
    ref = {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/u-100"}
    async with env.client(scopes=["Group.Read.All", "GroupMember.ReadWrite.All"]) as client:
        added = await client.post("/v1.0/groups/g-nested/members/$ref", json=ref)
        removed = await client.delete("/v1.0/groups/g-nested/members/u-100/$ref")
        rename = await client.patch("/v1.0/groups/g-nested", json={"displayName": "x"})
    assert (added.status_code, removed.status_code) == (204, 204)
    assert rename.status_code == 403  # GroupMember.ReadWrite.All changes members, not the group
