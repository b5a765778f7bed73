"""The Audit page through the emulator: the seeded week of changes, filters and search in the URL,
what changed per object with links, the JSON API and CSV; the product's own write under the
signed-in user; no optional module needed."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

CONFIG_WRITE = "DeviceManagementConfiguration.ReadWrite.All"


def _count(html: str) -> int:
    found = re.search(r"Showing \d+–\d+ of (\d+)", html)
    assert found, html[:2000]
    return int(found.group(1))


def _within(tenant: Any, days: int, slack_s: int = 0) -> list[dict[str, Any]]:
    since = (datetime.now(UTC) - timedelta(days=days, seconds=slack_s)).strftime("%Y-%m-%dT%H:%M:%S")
    return [e for e in [*tenant.audit_history, *tenant.audit_events] if e["activityDateTime"] >= since]


def _about(count: int, tenant: Any, days: int) -> bool:
    """``count`` is the number of events since ``days`` ago, as read a moment (at most 2 min) earlier."""
    return len(_within(tenant, days)) <= count <= len(_within(tenant, days, slack_s=120))


async def test_audit_lists_the_week_and_what_changed_without_any_module(web) -> None:
    tenant = web.tenant("contoso")
    await web.onboarded_admin()
    page = await web.wait_for_policies("/audit")
    assert page.status_code == 200 and 'data-testid="audit-table"' in page.text
    week = _within(tenant, 7)
    assert week and _about(_count(page.text), tenant, 7)
    month = await web.client.get("/audit", params={"days": "30"})
    assert _about(_count(month.text), tenant, 30) and _count(month.text) > len(week)
    # What changed: each object once, with a link to its page when it still exists.
    changed = re.findall(r'data-testid="changed-row" data-object-id="([^"]+)"', page.text)
    assert changed and len(changed) == len(set(changed))
    linked = next(e for e in reversed(week) if e["activityOperationType"] != "Delete")
    resource = linked["resources"][0]
    assert f'/{resource["resourceId"]}"' in page.text
    # One object's events, found by its id (the count in What changed links there).
    mine = await web.client.get("/audit", params={"q": resource["resourceId"], "days": "7"})
    expected = [e for e in week if any(r["resourceId"] == resource["resourceId"] for r in e["resources"])]
    assert _count(mine.text) in (len(expected), len(expected) + 1)  # one may sit on the week's edge


async def test_audit_filters_by_actor_operation_and_result_and_exports(web) -> None:
    tenant = web.tenant("contoso")
    await web.onboarded_admin()
    await web.wait_for_policies("/audit")
    week = _within(tenant, 7)
    actor = week[-1]["actor"]["userPrincipalName"]
    by_actor = await web.client.get("/audit", params={"actor": actor})
    edge = _within(tenant, 7, slack_s=120)
    mine = [sum(e["actor"]["userPrincipalName"] == actor for e in events) for events in (week, edge)]
    assert mine[0] <= _count(by_actor.text) <= mine[1]
    deletes = await web.client.get("/audit", params={"operation": "Delete", "days": "30"})
    month = _within(tenant, 30)
    edge = _within(tenant, 30, slack_s=120)
    counts = [sum(e["activityOperationType"] == "Delete" for e in events) for events in (month, edge)]
    assert counts[0] <= _count(deletes.text) <= counts[1]
    assert "Old - " in deletes.text  # a deleted object keeps the name the event gave it
    export = await web.client.get("/audit.csv", params={"days": "30", "result": "Failure"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Date", "Initiated by", "Application"]
    failures = [sum(e["activityResult"] == "Failure" for e in events) for events in (month, edge)]
    assert failures[0] <= len(rows) - 1 <= failures[1]


async def test_a_write_by_the_signed_in_user_shows_under_them_in_audit(web) -> None:
    tenant = web.tenant("contoso")
    upn = await web.onboarded_admin()
    admin = next(o for o in tenant.operators if o.user_principal_name == upn)
    policy = tenant.objects["settingsCatalog"][0]
    # The write the product makes On-Behalf-Of the user (its API app's token, the user's identity).
    web.demo.entra.grant_consent(tenant.tenant_id, [CONFIG_WRITE])
    token = web.demo.entra.issue_graph_token_for(tenant.tenant_id, admin.user_id, [CONFIG_WRITE])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=web.demo.app), base_url="https://graph.microsoft.com"
    ) as graph:
        written = await graph.patch(
            f"/beta/deviceManagement/configurationPolicies/{policy['id']}",
            json={"description": "changed by the test"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert written.status_code == 204, written.text
    page = await web.wait_for_policies("/audit")
    mine = await web.client.get("/audit", params={"actor": upn, "q": policy["id"]})
    assert _count(mine.text) >= 1 and "Intune Assistant" in mine.text
    first = mine.text.split('data-testid="audit-row"')[1].split("</tr>")[0]
    assert upn in first and "Intune Assistant" in first and "Update" in first
    assert page.status_code == 200


async def test_api_audit_answers_a_bearer_token(web) -> None:
    tenant = web.tenant("contoso")
    await web.onboarded_admin()
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(200):
        response = await web.client.get("/api/v1/audit", params={"days": "7", "per": "25"}, headers=headers)
        if response.status_code == 200:
            break
    body = response.json()
    assert body["status"] == "ready" and _about(body["paging"]["matched"], tenant, 7) and len(body["events"]) == 25
    assert body["changed"] and all(c["changes"] >= 1 for c in body["changed"])
    times = [e["when"] for e in body["events"]]
    assert times == sorted(times, reverse=True)
