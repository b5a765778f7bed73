"""The Devices page through the emulator: module off explains itself; on, every planted finding shows
with its reason; search, filters, sort, paging, CSV and the JSON API run on the server."""

from __future__ import annotations

import asyncio
import csv
import html
import io
import re
from typing import Any

DEVICES_READ = "DeviceManagementManagedDevices.Read.All"


def _count(html: str) -> int:
    found = re.search(r"Showing \d+–\d+ of (\d+)", html)
    assert found, html[:2000]
    return int(found.group(1))


def _row_ids(html: str) -> list[str]:
    return re.findall(r'data-testid="device-row" data-device-id="([^"]+)"', html)


async def test_without_the_module_devices_says_what_it_would_show_and_how_to_turn_it_on(web) -> None:
    upn = await web.onboarded_admin()
    page = await web.wait_for_policies("/devices")
    assert page.status_code == 200 and 'data-testid="module-off"' in page.text
    assert 'data-module="managed-devices"' in page.text and DEVICES_READ in page.text
    assert "stale devices" in page.text and "Turn on Managed devices" in page.text
    assert 'data-testid="devices-table"' not in page.text
    assert f'name="csrf_token" value="{web.csrf()}"' in page.text.split('data-testid="module-off"')[1]
    # Other pages keep working.
    assert "policies-table" in (await web.client.get("/policies")).text
    # The button asks for exactly the module's scope; after consent the devices are listed.
    started = await web.client.post("/tenant/modules/managed-devices/activate", data={"csrf_token": web.csrf()})
    assert started.headers["location"].count("graph.microsoft.com") == 1 and DEVICES_READ in started.headers["location"]
    await web.consent(started, upn)
    page = await web.wait_for_policies("/devices")
    assert 'data-testid="devices-table"' in page.text and 'data-testid="module-off"' not in page.text


async def test_a_reader_is_told_who_can_turn_it_on(web) -> None:
    await web.onboarded_admin()
    web.forget_browser()
    await web.sign_in(web.upn("contoso", "readOnly"))
    page = await web.wait_for_policies("/devices")
    assert 'data-testid="module-off"' in page.text and "Turn on Managed devices" not in page.text
    assert "Global Administrator" in page.text and 'href="/tenant#optional-read-modules"' in page.text


async def test_devices_list_every_planted_finding_with_its_reason(web) -> None:
    await web.onboarded_admin(modules=("managed-devices",))
    tenant = web.tenant("contoso")
    page = await web.wait_for_policies("/devices")
    assert _count(page.text) == len(tenant.objects["managedDevices"])
    for finding, planted in (
        ("Stale", "staleDevices"),
        ("Duplicate record", "duplicateDevices"),
        ("Not compliant", "nonCompliantDevices"),
    ):
        listed = await web.client.get("/devices", params={"finding": finding, "per": "200"})
        assert set(_row_ids(listed.text)) == set(tenant.planted[planted]), finding
        assert _count(listed.text) == len(tenant.planted[planted])
    stale = await web.client.get("/devices", params={"finding": "Stale"})
    assert "last synced" in stale.text and "more than 30 days" in stale.text
    duplicates = await web.client.get("/devices", params={"finding": "Duplicate record"})
    assert "same serial number" in duplicates.text and "an older record" in duplicates.text
    # A device's name opens Troubleshoot for it.
    device_id = _row_ids(stale.text)[0]
    assert f'href="/troubleshoot?device={device_id}"' in stale.text
    troubleshoot = await web.client.get(f"/troubleshoot?device={device_id}")
    name = next(d["deviceName"] for d in tenant.objects["managedDevices"] if d["id"] == device_id)
    assert troubleshoot.status_code == 200 and name in troubleshoot.text


async def test_devices_search_filter_sort_page_and_export_on_the_server(web) -> None:
    await web.onboarded_admin(modules=("managed-devices",))
    devices: list[dict[str, Any]] = web.tenant("contoso").objects["managedDevices"]
    await web.wait_for_policies("/devices")
    windows = [d for d in devices if d["operatingSystem"] == "Windows"]
    page = await web.client.get("/devices", params={"os": "Windows", "per": "25"})
    assert _count(page.text) == len(windows) and len(_row_ids(page.text)) == min(25, len(windows))
    second = await web.client.get("/devices", params={"os": "Windows", "per": "25", "page": "2"})
    assert not set(_row_ids(page.text)) & set(_row_ids(second.text))
    serial = devices[3]["serialNumber"]
    found = await web.client.get("/devices", params={"q": serial})
    assert devices[3]["id"] in _row_ids(found.text)
    by_sync = await web.client.get("/devices", params={"sort": "sync", "dir": "asc", "per": "200"})
    oldest = min(devices, key=lambda d: d["lastSyncDateTime"])
    assert _row_ids(by_sync.text)[0] == oldest["id"]
    export = await web.client.get("/devices.csv", params={"os": "Windows", "finding": "Stale"})
    assert export.status_code == 200 and "devices" in export.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Device name", "OS", "OS version", "Compliance"] and "Findings" in rows[0]
    expected = {d["id"] for d in windows} & set(web.tenant("contoso").planted["staleDevices"])
    assert len(rows) - 1 == len(expected)


async def test_api_devices_answers_a_bearer_token_with_findings(web) -> None:
    await web.onboarded_admin(modules=("managed-devices",))
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(200):
        response = await web.client.get("/api/v1/devices", params={"finding": "Duplicate record"}, headers=headers)
        if response.status_code == 200:
            break
    body = response.json()
    assert body["status"] == "ready" and body["paging"]["matched"] == len(tenant.planted["duplicateDevices"])
    assert {d["id"] for d in body["devices"]} == set(tenant.planted["duplicateDevices"])
    assert all(any(f["kind"] == "Duplicate record" for f in d["findings"]) for d in body["devices"])


def _ticked(html: str) -> list[str]:
    """The values of the rows' checkboxes (what the Devices page sends for the ticked devices)."""
    return re.findall(r'type="checkbox" name="member" value="([^"]+)" form="add-to-group"', html)


def _entra_ids(tenant: Any, managed_ids: list[str]) -> set[str]:
    managed = {d["id"]: d for d in tenant.objects["managedDevices"]}
    by_device_id = {e["deviceId"]: e["id"] for e in tenant.objects["entraDevices"]}
    return {by_device_id[managed[m]["azureADDeviceId"]] for m in managed_ids}


async def _review(web: Any, **fields: Any) -> Any:
    data = {"csrf_token": web.csrf(), "action": "members", "member_action": "add", **fields}
    return await web.client.post("/bulk-edits/review", data=data)


async def test_ticked_devices_review_without_the_module_and_a_dynamic_group_is_refused(web) -> None:
    await web.onboarded_admin(modules=("managed-devices",))
    page = await web.wait_for_policies("/devices?os=Windows")
    # Every row has a checkbox, the page a "choose all" box, and without the module it says how to turn it on.
    assert 'data-testid="add-to-group"' in page.text and 'data-pick-all="add-to-group"' in page.text
    assert len(_ticked(page.text)) == len(_row_ids(page.text)) > 3
    assert 'data-testid="module-needed"' in page.text and 'href="/tenant"' in page.text.split("module-needed")[1]
    # The group field suggests, as you type, static groups that can hold devices (not every group, every page).
    assert 'hx-get="/bulk-edits/groups?for=devices"' in page.text and '<option value="Lab Devices">' not in page.text
    offered = await web.client.get("/bulk-edits/groups", params={"for": "devices", "group": "devices"})
    assert '<option value="Lab Devices">' in offered.text and "All Windows Devices" not in offered.text
    chosen = _ticked(page.text)[:3]
    names = [d["deviceName"] for d in web.tenant("contoso").objects["managedDevices"] if d["id"] in chosen]

    # Reviewing needs no module: the devices by name; applying does.
    review = await _review(web, group="Lab Devices", member=chosen, back="/devices?os=Windows")
    assert review.status_code == 200 and 'data-testid="count-objects">3<' in review.text
    assert all(f"add device &#39;{n}&#39; to &#39;Lab Devices&#39;" in review.text for n in names)
    assert 'data-testid="module-needed"' in review.text and 'name="plan"' not in review.text
    assert 'href="/devices?os=Windows">Back to Devices<' in review.text

    # The JSON API takes the same ids.
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    body = {"action": "members", "group": "Lab Devices", "member": chosen}
    planned = await web.client.post("/api/v1/bulk-edits/plan", json=body, headers={"Authorization": f"Bearer {token}"})
    assert planned.status_code == 200 and not planned.json()["can_apply"], planned.text
    assert len(planned.json()["plan"]["items"]) == 3

    # A dynamic group is refused with the reason, and the way back is the Devices page as it was.
    refused = await _review(web, group="All Windows Devices", member=chosen, back="/devices?os=Windows")
    assert refused.status_code == 400 and "it has dynamic membership" in refused.text
    assert 'href="/devices?os=Windows"' in refused.text and "Back to Devices" in refused.text
    # Nothing ticked: said so; a foreign "back" is not followed.
    empty = await _review(web, group="Lab Devices", back="https://elsewhere.example/")
    assert empty.status_code == 400 and "No users or devices were given" in empty.text
    assert "elsewhere.example" not in empty.text and 'href="/bulk-edits"' in empty.text


async def test_three_ticked_devices_added_to_a_group_show_on_its_page(web) -> None:
    upn = await web.onboarded_admin(modules=("managed-devices",))
    started = await web.client.post("/tenant/modules/bulk-edit/activate", data={"csrf_token": web.csrf()})
    await web.consent(started, upn)
    tenant = web.tenant("contoso")
    group = next(g for g in tenant.objects["groups"] if g["displayName"] == "Pilot Devices")
    before = {m["id"] for m in group.get("members") or []}
    page = await web.wait_for_policies("/devices?os=Windows&sort=name")
    assert 'data-testid="module-needed"' not in page.text
    chosen = [m for m in _ticked(page.text) if not _entra_ids(tenant, [m]) & before][:3]
    wanted = _entra_ids(tenant, chosen)
    assert len(wanted) == 3

    review = await _review(web, group="Pilot Devices", member=chosen, back="/devices?os=Windows&sort=name")
    assert 'data-testid="count-objects">3<' in review.text
    document = html.unescape(re.search(r'name="plan" value="([^"]+)"', review.text).group(1))
    started = await web.client.post("/bulk-edits/apply", data={"csrf_token": web.csrf(), "plan": document})
    assert started.status_code == 303, started.text
    run = started.headers["location"]
    for _ in range(2000):
        fragment = await web.client.get(run + "/progress", headers={"HX-Request": "true"})
        if fragment.headers.get("HX-Refresh") == "true":
            break
        await asyncio.sleep(0.01)
    result = await web.client.get(run)
    assert 'data-testid="count-applied">3<' in result.text
    live = next(g for g in tenant.objects["groups"] if g["id"] == group["id"])
    assert {m["id"] for m in live["members"]} == before | wanted

    # The group's page, once the read that apply started is in, lists the three devices.
    for _ in range(2000):
        shown = await web.client.get(f"/groups/{group['id']}", params={"per": "200"})
        if 'data-testid="refreshing"' not in shown.text:
            break
        await asyncio.sleep(0.01)
    members = shown.text.split('data-testid="group-members"')[1]
    names = {e["displayName"] for e in tenant.objects["entraDevices"] if e["id"] in wanted}
    assert all(f'<th scope="row">{html.escape(n)}</th>' in members for n in names), members[:3000]
    # Planning the same again changes nothing: each is already a member.
    again = await _review(web, group="Pilot Devices", member=chosen)
    assert 'data-testid="count-objects">0<' in again.text and again.text.count("already a member") == 3


async def test_a_device_opened_from_devices_adds_to_a_group_from_troubleshoot(web) -> None:
    await web.onboarded_admin(modules=("managed-devices",))
    page = await web.wait_for_policies("/devices")
    device_id = _row_ids(page.text)[0]
    troubleshoot = await web.client.get("/troubleshoot", params={"device": device_id})
    link = html.unescape(
        re.search(r'href="(/bulk-edits\?[^"]+)" data-testid="add-to-group"', troubleshoot.text).group(1)
    )
    prefilled = await web.client.get(link)
    members = html.unescape(re.search(r'data-testid="members-list">([^<]*)</textarea>', prefilled.text).group(1))
    review = await _review(web, group="Lab Devices", members=members)
    (entra_id,) = _entra_ids(web.tenant("contoso"), [device_id])
    name = next(e["displayName"] for e in web.tenant("contoso").objects["entraDevices"] if e["id"] == entra_id)
    assert 'data-testid="count-objects">1<' in review.text, review.text
    assert f"add device '{name}' to 'Lab Devices'" in html.unescape(review.text)
