"""GraphClient single requests, retries and paging against small fake Graph servers."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from intune_assistant.graph import GraphClient, RateLimits, StaticTokenProvider

if TYPE_CHECKING:
    from conftest import ClientFactory, FakeTime

BASE = "https://graph.microsoft.com"
TOKEN = "secret-token-value"
POLICIES = f"{BASE}/beta/deviceManagement/configurationPolicies"


def ok(body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


class Pages:
    """A fake collection: page i is served at ``?$skiptoken=i``; nextLinks are absolute."""

    def __init__(self, pages: list[list[dict[str, Any]]], extra: dict[str, Any] | None = None) -> None:
        self.pages = pages
        self.extra = extra or {}
        self.seen: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(str(request.url))
        token = request.url.params.get("$skiptoken")
        index = int(token) if token else 0
        body: dict[str, Any] = {"@odata.context": "x", "value": self.pages[index], **self.extra}
        if index + 1 < len(self.pages):
            body["@odata.nextLink"] = f"{POLICIES}?$skiptoken={index + 1}"
        return ok(body)


# ---------------------------------------------------------------------- requests and URLs


async def test_path_is_joined_with_version_and_params_and_token_is_sent(make_client: ClientFactory) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ok({"id": "p1"})

    async with make_client(handler) as graph:
        response = await graph.request(
            "get",
            "/deviceManagement/configurationPolicies",
            params={"$top": 999, "$filter": "name eq 'Baseline A'", "$count": True},
        )
        v1 = await graph.request("GET", "groups", version="v1.0")
    assert response.ok and response.status == 200 and response.body == {"id": "p1"}
    assert v1.ok
    assert str(seen[0].url) == (f"{POLICIES}?$top=999&$filter=name%20eq%20'Baseline%20A'&$count=true")
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert seen[0].headers["client-request-id"]
    assert str(seen[1].url) == f"{BASE}/v1.0/groups"
    assert graph.stats.http_requests == 2
    assert graph.stats.bytes_received == 2 * len(b'{"id":"p1"}')


async def test_params_merge_with_a_query_already_in_the_path(make_client: ClientFactory) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return ok({})

    async with make_client(handler) as graph:
        await graph.request("GET", "deviceManagement/configurationPolicies?$expand=settings", params={"$top": 5})
    assert seen == [f"{POLICIES}?$expand=settings&$top=5"]


async def test_write_sends_json_body_and_caller_cannot_override_authorization(
    make_client: ClientFactory,
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    async with make_client(handler) as graph:
        response = await graph.request(
            "PATCH",
            "deviceManagement/configurationPolicies/p1",
            json={"name": "x"},
            headers={"Authorization": "Bearer other", "If-Match": "*"},
        )
    assert response.ok and response.status == 204 and response.body is None
    assert json.loads(seen[0].content) == {"name": "x"}
    assert seen[0].headers.get_list("authorization") == [f"Bearer {TOKEN}"]
    assert seen[0].headers["if-match"] == "*"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/beta/deviceManagement/configurationPolicies",
        "https://graph.microsoft.com.evil.example/beta/x",
        "http://graph.microsoft.com/beta/x",
        "https://graph.microsoft.com:8443/beta/x",
        "https://user@graph.microsoft.com/beta/x",
        "//evil.example/beta/x",
    ],
)
async def test_token_is_never_sent_to_another_origin(make_client: ClientFactory, url: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return ok({})

    async with make_client(handler) as graph:
        response = await graph.request("GET", url)
    assert seen == []
    assert response.status == 0 and response.error is not None
    assert response.error.code == "foreignUrl"
    assert "refused to send the Graph token" in response.error.describe()
    assert graph.stats.errors == 1 and graph.stats.http_requests == 0


async def test_base_url_with_a_path_prefix_is_respected(fake_time: FakeTime) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return ok({"value": [], "@odata.nextLink": "https://localhost:8443/other/beta/x"})

    graph = GraphClient(
        StaticTokenProvider(TOKEN),
        "https://localhost:8443/graph/",
        transport=httpx.MockTransport(handler),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    async with graph:
        result = await graph.list_all("x")
    assert seen == ["https://localhost:8443/graph/beta/x"]
    assert result.error is not None and result.error.code == "foreignUrl"


async def test_unknown_version_and_closed_client_are_programming_errors(make_client: ClientFactory) -> None:
    graph = make_client(lambda request: ok({}))
    with pytest.raises(RuntimeError, match="async with"):
        await graph.request("GET", "x")
    async with graph:
        with pytest.raises(ValueError, match="version"):
            await graph.request("GET", "x", version="v2.0")


# ---------------------------------------------------------------------- retries


async def test_429_with_retry_after_is_retried_after_that_delay(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    calls = Counter[str]()

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return httpx.Response(
                429,
                json={"error": {"code": "TooManyRequests", "message": "Please retry again later."}},
                headers={"Retry-After": "0.01"},
            )
        return ok({"id": "p1"})

    async with make_client(handler) as graph:
        response = await graph.request("GET", "deviceManagement/configurationPolicies/p1")
    assert response.ok and response.body == {"id": "p1"}
    assert calls["n"] == 2
    assert fake_time.sleeps == [0.01]
    assert (graph.stats.retries, graph.stats.throttled_429, graph.stats.errors) == (1, 1, 0)


async def test_429_without_retry_after_backs_off_exponentially_with_jitter(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    calls = Counter[str]()

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] <= 3:
            return httpx.Response(429, json={"error": {"code": "TooManyRequests", "message": "slow down"}})
        return ok({})

    async with make_client(handler, backoff_base=0.5, backoff_cap=1.5) as graph:
        response = await graph.request("GET", "deviceManagement/auditEvents")
    assert response.ok
    # jitter fixed at 0.5 × min(cap, base·2^(attempt-1)): 0.5·0.5, 0.5·1.0, 0.5·1.5 (capped)
    assert fake_time.sleeps == [0.25, 0.5, 0.75]
    assert graph.stats.throttled_429 == 3 and graph.stats.retries == 3


@pytest.mark.parametrize("statuses", [[503], [504], [502, 503, 504]])
async def test_gateway_errors_then_success(
    make_client: ClientFactory, fake_time: FakeTime, statuses: list[int]
) -> None:
    remaining = list(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        if remaining:
            return httpx.Response(remaining.pop(0), json={"error": {"code": "UnknownError", "message": ""}})
        return ok({"value": []})

    async with make_client(handler) as graph:
        response = await graph.request("GET", "deviceManagement/deviceConfigurations")
    assert response.ok
    assert len(fake_time.sleeps) == len(statuses)
    assert graph.stats.http_requests == len(statuses) + 1
    assert graph.stats.retries == len(statuses)


@pytest.mark.parametrize("exception", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError])
async def test_connection_errors_and_timeouts_then_success(
    make_client: ClientFactory, exception: type[httpx.TransportError]
) -> None:
    calls = Counter[str]()

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise exception("boom", request=request)
        return ok({"id": "x"})

    async with make_client(handler) as graph:
        response = await graph.request("GET", "deviceManagement/deviceManagementScripts")
    assert response.ok and calls["n"] == 2 and graph.stats.retries == 1


async def test_connection_failure_after_all_attempts_is_an_error_value(make_client: ClientFactory) -> None:
    calls = Counter[str]()

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        raise httpx.ConnectTimeout("timed out", request=request)

    async with make_client(handler, max_attempts=3) as graph:
        response = await graph.request("GET", "x")
    assert calls["n"] == 3
    assert response.status == 0 and response.error is not None
    assert response.error.status is None and response.error.code == "timeout"
    assert response.error.describe().startswith("Could not reach Microsoft Graph")
    assert graph.stats.errors == 1


async def test_malformed_json_on_200_is_retried_then_returned_as_error(make_client: ClientFactory) -> None:
    calls = Counter[str]()

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return httpx.Response(200, content=b'{"value": [', headers={"content-type": "application/json"})

    async with make_client(handler, max_attempts=4) as graph:
        response = await graph.request("GET", "deviceManagement/configurationPolicies")
    assert calls["n"] == 4
    assert response.status == 200 and not response.ok and response.body is None
    assert response.error is not None and response.error.code == "malformedResponse"
    assert "malformed response" in response.error.message
    assert (graph.stats.retries, graph.stats.errors) == (3, 1)


async def test_malformed_once_then_valid(make_client: ClientFactory) -> None:
    bodies = [b"<html>oops</html>", b'{"id": "p1"}']

    async with make_client(lambda request: httpx.Response(200, content=bodies.pop(0))) as graph:
        response = await graph.request("GET", "x")
    assert response.ok and response.body == {"id": "p1"}


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500])
async def test_other_errors_are_not_retried(make_client: ClientFactory, status: int) -> None:
    calls = Counter[str]()

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return httpx.Response(status, json={"error": {"code": "Nope", "message": "no"}})

    async with make_client(handler) as graph:
        response = await graph.request("GET", "x")
    assert calls["n"] == 1
    assert response.status == status and response.error is not None and response.error.status == status
    assert graph.stats.retries == 0 and graph.stats.errors == 1


async def test_intune_403_gives_required_scopes_and_a_readable_message(make_client: ClientFactory) -> None:
    v3 = json.dumps(
        {
            "_version": 3,
            "Message": "Application is not authorized to perform this operation. Application must have "
            "one of the following scopes: DeviceManagementScripts.Read.All, "
            "DeviceManagementScripts.ReadWrite.All - Operation ID (for customer support): "
            "00000000-0000-0000-0000-000000000000 - Activity ID: abc - Url: https://fef.msua06.manage.microsoft.com/x?api-version=2024",
            "CustomApiErrorPhrase": "",
            "RetryAfter": None,
            "ErrorSourceService": "",
            "HttpHeaders": "{}",
        },
        indent=2,
    )

    def handler(request: httpx.Request) -> httpx.Response:
        body = {"error": {"code": "Forbidden", "message": v3, "innerError": {"request-id": "r-1"}}}
        return httpx.Response(403, json=body)

    async with make_client(handler) as graph:
        result = await graph.list_all("deviceManagement/deviceManagementScripts")
    assert result.items == [] and result.pages == 0 and result.error is not None
    error = result.error
    assert error.required_scopes == (
        "DeviceManagementScripts.Read.All",
        "DeviceManagementScripts.ReadWrite.All",
    )
    assert error.request_id == "r-1"
    assert "Operation ID" not in error.message
    assert error.describe() == (
        "403 Forbidden: the signed-in user's token lacks DeviceManagementScripts.Read.All "
        "(or their Intune role does not allow this)"
    )


async def test_post_is_not_repeated_when_graph_may_have_acted_on_it(make_client: ClientFactory) -> None:
    seen = Counter[str]()

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.method] += 1
        return httpx.Response(504, json={"error": {"code": "UnknownError", "message": "timeout"}})

    async with make_client(handler) as graph:
        create = await graph.request("POST", "deviceManagement/configurationPolicies", json={"name": "a"})
        read = await graph.request("POST", "directoryObjects/getByIds", json={"ids": []}, idempotent=True)
    assert create.status == 504 and read.status == 504
    assert seen["POST"] == 1 + 6  # the create once; the read-only POST to max_attempts


async def test_post_is_retried_after_429_and_connect_failure(make_client: ClientFactory) -> None:
    outcomes: list[Any] = [429, httpx.ConnectError, 201]

    def handler(request: httpx.Request) -> httpx.Response:
        outcome = outcomes.pop(0)
        if outcome is httpx.ConnectError:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(outcome, json={"id": "new"} if outcome == 201 else {})

    async with make_client(handler) as graph:
        response = await graph.request("POST", "deviceManagement/configurationPolicies", json={"name": "a"})
    assert response.status == 201 and response.ok and outcomes == []


async def test_retry_after_longer_than_the_maximum_is_not_waited_for(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "3600"})

    async with make_client(handler, max_retry_after=60) as graph:
        response = await graph.request("GET", "x")
    assert fake_time.sleeps == []
    assert response.error is not None and response.error.retry_after == 3600


# ---------------------------------------------------------------------- paging


async def test_list_all_follows_absolute_next_links_through_empty_pages(make_client: ClientFactory) -> None:
    server = Pages(
        [[{"id": "1"}, {"id": "2"}], [], [{"id": "3"}]],
        extra={"@odata.count": 2, "@microsoft.graph.tips": "ignore me"},
    )
    async with make_client(server) as graph:
        result = await graph.list_all("deviceManagement/configurationPolicies", params={"$top": 2})
    assert result.complete and result.error is None
    assert [item["id"] for item in result.items] == ["1", "2", "3"]
    assert result.pages == 3
    assert server.seen == [f"{POLICIES}?$top=2", f"{POLICIES}?$skiptoken=1", f"{POLICIES}?$skiptoken=2"]


async def test_list_all_sends_headers_on_every_page(make_client: ClientFactory) -> None:
    consistency: list[str | None] = []
    server = Pages([[{"id": "1"}], [{"id": "2"}]])

    def handler(request: httpx.Request) -> httpx.Response:
        consistency.append(request.headers.get("consistencylevel"))
        return server(request)

    async with make_client(handler) as graph:
        result = await graph.list_all("x", headers={"ConsistencyLevel": "eventual"})
    assert result.pages == 2 and consistency == ["eventual", "eventual"]


async def test_repeated_next_link_stops_paging_with_an_error(make_client: ClientFactory) -> None:
    calls = Counter[str]()

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return ok({"value": [{"id": str(calls["n"])}], "@odata.nextLink": f"{POLICIES}?$skiptoken=same"})

    async with make_client(handler) as graph:
        result = await graph.list_all("deviceManagement/configurationPolicies")
    assert calls["n"] == 2
    assert [item["id"] for item in result.items] == ["1", "2"]
    assert result.error is not None and result.error.code == "repeatedNextLink"
    assert graph.stats.errors == 1


async def test_next_link_back_to_the_first_page_is_a_repeat(make_client: ClientFactory) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return ok({"value": [{"id": "1"}], "@odata.nextLink": POLICIES})

    async with make_client(handler) as graph:
        result = await graph.list_all("deviceManagement/configurationPolicies")
    assert result.pages == 1 and result.error is not None and result.error.code == "repeatedNextLink"


async def test_foreign_next_link_is_not_followed(make_client: ClientFactory) -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        return ok({"value": [{"id": "1"}], "@odata.nextLink": "https://evil.example/beta/x?$skiptoken=2"})

    async with make_client(handler) as graph:
        result = await graph.list_all("deviceManagement/configurationPolicies")
    assert hosts == ["graph.microsoft.com"]
    assert [item["id"] for item in result.items] == ["1"]
    assert result.error is not None and result.error.code == "foreignUrl"


async def test_later_page_failure_returns_items_so_far_and_the_error(make_client: ClientFactory) -> None:
    server = Pages([[{"id": "1"}, {"id": "2"}], [{"id": "3"}]])
    calls = Counter[str]()

    def handler(request: httpx.Request) -> httpx.Response:
        if "skiptoken" in str(request.url):
            calls["page2"] += 1
            return httpx.Response(504, json={"error": {"code": "UnknownError", "message": "gateway"}})
        return server(request)

    async with make_client(handler, max_attempts=3) as graph:
        result = await graph.list_all("deviceManagement/configurationPolicies")
    assert [item["id"] for item in result.items] == ["1", "2"]
    assert result.pages == 1 and not result.complete
    assert result.error is not None and result.error.status == 504
    assert calls["page2"] == 3


@pytest.mark.parametrize(
    "body",
    [
        {"items": []},
        {"value": "x"},
        {"value": [1, 2]},
        [{"id": "1"}],
        {"value": [], "@odata.nextLink": "deviceManagement/x?$skiptoken=relative"},
        {"value": [], "@odata.nextLink": "https://graph.microsoft.com:abc/x"},
        {"value": [], "@odata.nextLink": 42},
    ],
)
async def test_pages_of_the_wrong_shape_are_errors(make_client: ClientFactory, body: Any) -> None:
    async with make_client(lambda request: ok(body), max_attempts=2) as graph:
        result = await graph.list_all("x")
    assert result.items == [] and result.error is not None
    assert result.error.code == "malformedResponse"


# ---------------------------------------------------------------------- bounds and logging


async def test_concurrency_is_bounded(make_client: ClientFactory) -> None:
    in_flight = 0
    peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        return ok({})

    async with make_client(handler, max_concurrency=3) as graph:
        responses = await asyncio.gather(*(graph.request("GET", f"x/{n}") for n in range(20)))
    assert all(r.ok for r in responses)
    assert peak == 3


async def test_requests_pass_the_rate_limiter(make_client: ClientFactory, fake_time: FakeTime) -> None:
    stamps: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        stamps.append(fake_time.now)
        return ok({})

    async with make_client(handler, limits=RateLimits(window_s=1.0, any_requests=3, writes=1)) as graph:
        for n in range(4):
            await graph.request("GET", f"x/{n}")
        await graph.request("DELETE", "x/1")
        await graph.request("DELETE", "x/2")
    assert stamps == [0.0, 0.0, 0.0, 1.0, 1.0, 2.0]


async def test_fast_sleep_without_a_clock_leaves_the_limiter_on_real_time() -> None:
    fast_sleeps: list[float] = []

    async def fast_sleep(seconds: float) -> None:
        fast_sleeps.append(seconds)

    graph = GraphClient(
        StaticTokenProvider(TOKEN),
        transport=httpx.MockTransport(lambda request: ok({})),
        limits=RateLimits(window_s=0.05, any_requests=2, writes=2),
        sleep=fast_sleep,
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with graph:
        for n in range(3):
            assert (await graph.request("GET", f"x/{n}")).ok
    assert loop.time() - started >= 0.04  # the third request really waited for the window
    assert fast_sleeps == []


async def test_logs_carry_no_token_no_payload_and_no_query(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    replies = [
        httpx.Response(503, json={"error": {"code": "X", "message": "PAYLOAD-SECRET"}}),
        ok({"displayName": "PAYLOAD-SECRET"}),
    ]

    caplog.set_level(logging.DEBUG, logger="intune_assistant.graph")
    async with make_client(lambda request: replies.pop(0)) as graph:
        await graph.request("GET", "users/alice@contoso.com", params={"$filter": "QUERY-SECRET"})
    text = caplog.text
    assert "users/…" in text and "503" in text
    for secret in (TOKEN, "PAYLOAD-SECRET", "QUERY-SECRET", "alice"):
        assert secret not in text
