"""Tenant-supplied names that start like a formula, planted in the emulated tenant, through every
export the web app serves: no CSV cell a spreadsheet would run, every XLSX cell a quote-prefixed
string, and each name read back exactly."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from typing import Any

import pytest
from openpyxl import load_workbook
from starlette.routing import BaseRoute, Route

from intune_assistant.spreadsheet_cells import from_cell, looks_like_formula

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


def _walk(routes: list[BaseRoute]) -> list[Route]:
    found: list[Route] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found += _walk(inner.routes)
        elif isinstance(route, Route):
            found.append(route)
    return found


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
    await web.onboarded_admin()
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
