"""The Graph emulator as a Starlette app: ``/v1.0/...`` and ``/beta/...`` from the catalog.

Pipeline per HTTP request: latency → authentication (bearer token; tenant from ``tid``) →
``$batch`` or one request. Per request (and per batch step): throttling → fault draw → routing,
authorization and the handler → optional malformed answer. All state (tenants, throttling windows,
RNGs) lives in the ``GraphEmulator`` instance on ``app.state.graph``; nothing is global. Nothing
here logs tokens, bodies or query strings.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...catalog import Catalog
from ..tenants.model import TenantData
from ..tokens import TokenVerifier
from .auth import authenticate
from .batch import run_batch
from .errors import (
    GraphError,
    bad_request,
    error_body,
    family_of,
    gateway_timeout,
    segment_not_found,
    service_unavailable,
    throttled,
)
from .faults import Fault, FaultInjector, malformed, malformed_page, route_faults
from .handlers import dispatch
from .options import BATCH_ROUTE, EmulatorOptions
from .protocol import Caller, GraphRequest, GraphResponse, Version
from .routing import Router
from .shaping import v1_view
from .store import TenantStore
from .throttling import Throttler

__all__ = ["GRAPH_CONTENT_TYPE", "GraphEmulator", "create_graph_app"]

GRAPH_CONTENT_TYPE = (
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
)
_VERSIONS: tuple[Version, ...] = ("v1.0", "beta")
_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"]


class GraphEmulator:
    """The emulated Microsoft Graph for a set of tenants."""

    def __init__(
        self,
        tenants: Mapping[str, TenantData],
        *,
        verifier: TokenVerifier,
        catalog: Catalog,
        options: EmulatorOptions | None = None,
    ) -> None:
        self.options = options or EmulatorOptions()
        self.verifier = verifier
        self.router = Router(catalog)
        self.stores = {tenant_id: TenantStore(tenant) for tenant_id, tenant in tenants.items()}
        self.throttler = Throttler(self.options)
        self.faults = FaultInjector(self.options.seed)
        self._retry_rng = random.Random(f"{self.options.seed}:retry-after")
        self._batch_rng = random.Random(f"{self.options.seed}:batch")

    # --- one request ------------------------------------------------------------------------

    def render_error(self, req: GraphRequest, error: GraphError) -> GraphResponse:
        """``error`` as a response to ``req``."""
        body = error_body(error, request_id=req.request_id, client_request_id=req.client_request_id, path=req.path)
        return GraphResponse(error.status, body, {**error.headers, "Content-Type": GRAPH_CONTENT_TYPE})

    def _throttle(self, req: GraphRequest, caller: Caller) -> GraphResponse | None:
        if not self.options.throttling:
            return None
        wait = self.throttler.admit(caller.tenant_id, caller.app_id, write=req.is_write)
        if wait is None:
            return None
        rate = self.options.retry_after_missing_rate
        missing = rate > 0 and self._retry_rng.random() < rate
        # HTTP's delay-seconds is a whole number (RFC 9110 §10.2.3): round up, so a client that
        # waits as told is admitted.
        retry_after = None if missing else str(max(1, math.ceil(wait)))
        return self.render_error(req, throttled(family_of(req.path), retry_after))

    async def execute(self, req: GraphRequest, caller: Caller, store: TenantStore) -> GraphResponse:
        """Throttle, inject faults and answer one request (an HTTP request or a batch step)."""
        req = replace(req, path="/".join(self.router.canonical(req.segments)))
        response = self._throttle(req, caller)
        if response is not None:
            return self._stamp(req, response)
        family = family_of(req.path)
        faults = route_faults(self.options, self.router.route_keys(req.version, req.segments), req.path)
        fault = self.faults.draw(faults)
        if fault is Fault.ERROR_503:
            return self._stamp(req, self.render_error(req, service_unavailable(family)))
        if fault is Fault.ERROR_504:
            return self._stamp(req, self.render_error(req, gateway_timeout(family)))
        if fault is Fault.TIMEOUT:
            await self.options.sleep(self.options.timeout_delay_s)
            return self._stamp(req, self.render_error(req, gateway_timeout(family)))
        try:
            response = dispatch(req, caller, store, self.router, self.options)
        except GraphError as error:
            response = self.render_error(req, error)
        if req.version == "v1.0" and response.body is not None and response.status < 400:
            response.body = v1_view(response.body)
        if response.body is not None:
            response.headers.setdefault("Content-Type", GRAPH_CONTENT_TYPE)
        if fault is Fault.MALFORMED:
            response = malformed(response)
        response = malformed_page(req, response, faults)
        return self._stamp(req, response)

    @staticmethod
    def _stamp(req: GraphRequest, response: GraphResponse) -> GraphResponse:
        response.headers["request-id"] = req.request_id
        response.headers["client-request-id"] = req.client_request_id
        return response

    # --- HTTP ---------------------------------------------------------------------------------

    async def handle(self, request: Request) -> Response:
        """The ASGI endpoint for ``/{version}/{path}``."""
        version = request.path_params["version"]
        path = str(request.path_params["path"]).strip("/")
        headers = {k.lower(): v for k, v in request.headers.items()}
        request_id = str(uuid.uuid4())
        req = GraphRequest(
            method=request.method.upper(),
            version=version if version in _VERSIONS else "beta",
            path=path,
            query=tuple(request.query_params.multi_items()),
            headers=headers,
            body=None,
            base_url=f"{request.url.scheme}://{request.url.netloc}",
            request_id=request_id,
            client_request_id=headers.get("client-request-id", request_id),
        )
        is_batch = path == "$batch"
        keys = () if is_batch else self.router.route_keys(req.version, self.router.canonical(req.segments))
        latency = route_faults(self.options, (BATCH_ROUTE,) if is_batch else keys, path).latency_s
        if latency > 0:
            await self.options.sleep(latency)
        return _to_starlette(await self._answer(request, req, version, is_batch))

    async def _answer(self, request: Request, req: GraphRequest, version: str, is_batch: bool) -> GraphResponse:
        if version not in _VERSIONS:
            return self._stamp(req, self.render_error(req, segment_not_found(version)))
        try:
            caller, store = authenticate(req.headers, self.verifier, self.stores, now=self.options.wall_clock())
            body = await _read_json(request)
        except GraphError as error:
            return self._stamp(req, self.render_error(req, error))
        req = replace(req, body=body)
        if not is_batch:
            return await self.execute(req, caller, store)
        if req.method != "POST":
            return self._stamp(req, self.render_error(req, bad_request("$batch accepts POST only.")))
        return self._stamp(req, await self._batch(req, caller, store))

    async def _batch(self, req: GraphRequest, caller: Caller, store: TenantStore) -> GraphResponse:
        faults = route_faults(self.options, (BATCH_ROUTE,), BATCH_ROUTE)
        # Only an explicit "$batch" route override injects faults into the batch POST itself.
        if BATCH_ROUTE in self.options.routes:
            fault = self.faults.draw(faults)
            if fault in (Fault.ERROR_503, Fault.ERROR_504, Fault.TIMEOUT):
                if fault is Fault.TIMEOUT:
                    await self.options.sleep(self.options.timeout_delay_s)
                error = service_unavailable if fault is Fault.ERROR_503 else gateway_timeout
                return self.render_error(req, error(family_of("")))
        try:
            response = await run_batch(
                req,
                lambda step: self.execute(step, caller, store),
                self.render_error,
                new_id=lambda: str(uuid.uuid4()),
                rng=self._batch_rng if self.options.shuffle_batch_responses else None,
            )
        except GraphError as error:
            return self.render_error(req, error)
        response.headers["Content-Type"] = GRAPH_CONTENT_TYPE
        return response


async def _read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request(
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is "
            "of valid JSON format."
        ) from None


def _to_starlette(response: GraphResponse) -> Response:
    if response.raw is not None:
        content = response.raw
    elif response.body is not None:
        content = json.dumps(response.body, ensure_ascii=False).encode("utf-8")
    else:
        content = b""
    return Response(content=content, status_code=response.status, headers=response.headers)


def create_graph_app(
    tenants: Mapping[str, TenantData],
    *,
    verifier: TokenVerifier,
    catalog: Catalog,
    options: EmulatorOptions | None = None,
) -> Starlette:
    """An ASGI app serving Microsoft Graph for ``tenants`` (by tenant id).

    The app works on the given ``TenantData`` objects: writes change them and audit events are
    appended to them. The emulator instance is ``app.state.graph``.
    """
    emulator = GraphEmulator(tenants, verifier=verifier, catalog=catalog, options=options)
    app = Starlette(routes=[Route("/{version}/{path:path}", emulator.handle, methods=_METHODS)])
    app.state.graph = emulator
    return app
