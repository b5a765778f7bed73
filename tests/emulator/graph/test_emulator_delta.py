"""groups/delta: a first round lists every group with its members, a later round only changes;
users/delta and devices/delta start from now with ``$deltatoken=latest`` (delta-query-overview.md,
"sync from now" for resources stored in Entra ID; user-delta.md, device-delta.md)."""

from __future__ import annotations

from typing import Any

DELTA = "/v1.0/groups/delta"


def _by_id(pages: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for page in pages for entry in page["value"]}


async def test_a_first_round_lists_every_group_and_member_then_a_delta_link(env: Any, pages: Any) -> None:
    async with env.client() as client:
        first = await pages(client, DELTA, params={"$select": "displayName,members"})
    assert "@odata.deltaLink" in first[-1] and all("@odata.deltaLink" not in p for p in first[:-1])
    groups = _by_id(first)
    assert set(groups) == {g["id"] for g in env.tenant.objects["groups"]}
    nested = groups["g-nested"]
    assert set(nested) - {"@odata.type"} == {"id", "displayName", "members@delta"}
    assert [(m["@odata.type"], m["id"]) for m in nested["members@delta"]] == [
        ("#microsoft.graph.device", "d-0"),
        ("#microsoft.graph.group", "g-cycle"),
        ("#microsoft.graph.user", "u-010"),
    ]


async def test_a_later_round_gives_only_changes_with_removed_members_and_groups(env: Any, pages: Any) -> None:
    async with env.client() as client:
        first = await pages(client, DELTA, params={"$select": "displayName,members"})
        link = first[-1]["@odata.deltaLink"]
        quiet = await pages(client, link)
        assert quiet[-1]["value"] == [] and quiet[-1]["@odata.deltaLink"] != link
        added = await client.post(
            "/v1.0/groups/g-nested/members/$ref", json={"@odata.id": f"{client.base_url}/v1.0/directoryObjects/u-000"}
        )
        removed = await client.delete("/v1.0/groups/g-nested/members/d-0/$ref")
        renamed = await client.patch("/v1.0/groups/g-all", json={"displayName": "Everyone"})
        deleted = await client.delete("/v1.0/groups/g-cycle")
        assert [r.status_code for r in (added, removed, renamed, deleted)] == [204, 204, 204, 204]
        changes = _by_id(await pages(client, quiet[-1]["@odata.deltaLink"]))
    assert set(changes) == {"g-nested", "g-all", "g-cycle"}
    assert changes["g-cycle"] == {"id": "g-cycle", "@removed": {"reason": "changed"}}
    assert changes["g-all"]["displayName"] == "Everyone" and "members@delta" not in changes["g-all"]
    assert changes["g-nested"]["members@delta"] == [
        {"@odata.type": "#microsoft.graph.user", "id": "u-000"},
        {"@odata.type": "#microsoft.graph.device", "id": "d-0", "@removed": {"reason": "deleted"}},
        # A deleted group is no longer anyone's member.
        {"@odata.type": "#microsoft.graph.group", "id": "g-cycle", "@removed": {"reason": "deleted"}},
    ]


async def test_delta_refuses_what_the_emulator_does_not_serve(env: Any) -> None:
    async with env.client() as client:
        top = await client.get(DELTA, params={"$top": "5"})
        token = await client.get(DELTA, params={"$deltatoken": "made-up"})
        elsewhere = await client.get("/v1.0/users", params={"$deltatoken": "x"})
    assert [r.status_code for r in (top, token, elsewhere)] == [400, 400, 400]


async def test_users_delta_from_now_gives_no_users_then_only_what_changed(env: Any, pages: Any) -> None:
    async with env.client() as client:
        now = await pages(client, "/v1.0/users/delta", params={"$select": "displayName", "$deltatoken": "latest"})
        assert len(now) == 1 and now[0]["value"] == [] and "@odata.deltaLink" in now[0]
        users = env.tenant.objects["users"]
        users[0]["displayName"] = "Renamed user"
        users[1]["jobTitle"] = "Not selected, so not tracked"
        gone = users.pop(2)["id"]
        users.append({"@odata.type": "#microsoft.graph.user", "id": "u-new", "displayName": "New user"})
        changes = _by_id(await pages(client, now[0]["@odata.deltaLink"]))
    # Only the selected properties are tracked and returned (user-delta.md); deletions as @removed.
    assert changes == {
        users[0]["id"]: {"id": users[0]["id"], "displayName": "Renamed user"},
        gone: {"id": gone, "@removed": {"reason": "changed"}},
        "u-new": {"@odata.type": "#microsoft.graph.user", "id": "u-new", "displayName": "New user"},
    }
    assert all("members@delta" not in entry for entry in changes.values())


async def test_devices_delta_from_now_tracks_device_changes(env: Any, pages: Any) -> None:
    async with env.client() as client:
        now = await pages(client, "/v1.0/devices/delta", params={"$select": "displayName", "$deltatoken": "latest"})
        env.tenant.objects["entraDevices"][0]["displayName"] = "PC-renamed"
        changes = await pages(client, now[-1]["@odata.deltaLink"])
    assert [e["displayName"] for e in changes[-1]["value"]] == ["PC-renamed"]
    assert changes[-1]["@odata.context"].endswith("#devices")
