"""The one tenant-data dependency: progress for pages, downloads that wait or answer 503, a 500 log line."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
from fastapi import Request

from intune_assistant.web.tenant_data import PageData


class GatedTransport(httpx.AsyncBaseTransport):
    """Graph answers only once ``opened`` is set: "still reading" lasts exactly as long as a test needs."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.opened = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.opened.wait()
        return await self.inner.handle_async_request(request)


@pytest.fixture
def graph_transport(graph_transport: httpx.AsyncBaseTransport) -> GatedTransport:
    return GatedTransport(graph_transport)


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    # Downloads do not wait at all here, so the 503 answer can be seen; the CSV test sets it back.
    return {"export_wait_s": 0.0}


async def test_a_download_before_the_data_is_read_answers_503_with_retry_after_never_a_page(
    web, graph_transport: GatedTransport
) -> None:
    await web.onboarded_admin()
    early = await web.client.get("/policies.csv")
    assert early.status_code == 503
    assert int(early.headers["Retry-After"]) >= 5
    assert "Reading the tenant" not in early.text and "still being read" in early.text
    graph_transport.opened.set()
    await web.wait_for_policies()
    ready = await web.client.get("/policies.csv")
    assert ready.status_code == 200 and ready.headers["content-type"].startswith("text/csv")


async def test_a_download_waits_for_the_collection_it_started(web, graph_transport: GatedTransport) -> None:
    web.app.state.web.settings.export_wait_s = 60.0
    await web.onboarded_admin()
    # Graph answers only after the download has started waiting for the collection it started.
    asyncio.get_running_loop().call_later(0.5, graph_transport.opened.set)
    answer = await web.client.get("/settings.csv")
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/csv")
    assert "settings_" in answer.headers["content-disposition"]


async def test_every_page_module_shows_progress_under_its_own_title_while_reading(
    web, graph_transport: GatedTransport
) -> None:
    await web.onboarded_admin()
    for path, title in (("/groups", "Groups"), ("/settings", "Settings"), ("/compare", "Compare")):
        page = await web.client.get(path)
        assert page.status_code == 200
        assert "Reading the tenant" in page.text and f"<h1>{title}</h1>" in page.text
        assert 'aria-current="page"' in page.text
    graph_transport.opened.set()  # the collection finishes, so nothing is left waiting at teardown
    await web.wait_for_policies()


async def test_the_api_answers_202_while_reading(web, graph_transport: GatedTransport) -> None:
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    await web.onboarded_admin()
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    answer = await web.client.get("/api/v1/settings", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 202 and answer.json()["status"] == "collecting"
    graph_transport.opened.set()
    await web.wait_for_policies()


async def test_the_500_log_line_names_route_and_location_never_the_token(
    web, caplog, graph_transport: GatedTransport
) -> None:
    graph_transport.opened.set()

    async def broken(request: Request, group: str, data: PageData) -> None:
        # The message quotes the token, as a careless library's error text might.
        raise RuntimeError(f"failed with {data.api_token}")

    web.app.add_api_route("/broken/{group}", broken)
    await web.onboarded_admin()
    await web.wait_for_policies()
    token = web.app.state.web.cookies.load(_Cookies(web.client.cookies)).api_token
    with caplog.at_level(logging.ERROR, logger="intune_assistant.web.errors"):
        answer = await web.client.get("/broken/group-secret-id")
    assert answer.status_code == 500 and "Something went wrong" in answer.text
    assert token not in answer.text
    lines = [r.getMessage() for r in caplog.records if r.name == "intune_assistant.web.errors"]
    assert len(lines) == 1, lines
    line = lines[0]
    assert "RuntimeError" in line and "GET /broken/{group}" in line
    assert f"{__name__}:broken:" in line
    assert token not in line and "group-secret-id" not in line and "failed with" not in line


class _Cookies:
    def __init__(self, cookies: Any) -> None:
        self.cookies = {c.name: c.value for c in cookies.jar}
