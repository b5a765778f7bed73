"""Collection under missing permissions, faults and throttling: nothing lost, nothing silent."""

from __future__ import annotations

import asyncio

import pytest

from intune_assistant.catalog import default_catalog
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.graph import RateLimits
from intune_assistant.snapshot import ProblemKind, Snapshot, TypeStatus

from .conftest import collect_demo

SCRIPT_TYPES = {"powershellScripts", "shellScripts", "remediations", "customAttributeScripts"}


def test_missing_scope_fails_only_its_types_and_names_the_scope(demo: DemoTenancy) -> None:
    catalog = default_catalog()
    scopes = [
        s
        for s in catalog.read_scopes()
        if s not in ("DeviceManagementScripts.Read.All", "DeviceManagementConfiguration.Read.All")
    ]
    token = demo.token("contoso", scopes=scopes)
    snapshot, _ = asyncio.run(collect_demo(demo, "contoso", token=token))
    for key in SCRIPT_TYPES:
        result = snapshot.results[key]
        assert result.status is TypeStatus.FAILED
        assert result.problem is not None and result.problem.kind is ProblemKind.MISSING_SCOPE
        assert result.problem.scope == "DeviceManagementScripts.Read.All"
        assert result.error and "DeviceManagementScripts.Read.All" in result.error
        assert snapshot.read_objects(key) is None  # unknown, not "no scripts"
    assert snapshot.results["mobileApps"].status is TypeStatus.OK
    assert snapshot.results["groups"].status is TypeStatus.OK


def test_read_only_operator_can_collect(demo: DemoTenancy) -> None:
    snapshot, _ = asyncio.run(collect_demo(demo, "contoso", token=demo.token("contoso", role="readOnly")))
    assert all(r.status is TypeStatus.OK for r in snapshot.results.values())


def _total(snapshot: Snapshot) -> int:
    return sum(len(v) for v in snapshot.objects.values())


def _assert_same_objects(got: Snapshot, expected: Snapshot) -> None:
    assert all(r.status is TypeStatus.OK for r in got.results.values()), [
        (k, r.error, r.child_errors[:1]) for k, r in got.results.items() if r.status is not TypeStatus.OK
    ]
    assert _total(got) == _total(expected)
    for key, objects in expected.objects.items():
        assert sorted(o["id"] for o in got.objects[key]) == sorted(o["id"] for o in objects)


@pytest.fixture(scope="module")
def expected() -> Snapshot:
    clean = build_demo(["contoso"], options=EmulatorOptions(throttling=False))
    snapshot, _ = asyncio.run(collect_demo(clean, "contoso"))
    return snapshot


def test_faults_lose_nothing(expected: Snapshot) -> None:
    # 5% of requests and batch sub-requests fail with 5xx, 1% come back malformed, and the emulator
    # throttles at a tenth of Graph's limits, which the client is told: every object must arrive.
    window = RateLimits(window_s=1.0, any_requests=60, writes=10)
    faulty = build_demo(
        ["contoso"],
        options=EmulatorOptions(
            error_5xx_rate=0.05,
            malformed_rate=0.01,
            seed=3,
            app_request_limit=window.any_requests,
            app_write_limit=window.writes,
            throttle_window_s=window.window_s,
        ),
    )
    got, client = asyncio.run(collect_demo(faulty, "contoso", limits=window, honour_waits=True))
    _assert_same_objects(got, expected)
    assert client.stats.retries > 0


def test_throttling_the_client_did_not_expect_loses_nothing(expected: Snapshot) -> None:
    # The client paces itself for Graph's real limits; this emulator allows far less, so it answers
    # 429 with Retry-After (sometimes without): the client must wait and resend, not give up.
    throttled = build_demo(
        ["contoso"],
        options=EmulatorOptions(seed=4, app_request_limit=50, throttle_window_s=1.0, retry_after_missing_rate=0.2),
    )
    got, client = asyncio.run(collect_demo(throttled, "contoso", honour_waits=True))
    _assert_same_objects(got, expected)
    assert client.stats.throttled_429 > 0


def test_emulator_that_always_fails_gives_failed_types_with_reasons() -> None:
    broken = build_demo(["contoso"], options=EmulatorOptions(error_5xx_rate=1.0, seed=1))
    snapshot, _ = asyncio.run(collect_demo(broken, "contoso", types=["settingsCatalog", "groups"]))
    for key in ("settingsCatalog", "groups"):
        result = snapshot.results[key]
        assert result.status is TypeStatus.FAILED
        assert result.error and ("503" in result.error or "504" in result.error)
