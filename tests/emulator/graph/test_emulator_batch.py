"""$batch: limits, ids, relative URLs, version mixing, dependsOn, per-step throttling and faults."""

from __future__ import annotations

from typing import Any

from intune_assistant.emulator.graph import RouteFaults


def by_id(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.text
    return {r["id"]: r for r in response.json()["responses"]}


def get(step_id: str, url: str, **extra: Any) -> dict[str, Any]:
    return {"id": step_id, "method": "GET", "url": url, **extra}


async def test_batch_answers_every_step_in_any_order(env: Any) -> None:
    steps = [get(str(i), f"/deviceAppManagement/mobileApps/app-{i % 3}") for i in range(12)]
    app = env.app(env.options(shuffle_batch_responses=True, seed=3))
    async with env.client(app) as client:
        response = await client.post("/beta/$batch", json={"requests": steps})
    results = by_id(response)
    assert set(results) == {str(i) for i in range(12)}
    assert all(r["status"] == 200 for r in results.values())
    assert results["4"]["body"]["id"] == "app-1"
    order = [r["id"] for r in response.json()["responses"]]
    assert order != sorted(order, key=int)  # shuffled: clients must match by id


async def test_relative_urls_with_or_without_leading_slash(env: Any) -> None:
    steps = [get("a", "deviceManagement/configurationPolicies?$top=2"), get("b", "/groups/g-all")]
    async with env.client() as client:
        results = by_id(await client.post("/beta/$batch", json={"requests": steps}))
    assert len(results["a"]["body"]["value"]) == 2
    assert results["a"]["body"]["@odata.nextLink"].startswith("https://graph.microsoft.com/beta/")
    assert results["b"]["body"]["displayName"] == "All staff"


async def test_versions_cannot_be_mixed(env: Any) -> None:
    steps = [
        get("v1", "/v1.0/users/u-001"),
        get("beta", "beta/users/u-001"),
        get("absolute", "https://graph.microsoft.com/v1.0/users/u-001"),
        get("ok", "users/u-001"),
    ]
    async with env.client() as client:
        results = by_id(await client.post("/v1.0/$batch", json={"requests": steps}))
    assert results["v1"]["status"] == 400
    assert results["v1"]["body"]["error"]["message"] == "Resource not found for the segment 'v1.0'."
    assert results["beta"]["body"]["error"]["message"] == "Resource not found for the segment 'beta'."
    assert results["absolute"]["body"]["error"]["message"] == "Resource not found for the segment 'v1.0'."
    assert results["ok"]["status"] == 200


async def test_batch_limits_and_malformed_batches(env: Any) -> None:
    async with env.client() as client:
        too_many = await client.post("/beta/$batch", json={"requests": [get(str(i), "users") for i in range(21)]})
        twenty = await client.post("/v1.0/$batch", json={"requests": [get(str(i), "users") for i in range(20)]})
        duplicate = await client.post("/beta/$batch", json={"requests": [get("1", "users"), get("1", "groups")]})
        unknown_dep = await client.post("/beta/$batch", json={"requests": [get("1", "users", dependsOn=["9"])]})
        not_batch = await client.post("/beta/$batch", json={"value": []})
    assert too_many.status_code == 400
    assert twenty.status_code == 200
    assert duplicate.status_code == 400
    assert unknown_dep.status_code == 400
    assert not_batch.status_code == 400


async def test_depends_on_runs_after_and_failed_dependency_is_424(env: Any) -> None:
    create = {
        "id": "create",
        "method": "POST",
        "url": "/deviceManagement/assignmentFilters",
        "headers": {"Content-Type": "application/json"},
        "body": {
            "displayName": "Windows only",
            "platform": "windows10AndLater",
            "rule": '(device.osVersion -eq "10")',
        },
    }
    # Fully sequential, as Graph requires once dependsOn is used (json-batching.md).
    steps = [
        create,
        get("list", "/deviceManagement/assignmentFilters", dependsOn=["create"]),
        get("missing", "/deviceManagement/configurationPolicies/nope", dependsOn=["list"]),
        get("after-missing", "/deviceManagement/configurationPolicies", dependsOn=["missing"]),
        get("chain", "/deviceManagement/configurationPolicies", dependsOn=["after-missing"]),
    ]
    async with env.client() as client:
        results = by_id(await client.post("/beta/$batch", json={"requests": steps}))
    assert results["create"]["status"] == 201
    assert [f["displayName"] for f in results["list"]["body"]["value"]] == ["Windows only"]
    assert results["missing"]["status"] == 404
    assert results["after-missing"]["status"] == 424
    assert results["chain"]["status"] == 424


async def test_body_without_content_type_is_refused_per_step(env: Any) -> None:
    step = {
        "id": "1",
        "method": "POST",
        "url": "/deviceManagement/assignmentFilters",
        "body": {"displayName": "x"},
    }
    async with env.client() as client:
        results = by_id(await client.post("/beta/$batch", json={"requests": [step]}))
    assert results["1"]["status"] == 400


async def test_steps_are_throttled_individually(env: Any) -> None:
    app = env.app(env.options(throttling=True, app_request_limit=3))
    steps = [get(str(i), f"/users/u-00{i}") for i in range(5)]
    async with env.client(app) as client:
        response = await client.post("/v1.0/$batch", json={"requests": steps})
        after = await client.get("/v1.0/users/u-001")
    statuses = sorted(r["status"] for r in response.json()["responses"])
    assert response.status_code == 200
    assert statuses == [200, 200, 200, 429, 429]
    throttled = next(r for r in response.json()["responses"] if r["status"] == 429)
    assert float(throttled["headers"]["Retry-After"]) > 0
    assert throttled["body"]["error"]["code"] == "TooManyRequests"
    assert after.status_code == 429  # the batch itself was not counted, its 3 admitted steps were


async def test_faults_hit_individual_steps(env: Any) -> None:
    options = env.options(routes={"groups": RouteFaults(error_5xx_rate=1.0), "users": RouteFaults(malformed_rate=1.0)})
    steps = [get("g", "/groups/g-all"), get("u", "/users/u-001"), get("d", "/devices/d-0")]
    async with env.client(env.app(options)) as client:
        results = by_id(await client.post("/v1.0/$batch", json={"requests": steps}))
    assert results["g"]["status"] in (503, 504)
    assert results["u"]["status"] == 200 and isinstance(results["u"]["body"], str)
    assert results["d"]["status"] == 200 and results["d"]["body"]["id"] == "d-0"


async def test_batch_steps_need_the_batch_callers_scopes(env: Any) -> None:
    async with env.client(scopes=["Group.Read.All"]) as client:
        results = by_id(
            await client.post(
                "/beta/$batch",
                json={"requests": [get("1", "/groups"), get("2", "/deviceManagement/configurationPolicies")]},
            )
        )
    assert results["1"]["status"] == 200
    assert results["2"]["status"] == 403


async def test_batch_needs_a_token(env: Any) -> None:
    async with env.client(token="") as client:
        response = await client.post("/beta/$batch", json={"requests": [get("1", "/groups")]})
    assert response.status_code == 401
