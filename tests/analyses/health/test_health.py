"""Tenant health over the collected demo tenants and over hand-made objects: expiry, days left,
sync state and the verdict of each certificate, token and connector."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.integration.conftest import collect_demo

from intune_assistant.analyses.health import HealthReport, Verdict, parse_time, tenant_health, words
from intune_assistant.emulator.demo import build_demo
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus
from intune_assistant.snapshot.problems import Problem, ProblemKind

NOW = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)


def at(days: float) -> str:
    return (NOW + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def snapshot_of(objects: dict[str, list[dict[str, Any]]], **results: TypeResult) -> Snapshot:
    done = {k: TypeResult(k, TypeStatus.OK, len(v), 0.0) for k, v in objects.items()}
    return Snapshot(
        tenant=TenantInfo(tenant_id="t", domain="contoso.onmicrosoft.com", display_name="Contoso"),
        source="test",
        taken_at=NOW,
        objects=objects,
        results={**done, **results},
    )


def rows(report: HealthReport, key: str) -> list[Any]:
    return [i for i in report.items if i.key == key]


def only(report: HealthReport, key: str) -> Any:
    (item,) = rows(report, key)
    return item


@pytest.fixture(scope="module")
def demo_health() -> tuple[HealthReport, dict[str, list[str]], Snapshot]:
    demo = build_demo(["contoso"])
    snapshot, _ = asyncio.run(collect_demo(demo, "contoso"))
    return tenant_health(snapshot), demo.tenants["contoso"].planted, snapshot


def test_health_finds_the_planted_expiring_and_expired_items(
    demo_health: tuple[HealthReport, dict[str, list[str]], Snapshot],
) -> None:
    """The demo plants one item expiring in 10 days and one expired 5 days before it is collected."""
    report, planted, snapshot = demo_health
    by_name = {i.name: i for i in report.items}
    (expiring,) = planted["expiringSoon"]
    (expired,) = planted["expired"]
    (failing,) = planted["syncFailed"]
    assert (by_name[expiring].verdict, by_name[expiring].days_left) == (Verdict.EXPIRES_SOON, 10)
    assert by_name[expiring].kind == "Apple MDM push certificate"
    assert (by_name[expired].verdict, by_name[expired].days_left) == (Verdict.EXPIRED, -5)
    assert by_name[failing].verdict is Verdict.SYNC_FAILED
    # Everything else in the tenant is healthy; the report holds every object of every type.
    flagged = {expiring, expired, failing}
    assert {i.verdict for i in report.items if i.name not in flagged} == {Verdict.OK}
    keys = ("applePushCertificate", "vppTokens", "depOnboardingSettings", "managedGooglePlay")
    assert sum(1 for i in report.items if i.key in keys) == sum(len(snapshot.objects_of(k)) for k in keys)
    # Worst first: expired, then the failed sync, then the expiring certificate.
    assert [i.verdict for i in report.items[:3]] == [Verdict.EXPIRED, Verdict.SYNC_FAILED, Verdict.EXPIRES_SOON]
    assert report.as_of == snapshot.taken_at


def test_verdicts_hold_for_the_snapshot_time_not_the_clock() -> None:
    snapshot = snapshot_of(
        {"applePushCertificate": [{"id": "c", "appleIdentifier": "a@b", "expirationDateTime": at(20)}]}
    )
    assert only(tenant_health(snapshot), "applePushCertificate").days_left == 20
    later = tenant_health(snapshot, as_of=NOW + timedelta(days=25))
    item = only(later, "applePushCertificate")
    assert (item.verdict, item.days_left) == (Verdict.EXPIRED, -5)
    assert "same Apple ID (a@b)" in item.reason


@pytest.mark.parametrize(
    ("days", "verdict"),
    [(31, Verdict.OK), (30, Verdict.EXPIRES_SOON), (0.2, Verdict.EXPIRES_SOON), (-0.2, Verdict.EXPIRED)],
)
def test_thirty_days_or_fewer_expires_soon(days: float, verdict: Verdict) -> None:
    token = {"id": "d", "tokenName": "ABM", "tokenExpirationDateTime": at(days), "lastSyncErrorCode": 0}
    assert (
        only(tenant_health(snapshot_of({"depOnboardingSettings": [token]})), "depOnboardingSettings").verdict is verdict
    )


def test_a_failed_sync_is_flagged_and_expiry_outranks_it() -> None:
    failing = {
        "id": "1",
        "displayName": "A",
        "expirationDateTime": at(200),
        "state": "valid",
        "lastSyncStatus": "failed",
    }
    both = {**failing, "id": "2", "displayName": "B", "expirationDateTime": at(-1)}
    invalid = {
        "id": "3",
        "displayName": "C",
        "expirationDateTime": at(200),
        "state": "invalid",
        "lastSyncStatus": "none",
    }
    report = tenant_health(snapshot_of({"vppTokens": [failing, both, invalid]}))
    verdicts = {i.name: i.verdict for i in rows(report, "vppTokens")}
    assert verdicts == {"A": Verdict.SYNC_FAILED, "B": Verdict.EXPIRED, "C": Verdict.SYNC_FAILED}
    dep = {"id": "d", "tokenName": "ABM", "tokenExpirationDateTime": at(100), "lastSyncErrorCode": 12}
    item = only(tenant_health(snapshot_of({"depOnboardingSettings": [dep]})), "depOnboardingSettings")
    assert item.verdict is Verdict.SYNC_FAILED and "error 12" in item.reason


def test_connectors_by_state_and_heartbeat() -> None:
    def mtd(state: str, heartbeat_days_ago: float) -> dict[str, Any]:
        return {
            "id": f"{state}-{heartbeat_days_ago}",
            "partnerState": state,
            "lastHeartbeatDateTime": at(-heartbeat_days_ago),
            "partnerUnresponsivenessThresholdInDays": 7,
        }

    connectors = [mtd("enabled", 1), mtd("enabled", 9), mtd("unresponsive", 1), mtd("notSetUp", 0)]
    report = tenant_health(snapshot_of({"mobileThreatDefenseConnectors": connectors}))
    assert [(i.object_id, i.verdict) for i in rows(report, "mobileThreatDefenseConnectors")] == [
        ("enabled-9", Verdict.SYNC_FAILED),
        ("unresponsive-1", Verdict.SYNC_FAILED),
        ("notSetUp-0", Verdict.NOT_SET_UP),
        ("enabled-1", Verdict.OK),
    ]
    assert "No heartbeat for 9 days" in rows(report, "mobileThreatDefenseConnectors")[0].reason
    partner = {"id": "p", "displayName": "Jamf Pro", "partnerState": "terminated"}
    assert only(
        tenant_health(snapshot_of({"deviceManagementPartners": [partner]})), "deviceManagementPartners"
    ).state == ("Terminated")


def test_unset_singletons_are_not_set_up_and_unread_types_unknown() -> None:
    problem = Problem(ProblemKind.MISSING_ROLE, "403", status=403, role="Intune Read Only Operator")
    failed = TypeResult("vppTokens", TypeStatus.FAILED, 0, 0.0, problem=problem)
    play = {"id": "androidManagedStoreAccountEnterpriseSettings", "bindStatus": "notBound"}
    report = tenant_health(
        snapshot_of({"applePushCertificate": [], "managedGooglePlay": [play], "vppTokens": []}, vppTokens=failed)
    )
    assert only(report, "applePushCertificate").verdict is Verdict.NOT_SET_UP
    assert only(report, "managedGooglePlay").verdict is Verdict.NOT_SET_UP
    unknown = only(report, "vppTokens")
    assert unknown.verdict is Verdict.UNKNOWN and "Intune Read Only Operator" in unknown.reason
    # A type never collected is unknown too, never "none".
    assert only(report, "depOnboardingSettings").verdict is Verdict.UNKNOWN
    assert report.worst is Verdict.UNKNOWN


def test_graph_timestamps_and_words() -> None:
    assert parse_time("2017-01-01T00:00:35.1329464-08:00") == datetime(2017, 1, 1, 8, 0, 35, 132946, tzinfo=UTC)
    assert parse_time("0001-01-01T00:00:00Z") is None
    assert parse_time("not a date") is None
    assert words("boundAndValidated") == "Bound and validated"
    assert words("assignedToExternalMDM") == "Assigned to external MDM"
