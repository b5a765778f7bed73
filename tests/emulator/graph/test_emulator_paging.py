"""Paging: page sizes per record, $top caps, absolute nextLinks, counts, versions."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

POLICIES = "/beta/deviceManagement/configurationPolicies"


async def test_settings_catalog_pages_of_25_with_per_page_count(env: Any, pages: Any) -> None:
    async with env.client() as client:
        result = await pages(client, POLICIES)
    assert [len(p["value"]) for p in result] == [25, 5]
    assert [p["@odata.count"] for p in result] == [25, 5]
    ids = [item["id"] for page in result for item in page["value"]]
    assert sorted(ids) == sorted(f"cp-{i:02d}" for i in range(30))
    assert len(ids) == len(set(ids))
    assert (
        result[0]["@odata.context"]
        == "https://graph.microsoft.com/beta/$metadata#deviceManagement/configurationPolicies"
    )


async def test_next_link_is_absolute_opaque_and_keeps_other_options(env: Any) -> None:
    async with env.client() as client:
        response = await client.get(POLICIES, params={"$select": "id,name", "$top": "10"})
    link = response.json()["@odata.nextLink"]
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "graph.microsoft.com",
        "/beta/deviceManagement/configurationPolicies",
    )
    query = parse_qs(parts.query)
    assert query["$select"] == ["id,name"]
    assert query["$top"] == ["10"]
    token = query["$skiptoken"][0]
    assert "10" not in token  # opaque, not a visible offset


async def test_top_is_capped_at_the_default_page_when_the_maximum_is_unknown(env: Any) -> None:
    async with env.client() as client:
        small = await client.get(POLICIES, params={"$top": "10"})
        large = await client.get(POLICIES, params={"$top": "1000"})
        dollarless = await client.get(POLICIES, params={"top": "7"})
    assert len(small.json()["value"]) == 10
    assert len(large.json()["value"]) == 25
    assert "@odata.nextLink" in large.json()
    assert len(dollarless.json()["value"]) == 7


async def test_dollarless_options_are_beta_only(env: Any) -> None:
    async with env.client() as client:
        beta = await client.get("/beta/deviceAppManagement/mobileApps", params={"top": "2"})
        v1 = await client.get("/v1.0/deviceAppManagement/mobileApps", params={"top": "2"})
    assert len(beta.json()["value"]) == 2
    assert len(v1.json()["value"]) == 3


async def test_following_next_links_with_top_returns_every_item_once(env: Any, pages: Any) -> None:
    async with env.client() as client:
        result = await pages(client, "/beta/deviceAppManagement/mobileApps?$top=2")
    assert [len(p["value"]) for p in result] == [2, 1]
    assert [i["id"] for p in result for i in p["value"]] == ["app-0", "app-1", "app-2"]


async def test_users_default_100_max_999_and_1000_is_refused(env: Any, pages: Any) -> None:
    async with env.client() as client:
        result = await pages(client, "/v1.0/users")
        all_at_once = await client.get("/v1.0/users", params={"$top": "999"})
        too_many = await client.get("/v1.0/users", params={"$top": "1000"})
    assert [len(p["value"]) for p in result] == [100, 100, 50]
    assert all("@odata.count" not in p for p in result)
    assert len({u["id"] for p in result for u in p["value"]}) == 250
    assert len(all_at_once.json()["value"]) == 250
    assert too_many.status_code == 400
    error = too_many.json()["error"]
    assert error["code"] == "Request_UnsupportedQuery"
    assert error["message"] == "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."


async def test_directory_count_needs_consistency_level_and_is_on_page_one_only(env: Any) -> None:
    async with env.client() as client:
        refused = await client.get("/v1.0/users", params={"$count": "true"})
        first = await client.get("/v1.0/users", params={"$count": "true"}, headers={"ConsistencyLevel": "eventual"})
        second = await client.get(first.json()["@odata.nextLink"], headers={"ConsistencyLevel": "eventual"})
    assert refused.status_code == 400
    assert first.json()["@odata.count"] == 250
    assert "@odata.count" not in second.json()


async def test_a_skiptoken_from_another_query_is_refused(env: Any) -> None:
    async with env.client() as client:
        first = await client.get(POLICIES)
        token = parse_qs(urlsplit(first.json()["@odata.nextLink"]).query)["$skiptoken"][0]
        replayed = await client.get("/beta/deviceManagement/deviceConfigurations", params={"$skiptoken": token})
        garbage = await client.get(POLICIES, params={"$skiptoken": "not-a-token"})
    assert replayed.status_code == 400
    assert garbage.status_code == 400


async def test_trailing_empty_page_option(env: Any, pages: Any) -> None:
    app = env.app(env.options(trailing_empty_page=True))
    async with env.client(app) as client:
        result = await pages(client, POLICIES)
    assert [len(p["value"]) for p in result] == [25, 5, 0]
    assert result[-1]["@odata.count"] == 0


async def test_configuration_settings_are_unpaged(env: Any) -> None:
    async with env.client() as client:
        response = await client.get("/beta/deviceManagement/configurationSettings")
        one = await client.get(
            f"/beta/deviceManagement/configurationSettings/{env.tenant.setting_definitions[1]['id']}"
        )
    body = response.json()
    assert len(body["value"]) == len(env.tenant.setting_definitions)
    assert "@odata.nextLink" not in body
    assert one.json()["displayName"] == "Scan parameter"


async def test_versions_serve_only_their_records(env: Any) -> None:
    async with env.client() as client:
        beta_only = await client.get("/v1.0/deviceManagement/configurationPolicies")
        in_v1 = await client.get("/v1.0/deviceManagement/deviceConfigurations")
        v1_on_beta = await client.get("/beta/groups")
        unknown = await client.get("/beta/deviceManagement/nothingHere")
        bad_version = await client.get("/v2.0/users")
    assert beta_only.status_code == 400
    assert beta_only.json()["error"]["message"] == "Resource not found for the segment 'configurationPolicies'."
    assert in_v1.status_code == 200
    assert v1_on_beta.status_code == 200
    assert unknown.json()["error"] == {**unknown.json()["error"], "code": "BadRequest"}
    assert unknown.json()["error"]["message"] == "Resource not found for the segment 'nothingHere'."
    assert bad_version.status_code == 400


async def test_settings_child_pages_of_25(env: Any, pages: Any) -> None:
    async with env.client() as client:
        result = await pages(client, f"{POLICIES}/cp-00/settings")
    assert [len(p["value"]) for p in result] == [25, 5]
    assert [p["@odata.count"] for p in result] == [25, 5]
