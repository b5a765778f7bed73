"""GraphClient.batch and batch_list_all against a fake $batch endpoint."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intune_assistant.graph import BatchRequest, GraphClient, RateLimits, StaticTokenProvider

if TYPE_CHECKING:
    from conftest import ClientFactory, FakeTime

BASE = "https://graph.microsoft.com"
TOKEN = "secret-token-value"

# (method, relative url, body) -> (status, body, headers)
SubHandler = Callable[[str, str, Any], tuple[int, Any, dict[str, str]]]


def echo(method: str, url: str, body: Any) -> tuple[int, Any, dict[str, str]]:
    return 200, {"method": method, "url": url}, {"Content-Type": "application/json"}


class BatchServer:
    """A fake ``/{version}/$batch``: answers each sub-request with ``sub`` and records every POST."""

    def __init__(self, sub: SubHandler = echo, *, shuffle: random.Random | None = None) -> None:
        self.sub = sub
        self.shuffle = shuffle
        self.posts: list[list[dict[str, Any]]] = []
        self.paths: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        assert request.method == "POST" and request.url.path.endswith("/$batch")
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        requests = json.loads(request.content)["requests"]
        assert len(requests) <= 20
        assert len({r["id"] for r in requests}) == len(requests)
        self.posts.append(requests)
        responses = []
        for r in requests:
            status, body, headers = self.sub(r["method"], r["url"], r.get("body"))
            responses.append({"id": r["id"], "status": status, "headers": headers, "body": body})
        if self.shuffle is not None:
            self.shuffle.shuffle(responses)
        return httpx.Response(200, json={"responses": responses})

    @property
    def sub_urls(self) -> list[str]:
        return [r["url"] for post in self.posts for r in post]


async def test_more_than_20_requests_are_split_and_come_back_in_order(make_client: ClientFactory) -> None:
    server = BatchServer()
    requests = [BatchRequest("GET", f"deviceManagement/configurationPolicies/p{n}") for n in range(45)]
    async with make_client(server) as graph:
        responses = await graph.batch(requests)
    assert sorted(len(post) for post in server.posts) == [5, 20, 20]
    assert [r.body["url"] for r in responses] == [f"/deviceManagement/configurationPolicies/p{n}" for n in range(45)]
    assert all(r.ok and r.status == 200 for r in responses)
    assert (graph.stats.http_requests, graph.stats.sub_requests) == (3, 45)
    assert server.paths == ["/beta/$batch"] * 3


async def test_out_of_order_responses_are_mapped_back_by_id(make_client: ClientFactory) -> None:
    def reversed_server(request: httpx.Request) -> httpx.Response:
        requests = json.loads(request.content)["requests"]
        responses = [{"id": r["id"], "status": 200, "body": {"url": r["url"]}} for r in reversed(requests)]
        return httpx.Response(200, json={"responses": responses})

    requests = [BatchRequest("GET", f"groups/g{n}") for n in range(7)]
    async with make_client(reversed_server) as graph:
        responses = await graph.batch(requests, version="v1.0")
    assert [r.body["url"] for r in responses] == [f"/groups/g{n}" for n in range(7)]


async def test_sub_request_body_gets_a_content_type(make_client: ClientFactory) -> None:
    server = BatchServer()
    async with make_client(server) as graph:
        await graph.batch(
            [
                BatchRequest("PATCH", "deviceManagement/deviceConfigurations/d1", body={"displayName": "x"}),
                BatchRequest("GET", "groups", headers={"ConsistencyLevel": "eventual"}),
            ]
        )
    patch, get = server.posts[0]
    assert patch["body"] == {"displayName": "x"}
    assert patch["headers"] == {"Content-Type": "application/json"}
    assert get["headers"] == {"ConsistencyLevel": "eventual"} and "body" not in get


async def test_throttled_sub_requests_are_retried_after_the_largest_retry_after(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    throttled = Counter[str]()

    def sub(method: str, url: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        if url in ("/x/1", "/x/3") and throttled[url] == 0:
            throttled[url] += 1
            wait = "0.02" if url == "/x/1" else "0.05"
            error = {"error": {"code": "TooManyRequests", "message": "Please retry again later."}}
            return 429, error, {"Retry-After": wait}
        return echo(method, url, body)

    server = BatchServer(sub)
    async with make_client(server) as graph:
        responses = await graph.batch([BatchRequest("GET", f"x/{n}") for n in range(5)])
    assert all(r.ok for r in responses)
    assert [r.body["url"] for r in responses] == [f"/x/{n}" for n in range(5)]
    assert [len(post) for post in server.posts] == [5, 2]
    assert sorted(r["url"] for r in server.posts[1]) == ["/x/1", "/x/3"]
    assert fake_time.sleeps == [0.05]
    assert graph.stats.throttled_429 == 2 and graph.stats.retries == 2 and graph.stats.sub_requests == 7


async def test_sub_request_failing_every_time_ends_with_its_error(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    def sub(method: str, url: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        if url == "/bad":
            return 503, {"error": {"code": "CancelledOnServiceTimeout", "message": "timeout"}}, {}
        return echo(method, url, body)

    server = BatchServer(sub)
    async with make_client(server, max_attempts=3) as graph:
        good, bad = await graph.batch([BatchRequest("GET", "good"), BatchRequest("GET", "bad")])
    assert good.ok
    assert bad.status == 503 and bad.error is not None and bad.error.code == "CancelledOnServiceTimeout"
    assert server.sub_urls.count("/bad") == 3 and server.sub_urls.count("/good") == 1
    # jitter 0.5 × (0.5, 1.0)
    assert fake_time.sleeps == [0.25, 0.5]
    assert graph.stats.errors == 1


async def test_malformed_sub_responses_are_retried(make_client: ClientFactory) -> None:
    served = Counter[str]()

    def server(request: httpx.Request) -> httpx.Response:
        requests = json.loads(request.content)["requests"]
        responses: list[Any] = []
        for r in requests:
            served[r["url"]] += 1
            if served[r["url"]] == 1 and r["url"] == "/a":
                responses.append(
                    {
                        "id": r["id"],
                        "status": 200,
                        "headers": {"Content-Type": "application/json"},
                        "body": "{bad",
                    }
                )
            elif served[r["url"]] == 1 and r["url"] == "/b":
                responses.append({"id": r["id"], "body": {}})  # no status
            elif served[r["url"]] == 1 and r["url"] == "/c":
                continue  # missing entirely
            else:
                responses.append({"id": r["id"], "status": 200, "body": {"url": r["url"]}})
        responses.append("not an object")
        return httpx.Response(200, json={"responses": responses})

    async with make_client(server) as graph:
        responses = await graph.batch([BatchRequest("GET", u) for u in ("a", "b", "c", "d")])
    assert [r.body["url"] for r in responses] == ["/a", "/b", "/c", "/d"]
    assert served == Counter({"/a": 2, "/b": 2, "/c": 2, "/d": 1})


async def test_json_body_sent_as_text_is_decoded(make_client: ClientFactory) -> None:
    def server(request: httpx.Request) -> httpx.Response:
        (r,) = json.loads(request.content)["requests"]
        item = {
            "id": r["id"],
            "status": 200,
            "headers": {"content-type": "application/json"},
            "body": '{"a": 1}',
        }
        return httpx.Response(200, json={"responses": [item]})

    async with make_client(server) as graph:
        (response,) = await graph.batch([BatchRequest("GET", "x")])
    assert response.body == {"a": 1}


async def test_post_sub_request_is_not_repeated_after_a_5xx_but_is_after_429(
    make_client: ClientFactory,
) -> None:
    seen = Counter[str]()

    def sub(method: str, url: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        seen[url] += 1
        if url == "/create" or (url == "/throttled" and seen[url] == 1):
            status = 504 if url == "/create" else 429
            return status, {"error": {"code": "X", "message": "x"}}, {}
        return 201, {"id": "new"}, {}

    server = BatchServer(sub)
    async with make_client(server) as graph:
        create, throttled = await graph.batch(
            [BatchRequest("POST", "create", body={}), BatchRequest("POST", "throttled", body={})]
        )
    assert create.status == 504 and throttled.status == 201
    assert seen == Counter({"/create": 1, "/throttled": 2})


async def test_absolute_next_links_are_made_relative(make_client: ClientFactory) -> None:
    server = BatchServer()
    link = f"{BASE}/beta/deviceManagement/configurationPolicies?$top=25&$skiptoken=%255Bcosmosdb%255D%255B%257B"
    requests = [
        BatchRequest("GET", link),
        BatchRequest("GET", f"{BASE}/v1.0/groups?$skiptoken=abc"),
        BatchRequest("GET", "https://evil.example/beta/x"),
        BatchRequest("GET", "/deviceManagement/assignmentFilters"),
        BatchRequest("GET", "beta/deviceManagement/assignmentFilters"),
    ]
    async with make_client(server) as graph:
        relative, other_version, foreign, leading_slash, versioned = await graph.batch(requests)
    assert server.sub_urls == [
        "/deviceManagement/configurationPolicies?$top=25&$skiptoken=%255Bcosmosdb%255D%255B%257B",
        "/deviceManagement/assignmentFilters",
    ]
    assert relative.ok and leading_slash.ok
    assert other_version.error is not None and other_version.error.code == "invalidRequest"
    assert "v1.0" in other_version.error.message
    assert foreign.error is not None and foreign.error.code == "foreignUrl"
    assert versioned.error is not None and versioned.error.code == "invalidRequest"
    assert graph.stats.errors == 3


async def test_whole_batch_failure_is_retried(make_client: ClientFactory) -> None:
    server = BatchServer()
    posts = Counter[str]()

    def flaky(request: httpx.Request) -> httpx.Response:
        posts["n"] += 1
        if posts["n"] == 1:
            return httpx.Response(503, json={"error": {"code": "ServiceUnavailable", "message": "busy"}})
        if posts["n"] == 2:
            return httpx.Response(200, content=b"<html>")
        return server(request)

    async with make_client(flaky) as graph:
        responses = await graph.batch([BatchRequest("GET", f"x/{n}") for n in range(3)])
    assert all(r.ok for r in responses) and posts["n"] == 3
    assert graph.stats.sub_requests == 9 and graph.stats.retries == 2


async def test_whole_batch_failing_every_time_gives_every_sub_request_the_error(
    make_client: ClientFactory,
) -> None:
    posts = Counter[str]()

    def down(request: httpx.Request) -> httpx.Response:
        posts["n"] += 1
        return httpx.Response(503, json={"error": {"code": "ServiceUnavailable", "message": "busy"}})

    async with make_client(down, max_attempts=4) as graph:
        responses = await graph.batch([BatchRequest("GET", f"x/{n}") for n in range(25)])
    assert posts["n"] == 2 * 4  # two chunks, each to max_attempts, never multiplied per sub-request
    assert all(r.status == 503 and r.error is not None and r.error.code == "ServiceUnavailable" for r in responses)
    assert graph.stats.errors == 25


async def test_batch_sub_requests_count_against_the_rate_limits(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    stamps: list[float] = []
    server = BatchServer(lambda method, url, body: (204, None, {}))

    def handler(request: httpx.Request) -> httpx.Response:
        stamps.append(fake_time.now)
        return server(request)

    limits = RateLimits(window_s=1.0, any_requests=30, writes=4)
    async with make_client(handler, limits=limits) as graph:
        # The $batch POST itself is not a write: 20 GETs leave the write budget untouched.
        await graph.batch([BatchRequest("GET", f"x/{n}") for n in range(20)])
        await graph.batch([BatchRequest("PATCH", f"x/{n}", body={}) for n in range(3)])
        # 3 + 3 writes exceed 4 (though 26 requests fit under 29 = 30 less the margin): wait.
        await graph.batch([BatchRequest("DELETE", f"x/{n}") for n in range(3)])
        await graph.batch([BatchRequest("GET", f"y/{n}") for n in range(10)])
        # 3 + 10 + 20 > 29 requests: wait for the window again.
        await graph.batch([BatchRequest("GET", f"z/{n}") for n in range(20)])
    assert stamps == [0.0, 0.0, 1.0, 1.0, 2.0]


async def test_chunks_are_sent_concurrently_within_the_bound(make_client: ClientFactory) -> None:
    in_flight = 0
    peak = 0
    server = BatchServer()

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        return server(request)

    async with make_client(handler, max_concurrency=2) as graph:
        responses = await graph.batch([BatchRequest("GET", f"x/{n}") for n in range(100)])
    assert len(server.posts) == 5 and peak == 2 and all(r.ok for r in responses)


async def test_token_provider_failure_propagates() -> None:
    class Revoked(Exception):
        pass

    class RevokedProvider:
        async def get_token(self, scopes: Any) -> str:
            raise Revoked("consent removed")

    graph = GraphClient(RevokedProvider(), transport=httpx.MockTransport(BatchServer()))
    async with graph:
        with pytest.raises(Revoked):
            await graph.batch([BatchRequest("GET", f"x/{n}") for n in range(45)])


# ---------------------------------------------------------------------- batch_list_all


def paged_collections(page_counts: dict[str, int]) -> SubHandler:
    """Collections named by path, each with ``page_counts[path]`` pages of one item; page 2 is empty."""

    def sub(method: str, url: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        path, _, query = url.partition("?")
        name = path.strip("/")
        page = int(query.split("$skiptoken=")[1]) if "$skiptoken=" in query else 0
        items = [] if page == 1 else [{"id": f"{name}-{page}"}]
        result: dict[str, Any] = {"value": items}
        if page + 1 < page_counts[name]:
            result["@odata.nextLink"] = f"{BASE}/beta/{name}?$skiptoken={page + 1}"
        return 200, result, {"Content-Type": "application/json"}

    return sub


async def test_batch_list_all_pages_many_collections_in_rounds(make_client: ClientFactory) -> None:
    counts = {f"c{n}": (n % 4) + 1 for n in range(30)}  # 1..4 pages each
    server = BatchServer(paged_collections(counts), shuffle=random.Random(7))
    arrived: list[tuple[int, int]] = []

    async def on_page(index: int, items: list[dict[str, Any]]) -> None:
        arrived.append((index, len(items)))

    paths = list(counts)
    async with make_client(server) as graph:
        results = await graph.batch_list_all(paths, params={"$top": 1}, on_page=on_page)
    for n, (path, result) in enumerate(zip(paths, results, strict=True)):
        expected = [f"{path}-{page}" for page in range(counts[path]) if page != 1]
        assert [item["id"] for item in result.items] == expected, n
        assert result.pages == counts[path] and result.complete
    # Round 1: 30 first pages (20 + 10); round 2: 22 nextLinks (20 + 2); round 3: 14; round 4: 7.
    assert sorted(len(post) for post in server.posts) == sorted([20, 10, 20, 2, 14, 7])
    assert sorted(arrived) == sorted((n, 0 if page == 1 else 1) for n in range(30) for page in range(counts[f"c{n}"]))
    assert "/c0?$top=1" in server.sub_urls and "/c1?$skiptoken=1" in server.sub_urls


async def test_batch_list_all_reports_partial_results_per_path(make_client: ClientFactory) -> None:
    counts = {"ok": 3, "broken": 3, "forbidden": 1}
    pages = paged_collections(counts)

    def sub(method: str, url: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        if url.startswith("/broken?$skiptoken=2"):
            return 400, {"error": {"code": "BadRequest", "message": "bad token"}}, {}
        if url.startswith("/forbidden"):
            return 403, {"error": {"code": "Forbidden", "message": "no"}}, {}
        return pages(method, url, body)

    async with make_client(BatchServer(sub)) as graph:
        ok, broken, forbidden, foreign = await graph.batch_list_all(
            ["ok", "broken", "forbidden", "https://evil.example/beta/x"]
        )
    assert ok.complete and ok.pages == 3
    assert [item["id"] for item in broken.items] == ["broken-0"] and broken.pages == 2
    assert broken.error is not None and broken.error.status == 400
    assert forbidden.items == [] and forbidden.error is not None and forbidden.error.status == 403
    assert foreign.error is not None and foreign.error.code == "foreignUrl"


async def test_batch_list_all_stops_on_a_repeated_next_link(make_client: ClientFactory) -> None:
    def sub(method: str, url: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        return 200, {"value": [{"id": url}], "@odata.nextLink": f"{BASE}/beta/loop?$skiptoken=1"}, {}

    server = BatchServer(sub)
    async with make_client(server) as graph:
        (result,) = await graph.batch_list_all(["loop"])
    assert result.pages == 2 and result.error is not None and result.error.code == "repeatedNextLink"
    assert len(server.posts) == 2


async def test_batch_list_all_rejects_pages_of_the_wrong_shape(make_client: ClientFactory) -> None:
    served = Counter[str]()

    def sub(method: str, url: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        served[url] += 1
        return 200, {"values": []}, {}

    async with make_client(BatchServer(sub), max_attempts=2) as graph:
        (result,) = await graph.batch_list_all(["x"])
    assert result.error is not None and result.error.code == "malformedResponse"
    assert served["/x"] == 2


# ---------------------------------------------------------------------- property


@settings(max_examples=60, deadline=None)
@given(
    urls=st.lists(
        st.from_regex(r"[a-z]{1,8}(/[a-z0-9]{1,6}){0,2}", fullmatch=True).filter(
            lambda url: url.split("/")[0] != "beta"  # a version prefix is refused, by design
        ),
        max_size=100,
    ),
    order=st.randoms(use_true_random=False),
)
def test_results_come_back_in_request_order_for_any_response_order(urls: list[str], order: random.Random) -> None:
    server = BatchServer(shuffle=order)

    async def run() -> list[Any]:
        graph = GraphClient(StaticTokenProvider(TOKEN), transport=httpx.MockTransport(server), max_concurrency=3)
        async with graph:
            responses = await graph.batch([BatchRequest("GET", url) for url in urls])
        return [r.body["url"] for r in responses]

    assert asyncio.run(run()) == [f"/{url}" for url in urls]
    assert sum(len(post) for post in server.posts) == len(urls)


async def test_final_answers_are_delivered_before_other_requests_retry(
    make_client: ClientFactory, fake_time: FakeTime
) -> None:
    # p1 is throttled once; p0's answer must not wait for p1's retry.
    calls: Counter[str] = Counter()

    def sub(method: str, url: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        calls[url] += 1
        if url.endswith("p1") and calls[url] == 1:
            return 429, {"error": {"code": "TooManyRequests", "message": "later"}}, {"Retry-After": "3"}
        return 200, {"url": url}, {}

    delivered: list[tuple[int, float]] = []
    async with make_client(BatchServer(sub)) as graph:
        responses = await graph.batch(
            [BatchRequest("GET", "a/p0"), BatchRequest("GET", "a/p1")],
            on_result=lambda index, response: delivered.append((index, fake_time.now)),
        )
    assert [r.status for r in responses] == [200, 200]
    assert delivered == [(0, 0.0), (1, 3.0)]
