"""JSON batching: ``POST /{version}/$batch`` with up to 20 steps.

Steps run in-process through the same pipeline as HTTP requests (throttling and faults per step,
the batch's caller for authorization). URLs are relative to the batch's version: a step whose URL
starts with ``v1.0/``, ``beta/`` or is absolute gets 400 "Resource not found for the segment
'v1.0'." (versions cannot be mixed). Ids are strings or numbers, unique without regard to case. A
batch is fully parallel or fully sequential (each step after the first depends on one earlier
step); a step whose dependency failed gets 424. Responses come back in a shuffled order (seeded),
as Graph allows.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .errors import GraphError, bad_request, segment_not_found
from .protocol import GraphRequest, GraphResponse

__all__ = ["MAX_BATCH_REQUESTS", "Step", "parse_batch", "run_batch"]

MAX_BATCH_REQUESTS = 20
_VERSIONS = ("v1.0", "beta")
_METHODS = frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"})

Execute = Callable[[GraphRequest], Awaitable[GraphResponse]]
RenderError = Callable[[GraphRequest, GraphError], GraphResponse]
NewId = Callable[[], str]


@dataclass(frozen=True)
class Step:
    """One request of a batch as sent."""

    id: str
    method: str
    url: str
    headers: Mapping[str, str]
    body: Any
    depends_on: tuple[str, ...]


def _invalid(detail: str) -> GraphError:
    return bad_request(f"Invalid batch payload format: {detail}")


def parse_batch(body: Any) -> list[Step]:
    """Validate the batch document; a malformed batch is a 400 for the whole batch."""
    if not isinstance(body, Mapping) or not isinstance(body.get("requests"), list):
        raise _invalid("the body must be a JSON object with a 'requests' array.")
    raw_steps = body["requests"]
    if not raw_steps:
        raise _invalid("the batch holds no requests.")
    if len(raw_steps) > MAX_BATCH_REQUESTS:
        raise _invalid(f"a batch holds at most {MAX_BATCH_REQUESTS} requests, this one has {len(raw_steps)}.")
    steps: list[Step] = []
    for raw in raw_steps:
        if not isinstance(raw, Mapping):
            raise _invalid("every request must be a JSON object.")
        raw_id, method, url = raw.get("id"), raw.get("method"), raw.get("url")
        # The docs type the id as a string; Graph also takes a JSON number and answers with its text.
        if isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or raw_id == "":
            raise _invalid("every request needs an 'id'.")
        step_id = str(raw_id)
        if not isinstance(method, str) or method.upper() not in _METHODS:
            raise _invalid(f"request '{step_id}' has no valid 'method'.")
        if not isinstance(url, str) or not url:
            raise _invalid(f"request '{step_id}' has no 'url'.")
        headers = raw.get("headers") or {}
        if not isinstance(headers, Mapping) or not all(isinstance(v, str) for v in headers.values()):
            raise _invalid(f"the headers of request '{step_id}' must be an object of strings.")
        depends = raw.get("dependsOn") or []
        if not isinstance(depends, list) or not all(
            isinstance(d, str | int) and not isinstance(d, bool) for d in depends
        ):
            raise _invalid(f"'dependsOn' of request '{step_id}' must be an array of request ids.")
        depends = [str(d) for d in depends]
        steps.append(
            Step(
                id=step_id,
                method=method.upper(),
                url=url,
                headers={str(k).lower(): v for k, v in headers.items()},
                body=raw.get("body"),
                depends_on=tuple(depends),
            )
        )
    # Ids are not case-sensitive: "a" and "A" are the same id (json-batching.md).
    folded = [s.id.casefold() for s in steps]
    if len(set(folded)) != len(folded):
        raise _invalid("request ids must be unique within a batch (ids are not case-sensitive).")
    _check_sequencing(steps)
    return steps


def _check_sequencing(steps: list[Step]) -> None:
    """A batch is fully parallel (no ``dependsOn``) or fully sequential, as Graph requires.

    Sequential: the first request depends on nothing and every later one on exactly one request
    placed before it (json-batching.md: "Batch should be either fully sequential or fully
    parallel"; microsoft-graph-docs#16280: two requests without dependencies and one depending on
    both is a 400; msgraph-sdk-java-core#71: a dependency must come first).
    """
    if not any(s.depends_on for s in steps):
        return
    position = {s.id.casefold(): i for i, s in enumerate(steps)}
    for index, step in enumerate(steps):
        for dependency in step.depends_on:
            if dependency.casefold() not in position:
                raise _invalid(f"request '{step.id}' depends on an unknown request '{dependency}'.")
        earlier = all(position[d.casefold()] < index for d in step.depends_on)
        if (index == 0 and step.depends_on) or (index > 0 and (len(step.depends_on) != 1 or not earlier)):
            raise bad_request("Batch should be either fully sequential or fully parallel.")


def _step_request(step: Step, outer: GraphRequest, new_id: NewId) -> GraphRequest:
    """The in-process request for ``step``; raises the 400 a bad step URL gets."""
    url = step.url.strip()
    parts = urlsplit(url)
    path = parts.path
    segments = [s for s in path.split("/") if s]
    if parts.scheme or parts.netloc:
        # Absolute URLs name the version (and a host): Graph reads the first segment as a resource.
        raise segment_not_found(segments[0] if segments else parts.netloc)
    if segments and segments[0] in _VERSIONS:
        raise segment_not_found(segments[0])
    if segments[:1] == ["$batch"]:
        raise bad_request("Nested $batch requests are not supported.")
    if step.body is not None and "content-type" not in step.headers:
        raise bad_request("A Content-Type header is required for a batch request with a body.")
    request_id = new_id()
    return GraphRequest(
        method=step.method,
        version=outer.version,
        path="/".join(segments),
        query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
        headers=step.headers,
        body=step.body,
        base_url=outer.base_url,
        request_id=request_id,
        client_request_id=step.headers.get("client-request-id", request_id),
    )


def _step_response(step_id: str, response: GraphResponse) -> dict[str, Any]:
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("request-id", "client-request-id")}
    entry: dict[str, Any] = {"id": step_id, "status": response.status, "headers": headers}
    if response.raw is not None:
        entry["body"] = response.raw.decode("utf-8", errors="replace")
    elif response.body is not None:
        entry["body"] = response.body
    return entry


async def run_batch(
    outer: GraphRequest,
    execute: Execute,
    render_error: RenderError,
    *,
    new_id: NewId,
    rng: random.Random | None,
) -> GraphResponse:
    """Run the steps of ``outer`` (already authenticated) and build the 200 batch response."""
    steps = parse_batch(outer.body)
    # Sequential batches are in dependency order (checked by parse_batch): run in request order.
    results: dict[str, GraphResponse] = {}
    for step in steps:
        key = step.id.casefold()
        if any(results[d.casefold()].status >= 400 for d in step.depends_on):
            results[key] = GraphResponse(
                424,
                {"error": {"code": "FailedDependency", "message": "A request this request depends on failed."}},
                {"Content-Type": "application/json"},
            )
            continue
        try:
            request = _step_request(step, outer, new_id)
        except GraphError as error:
            placeholder = GraphRequest(
                step.method, outer.version, "", (), step.headers, None, outer.base_url, new_id(), new_id()
            )
            results[key] = render_error(placeholder, error)
            continue
        results[key] = await execute(request)
    responses = [_step_response(step.id, results[step.id.casefold()]) for step in steps]
    if rng is not None:
        rng.shuffle(responses)
    return GraphResponse(200, {"responses": responses})
