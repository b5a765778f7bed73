"""Injected latency and faults, reproducible from ``EmulatorOptions.seed``.

Each request (or ``$batch`` step) draws once from the fault RNG when its route has a non-zero
rate: 5xx (503 ``CancelledOnServiceTimeout`` or 504 ``UnknownError``, half each), timeout (sleep
``timeout_delay_s``, then 504) or malformed (the real answer, cut in half, as a 200). 5xx and
timeouts fail before the handler runs, so nothing is written; a malformed answer comes after it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote, urlencode

from .options import EmulatorOptions, PageFault, RouteFaults
from .protocol import GraphRequest, GraphResponse

__all__ = ["EffectiveFaults", "Fault", "FaultInjector", "malformed", "malformed_page", "route_faults"]

_JSON = "application/json"


class Fault(StrEnum):
    """What goes wrong with one request."""

    ERROR_503 = "503"
    ERROR_504 = "504"
    TIMEOUT = "timeout"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class EffectiveFaults:
    """The latency and rates in force for one route."""

    latency_s: float
    error_5xx_rate: float
    timeout_rate: float
    malformed_rate: float
    page_fault: PageFault | None = None
    page_fault_later_pages: bool = False


def _override(options: EmulatorOptions, keys: Sequence[str], path: str) -> RouteFaults | None:
    for key in keys:
        if key in options.routes:
            return options.routes[key]
    clean = path.strip("/")
    best: str | None = None
    for prefix in options.routes:
        bare = prefix.strip("/")
        if bare and (clean == bare or clean.startswith(bare + "/")) and (best is None or len(bare) > len(best)):
            best = prefix
    return options.routes[best] if best is not None else None


def route_faults(options: EmulatorOptions, keys: Sequence[str], path: str) -> EffectiveFaults:
    """Options for a route, by catalog key first, then the longest matching path prefix."""
    override = _override(options, keys, path) or RouteFaults()

    def pick(value: float | None, default: float) -> float:
        return default if value is None else value

    return EffectiveFaults(
        latency_s=pick(override.latency_s, options.latency_s),
        error_5xx_rate=pick(override.error_5xx_rate, options.error_5xx_rate),
        timeout_rate=pick(override.timeout_rate, options.timeout_rate),
        malformed_rate=pick(override.malformed_rate, options.malformed_rate),
        page_fault=override.page_fault,
        page_fault_later_pages=override.page_fault_later_pages,
    )


class FaultInjector:
    """Draws faults from a seeded RNG."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def draw(self, faults: EffectiveFaults) -> Fault | None:
        """The fault for one request, if any."""
        total = faults.error_5xx_rate + faults.timeout_rate + faults.malformed_rate
        if total <= 0:
            return None
        roll = self._rng.random()
        if roll < faults.error_5xx_rate:
            return Fault.ERROR_503 if self._rng.random() < 0.5 else Fault.ERROR_504
        if roll < faults.error_5xx_rate + faults.timeout_rate:
            return Fault.TIMEOUT
        if roll < total:
            return Fault.MALFORMED
        return None


def malformed(response: GraphResponse) -> GraphResponse:
    """A 200 whose body is the real JSON body cut in half (never parseable)."""
    text = json.dumps(response.body) if response.body is not None else '{"value": []}'
    cut = text[: max(1, len(text) // 2)]
    return GraphResponse(200, None, {**response.headers, "Content-Type": _JSON}, raw=cut.encode())


# A host that is not Graph's (nor the emulator's): a client must not send its token there.
FOREIGN_HOST = "https://graph.example.net"


def malformed_page(req: GraphRequest, response: GraphResponse, faults: EffectiveFaults) -> GraphResponse:
    """``response`` turned into the route's ``page_fault`` shape when it is a list page it applies to.

    A later page is one requested with a ``$skiptoken``. ``REPEATED_NEXT_LINK`` makes a later
    page's nextLink its own URL (Graph looped one so in 2020); a first page keeps its own link,
    so the loop shows from page 2 on and a one-page list is left alone.
    """
    fault = faults.page_fault
    body = response.body
    if fault is None or req.method != "GET" or response.status != 200 or not isinstance(body, dict):
        return response
    if not isinstance(body.get("value"), list):
        return response
    later = any(name.lstrip("$").lower() == "skiptoken" for name, _ in req.query)
    if faults.page_fault_later_pages and not later:
        return response
    page: dict[str, Any] = dict(body)
    if fault is PageFault.NOT_JSON:
        html = b"<html><body><h1>Service unavailable</h1></body></html>"
        return GraphResponse(200, None, {**response.headers, "Content-Type": "text/html"}, raw=html)
    if fault is PageFault.NO_VALUE:
        page.pop("value")
    elif fault is PageFault.VALUE_NOT_LIST:
        page["value"] = {str(index): item for index, item in enumerate(page["value"])}
    elif fault is PageFault.REPEATED_NEXT_LINK:
        if not later:
            return response
        query = urlencode(list(req.query), quote_via=quote, safe="$,()'*")
        page["@odata.nextLink"] = f"{req.base_url}/{req.version}/{req.path}?{query}"
    elif fault is PageFault.FOREIGN_NEXT_LINK:
        page["@odata.nextLink"] = f"{FOREIGN_HOST}/{req.version}/{req.path}?$skiptoken=elsewhere"
    return GraphResponse(200, page, dict(response.headers))
