"""Building list responses: one page, its ``@odata.count`` and its nextLink."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import GraphError
from .filtering import Predicate
from .paging import decode_skiptoken, encode_skiptoken, next_link, query_signature, slice_page
from .protocol import GraphRequest, GraphResponse
from .query import QueryOptions

__all__ = ["GRAPH_ROOT", "CountMode", "ListSpec", "build_list", "context_url", "directory_count"]


# Graph's own service root: ``@odata.context`` names it whatever host served the response (a client
# may match responses by their context). Only nextLinks, which clients follow verbatim, lead back
# to the host that served the request.
GRAPH_ROOT = "https://graph.microsoft.com"


def context_url(req: GraphRequest, fragment: str) -> str:
    """``@odata.context`` for ``fragment`` (``deviceManagement/configurationPolicies``, …)."""
    return f"{GRAPH_ROOT}/{req.version}/$metadata#{fragment}"


class CountMode:
    """Which ``@odata.count`` a list carries."""

    NONE = "none"
    PER_PAGE = "per page"  # Intune: items on this page, without $count
    TOTAL_FIRST_PAGE = "total on page 1"  # directory with $count=true + ConsistencyLevel


def _sort_key(value: Any) -> tuple[int, Any]:
    # OData sorts null first (ascending); values of mixed kinds sort by kind, then value.
    if value is None:
        return (0, "")
    if isinstance(value, bool | int | float):
        return (1, float(value))
    return (2, str(value))


def _lookup(obj: Mapping[str, Any], path: str) -> Any:
    current: Any = obj
    for segment in path.split("/"):
        if "." in segment:
            continue  # a type cast
        current = current.get(segment) if isinstance(current, Mapping) else None
    return current


def ordered(items: Sequence[Mapping[str, Any]], orderby: Sequence[tuple[str, bool]]) -> Sequence[Mapping[str, Any]]:
    """``items`` sorted by ``$orderby`` (stable: the last key is applied first)."""
    result = list(items)
    for path, descending in reversed(orderby):
        result.sort(key=lambda obj, p=path: _sort_key(_lookup(obj, p)), reverse=descending)  # type: ignore[misc]
    return result if orderby else items


def directory_count(req: GraphRequest, options: QueryOptions) -> str:
    """Directory ``$count``: total on page 1 with ``ConsistencyLevel: eventual``, else a 400."""
    if not options.count:
        return CountMode.NONE
    if req.headers.get("consistencylevel", "").strip().lower() != "eventual":
        raise GraphError(400, "Request_BadRequest", "$count is not currently supported.")
    return CountMode.TOTAL_FIRST_PAGE


@dataclass(frozen=True)
class ListSpec:
    """How to page one list."""

    size: int
    count: str = CountMode.NONE
    predicate: Predicate | None = None
    filter_after_paging: bool = False
    trailing_empty_page: bool = False


def build_list(
    req: GraphRequest,
    options: QueryOptions,
    items: Sequence[Mapping[str, Any]],
    spec: ListSpec,
    shape_item: Callable[[Mapping[str, Any]], dict[str, Any]],
    context: str,
) -> GraphResponse:
    """One page of ``items`` as Graph returns it."""
    signature = query_signature(req.version, req.path, options)
    position = decode_skiptoken(options.skiptoken, signature)
    predicate = spec.predicate
    source = ordered(items, options.orderby)
    if predicate is not None and not spec.filter_after_paging:
        source = [item for item in items if predicate(item)]
    page = slice_page(source, position, spec.size, trailing_empty_page=spec.trailing_empty_page)
    chosen = page.items
    if predicate is not None and spec.filter_after_paging:
        chosen = [item for item in chosen if predicate(item)]
    body: dict[str, Any] = {"@odata.context": context_url(req, context)}
    if spec.count == CountMode.PER_PAGE:
        body["@odata.count"] = len(chosen)
    elif spec.count == CountMode.TOTAL_FIRST_PAGE and position == 0:
        body["@odata.count"] = len(source)
    body["value"] = [shape_item(item) for item in chosen]
    if page.next_position is not None:
        token = encode_skiptoken(page.next_position, signature)
        body["@odata.nextLink"] = next_link(req.base_url, req.version, req.path, options, token)
    return GraphResponse(200, body)
