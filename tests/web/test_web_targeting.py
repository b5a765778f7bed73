"""The targeting pages: assignments (with CSV), groups, filters, troubleshoot, conflicts, and their API."""

from __future__ import annotations

import asyncio
import re
from html import unescape
from typing import Any
from urllib.parse import quote

from intune_assistant.analyses.assignments import CSV_COLUMNS, read_assignments_csv

PAGES = ("/assignments", "/groups", "/filters", "/troubleshoot", "/conflicts")


def _windows_pair(web: Any) -> tuple[str, str]:
    """A Contoso Windows device with a primary user: (UPN, device name)."""
    tenant = web.tenant("contoso")
    users = {u["id"]: u["userPrincipalName"] for u in tenant.objects["users"]}
    device = next(
        d
        for d in tenant.objects["managedDevices"]
        if d.get("operatingSystem") == "Windows" and d.get("userId") in users
    )
    return users[device["userId"]], device["deviceName"]


def _named(web: Any, key: str, name: str) -> str:
    return str(next(o["id"] for o in web.tenant("contoso").objects[key] if o.get("displayName") == name))


async def test_every_page_needs_a_signed_in_user(web: Any) -> None:
    for path in (*PAGES, "/assignments.csv", "/groups/x", "/filters/x"):
        response = await web.client.get(path)
        assert response.status_code in (302, 303), path
        assert "signin" in response.headers["location"] or "organizations" in response.headers["location"], path


async def test_pages_render_names_for_the_demo_admin(web: Any) -> None:
    await web.onboarded_admin(modules=("managed-devices",))  # these pages read managed devices
    first = await web.wait_for_policies("/assignments")
    assert first.status_code == 200
    text = unescape(first.text)
    assert "assignments-table" in text and "Windows Corporate Devices" in text
    assert "✔ Include" in text and "✖ Exclude" in text
    assert "Surface devices" in text  # a filter by name, with its mode inline
    assert re.search(r"Surface devices</a> <span class=\"tag\">(Include|Exclude)</span>", text)
    for path, expected in (
        ("/groups", "Intune Pilot Users"),
        ("/filters", "Corporate Windows"),
        ("/troubleshoot", "user-list"),
        ("/conflicts", "Conflicting settings"),
    ):
        page = await web.client.get(path)
        assert page.status_code == 200 and expected in unescape(page.text), path
        assert 'aria-current="page"' in page.text


async def test_assignments_filter_through_the_url(web: Any) -> None:
    await web.onboarded_admin(modules=("managed-devices",))  # these pages read managed devices
    await web.wait_for_policies("/assignments")
    all_rows = await web.client.get("/assignments")
    total = int(re.search(r"(\d+) assignment rows", all_rows.text).group(1))
    excluded = await web.client.get("/assignments", params={"target": "allDevices"})
    assert "All devices" in excluded.text
    count = int(re.search(r"(\d+) assignment rows", excluded.text).group(1))
    assert 0 < count < total
    filter_id = _named(web, "assignmentFilters", "Corporate Windows")
    by_filter = await web.client.get("/assignments", params={"filter": filter_id})
    rows = by_filter.text.split("<tbody>")[1]
    assert "Corporate Windows" in rows and "Surface devices</a>" not in rows
    tagged = await web.client.get("/assignments", params={"tag": "Finance", "platform": "Windows 10 and later"})
    assert "No assignment matches" in tagged.text or "Finance" in tagged.text.split("<tbody>")[1]
    searched = await web.client.get("/assignments", params={"q": "no such policy anywhere"})
    assert "No assignment matches" in searched.text


def _policy_names(html: str) -> list[str]:
    """The policy names of an Assignments page, in the order shown."""
    body = html.split("<tbody>")[1]
    return [unescape(n) for n in re.findall(r'<th scope="row" class="name"[^>]*><a href="[^"]+">([^<]*)</a>', body)]


async def test_assignments_sort_on_the_server_with_the_sort_in_the_url(web: Any) -> None:
    await web.onboarded_admin(modules=("managed-devices",))  # these pages read managed devices
    default = await web.wait_for_policies("/assignments")
    assert 'aria-sort="ascending"' in default.text and 'href="/assignments?sort=policy&amp;dir=asc"' in default.text
    by_name = await web.client.get("/assignments", params={"sort": "policy", "dir": "desc", "target": "group"})
    names = _policy_names(by_name.text)
    assert len(names) > 10 and names == sorted(names, key=str.casefold, reverse=True)
    assert names != _policy_names((await web.client.get("/assignments", params={"target": "group"})).text)
    # The sort stays with the filters, the pager and the export.
    assert '<input type="hidden" name="sort" value="policy">' in by_name.text
    pager = re.search(r'rel="next" href="([^"]+)"', by_name.text)
    assert pager is None or "sort=policy" in pager.group(1)
    export = by_name.text.split('data-testid="export-csv"')[0].rsplit('href="', 1)[1]
    assert "sort=policy" in export and "dir=desc" in export
    rows = read_assignments_csv(
        (await web.client.get("/assignments.csv?target=group&sort=policy&dir=desc")).content.decode("utf-8")
    )
    exported = list(dict.fromkeys(r.policy_name for r in rows))
    assert exported == sorted(exported, key=str.casefold, reverse=True)
    by_platform = await web.client.get("/assignments", params={"sort": "platform"})
    assert 'aria-sort="ascending"><a href="/assignments?sort=platform&amp;dir=desc"' in by_platform.text
    nonsense = await web.client.get("/assignments", params={"sort": "nope", "dir": "sideways"})
    assert nonsense.status_code == 200 and _policy_names(nonsense.text) == _policy_names(default.text)


async def test_csv_export_round_trips(web: Any) -> None:
    await web.onboarded_admin(modules=("managed-devices",))  # these pages read managed devices
    await web.wait_for_policies("/assignments")
    response = await web.client.get("/assignments.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    name = re.search(r'filename="([^"]+)"', response.headers["content-disposition"]).group(1)
    assert re.fullmatch(r"contoso\.onmicrosoft\.com_assignments_\d{4}-\d{2}-\d{2}_\d{4}\.csv", name)
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8")
    rows = read_assignments_csv(text)
    page = await web.client.get("/assignments")
    assert len(rows) == int(re.search(r"(\d+) assignment rows", page.text).group(1))
    assert text.lstrip("\ufeff").startswith('"' + '","'.join(CSV_COLUMNS) + '"')
    assert any(r.group_name == "Windows Corporate Devices" for r in rows)
    narrowed = read_assignments_csv((await web.client.get("/assignments.csv?target=allUsers")).content.decode())
    assert narrowed and all(r.target_kind == "allUsers" for r in narrowed)


async def test_group_and_filter_detail_pages(web: Any) -> None:
    await web.onboarded_admin(modules=("managed-devices",))  # these pages read managed devices
    await web.wait_for_policies("/groups")
    groups = await web.client.get("/groups", params={"q": "pilot"})
    assert "Intune Pilot Users" in groups.text and "Mac Users" not in groups.text
    pilot = unescape((await web.client.get(f"/groups/{_named(web, 'groups', 'Intune Pilot Users')}")).text)
    assert "Nested in:" in pilot and "Regional Users - EU" in pilot and "Security Pilot (All)" in pilot
    assert "group-members" in pilot and "Pavel Urbina" in pilot
    assert "inherited:" in pilot and "→" in pilot  # inherited assignments show their path
    dynamic = unescape((await web.client.get(f"/groups/{_named(web, 'groups', 'All Windows Devices')}")).text)
    assert 'device.deviceOSType -eq "Windows"' in dynamic
    missing = await web.client.get("/groups/not-a-group")
    assert missing.status_code == 404

    filters = unescape((await web.client.get("/filters")).text)
    assert "Surface devices" in filters and "Windows 10 and later" in filters and "windows10AndLater" not in filters
    corp = unescape((await web.client.get(f"/filters/{_named(web, 'assignmentFilters', 'Corporate Windows')}")).text)
    assert 'device.deviceOwnership -eq "Corporate"' in corp
    header = corp.split('<header class="page-header">')[1].split("</header>")[0]
    assert "Platform Windows 10 and later · Managed devices" in header  # Intune's words, not Graph's enums
    counts = re.search(r"(\d+) match, (\d+) don't match, (\d+) unknown", corp)
    assert counts and int(counts.group(1)) + int(counts.group(2)) + int(counts.group(3)) > 0
    assert "Where used" in corp and "filter-uses" in corp
    assert (await web.client.get("/filters/nope")).status_code == 404


async def test_troubleshoot_verdicts_reasons_resultant_and_what_if(web: Any) -> None:
    await web.onboarded_admin(modules=("managed-devices",))  # these pages read managed devices
    await web.wait_for_policies("/troubleshoot")
    upn, device = _windows_pair(web)
    page = await web.client.get("/troubleshoot", params={"user": upn, "device": device})
    text = unescape(page.text)
    assert page.status_code == 200 and "verdicts" in text
    assert f"user <strong>{upn}</strong>" in text and f"device <strong>{device}</strong>" in text
    assert 'data-verdict="applies"' in text and "Targeted" in text
    assert "Reason chain" in text and "<li>" in text
    assert "resultant" in text and re.search(r"\d+ settings from \d+ policies", text)
    every = unescape((await web.client.get("/troubleshoot", params={"user": upn, "all": "1"})).text)
    assert 'data-verdict="not_targeted"' in every

    # What-if: removing the user from a group they reach policies through changes verdicts (nothing saved).
    group = _named(web, "groups", "Intune Managed Users")
    params = {"user": upn, "device": device, "action": "add", "member": "user", "group": group}
    whatif = unescape((await web.client.get("/troubleshoot", params=params)).text)
    assert "what-if-result" in whatif and "Intune Managed Users" in whatif
    assert "No verdict would change" in whatif or "After the change" in whatif

    unknown = await web.client.get("/troubleshoot", params={"user": "nobody@contoso.onmicrosoft.com"})
    assert "subject-error" in unknown.text and "no user" in unescape(unknown.text)


async def test_troubleshoot_resultant_settings_page_sort_and_export(web: Any) -> None:
    await web.onboarded_admin(modules=("managed-devices",))  # these pages read managed devices
    await web.wait_for_policies("/troubleshoot")
    _, device = _windows_pair(web)
    verdicts = unescape((await web.client.get("/troubleshoot", params={"device": device})).text)
    tab = re.search(r'href="(/troubleshoot\?[^"]*show=settings)"', verdicts)
    assert tab and 'data-testid="resultant"' not in verdicts  # the verdicts view does not carry the settings list
    total = int(re.search(r"Resultant settings \((\d+)\)", verdicts).group(1))
    settings = unescape((await web.client.get(tab.group(1).replace("&amp;", "&"))).text)
    body = settings.split('data-testid="resultant"')[1].split("</tbody>")[0]
    assert total > 0 and body.count("<tr>") == min(total, 50) + 1  # header row, then the first page
    assert f"of {total} settings" in settings or f"Showing 1–{total} of {total}" in settings
    by_name = await web.client.get(
        "/troubleshoot", params={"device": device, "show": "settings", "sort": "setting", "dir": "desc", "per": "25"}
    )
    names = re.findall(r'<th scope="row">([^<]+)</th>', by_name.text.split('data-testid="resultant"')[1])
    assert names and names == sorted(names, key=str.casefold, reverse=True)
    export = await web.client.get("/troubleshoot.csv", params={"device": device, "show": "settings"})
    assert export.status_code == 200 and export.text.lstrip("\ufeff").startswith("Setting,Category,Value,From,Status")
    assert export.text.count("\n") == total + 1


async def test_troubleshoot_suggests_users_and_devices_as_you_type(web: Any) -> None:
    await web.onboarded_admin(modules=("managed-devices",))  # these pages read managed devices
    page = await web.wait_for_policies("/troubleshoot")
    assert "<option" not in page.text.split('id="user-list"')[1].split("</datalist>")[0]  # filled as you type
    upn, device = _windows_pair(web)
    users = await web.client.get("/troubleshoot/suggestions", params={"field": "user", "user": upn[:4].upper()})
    offered = re.findall(r'<option value="([^"]+)">', unescape(users.text))
    assert users.status_code == 200 and 0 < len(offered) <= 20
    assert all(upn[:4].casefold() in o.casefold() for o in offered)
    devices = await web.client.get("/troubleshoot/suggestions", params={"field": "device", "device": device})
    assert re.findall(r'<option value="([^"]+)">', unescape(devices.text))[0] == device
    nothing = await web.client.get("/troubleshoot/suggestions", params={"field": "user", "user": "zzzz-nobody"})
    assert nothing.status_code == 200 and "<option" not in nothing.text


async def test_conflicts_page_names_both_policies(web: Any) -> None:
    await web.onboarded_admin(modules=("managed-devices",))  # these pages read managed devices
    page = unescape((await web.wait_for_policies("/conflicts")).text)
    assert "Duplicate policies (" in page and "Deprecated or unknown settings (" in page
    link = re.search(r'href="(/conflicts/setting\?id=[^"]+)" data-testid="conflict-link"', page)
    assert link, "a conflicting setting opens"
    pairs = unescape((await web.client.get(link.group(1).replace("&amp;", "&"))).text)
    total = int(re.search(r"Every overlapping pair \((\d+)\)", pairs).group(1))
    rows = pairs.split('data-testid="pairs"')[1].split("</tbody>")[0]
    assert total > 0 and rows.count("<tr>") == min(total, 50) + 1  # header row, then every pair of the page
    assert rows.count('href="/objects/') >= 2 and ("user(s)" in rows or "device(s)" in rows)


async def test_api_assignments_and_troubleshoot(web: Any) -> None:
    await web.onboarded_admin(modules=("managed-devices",))  # these pages read managed devices
    assert (await web.client.get("/api/v1/assignments")).status_code == 401
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(400):
        response = await web.client.get("/api/v1/assignments?target=allUsers", headers=headers)
        if response.status_code == 200:
            break
        await asyncio.sleep(0.02)
    body = response.json()
    assert body["status"] == "ready" and body["policies"]
    assert all(r["target_kind"] == "allUsers" for p in body["policies"] for r in p["rows"])
    user, device = _windows_pair(web)
    verdicts = await web.client.get(f"/api/v1/troubleshoot?user={quote(user)}&device={quote(device)}", headers=headers)
    answer = verdicts.json()
    assert verdicts.status_code == 200 and answer["effective"]["items"] and answer["resultant"]["settings"]
    assert {"applies", "not_targeted"} <= {i["verdict"] for i in answer["effective"]["items"]}
    assert all("steps" in i and "label" in i for i in answer["effective"]["items"])
