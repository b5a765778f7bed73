"""Async Microsoft Graph client: retries, throttling, paging and ``$batch`` on one httpx client.

Every outcome is a value: failures come back as ``GraphResponse.error`` / ``ListResult.error``
(``GraphError``), never as exceptions, so collection can record *why* something is missing.
Exceptions are left for programming errors (bad arguments, client not opened) and for the token
provider, whose failures (consent revoked, sign-in expired) concern the whole run, not one request.

One client serves one tenant+user. It sends the token only to ``base_url``.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import random as random_module
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, TypeVar

import httpx

from .errors import (
    CONNECTION_ERROR,
    FOREIGN_URL,
    MALFORMED_RESPONSE,
    REPEATED_NEXT_LINK,
    TIMEOUT,
    GraphError,
    parse_error,
    parse_retry_after,
)
from .limits import WRITE_METHODS, RateLimiter, RateLimits
from .models import BatchRequest, GraphResponse, GraphStats, ListResult, OnPage, PageSender, QueryParams
from .tokens import TokenProvider
from .urls import GraphUrls, check_version, is_absolute, log_path

__all__ = ["MAX_BATCH_SIZE", "GraphClient"]

logger = logging.getLogger(__name__)

#: Graph's documented maximum number of requests in one ``$batch``.
MAX_BATCH_SIZE = 20
# Statuses Graph documents as transient; 500 is not among them (it is usually deterministic).
RETRY_STATUSES = frozenset({429, 502, 503, 504})

# Checks a parsed 2xx body; returns what is wrong with it, or None. Failures count as malformed.
_Validator = Callable[[Any], str | None]

_T = TypeVar("_T")


@dataclass(slots=True)
class _Attempt:
    response: GraphResponse
    transient: bool  # worth retrying at all
    unprocessed: bool  # Graph certainly did not act on it (safe to retry even a POST)


@dataclass(slots=True)
class _Cursor:
    """One collection being paged: its items so far, the next URL, and why paging stopped."""

    items: list[dict[str, Any]] = field(default_factory=list)
    pages: int = 0
    error: GraphError | None = None
    next_url: str | None = None
    delta_link: str | None = None
    seen: set[str] = field(default_factory=set)

    def start(self, client: GraphClient, path: str, version: str, params: QueryParams | None) -> str | None:
        """The first page's absolute URL, or None (with ``error`` set) when it may not be sent."""
        target = client._urls.resolve(path, version, params)
        if isinstance(target, GraphError):
            self.error = client._refused(target).error
            return None
        self.next_url = str(target)
        self.seen.add(self.next_url)
        return self.next_url

    def accept(self, client: GraphClient, response: GraphResponse, version: str) -> list[dict[str, Any]]:
        """Take one page's answer; returns its items and sets ``next_url`` (None when done)."""
        self.next_url = None
        if response.error is not None:
            self.error = response.error
            return []
        page: list[dict[str, Any]] = response.body["value"]
        self.items.extend(page)
        self.pages += 1
        step = self._vet(client, response.body.get("@odata.nextLink"), version)
        if isinstance(step, GraphError):
            self.error = client._count_error(step)
        else:
            self.next_url = step
        delta = response.body.get("@odata.deltaLink")
        if step is None and delta is not None:
            # A delta round's last page: the link the next round starts from, vetted like a nextLink.
            vetted = self._vet(client, delta, version)
            if isinstance(vetted, GraphError):
                self.error = client._count_error(vetted)
            else:
                self.delta_link = vetted
        return page

    def _vet(self, client: GraphClient, link: Any, version: str) -> str | GraphError | None:
        """None when paging is done, the absolute link to follow, or why paging must stop."""
        if link is None:
            return None
        malformed = GraphError.client_side(
            MALFORMED_RESPONSE, "malformed response: @odata.nextLink is not an absolute URL"
        )
        if not isinstance(link, str) or not is_absolute(link):
            return malformed
        resolved = client._urls.resolve(link, version, None)
        if isinstance(resolved, GraphError):
            # Another host (foreignUrl): the token must not follow it. Not a URL: malformed.
            return resolved if resolved.code == FOREIGN_URL else malformed
        key = str(resolved)
        if key in self.seen:
            # Graph has looped a nextLink before (Autopilot, 2020); following it would never end.
            return GraphError.client_side(
                REPEATED_NEXT_LINK,
                f"paging stopped: Graph returned the same nextLink twice after {self.pages} page(s)",
            )
        self.seen.add(key)
        return key

    def result(self) -> ListResult:
        return ListResult(self.items, self.pages, self.error, self.delta_link)


class GraphClient:
    """Async Graph client for one tenant+user; use as ``async with GraphClient(...) as graph``.

    ``scopes`` are requested from ``token_provider`` before every HTTP attempt (the provider
    caches). ``transport`` lets tests use ``httpx.MockTransport`` or the emulator's ASGI app.
    ``max_concurrency`` bounds bulk requests in flight (list pages have as many slots again of
    their own); 16 gets a throttling window's burst answered within about a second. ``limits`` (or
    a shared ``rate_limiter``, since Intune's limits are per app per tenant) bounds request rate.
    Retries: up to ``max_attempts`` per request, honouring ``Retry-After`` up to
    ``max_retry_after`` seconds, else exponential backoff with full jitter (``backoff_base``
    doubling, capped at ``backoff_cap``). ``sleep``,
    ``random`` and ``clock`` are injectable for deterministic tests; ``sleep`` always serves retry
    waits, and rate-limiter waits too when a ``clock`` is injected (otherwise the limiter runs on
    the real monotonic clock with real sleeps, so a fast test ``sleep`` cannot make it spin).
    """

    def __init__(
        self,
        token_provider: TokenProvider,
        base_url: str = "https://graph.microsoft.com",
        *,
        scopes: Sequence[str] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
        timeout: float = 60.0,
        max_concurrency: int = 16,
        limits: RateLimits | None = None,
        rate_limiter: RateLimiter | None = None,
        max_attempts: int = 6,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        max_retry_after: float = 120.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if max_attempts < 1 or max_concurrency < 1:
            raise ValueError("max_attempts and max_concurrency must be at least 1")
        self._tokens = token_provider
        self._scopes = tuple(scopes)
        self._urls = GraphUrls(base_url)
        self._transport = transport
        self._verify = verify
        self._timeout = timeout
        # Bulk requests and priority requests (list pages) each have their own connection slots,
        # so pages never queue behind hundreds of per-item reads.
        self._semaphores = (
            asyncio.Semaphore(max_concurrency),
            asyncio.Semaphore(max_concurrency),
        )
        if rate_limiter is None:
            # The limiter's waits must match its clock: a fast test ``sleep`` against the real
            # clock would spin, so it is used for limiter waits only with an injected ``clock``.
            rate_limiter = RateLimiter(limits) if clock is None else RateLimiter(limits, clock=clock, sleep=sleep)
        self._limiter = rate_limiter
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        # A private generator: no shared global state, and seedable by injection.
        self._random = random or random_module.Random().random
        self._http: httpx.AsyncClient | None = None
        self.stats = GraphStats()

    @property
    def scopes(self) -> tuple[str, ...]:
        """The delegated scopes this client's tokens are asked for (empty: whatever the provider gives)."""
        return self._scopes

    @property
    def base_url(self) -> str:
        """The only origin (and path prefix) this client sends tokens to."""
        return self._urls.base_url

    async def __aenter__(self) -> GraphClient:
        if self._http is None:
            self._http = httpx.AsyncClient(
                transport=self._transport,
                verify=self._verify,
                timeout=self._timeout,
                # Environment proxies and CA bundles must not override the injected ``verify``.
                trust_env=False,
                # A redirect could lead elsewhere; callers see 3xx as an error value instead.
                follow_redirects=False,
            )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying HTTP connections."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    # ------------------------------------------------------------------ single requests

    async def request(
        self,
        method: str,
        url_or_path: str,
        *,
        version: str = "beta",
        params: QueryParams | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        priority: int = 0,
    ) -> GraphResponse:
        """Send one request with retries and return its outcome (never raises for HTTP failures).

        ``url_or_path`` is a path relative to ``{base_url}/{version}/`` or an absolute URL under
        ``base_url`` (a nextLink); any other absolute URL is refused with a ``foreignUrl`` error.
        ``params`` are appended to the query. POSTs are retried only when Graph surely did not act
        on them (429, connection not established) unless ``idempotent=True``.
        """
        method = method.upper()
        target = self._urls.resolve(url_or_path, version, params)
        if isinstance(target, GraphError):
            return self._refused(target)
        return await self._send(
            method, target, json_body=json, headers=headers, idempotent=idempotent, priority=priority
        )

    # ------------------------------------------------------------------ paging

    async def list_all(
        self,
        path: str,
        *,
        version: str = "beta",
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ListResult:
        """Read every page of a collection by following ``@odata.nextLink``.

        Stops with an error on a repeated nextLink; empty pages with a nextLink are followed.
        ``headers`` (e.g. ``ConsistencyLevel``) go with every page, as Graph does not carry them.
        """
        return await self.read_pages(path, version=version, params=params, headers=headers)

    async def read_pages(
        self,
        path: str,
        *,
        version: str = "beta",
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        priority: int = 0,
        send: PageSender | None = None,
        on_page: Callable[[list[dict[str, Any]]], None] | None = None,
        stop_after: Callable[[list[dict[str, Any]]], bool] | None = None,
    ) -> ListResult:
        """Read every page of one collection; the paging path every caller shares.

        Each page must be ``{"value": [...]}`` (anything else, or a body that is not JSON, is a
        ``malformedResponse``), and each nextLink must be absolute, under ``base_url``
        (``foreignUrl`` otherwise) and new (``repeatedNextLink``): Graph has looped one before.
        ``send`` carries each page request (default: one HTTP request each); the collector passes
        its ``$batch`` coalescer. ``on_page(items)`` is called as each page arrives. ``stop_after(items)``
        answering True ends the read after that page (a newest-first read that reached what it
        already had); the result then holds the pages read, without an error.
        """
        cursor = _Cursor()
        url = cursor.start(self, path, version, params)
        while url is not None:
            request = BatchRequest("GET", url, headers=headers, priority=priority, page=True)
            response = await (send or self._send_page)(request)
            page = cursor.accept(self, response, version)
            if page and on_page is not None:
                on_page(page)
            url = cursor.next_url
            if url is not None and stop_after is not None and stop_after(page):
                break
        return cursor.result()

    async def _send_page(self, request: BatchRequest) -> GraphResponse:
        # The cursor already vetted the URL (absolute, under base_url).
        return await self._send(
            "GET", httpx.URL(request.url), headers=request.headers, validate=_check_page, priority=request.priority
        )

    async def batch_list_all(
        self,
        paths: Sequence[str],
        *,
        version: str = "beta",
        params: QueryParams | None = None,
        headers: Mapping[str, str] | None = None,
        on_page: OnPage | None = None,
    ) -> list[ListResult]:
        """Read many collections in parallel through ``$batch``; one ``ListResult`` per path, in order.

        Round 1 batches every first page (20 per batch, batches sent concurrently); each later
        round batches all pending nextLinks, so sequential round trips equal the longest chain of
        pages. ``on_page(index, items)`` is awaited for each page as it arrives, so dependent work
        can start early. ``params`` apply to the first page of every path. Pages are vetted as in
        ``read_pages``.
        """
        cursors = [_Cursor() for _ in paths]
        current: dict[int, str] = {}
        for index, path in enumerate(paths):
            url = cursors[index].start(self, path, version, params)
            if url is not None:
                current[index] = url
        while current:
            order = list(current)
            requests = [BatchRequest("GET", current[index], headers=headers, page=True) for index in order]
            responses = await self._batch(requests, version)
            pending: dict[int, str] = {}
            for index, response in zip(order, responses, strict=True):
                cursor = cursors[index]
                page = cursor.accept(self, response, version)
                if response.error is None and on_page is not None:
                    await on_page(index, page)
                if cursor.next_url is not None:
                    pending[index] = cursor.next_url
            current = pending
        return [cursor.result() for cursor in cursors]

    # ------------------------------------------------------------------ $batch

    async def batch(
        self,
        requests: Sequence[BatchRequest],
        *,
        version: str = "beta",
        on_result: Callable[[int, GraphResponse], None] | None = None,
    ) -> list[GraphResponse]:
        """Send requests through ``$batch`` and return one response per request, in request order.

        Requests are split into batches of at most 20, sent concurrently within the concurrency
        bound. Sub-requests that fail transiently (429, 502-504, malformed) are re-sent in a later
        batch after the largest ``Retry-After`` among them (or backoff). An absolute nextLink of
        another API version cannot share the batch and gets an ``invalidRequest`` error.
        ``on_result(index, response)`` is called as soon as a request's final response is known,
        so callers need not wait for other requests' retries.
        """
        return await self._batch(requests, version, on_result)

    async def _batch(
        self,
        requests: Sequence[BatchRequest],
        version: str,
        on_result: Callable[[int, GraphResponse], None] | None = None,
    ) -> list[GraphResponse]:
        check_version(version)
        results: list[GraphResponse | None] = [None] * len(requests)
        prepared: dict[int, dict[str, Any]] = {}
        for index, req in enumerate(requests):
            relative = self._urls.batch_relative(req.url, version)
            if isinstance(relative, GraphError):
                refused = results[index] = GraphResponse(0, {}, None, relative)
                if on_result:
                    on_result(index, refused)
            else:
                prepared[index] = _sub_request(req, relative)
        pending = list(prepared)
        attempt = 1
        while pending:
            chunks = [pending[i : i + MAX_BATCH_SIZE] for i in range(0, len(pending), MAX_BATCH_SIZE)]
            outcomes = await _gather([self._send_chunk(chunk, prepared, requests, version) for chunk in chunks])
            retry: list[int] = []
            waits: list[float] = []
            for outcome in outcomes:
                for index, sub in outcome:
                    results[index] = sub.response
                    may_retry = sub.transient and (requests[index].is_idempotent or sub.unprocessed)
                    if may_retry and attempt < self._max_attempts:
                        retry.append(index)
                        error = sub.response.error
                        if error is not None and error.retry_after is not None:
                            waits.append(error.retry_after)
                    elif on_result:
                        on_result(index, sub.response)
            if not retry:
                break
            delay = self._retry_delay(max(waits) if waits else None, attempt)
            if delay is None:
                if on_result:
                    for index in retry:
                        last = results[index]
                        assert last is not None  # set in this round
                        on_result(index, last)
                break
            self.stats.retries += len(retry)
            logger.info("graph $batch: re-sending %d sub-request(s) after %.3f s", len(retry), delay)
            await self._sleep(delay)
            attempt += 1
            pending = sorted(retry)
        final: list[GraphResponse] = []
        for response in results:
            assert response is not None  # every index is either refused or sent at least once
            if response.error is not None:
                self.stats.errors += 1
            final.append(response)
        return final

    async def _send_chunk(
        self,
        chunk: list[int],
        prepared: Mapping[int, dict[str, Any]],
        requests: Sequence[BatchRequest],
        version: str,
    ) -> list[tuple[int, _Attempt]]:
        payload = {"requests": [{"id": str(index), **prepared[index]} for index in chunk]}
        writes = sum(1 for index in chunk if prepared[index]["method"] in WRITE_METHODS)
        response = await self._execute(
            "POST",
            httpx.URL(f"{self._urls.base_url}/{version}/$batch"),
            json_body=payload,
            headers=None,
            # Intune counts the sub-requests, each by its own method, not the $batch POST itself.
            n_total=len(chunk),
            n_writes=writes,
            idempotent=all(requests[index].is_idempotent for index in chunk),
            validate=_check_batch_body,
            sub_requests=len(chunk),
            priority=max(requests[index].priority for index in chunk),
        )
        if response.error is not None:
            # The POST itself failed after its own retries: every sub-request shares that outcome.
            failed = _Attempt(response, transient=False, unprocessed=False)
            return [(index, failed) for index in chunk]
        by_id: dict[str, Mapping[str, Any]] = {}
        for item in response.body["responses"]:
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                by_id.setdefault(item["id"], item)
        outcome: list[tuple[int, _Attempt]] = []
        for index in chunk:
            item = by_id.get(str(index))
            if item is None:
                missing = GraphError.client_side(
                    MALFORMED_RESPONSE,
                    "malformed response: the $batch response has no entry for this request",
                    status=response.status,
                )
                outcome.append((index, _Attempt(GraphResponse(0, {}, None, missing), True, False)))
            else:
                validate = _check_page if requests[index].page else None
                outcome.append((index, self._sub_response(item, validate, response.headers.get("request-id"))))
        return outcome

    def _sub_response(self, item: Mapping[str, Any], validate: _Validator | None, batch_id: str | None) -> _Attempt:
        """One sub-response as an attempt. Graph's sub-responses rarely carry a request id of their
        own; the ``$batch`` request's id (``batch_id``) is the one Microsoft support can trace."""
        status = item.get("status")
        if not isinstance(status, int) or isinstance(status, bool):
            error = GraphError.client_side(MALFORMED_RESPONSE, "malformed response: sub-response has no status")
            return _Attempt(GraphResponse(0, {}, None, error), True, False)
        raw_headers = item.get("headers")
        headers = {str(k).lower(): str(v) for k, v in raw_headers.items()} if isinstance(raw_headers, Mapping) else {}
        body = item.get("body")
        if status == 429:
            self._throttled(parse_retry_after(headers.get("retry-after")))
        problem: str | None = None
        if isinstance(body, str) and "json" in headers.get("content-type", "").lower():
            # Graph inlines JSON bodies as objects; a JSON body delivered as text is decoded here.
            body, problem = _decode_json(body.encode("utf-8"))
        if 200 <= status < 300:
            if problem is None and validate is not None:
                problem = validate(body)
            if problem is not None:
                error = GraphError(
                    status, MALFORMED_RESPONSE, f"malformed response: {problem}", headers.get("request-id") or batch_id
                )
                return _Attempt(GraphResponse(status, headers, None, error), True, False)
            return _Attempt(GraphResponse(status, headers, body, None), False, False)
        error_body = body if isinstance(body, Mapping | str) else None
        error = parse_error(status, headers, error_body)
        if error.request_id is None and batch_id is not None:
            error = replace(error, request_id=batch_id)
        return _Attempt(GraphResponse(status, headers, body, error), status in RETRY_STATUSES, status == 429)

    # ------------------------------------------------------------------ transport

    async def _send(
        self,
        method: str,
        url: httpx.URL,
        *,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        validate: _Validator | None = None,
        priority: int = 0,
    ) -> GraphResponse:
        response = await self._execute(
            method,
            url,
            json_body=json_body,
            headers=headers,
            n_total=1,
            n_writes=1 if method in WRITE_METHODS else 0,
            idempotent=method != "POST" if idempotent is None else idempotent,
            validate=validate,
            sub_requests=0,
            priority=priority,
        )
        if response.error is not None:
            self.stats.errors += 1
        return response

    async def _execute(
        self,
        method: str,
        url: httpx.URL,
        *,
        json_body: Any,
        headers: Mapping[str, str] | None,
        n_total: int,
        n_writes: int,
        idempotent: bool,
        validate: _Validator | None,
        sub_requests: int,
        priority: int = 0,
    ) -> GraphResponse:
        """Send with retries; returns the last attempt's response (errors are not counted here)."""
        attempt = 0
        while True:
            attempt += 1
            result = await self._attempt(
                method, url, json_body, headers, n_total, n_writes, validate, sub_requests, attempt, priority
            )
            error = result.response.error
            if error is None or not result.transient:
                return result.response
            # A POST that Graph may have acted on is not repeated: it could create twice.
            if not (idempotent or result.unprocessed) or attempt >= self._max_attempts:
                return result.response
            delay = self._retry_delay(error.retry_after, attempt)
            if delay is None:
                return result.response
            self.stats.retries += 1
            logger.info("graph %s %s: %s, retry %d in %.3f s", method, log_path(url), error.code, attempt, delay)
            await self._sleep(delay)

    async def _attempt(
        self,
        method: str,
        url: httpx.URL,
        json_body: Any,
        headers: Mapping[str, str] | None,
        n_total: int,
        n_writes: int,
        validate: _Validator | None,
        sub_requests: int,
        attempt: int,
        priority: int,
    ) -> _Attempt:
        http = self._client()
        token = await self._tokens.get_token(self._scopes)
        send_headers = {
            "Accept": "application/json",
            # Lets Microsoft support correlate a failing call with their logs.
            "client-request-id": str(uuid.uuid4()),
        }
        for name, value in (headers or {}).items():
            if name.lower() != "authorization":
                send_headers[name] = value
        send_headers["Authorization"] = f"Bearer {token}"
        # The rate slot is taken before the connection slot so that bulk requests waiting for the
        # window do not hold connections a priority request needs; done() below corrects the time.
        reservation = await self._limiter.reserve(n_total, n_writes, priority=priority)
        async with self._semaphores[priority > 0]:
            self.stats.http_requests += 1
            self.stats.sub_requests += sub_requests
            started = time.perf_counter()
            try:
                raw = await http.request(method, url, json=json_body, headers=send_headers)
            except httpx.TransportError as exc:
                reservation.done()
                error = _transport_error(exc)
                logger.info(
                    "graph %s %s -> %s after %.0f ms (attempt %d)",
                    method,
                    log_path(url),
                    error.code,
                    (time.perf_counter() - started) * 1000,
                    attempt,
                )
                return _Attempt(GraphResponse(0, {}, None, error), _is_transient(exc), _not_sent(exc))
            reservation.done()
        elapsed_ms = (time.perf_counter() - started) * 1000
        content = raw.content
        self.stats.bytes_received += len(content)
        status = raw.status_code
        response_headers = {name.lower(): value for name, value in raw.headers.items()}
        logger.debug("graph %s %s -> %d in %.0f ms (attempt %d)", method, log_path(url), status, elapsed_ms, attempt)
        body, problem = _decode_json(content)
        if 200 <= status < 300:
            if problem is None and validate is not None:
                problem = validate(body)
            if problem is None:
                return _Attempt(GraphResponse(status, response_headers, body, None), False, False)
            error = GraphError(
                status,
                MALFORMED_RESPONSE,
                f"malformed response: {problem}",
                response_headers.get("request-id"),
            )
            return _Attempt(GraphResponse(status, response_headers, None, error), True, False)
        error = parse_error(status, response_headers, content)
        if status == 429:
            self._throttled(error.retry_after)
        return _Attempt(GraphResponse(status, response_headers, body, error), status in RETRY_STATUSES, status == 429)

    def _throttled(self, retry_after: float | None) -> None:
        """A 429: count it and hold every request of this client until Graph's wait has passed.

        Without the hold, the requests already queued would all run into the same 429 and use up
        their attempts within milliseconds. Without a Retry-After, each request's jittered backoff
        spreads the retries instead.
        """
        self.stats.throttled_429 += 1
        if retry_after is not None:
            self._limiter.hold(retry_after)

    def _retry_delay(self, retry_after: float | None, attempt: int) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``; None when Graph asks for too long a wait."""
        if retry_after is not None:
            return None if retry_after > self._max_retry_after else retry_after
        # Full jitter: spreads the retries of many concurrent requests instead of synchronising them.
        ceiling = min(self._backoff_cap, self._backoff_base * 2.0 ** (attempt - 1))
        return self._random() * ceiling

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            raise RuntimeError("GraphClient is not open: use 'async with GraphClient(...) as graph'")
        return self._http

    def _refused(self, error: GraphError) -> GraphResponse:
        self._count_error(error)
        logger.warning("graph request refused: %s", error.code)
        return GraphResponse(0, {}, None, error)

    def _count_error(self, error: GraphError) -> GraphError:
        self.stats.errors += 1
        return error


# ---------------------------------------------------------------------- helpers


async def _gather(coroutines: list[Coroutine[Any, Any, _T]]) -> list[_T]:
    """Run coroutines concurrently; on failure cancel the rest and raise the first exception."""
    if len(coroutines) == 1:
        return [await coroutines[0]]
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(coroutine) for coroutine in coroutines]
    except BaseExceptionGroup as failure:
        # Callers expect the provider's own exception, not a group wrapping it.
        raise failure.exceptions[0] from failure
    return [task.result() for task in tasks]


def _sub_request(request: BatchRequest, relative_url: str) -> dict[str, Any]:
    sub: dict[str, Any] = {"method": request.method.upper(), "url": relative_url}
    headers = dict(request.headers or {})
    if request.body is not None:
        sub["body"] = request.body
        # $batch rejects a sub-request body without a Content-Type.
        if not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = "application/json"
    if headers:
        sub["headers"] = headers
    return sub


def _decode_json(content: bytes) -> tuple[Any, str | None]:
    """Parse a body: (value, None), (None, None) when empty, (None, problem) when not JSON."""
    if not content.strip():
        return None, None
    try:
        return jsonlib.loads(content), None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        return None, "body is not valid JSON"


def _check_page(body: Any) -> str | None:
    if not isinstance(body, Mapping):
        return "collection page is not a JSON object"
    value = body.get("value")
    if not isinstance(value, list):
        return "collection page has no 'value' array"
    if not all(isinstance(item, Mapping) for item in value):
        return "collection page holds entries that are not objects"
    return None


def _check_batch_body(body: Any) -> str | None:
    if not isinstance(body, Mapping) or not isinstance(body.get("responses"), list):
        return "$batch response has no 'responses' array"
    return None


def _transport_error(exc: httpx.TransportError) -> GraphError:
    code = TIMEOUT if isinstance(exc, httpx.TimeoutException) else CONNECTION_ERROR
    detail = str(exc) or type(exc).__name__
    return GraphError.client_side(code, f"{type(exc).__name__}: {detail}"[:300])


def _is_transient(exc: httpx.TransportError) -> bool:
    if not isinstance(exc, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError):
        return False
    # A certificate that fails verification will fail the same way next time.
    cause: BaseException | None = exc
    for _ in range(10):  # bounded: exception chains can in principle be cyclic
        if cause is None:
            break
        if isinstance(cause, ssl.SSLCertVerificationError):
            return False
        cause = cause.__cause__ or cause.__context__
    return True


def _not_sent(exc: httpx.TransportError) -> bool:
    # Failing before the connection existed means Graph never saw the request.
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
