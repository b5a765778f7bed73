"""A refresh never hides data: the cached data is shown with its age while a newer read runs."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from intune_assistant.emulator.graph import EmulatorOptions, PageFault, RouteFaults
from intune_assistant.web.policies.service import DataStatus


async def _until_newer(web, shown: int) -> str:
    """Poll the banner as htmx does until it offers the newer data."""
    deadline = time.monotonic() + 30
    while True:
        fragment = await web.client.get(
            "/data/status", params={"shown": str(shown), "next": "/policies"}, headers={"HX-Request": "true"}
        )
        assert fragment.status_code == 200 and "<html" not in fragment.text
        if 'data-testid="newer-data"' in fragment.text:
            return fragment.text
        assert 'data-testid="refreshing"' in fragment.text and "hx-trigger" in fragment.text
        assert time.monotonic() < deadline, fragment.text
        await asyncio.sleep(0.1)


def _generation(web) -> int:
    (inventory,) = web.app.state.web.policies.kept().values()
    return int(inventory.generation)


@pytest.mark.parametrize("settings_changes", [{"cache_minutes": 0}])
async def test_expired_data_is_shown_with_its_age_while_the_refresh_runs(web) -> None:
    await web.onboarded_admin()
    first = await web.wait_for_policies()
    assert "policies-table" in first.text
    stamp = re.search(r"Data read (\d{4}-\d\d-\d\d \d\d:\d\d) UTC \(([^)]*)\)", first.text)
    assert stamp is not None and stamp.group(2) == "just now"
    assert _generation(web) == 1

    # Expired at once: the next page still shows the data it has, and says a refresh runs.
    page = await web.client.get("/policies")
    assert page.status_code == 200
    assert "policies-table" in page.text and "Reading the tenant" not in page.text
    assert 'data-testid="refreshing"' in page.text and f"Data read {stamp.group(1)} UTC" in page.text
    other = await web.client.get("/settings")
    assert "Reading the tenant" not in other.text and 'data-testid="refreshing"' in other.text

    fragment = await _until_newer(web, 1)
    # Expired at once, so a later request may start yet another read: at least the second one landed.
    assert 'href="/policies"' in fragment and _generation(web) >= 2


async def test_the_refresh_button_reads_again_and_says_what_it_re_read(web) -> None:
    await web.onboarded_admin()
    page = await web.wait_for_policies()
    assert 'data-testid="refresh-data"' in page.text and 'action="/data/refresh"' in page.text

    refused = await web.client.post("/data/refresh", data={"next": "/groups"})
    assert refused.status_code == 403 and web.app.state.web.policies.status(_principal(web)).refreshing is None

    # An admin renames a policy in the tenant meanwhile.
    policy = web.tenant("contoso").objects["settingsCatalog"][0]
    policy["name"] = "Renamed while the page was open"
    policy["lastModifiedDateTime"] = "2031-01-01T00:00:00Z"

    started = await web.client.post("/data/refresh", data={"csrf_token": web.csrf(), "next": "/groups"})
    assert started.status_code == 303 and started.headers["location"] == "/groups"
    during = await web.client.get("/groups")
    assert during.status_code == 200 and "Reading the tenant" not in during.text
    assert 'data-testid="refreshing"' in during.text and 'data-testid="refresh-data"' not in during.text

    await _until_newer(web, 1)
    after = await web.client.get("/groups")
    assert 'data-testid="refreshing"' not in after.text
    scope = re.search(r'data-testid="refresh-scope">([^<]*)<', after.text)
    assert scope is not None, after.text[:2000]
    # Groups come through their delta query: checked for changes only, never said to be re-read.
    assert scope.group(1).startswith("The last refresh re-read in full: ")
    assert "the other types were checked for changes only" in scope.group(1)
    in_full = scope.group(1).split(": ", 1)[1].split(";")[0].split(", ")
    assert "Groups" not in in_full and len(in_full) > 3
    assert _generation(web) == 2
    renamed = await web.client.get("/policies", params={"q": "Renamed while"})
    assert "Renamed while the page was open" in renamed.text

    # Somewhere else than this site is never where the button sends the browser back to.
    away = await web.client.post("/data/refresh", data={"csrf_token": web.csrf(), "next": "https://evil.example/"})
    assert away.headers["location"] == "/policies"


@pytest.mark.parametrize(
    "emulator_options", [EmulatorOptions(routes={"auditEvents": RouteFaults(page_fault=PageFault.NO_VALUE)})]
)
async def test_a_refresh_says_why_it_read_in_full_when_the_audit_log_failed(web) -> None:
    await web.onboarded_admin()
    page = await web.wait_for_policies()
    assert 'data-testid="refresh-why"' not in page.text
    started = await web.client.post("/data/refresh", data={"csrf_token": web.csrf(), "next": "/policies"})
    assert started.status_code == 303
    await _until_newer(web, 1)
    after = await web.client.get("/policies")
    why = re.search(r'data-testid="refresh-why">([^<]*)<', after.text)
    assert why is not None, after.text[:2000]
    assert "the audit log could not be read (" in why.group(1)
    scope = re.search(r'data-testid="refresh-scope">([^<]*)<', after.text)
    assert scope is not None and "Settings catalog" in scope.group(1).split(";")[0]


def test_age_reads_in_minutes_then_hours() -> None:
    now = datetime.now(UTC)

    def status(age_s: float) -> DataStatus:
        return DataStatus(1, now - timedelta(seconds=age_s), age_s, None, None, False, (), ())

    assert [status(s).age_text for s in (5, 61, 60 * 90, 60 * 60 * 5)] == [
        "just now",
        "1 min ago",
        "90 min ago",
        "5 h ago",
    ]


def _principal(web):
    (key,) = web.app.state.web.policies.kept()
    tenant_id, user_key = key

    class _Who:
        pass

    who = _Who()
    who.tenant_id, who.user_key = tenant_id, user_key
    return who
