"""Confirm → progress → results through the emulator: the plan document round trip, the progress
page while Graph has not answered, the backup, the audit events under the signed-in user, refusals
of forged or foreign plans, another user's run unreadable, and a read-only admin's clear 403 per
item with nothing changed."""

from __future__ import annotations

import asyncio
import base64
import html
import io
import re
import zipfile
from typing import Any

import httpx
import pytest

from intune_assistant.analyses.assignments import parse_target
from intune_assistant.snapshot import load_snapshot_files


class GraphGate(httpx.AsyncBaseTransport):
    """Graph answers while ``opened`` is set (it is, at first): a test closes it to hold an apply."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.opened = asyncio.Event()
        self.opened.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.opened.wait()
        return await self.inner.handle_async_request(request)


@pytest.fixture
def graph_transport(graph_transport: httpx.AsyncBaseTransport) -> GraphGate:
    return GraphGate(graph_transport)


async def _start(web: Any, document: str) -> str:
    """Confirm: the answer sends the browser to the run's page at once; its address."""
    started = await web.client.post("/assignment-manager/apply", data={"csrf_token": web.csrf(), "plan": document})
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    assert re.fullmatch(r"/assignment-manager/apply/[A-Za-z0-9_-]{30,}", location), location
    return str(location)


async def _results(web: Any, run: str) -> httpx.Response:
    """The run's page once the apply ended, reached as htmx does: poll the fragment until it says reload."""
    for _ in range(2000):
        fragment = await web.client.get(run + "/progress", headers={"HX-Request": "true"})
        assert fragment.status_code == 200, fragment.text
        if fragment.headers.get("HX-Refresh") == "true":
            break
        await asyncio.sleep(0.01)
    page = await web.client.get(run)
    assert page.status_code == 200 and 'data-testid="results-table"' in page.text, page.text
    return page


async def _apply(web: Any, document: str) -> httpx.Response:
    return await _results(web, await _start(web, document))


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
    result = await _apply(web, document)
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
    again = await _apply(web, document)
    assert 'data-testid="count-applied">1<' in again.text and len(web.tenant("contoso").audit_events) == writes


async def test_confirm_answers_at_once_with_progress_then_results_only_for_its_user(web, graph_transport) -> None:
    await _activated_admin(web)
    policy = _policy(web)
    name, group_id = _free_group(web, policy)
    document = await _review_adding(web, policy, name)
    # Graph holds every answer: the apply has started but no item has ended.
    graph_transport.opened.clear()
    run = await _start(web, document)
    progress = await web.client.get(run)
    assert progress.status_code == 200 and 'data-testid="apply-progress"' in progress.text
    assert 'data-testid="items-done">0<' in progress.text and 'data-testid="items-total">1<' in progress.text
    assert f'hx-get="{run}/progress"' in progress.text and 'data-testid="results-table"' not in progress.text
    fragment = await web.client.get(run + "/progress", headers={"HX-Request": "true"})
    assert 'data-testid="progress-applied">0<' in fragment.text and "HX-Refresh" not in fragment.headers
    graph_transport.opened.set()
    result = await _results(web, run)
    assert 'data-testid="count-applied">1<' in result.text
    assert group_id in {parse_target(a).group_id for a in _live(web, policy)}
    # Another user of the same tenant knows the address, and finds nothing.
    web.forget_browser()
    await web.sign_in(web.upn("contoso", "readOnly"))
    await web.wait_for_policies()
    for path in (run, run + "/progress"):
        other = await web.client.get(path)
        assert other.status_code == 404 and "results-table" not in other.text and policy["name"] not in other.text


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
    result = await _apply(web, document)
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
        planned = await web.client.post("/api/v1/assignments/plan", json=body, headers=headers)
        if planned.status_code != 202:
            break
    assert planned.status_code == 200, planned.text
    answer = planned.json()
    assert answer["can_apply"] and answer["document"] and len(answer["plan"]["items"]) == 1
    bad = await web.client.post("/api/v1/assignments/plan", json={"input": "form"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"
    applied = await web.client.post("/api/v1/assignments/apply", json={"document": answer["document"]}, headers=headers)
    assert applied.status_code == 200, applied.text
    assert applied.json()["counts"]["applied"] == 1 and applied.json()["backup_zip_base64"]
    assert group_id in {parse_target(a).group_id for a in _live(web, policy)}
