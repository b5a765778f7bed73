"""Tenant-supplied names planted in the emulated tenant, through everything the web app serves.

Names that start like a formula: no CSV cell a spreadsheet would run, every XLSX cell a
quote-prefixed string, each name read back exactly. Names with markup, quotes and right-to-left
overrides: escaped on every page (enumerated from the app's routes) and in every document format,
and never in a download's file name."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

import pytest
from fastapi.routing import RouteContext, iter_route_contexts
from openpyxl import load_workbook
from starlette.routing import BaseRoute, Route

from intune_assistant.render import FORMATS
from intune_assistant.spreadsheet_cells import from_cell, looks_like_formula
from intune_assistant.web.api_v1 import API_PREFIX, OPENAPI_URL

POLICY = '=HYPERLINK("https://evil.example/","open")'
PROFILE = "+cmd|' /C calc'!A0"
GROUP = '@SUM(1+1)*cmd|" /C calc"!A0'
FILTER = "-2+3+cmd|' /C calc'!A0"
APP = "\tTabbed app"
PLANTED = (POLICY, PROFILE, GROUP, FILTER, APP)


def plant(web: Any) -> dict[str, str]:
    """Rename objects of the emulated Contoso (before its first read); returns the planted ids."""
    objects = web.tenant("contoso").objects
    policy = next(p for p in objects["settingsCatalog"] if p.get("assignments"))
    policy["name"] = POLICY
    group_id = policy["assignments"][0]["target"]["groupId"]
    next(g for g in objects["groups"] if g["id"] == group_id)["displayName"] = GROUP
    objects["deviceConfigurations"][0]["displayName"] = PROFILE
    objects["assignmentFilters"][0]["displayName"] = FILTER
    objects["mobileApps"][0]["displayName"] = APP
    return {
        "group_id": group_id,
        "filter_id": objects["assignmentFilters"][0]["id"],
        "device": objects["managedDevices"][0]["id"],
    }


def _walk(routes: list[BaseRoute]) -> list[RouteContext]:
    """Every route, included routers' too, with its path as served (their prefixes included)."""
    return [r for r in iter_route_contexts(routes) if isinstance(r.original_route, Route)]


async def _export_urls(web: Any, ids: dict[str, str]) -> list[str]:
    """Every CSV route of the app, with the parameters it needs; an unknown one fails the test."""
    conflicts = unescape((await web.client.get("/conflicts")).text)
    pair = re.search(r'href="/conflicts/setting\?([^"]+)" data-testid="conflict-link"', conflicts)
    assert pair is not None
    needs = {
        "/groups/{group_id}.csv": f"/groups/{ids['group_id']}.csv",
        "/filters/{filter_id}.csv": f"/filters/{ids['filter_id']}.csv",
        "/troubleshoot.csv": f"/troubleshoot.csv?device={ids['device']}&all=1",
        "/conflicts/setting.csv": f"/conflicts/setting.csv?{pair.group(1)}",
    }
    urls = []
    for route in _walk(web.app.routes):
        if route.path.endswith(".csv") and "GET" in (route.methods or ()):
            if "{" in route.path or route.path in needs:
                assert route.path in needs, f"no parameters known for the export {route.path}: add them here"
            urls.append(needs.get(route.path, route.path))
    return urls


def _cells(body: bytes) -> list[str]:
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    delimiter = ";" if text.partition("\n")[0].count(";") > text.partition("\n")[0].count(",") else ","
    return [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for c in row]


@pytest.fixture
async def hostile(web: Any) -> tuple[Any, dict[str, str]]:
    ids = plant(web)
    # Troubleshoot by device reads managed devices: their optional module is on.
    await web.onboarded_admin(modules=("managed-devices", "intune-roles"))
    await web.wait_for_policies()
    return web, ids


async def test_every_csv_and_xlsx_export_keeps_formula_names_as_text(hostile: tuple[Any, dict[str, str]]) -> None:
    web, ids = hostile
    urls = await _export_urls(web, ids)
    assert len(urls) >= 12
    seen: set[str] = set()
    for url in urls:
        response = await web.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        cells = _cells(response.content)
        assert not [c for c in cells if looks_like_formula(c)], url
        seen |= {from_cell(c) for c in cells} & set(PLANTED)
    for fmt in ("csv", "xlsx"):
        response = await web.client.get("/documentation/download", params={"format": fmt})
        assert response.status_code == 200, fmt
        if fmt == "csv":
            cells = _cells(response.content)
            assert not [c for c in cells if looks_like_formula(c)]
            assert {POLICY, PROFILE} <= {from_cell(c) for c in cells}
            continue
        book = load_workbook(io.BytesIO(response.content))
        formula_like = [c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        formula_like = [c for c in formula_like if looks_like_formula(c.value)]
        assert {POLICY, PROFILE} <= {c.value for c in formula_like}
        assert all(c.data_type == "s" and c.quotePrefix for c in formula_like)
    # Every planted name reached some export, and came back exactly.
    assert seen == set(PLANTED)


# -- HTML: every page and every document format escapes what the tenant named ------------------

SCRIPT = '<script>alert("x")</script>'
HTML_NAMES = {
    "policy": f"{SCRIPT} Policy 'single' \"double\" \u202etxt.exe",
    "group": '<img src=x onerror=alert(1)> Group "quoted" \u202egnp.bat',
    "filter": "</td></tr><b>Filter</b> \u202eRTL",
    "user": "<svg onload=alert(2)> Ada \u202e",
}
RAW = ("<script>alert", "<img src=x", "<svg onload", "</td></tr><b>")
# Routes a GET page can be checked at, with the values they need; anything else fails the test.
NOT_PAGES = {"/signin", "/signout", "/tenants/switch", "/onboarding/consent", "/healthz", OPENAPI_URL}


def plant_html(web: Any) -> dict[str, str]:
    """Markup, quotes and right-to-left overrides in the names of Contoso's objects and a user."""
    objects = web.tenant("contoso").objects
    policy = [p for p in objects["settingsCatalog"] if p.get("assignments")][1]
    policy["name"] = HTML_NAMES["policy"]
    group_id = policy["assignments"][0]["target"]["groupId"]
    next(g for g in objects["groups"] if g["id"] == group_id)["displayName"] = HTML_NAMES["group"]
    objects["assignmentFilters"][1]["displayName"] = HTML_NAMES["filter"]
    objects["users"][0]["displayName"] = HTML_NAMES["user"]
    return {
        "policy_id": policy["id"],
        "other_id": [p for p in objects["settingsCatalog"] if p.get("assignments")][2]["id"],
        "group_id": group_id,
        "filter_id": objects["assignmentFilters"][1]["id"],
        "device": objects["managedDevices"][0]["id"],
        "user": objects["users"][0]["userPrincipalName"],
    }


async def _page_urls(web: Any, ids: dict[str, str]) -> list[str]:
    conflicts = unescape((await web.client.get("/conflicts")).text)
    pair = re.search(r'href="/conflicts/setting\?([^"]+)" data-testid="conflict-link"', conflicts)
    assert pair is not None
    needs = {
        "/groups/{group_id}": f"/groups/{ids['group_id']}",
        "/filters/{filter_id}": f"/filters/{ids['filter_id']}",
        "/objects/{type_key}/{object_id}": f"/objects/settingsCatalog/{ids['policy_id']}",
        "/troubleshoot": f"/troubleshoot?user={ids['user']}&all=1",
        "/troubleshoot/suggestions": "/troubleshoot/suggestions?user=Ada",
        "/conflicts/setting": f"/conflicts/setting?{pair.group(1)}",
        "/compare/policies": f"/compare/policies?left={ids['policy_id']}&right={ids['other_id']}",
        "/compare/policies/options": "/compare/policies/options?side=left&left_q=Policy",
        "/search": "/search?q=Policy",
        "/search/live": "/search/live?q=Policy",
        "/policies": "/policies?q=Policy",
        "/documentation/download": "/documentation/download?format=html",
        # A run exists only after an apply: its page is checked by the apply tests.
        "/assignment-manager/apply/{run_id}": "",
        "/assignment-manager/apply/{run_id}/progress": "",
        "/bulk-edits/apply/{run_id}": "",
        "/bulk-edits/apply/{run_id}/progress": "",
        "/deploy/apply/{run_id}": "",
        "/deploy/apply/{run_id}/progress": "",
        "/restore/apply/{run_id}": "",
        "/restore/apply/{run_id}/progress": "",
        # A partner's page: Contoso is no partner and gets 403.
        "/customers": "",
        # Partners' too: hostile customer names in reports are in tests/web/test_web_reports.py.
        "/reports": "",
        "/reports/tenant": "",
    }
    urls = []
    for route in _walk(web.app.routes):
        if "GET" not in (route.methods or ()) or route.path in NOT_PAGES or route.path.endswith(".csv"):
            continue
        if route.path.startswith(API_PREFIX + "/"):
            continue  # JSON for bearer tokens, never rendered as a page
        if "{" in route.path:
            assert route.path in needs, f"no parameters known for the page {route.path}: add them here"
        url = needs.get(route.path, route.path)
        if url:
            urls.append(url)
    return urls


async def test_every_page_and_format_escapes_tenant_names(web: Any) -> None:
    ids = plant_html(web)
    await web.onboarded_admin(modules=("managed-devices", "intune-roles"))
    await web.wait_for_policies()
    shown: set[str] = set()
    urls = await _page_urls(web, ids)
    assert len(urls) >= 25
    for url in urls:
        response = await web.client.get(url)
        assert response.status_code in (200, 303), (url, response.status_code)
        if response.status_code == 303 or not response.content:
            continue  # /onboarding once onboarded; the progress fragment once the data is ready
        kind = response.headers.get("content-type", "")
        if "json" in kind:
            continue  # JSON, served as JSON: a browser never renders it as a page
        assert "html" in kind, (url, kind)
        for raw in RAW:
            assert raw not in response.text, (url, raw)
        shown |= {name for name, value in HTML_NAMES.items() if _escaped(value) in response.text}
        assert "\u202e" not in response.headers.get("content-disposition", "")
    assert shown >= {"policy", "group", "filter"}, shown
    documents = {fmt: await web.client.get("/documentation/download", params={"format": fmt}) for fmt in FORMATS}
    for fmt, response in documents.items():
        assert response.status_code == 200, fmt
        assert "\u202e" not in response.headers["content-disposition"]
    # Escaped (whichever way), so the exact name shows as text.
    assert HTML_NAMES["policy"] in unescape(documents["html"].text)
    assert not any(raw in documents["html"].text for raw in RAW)
    assert "\\<script\\>" in documents["md"].text and "<script>" not in documents["md"].text
    assert documents["json"].headers["content-type"].startswith("application/json")
    report = await web.client.get(
        "/compare/policies", params={"left": ids["policy_id"], "right": ids["other_id"], "download": "html"}
    )
    assert report.status_code == 200 and HTML_NAMES["policy"] in unescape(report.text)
    assert not any(raw in report.text for raw in RAW)


def _escaped(value: str) -> str:
    """How Jinja's autoescape writes ``value`` (quotes as numeric references)."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )
