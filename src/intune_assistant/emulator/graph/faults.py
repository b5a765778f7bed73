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

from .options import EmulatorOptions, RouteFaults
from .protocol import GraphResponse

__all__ = ["EffectiveFaults", "Fault", "FaultInjector", "malformed", "route_faults"]

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
