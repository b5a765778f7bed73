"""Throttling windows with a fake clock, Retry-After, injected latency, 5xx, timeouts, malformed bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from intune_assistant.emulator.graph import EmulatorOptions, RouteFaults

POLICIES = "/beta/deviceManagement/configurationPolicies"


async def test_per_app_limit_gives_429_with_a_whole_second_retry_after(env: Any) -> None:
    """Retry-After is HTTP delay-seconds, a whole number (RFC 9110 §10.2.3; Graph's throttling.md)."""
    app = env.app(env.options(throttling=True, app_request_limit=3))
    async with env.client(app) as client:
        statuses = []
        for _ in range(3):
            statuses.append((await client.get(f"{POLICIES}/cp-01")).status_code)
            env.fake_time.now += 1.0
        refused = await client.get(f"{POLICIES}/cp-01")
        env.fake_time.now += 16.5
        still_refused = await client.get(f"{POLICIES}/cp-01")
        env.fake_time.now += 1.0
        admitted = await client.get(f"{POLICIES}/cp-01")
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    # First request at t, refused at t+3: the window admits again at t+20.
    assert refused.headers["Retry-After"] == "17"
    error = refused.json()["error"]
    assert error["code"] == "TooManyRequests"
    assert json.loads(error["message"])["RetryAfter"] is None
    assert still_refused.status_code == 429
    assert still_refused.headers["Retry-After"] == "1"  # 0.5 s left, rounded up
    assert admitted.status_code == 200


async def test_write_limit_is_separate_from_the_request_limit(env: Any) -> None:
    app = env.app(env.options(throttling=True, app_write_limit=2))
    async with env.client(app) as client:
        writes = [(await client.patch(f"{POLICIES}/cp-0{i}", json={"description": "x"})).status_code for i in range(3)]
        read = await client.get(POLICIES)
    assert writes == [204, 204, 429]
    assert read.status_code == 200


async def test_tenant_limit_counts_every_app(env: Any) -> None:
    app = env.app(env.options(throttling=True, tenant_request_limit=4, app_request_limit=3))
    async with env.client(app, app_id="00000000-0000-4000-8000-00000000000a") as first:
        a = [(await first.get(f"{POLICIES}/cp-01")).status_code for _ in range(3)]
    async with env.client(app, app_id="00000000-0000-4000-8000-00000000000b") as second:
        b = [(await second.get(f"{POLICIES}/cp-01")).status_code for _ in range(2)]
    assert a == [200, 200, 200]
    assert b == [200, 429]


async def test_retry_after_can_be_missing(env: Any) -> None:
    app = env.app(env.options(throttling=True, app_request_limit=1, retry_after_missing_rate=1.0))
    async with env.client(app) as client:
        await client.get(POLICIES)
        refused = await client.get(POLICIES)
    assert refused.status_code == 429
    assert "Retry-After" not in refused.headers


async def test_some_429s_lack_retry_after_reproducibly(env: Any) -> None:
    def run_headers() -> Any:
        return env.app(env.options(throttling=True, app_request_limit=1, retry_after_missing_rate=0.5, seed=7))

    results = []
    for _ in range(2):
        async with env.client(run_headers()) as client:
            await client.get(POLICIES)
            results.append(["Retry-After" in (await client.get(POLICIES)).headers for _ in range(12)])
    assert results[0] == results[1]
    assert True in results[0] and False in results[0]


async def test_throttling_is_on_by_default_and_can_be_turned_off(env: Any) -> None:
    assert EmulatorOptions().throttling is True
    app = env.app(env.options(throttling=False, app_request_limit=1))
    async with env.client(app) as client:
        statuses = {(await client.get(POLICIES)).status_code for _ in range(5)}
    assert statuses == {200}


async def test_5xx_rate_one_gives_intune_5xx_bodies(env: Any) -> None:
    app = env.app(env.options(error_5xx_rate=1.0))
    async with env.client(app) as client:
        responses = [await client.get(POLICIES) for _ in range(8)]
    assert {r.status_code for r in responses} == {503, 504}
    codes = {r.status_code: r.json()["error"]["code"] for r in responses}
    assert codes == {503: "CancelledOnServiceTimeout", 504: "UnknownError"}
    unavailable = next(r for r in responses if r.status_code == 503)
    assert json.loads(unavailable.json()["error"]["message"])["ErrorSourceService"] == "StatelessCustomerDataMTService"


async def test_5xx_does_not_apply_writes(env: Any) -> None:
    app = env.app(env.options(error_5xx_rate=1.0))
    async with env.client(app) as client:
        response = await client.patch(f"{POLICIES}/cp-01", json={"description": "x"})
    assert response.status_code >= 500
    assert "description" not in env.tenant.objects["settingsCatalog"][1]
    assert env.tenant.audit_events == []


async def test_timeout_sleeps_then_504(env: Any) -> None:
    app = env.app(env.options(timeout_rate=1.0, timeout_delay_s=30.0))
    async with env.client(app) as client:
        response = await client.get(POLICIES)
    assert response.status_code == 504
    assert env.fake_time.sleeps == [30.0]


async def test_malformed_gives_unparseable_json(env: Any) -> None:
    app = env.app(env.options(malformed_rate=1.0))
    async with env.client(app) as client:
        response = await client.get(POLICIES)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


async def test_latency_per_request_and_per_route(env: Any) -> None:
    options = env.options(
        latency_s=0.2,
        routes={"settingsCatalog": RouteFaults(latency_s=1.5), "$batch": RouteFaults(latency_s=0.7)},
    )
    async with env.client(env.app(options)) as client:
        await client.get("/v1.0/users/u-001")
        await client.get(f"{POLICIES}/cp-01")
        await client.post(
            "/beta/$batch",
            json={"requests": [{"id": str(i), "method": "GET", "url": "/users/u-001"} for i in range(3)]},
        )
    assert env.fake_time.sleeps == [0.2, 1.5, 0.7]


async def test_route_overrides_by_path_prefix(env: Any) -> None:
    options = env.options(routes={"deviceManagement": RouteFaults(error_5xx_rate=1.0)})
    async with env.client(env.app(options)) as client:
        intune = await client.get(POLICIES)
        directory = await client.get("/v1.0/groups")
    assert intune.status_code in (503, 504)
    assert directory.status_code == 200


async def test_faults_are_reproducible_from_the_seed(env: Any) -> None:
    runs = []
    for _ in range(2):
        app = env.app(env.options(error_5xx_rate=0.3, malformed_rate=0.2, seed=42))
        async with env.client(app) as client:
            runs.append([(await client.get(f"{POLICIES}/cp-01")).status_code for _ in range(20)])
    assert runs[0] == runs[1]
    assert len(set(runs[0])) > 1


def test_options_reject_bad_rates() -> None:
    with pytest.raises(ValueError):
        EmulatorOptions(error_5xx_rate=1.5)
    with pytest.raises(ValueError):
        EmulatorOptions(app_request_limit=0)
