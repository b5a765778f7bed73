"""Confirm → apply → results through the emulator: the plan document round trip, the backup, the
audit events under the signed-in user, refusals of forged or foreign plans, and a read-only
admin's clear 403 per item with nothing changed."""

from __future__ import annotations

import base64
import html
import io
import re
import zipfile
from typing import Any

from intune_assistant.analyses.assignments import parse_target
from intune_assistant.snapshot import load_snapshot_files


def _policy(web: Any) -> dict[str, Any]:
    return next(p for p in web.tenant("contoso").objects["settingsCatalog"] if p.get("assignments"))


def _live(web: Any, policy: dict[str, Any]) -> list[dict[str, Any]]:
    """The policy's assignments as the emulator holds them now."""
    found = next(p for p in web.tenant("contoso").objects["settingsCatalog"] if p["id"] == policy["id"])
    return list(found.get("assignments") or [])


def _free_group(web: Any, policy: dict[str, Any]) -> tuple[str, str]:
    assigned = {parse_target(a).group_id for a in _live(web, policy)}
    counts: dict[str, int] = {}
    for g in web.tenant("contoso").objects["groups"]:
        counts[g["displayName"]] = counts.get(g["displayName"], 0) + 1
    group = next(
        g
        for g in web.tenant("contoso").objects["groups"]
        if g["id"] not in assigned and counts[g["displayName"]] == 1 and g.get("members") is not None
    )
    return group["displayName"], group["id"]


async def _activated_admin(web: Any) -> str:
    upn = await web.onboarded_admin()
    started = await web.client.post("/tenant/modules/bulk-assign/activate", data={"csrf_token": web.csrf()})
    done = await web.consent(started, upn)
    assert done.headers["location"] == "/tenant?activated=bulk-assign"
    await web.wait_for_policies()
    return upn


async def _review_adding(web: Any, policy: dict[str, Any], group: str) -> str:
    review = await web.client.post(
        "/assignment-manager/review",
        data={
            "csrf_token": web.csrf(),
            "input": "form",
            "object": f"settingsCatalog/{policy['id']}",
            "action": "add",
            "target": "group",
            "group": group,
            "direction": "include",
        },
    )
    assert review.status_code == 200, review.text
    found = re.search(r'name="plan" value="([^"]+)"', review.text)
    assert found, review.text
    return html.unescape(found.group(1))


async def test_apply_writes_the_plan_offers_the_backup_and_links_audit_events_by_the_user(web) -> None:
    upn = await _activated_admin(web)
    policy = _policy(web)
    before = [dict(a) for a in policy["assignments"]]
    name, group_id = _free_group(web, policy)
    document = await _review_adding(web, policy, name)
    result = await web.client.post("/assignment-manager/apply", data={"csrf_token": web.csrf(), "plan": document})
    assert result.status_code == 200, result.text
    assert 'data-testid="count-applied">1<' in result.text and 'data-testid="count-failed">0<' in result.text
    after = {parse_target(a).group_id for a in _live(web, policy)}
    assert group_id in after and {parse_target(a).group_id for a in before} <= after
    # The backup: the object as it was just before the write, as a snapshot zip built in the page.
    data = base64.b64decode(re.search(r"data:application/zip;base64,([A-Za-z0-9+/=]+)", result.text).group(1))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        backup = load_snapshot_files(archive.read, "backup.zip")
    [saved] = backup.objects["settingsCatalog"]
    assert saved["id"] == policy["id"] and len(saved["assignments"]) == len(before)
    link = html.unescape(re.search(r'href="(/assignment-manager/audit\?[^"]+)"', result.text).group(1))
    audit = await web.client.get(link)
    assert audit.status_code == 200 and 'data-testid="audit-row"' in audit.text and upn in audit.text
    # The same document again: the object already is as planned, nothing is written twice.
    writes = len(web.tenant("contoso").audit_events)
    again = await web.client.post("/assignment-manager/apply", data={"csrf_token": web.csrf(), "plan": document})
    assert 'data-testid="count-applied">1<' in again.text and len(web.tenant("contoso").audit_events) == writes


async def test_forged_and_other_users_plans_are_refused_and_change_nothing(web) -> None:
    await _activated_admin(web)
    policy = _policy(web)
    name, _ = _free_group(web, policy)
    document = await _review_adding(web, policy, name)
    before = [dict(a) for a in policy["assignments"]]
    forged = document[:-8] + ("A" * 8 if not document.endswith("A" * 8) else "B" * 8)
    refused = await web.client.post("/assignment-manager/apply", data={"csrf_token": web.csrf(), "plan": forged})
    assert (
        refused.status_code == 400 and "can&#39;t be applied" in refused.text and "Nothing was changed" in refused.text
    )
    web.forget_browser()
    await web.sign_in(web.upn("contoso", "readOnly"))
    await web.wait_for_policies()
    other = await web.client.post("/assignment-manager/apply", data={"csrf_token": web.csrf(), "plan": document})
    assert other.status_code == 400 and "another user" in other.text
    assert _live(web, policy) == before


async def test_a_read_only_admin_gets_a_clear_403_per_item_and_nothing_changes(web) -> None:
    await _activated_admin(web)
    web.forget_browser()
    await web.sign_in(web.upn("contoso", "readOnly"))
    await web.wait_for_policies()
    policy = _policy(web)
    before = [dict(a) for a in policy["assignments"]]
    name, _ = _free_group(web, policy)
    document = await _review_adding(web, policy, name)
    result = await web.client.post("/assignment-manager/apply", data={"csrf_token": web.csrf(), "plan": document})
    assert result.status_code == 200, result.text
    assert 'data-testid="count-failed">1<' in result.text and "403" in result.text
    assert _live(web, policy) == before


async def test_json_api_plans_and_applies_with_a_bearer_token(web) -> None:
    await _activated_admin(web)
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    policy = _policy(web)
    name, group_id = _free_group(web, policy)
    body = {"input": "form", "object": [f"settingsCatalog/{policy['id']}"], "action": "add", "target": "group"}
    body |= {"group": name, "direction": "include"}
    for _ in range(200):
        planned = await web.client.post("/api/assignments/plan", json=body, headers=headers)
        if planned.status_code != 202:
            break
    assert planned.status_code == 200, planned.text
    answer = planned.json()
    assert answer["can_apply"] and answer["document"] and len(answer["plan"]["items"]) == 1
    bad = await web.client.post("/api/assignments/plan", json={"input": "form"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_input"
    applied = await web.client.post("/api/assignments/apply", json={"document": answer["document"]}, headers=headers)
    assert applied.status_code == 200, applied.text
    assert applied.json()["counts"]["applied"] == 1 and applied.json()["backup_zip_base64"]
    assert group_id in {parse_target(a).group_id for a in _live(web, policy)}
