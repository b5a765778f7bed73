"""Value types the Graph client takes and returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import GraphError

__all__ = ["BatchRequest", "GraphResponse", "GraphStats", "ListResult", "OnPage", "PageSender", "QueryParams"]

QueryParams = Mapping[str, str | int | float | bool]
#: Called with (index of the path, items of one page) as pages arrive in ``batch_list_all``.
OnPage = Callable[[int, list[dict[str, Any]]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class GraphResponse:
    """The outcome of one Graph request.

    ``status`` is 0 when no HTTP response was received (connection failure, timeout, or a request
    refused before sending). ``headers`` have lower-case names. ``body`` is the parsed JSON, or
    ``None`` for an empty or unparsable body.
    """

    status: int
    headers: Mapping[str, str]
    body: Any
    error: GraphError | None = None

    @property
    def ok(self) -> bool:
        """True when the request succeeded (2xx with a usable body)."""
        return self.error is None


@dataclass(frozen=True, slots=True)
class ListResult:
    """Items of a paged collection. With ``error`` set, ``items`` are the pages read before it."""

    items: list[dict[str, Any]]
    pages: int
    error: GraphError | None = None
    # The last page's ``@odata.deltaLink`` (delta queries): where the next round starts.
    delta_link: str | None = None

    @property
    def complete(self) -> bool:
        """True when every page was read."""
        return self.error is None


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """One sub-request of a ``$batch``.

    ``url`` is relative to the API version (``deviceManagement/configurationPolicies``) or an
    absolute ``@odata.nextLink`` of the same version. ``idempotent`` overrides the method's
    default (only POST is treated as non-idempotent) and decides whether a 5xx may be retried.
    """

    method: str
    url: str
    body: Any = None
    headers: Mapping[str, str] | None = None
    idempotent: bool | None = None
    # > 0: other work waits for this answer (a list page); it goes ahead of bulk reads.
    priority: int = 0
    # The answer must be a collection page ({"value": [...]}); any other 200 is a malformed answer.
    page: bool = False

    @property
    def is_idempotent(self) -> bool:
        """Whether repeating the request after an uncertain failure is harmless."""
        if self.idempotent is not None:
            return self.idempotent
        return self.method.upper() != "POST"


@dataclass(slots=True)
class GraphStats:
    """Counters of what the client did; read them for progress and benchmark figures."""

    http_requests: int = 0  # HTTP requests sent, each $batch POST and each retry included
    sub_requests: int = 0  # $batch sub-requests sent, re-sent ones included
    retries: int = 0  # re-sent requests and sub-requests
    throttled_429: int = 0  # 429s seen, at HTTP or sub-request level
    errors: int = 0  # final error results handed to callers
    bytes_received: int = 0  # response body bytes


#: Sends one request and returns its final outcome: ``GraphClient.read_pages`` pages through one,
#: so a caller can route pages through its own ``$batch`` coalescing (``collect.batching``).
PageSender = Callable[[BatchRequest], Awaitable[GraphResponse]]
