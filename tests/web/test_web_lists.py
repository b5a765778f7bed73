"""Every long list pages, sorts, searches and exports on the server, with its state in the URL;
every object opens its page; the top bar's search finds things by name (Contoso, in-process)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any
from urllib.parse import quote, urlencode

import pytest

DOMAIN = "contoso.onmicrosoft.com"


@pytest.fixture
async def ready(web):  # type: ignore[no-untyped-def]
    """Contoso onboarded by its admin, and the tenant collected."""
    await web.onboarded_admin(modules=("managed-devices",))  # these pages read managed devices
    page = await web.wait_for_policies("/policies")
    assert page.status_code == 200 and "policies-table" in page.text, page.text[:500]
    return web


def _objects(web: Any, key: str) -> list[dict[str, Any]]:
    return list(web.tenant("contoso").objects[key])


def _named(web: Any, key: str, name: str) -> dict[str, Any]:
    return next(o for o in _objects(web, key) if o.get("displayName") == name)


def _windows_pair(web: Any) -> tuple[str, str]:
    users = {u["id"]: u["userPrincipalName"] for u in _objects(web, "users")}
    device = next(
        d for d in _objects(web, "managedDevices") if d.get("operatingSystem") == "Windows" and d.get("userId") in users
    )
    return users[device["userId"]], device["deviceName"]


def _count(html: str) -> tuple[int, int, int]:
    """(first, last, matched) of the "Showing a–b of n" line."""
    found = re.search(r"Showing (\d+)–(\d+) of (\d+)", html)
    assert found, html[:2000]
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


def _body(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"')[1].split("</tbody>")[0].split("<tbody>")[1]


def _first_cells(html: str, testid: str) -> list[str]:
    """The text of each body row's first cell."""
    cells = re.findall(r"<tr>\s*<t[hd][^>]*>(.*?)</t[hd]>", _body(html, testid), re.S)
    cells = [re.sub(r'<span class="tag">[^<]*</span>', "", c).replace("<br>", "; ") for c in cells]  # badges
    return [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]


def _csv(response: Any, view: str) -> list[list[str]]:
    assert response.status_code == 200, response.text[:500]
    name = re.fullmatch(r'attachment; filename="([^"]+)"', response.headers["content-disposition"])
    assert name and re.fullmatch(rf"{re.escape(DOMAIN)}_{view}_\d{{4}}-\d{{2}}-\d{{2}}_\d{{4}}\.csv", name.group(1))
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


# (page, table test id, export view name, a column to sort by, the first header, the sorted column's header)
LISTS = [
    ("/policies", "policies-table", "policies", "type", "Name", "Type"),
    ("/groups", "groups-table", "groups", "uses", "Group", "Used by assignments"),
    ("/filters", "filters-table", "filters", "uses", "Filter", "Used by"),
    ("/settings", "settings-table", "settings", "policy", "Setting", "Policy"),
    ("/conflicts", "conflicts", "conflicts", "pairs", "Setting", "Overlapping pairs"),
    ("/conflicts?show=duplicates", "duplicates", "duplicate-policies", "settings", "Policies", "Settings"),
    ("/conflicts?show=deprecated", "deprecated", "deprecated-settings", "setting", "Policy", "Setting"),
]


def _export_path(path: str) -> str:
    return path.replace("?", ".csv?") if "?" in path else path + ".csv"


async def _check_list(web: Any, path: str, testid: str, view: str, sort: str, header: str, sort_header: str) -> None:
    sep = "&" if "?" in path else "?"
    # The export covers every matching row (all pages) with every visible column's header, in the page's order.
    exported = _csv(await web.client.get(_export_path(path)), view)
    assert exported[0][0] == header, path
    names = [row[0] for row in exported[1:]]
    first = await web.client.get(f"{path}{sep}per=25")
    assert first.status_code == 200, (path, first.text[:500])
    text = unescape(first.text)
    assert _count(text) == (1, min(25, len(names)), len(names)), path
    assert _first_cells(text, testid) == names[:25], path
    if len(names) > 25:
        assert 'rel="next"' in first.text, path
        second = unescape((await web.client.get(f"{path}{sep}per=25&page=2")).text)
        assert _count(second)[0] == 26 and _first_cells(second, testid) == names[25:50], path
    # Sorting is in the URL, the header says so, and the export follows the same order.
    descending = unescape((await web.client.get(f"{path}{sep}sort={sort}&dir=desc&per=200")).text)
    assert 'aria-sort="descending"' in descending and "dir=desc" in descending, path
    by_sort = _csv(await web.client.get(_export_path(f"{path}{sep}sort={sort}&dir=desc")), view)
    assert _first_cells(descending, testid) == [row[0] for row in by_sort[1:201]], path
    values = [row[by_sort[0].index(sort_header)] for row in by_sort[1:]]
    keys: list[Any] = [int(v) for v in values] if all(v.isdigit() for v in values) else [v.casefold() for v in values]
    assert keys == sorted(keys, reverse=True), path


async def test_every_tenant_list_pages_sorts_and_exports_everything(ready: Any) -> None:
    for path, testid, view, sort, header, sort_header in LISTS:
        await _check_list(ready, path, testid, view, sort, header, sort_header)


async def test_group_members_and_filter_preview_page_sort_search_and_export(ready: Any) -> None:
    group = _named(ready, "groups", "All Windows Devices")
    path = f"/groups/{quote(group['id'])}"
    await _check_list(ready, path, "group-members", "group-members", "kind", "Name", "Kind")
    direct = len(group["members"])
    page = unescape((await ready.client.get(path)).text)
    assert f"Direct members ({direct})" in page and _count(page)[2] == direct
    last = _first_cells(unescape((await ready.client.get(path, params={"dir": "desc"})).text), "group-members")[0]
    searched = unescape((await ready.client.get(path, params={"q": last})).text)
    assert last in _first_cells(searched, "group-members") and _count(searched)[2] < direct
    assert '<input type="hidden" name="q"' not in searched  # the search is a field of its own, not kept twice

    flt = _named(ready, "assignmentFilters", "Corporate Windows")
    fpath = f"/filters/{quote(flt['id'])}"
    await _check_list(ready, fpath, "preview", "filter-preview", "device", "Device", "Device")
    preview = unescape((await ready.client.get(fpath)).text)
    counts = re.search(r"(\d+) match, (\d+) don't match, (\d+) unknown", preview)
    assert counts and _count(preview)[2] == sum(int(n) for n in counts.groups())
    matching = unescape((await ready.client.get(fpath, params={"outcome": "match", "per": "200"})).text)
    assert _count(matching)[2] == int(counts.group(1))
    assert 'data-outcome="no_match"' not in matching and 'data-outcome="match"' in matching


async def test_troubleshoot_verdicts_filter_by_verdict_and_type_and_export(ready: Any) -> None:
    upn, device = _windows_pair(ready)
    subject = {"user": upn, "device": device, "all": "1"}
    page = unescape((await ready.client.get("/troubleshoot", params={**subject, "per": "25"})).text)
    total = _count(page)[2]
    assert total > 25 and 'rel="next"' in page
    # The pager keeps the subject.
    assert f"/troubleshoot?{urlencode(subject)}&page=2&per=25" in page.replace("&amp;", "&")
    applies = unescape(
        (await ready.client.get("/troubleshoot", params={**subject, "verdict": "applies", "per": "200"})).text
    )
    rows = _body(applies, "verdicts")
    assert rows.count('data-verdict="applies"') == _count(applies)[2] > 0
    assert 'data-verdict="not_targeted"' not in rows
    typed = unescape(
        (await ready.client.get("/troubleshoot", params={**subject, "type": "Settings catalog", "per": "200"})).text
    )
    assert 0 < _count(typed)[2] < total
    assert all(cell == "Settings catalog" for cell in re.findall(r"</th>\s*<td>([^<]*)</td>", _body(typed, "verdicts")))
    exported = _csv(
        await ready.client.get("/troubleshoot.csv", params={**subject, "verdict": "applies"}), "troubleshoot"
    )
    assert exported[0] == ["Name", "Type", "Verdict", "Why"] and len(exported) - 1 == _count(applies)[2]


async def test_every_conflicting_pair_opens_page_by_page(ready: Any) -> None:
    page = unescape((await ready.client.get("/conflicts", params={"sort": "pairs", "dir": "desc"})).text)
    link = re.search(r'href="(/conflicts/setting\?id=[^"]+)" data-testid="conflict-link"', page)
    assert link
    url = link.group(1)
    first = unescape((await ready.client.get(url + "&per=25")).text)
    total = int(re.search(r"Every overlapping pair \((\d+)\)", first).group(1))
    seen = 0
    for number in range(1, total // 25 + 2):
        shown = unescape((await ready.client.get(url + f"&per=25&page={number}")).text)
        seen += _body(shown, "pairs").count("<tr>")
    assert seen == total  # every pair, none only counted
    exported = _csv(
        await ready.client.get(url.replace("/conflicts/setting?", "/conflicts/setting.csv?")), "conflict-pairs"
    )
    assert len(exported) - 1 == total and exported[0][:2] == ["Policy", "Sets"]
    missing = await ready.client.get("/conflicts/setting", params={"id": "no-such-setting", "platform": "Windows"})
    assert missing.status_code == 404


async def test_a_policy_page_shows_settings_assignments_tags_and_conflicts(ready: Any) -> None:
    policy = next(
        p for p in _objects(ready, "settingsCatalog") if p.get("name") == "WIN - BitLocker - Require Encryption"
    )
    page = await ready.client.get(f"/objects/settingsCatalog/{quote(policy['id'])}")
    assert page.status_code == 200
    text = unescape(page.text)
    assert "WIN - BitLocker - Require Encryption" in text
    settings = text.split('data-testid="object-settings"')[1]
    assert "Require Device Encryption" in settings and "Enabled" in settings
    assignments = text.split('data-testid="object-assignments"')[1].split("</table>")[0]
    assert "✔ Include" in assignments and "/groups/" in assignments
    tag_names = {t["id"]: t["displayName"] for t in _objects(ready, "scopeTags")}
    tags = text.split('data-testid="scope-tags"')[1].split("</dd>")[0]
    assert all(tag_names[t] in tags for t in policy.get("roleScopeTagIds", []) if t in tag_names)
    assert 'data-testid="object-conflicts"' in text and "Last modified (UTC)" in text
    admin = re.search(r'<a href="([^"]+)"[^>]*data-testid="admin-center-link"', page.text)
    assert admin and admin.group(1).startswith("https://intune.microsoft.com/#view/") and policy["id"] in admin.group(1)
    # The type and platform in Intune's words (the kiosk profile is Windows, not iOS/iPadOS).
    kiosk = next(
        p for p in _objects(ready, "deviceConfigurations") if p.get("displayName") == "WIN - Kiosk - Executives"
    )
    kiosk_page = unescape((await ready.client.get(f"/objects/deviceConfigurations/{quote(kiosk['id'])}")).text)
    facts = kiosk_page.split('data-testid="object-type">')[1].split("<span")[0]
    assert "Kiosk" in facts and "Windows" in facts and "iOS" not in facts
    # Every name on the Policies page opens its object's page.
    listing = (await ready.client.get("/policies?per=200")).text
    links = re.findall(r'<th scope="row" class="name">(?:<input [^>]*>)?<a href="(/objects/[^"]+)">', listing)
    assert len(links) == _count(unescape(listing))[2] == len(_body(listing, "policies-table").split("<tr>")) - 1
    for href in links[::25]:
        assert (await ready.client.get(href)).status_code == 200, href
    gone = await ready.client.get("/objects/settingsCatalog/00000000-0000-0000-0000-000000000000")
    assert gone.status_code == 404 and "Object not found" in gone.text
    group = _named(ready, "groups", "All Windows Devices")
    redirected = await ready.client.get(f"/objects/groups/{group['id']}")
    assert redirected.status_code == 303 and redirected.headers["location"] == f"/groups/{group['id']}"


async def test_names_on_other_pages_open_their_objects(ready: Any) -> None:
    upn, device = _windows_pair(ready)
    for path in (
        "/assignments",
        "/settings",
        f"/troubleshoot?user={quote(upn)}&device={quote(device)}",
        "/conflicts",
        f"/groups/{_named(ready, 'groups', 'Windows Corporate Devices')['id']}",
        f"/filters/{_named(ready, 'assignmentFilters', 'Corporate Windows')['id']}",
    ):
        page = await ready.client.get(path)
        assert page.status_code == 200 and 'href="/objects/' in page.text, path


async def test_top_bar_search_groups_results_by_kind_and_opens_them(ready: Any) -> None:
    assert 'data-testid="topbar-search"' in (await ready.client.get("/policies")).text
    upn, device = _windows_pair(ready)
    user = next(u for u in _objects(ready, "users") if u["userPrincipalName"] == upn)
    for query, kind, href in (
        ("BitLocker", "policy", "/objects/"),
        ("Windows Corporate", "group", "/groups/"),
        (user["displayName"], "user", "/troubleshoot?" + urlencode({"user": upn})),
        (device, "device", "/troubleshoot?" + urlencode({"device": device})),
        ("Corporate Windows", "filter", "/filters/"),
        ("Require Device Encryption", "setting", "/settings?q=Require+Device+Encryption"),
    ):
        page = await ready.client.get("/search", params={"q": query})
        assert page.status_code == 200
        section = page.text.split(f'data-testid="search-{kind}"')
        assert len(section) == 2, (query, kind)
        assert f'href="{href}' in section[1].split("</section>")[0], (query, kind)
    nothing = await ready.client.get("/search", params={"q": "zzzz-nothing-named-so"})
    assert 'data-testid="search-nothing"' in nothing.text
    one_kind = unescape((await ready.client.get("/search", params={"q": "win", "kind": "policy"})).text)
    assert _count(one_kind)[2] > 0 and 'data-testid="search-results"' in one_kind


async def test_top_bar_results_as_you_type_are_a_few_per_kind_and_open(ready: Any) -> None:
    live = await ready.client.get("/search/live", params={"q": "windows"})
    html = unescape(live.text)
    assert live.status_code == 200 and "<html" not in html  # a fragment for under the box
    sections = html.split("<section")[1:]
    assert sections and all(s.count("<li>") <= 3 for s in sections)
    assert re.search(r'<a href="/objects/[^"]+">[^<]*Windows', html, re.IGNORECASE)
    assert 'href="/search?q=windows" data-testid="topbar-all-results"' in html
    filters = unescape((await ready.client.get("/search/live", params={"q": "Corporate Windows"})).text)
    assert "Windows 10 and later" in filters and "windows10AndLater" not in filters  # in Intune's words
    nothing = await ready.client.get("/search/live", params={"q": "zzzz-nothing-named-so"})
    assert "Nothing named like" in unescape(nothing.text) and "<li>" not in nothing.text
    assert (await ready.client.get("/search/live", params={"q": " "})).text.strip() == ""
