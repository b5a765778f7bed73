"""Graph-shaped error bodies, including Intune's JSON-in-the-message nesting.

Three families answer differently (``shared/reference/graph-paging-and-queries.md`` §4):

* Intune (``deviceManagement/…``, ``deviceAppManagement/…``) puts a ``_version: 3`` JSON document as
  a *string* in ``error.message`` (and for some errors wraps that once more in
  ``{"ErrorCode": …, "Message": …}``);
* the directory (users, groups, devices, directoryObjects) uses codes like
  ``Authorization_RequestDenied`` with a plain message;
* the rest of Graph uses a plain ``{"error": {"code", "message", "innerError"}}``.

A handler raises ``GraphError``; the app renders it with the request's ids.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "DIRECTORY_ROOTS",
    "INTUNE_ROOTS",
    "Family",
    "GraphError",
    "bad_request",
    "error_body",
    "family_of",
    "forbidden_no_intune_role",
    "forbidden_role",
    "forbidden_scopes",
    "gateway_timeout",
    "no_route",
    "not_found",
    "segment_not_found",
    "service_unavailable",
    "throttled",
]

INTUNE_ROOTS = frozenset({"deviceManagement", "deviceAppManagement"})
DIRECTORY_ROOTS = frozenset(
    {
        "users",
        "groups",
        "devices",
        "directoryObjects",
        "applications",
        "servicePrincipals",
        "domains",
        "groupSettings",
        "policies",
    }
)
# Intune messages end with an operation id that is all zeroes for delegated calls.
_OPERATION_ID = "00000000-0000-0000-0000-000000000000"
_FEF_HOST = "https://fef.msua06.manage.microsoft.com"


class Family(StrEnum):
    """Which service answers a path, which decides the error body shape."""

    INTUNE = "intune"
    DIRECTORY = "directory"
    GRAPH = "graph"


def family_of(path: str) -> Family:
    """The family serving ``path`` (without the version segment)."""
    root = path.strip("/").split("/", 1)[0]
    if root in INTUNE_ROOTS:
        return Family.INTUNE
    if root in DIRECTORY_ROOTS:
        return Family.DIRECTORY
    return Family.GRAPH


@dataclass(eq=False)
class GraphError(Exception):
    """An error response. ``nesting`` is how Intune wraps ``message``.

    ``"none"``: plain message. ``"intune"``: the ``_version: 3`` JSON string. ``"intune_wrapped"``:
    ``{"ErrorCode": inner_code, "Message": <the _version 3 string>, …}`` (Intune's 403/504 shape).
    """

    status: int
    code: str
    message: str
    nesting: str = "none"
    inner_code: str = ""
    error_source: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(f"{self.status} {self.code}")


def bad_request(message: str, code: str = "BadRequest") -> GraphError:
    """A plain 400."""
    return GraphError(400, code, message)


def segment_not_found(segment: str) -> GraphError:
    """Graph's answer to a path segment it does not know."""
    return bad_request(f"Resource not found for the segment '{segment}'.")


def no_route(method: str, template: str) -> GraphError:
    """Graph's answer to a known path with a verb or shape it does not route."""
    return GraphError(
        400,
        "No method match route template",
        f"No OData route exists that match template {template} with http verb {method} for request {template}.",
    )


def _intune_v3(message: str, *, activity_id: str, path: str, error_source: str) -> str:
    url = f"{_FEF_HOST}/StatelessEmulatorFEService/{path}?api-version=5024-01-01"
    document = {
        "_version": 3,
        "Message": (
            f"{message} - Operation ID (for customer support): {_OPERATION_ID} - "
            f"Activity ID: {activity_id} - Url: {url}"
        ),
        "CustomApiErrorPhrase": "",
        "RetryAfter": None,
        "ErrorSourceService": error_source,
        "HttpHeaders": "{}",
    }
    return json.dumps(document, indent=2).replace("\n", "\r\n")


def error_body(
    error: GraphError, *, request_id: str, client_request_id: str, path: str, now: datetime | None = None
) -> dict[str, Any]:
    """The JSON body for ``error`` answering ``path``."""
    message = error.message
    if error.nesting in ("intune", "intune_wrapped"):
        message = _intune_v3(message, activity_id=request_id, path=path, error_source=error.error_source)
    if error.nesting == "intune_wrapped":
        message = json.dumps(
            {
                "ErrorCode": error.inner_code or error.code,
                "Message": message,
                "Target": None,
                "Details": None,
                "InnerError": None,
                "InstanceAnnotations": [],
            }
        )
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S")
    return {
        "error": {
            "code": error.code,
            "message": message,
            "innerError": {"date": stamp, "request-id": request_id, "client-request-id": client_request_id},
        }
    }


# --- errors whose shape depends on the family -------------------------------------------------


def forbidden_scopes(family: Family, scopes: list[str]) -> GraphError:
    """The token lacks every scope that would allow the operation."""
    named = ", ".join(scopes)
    if family is Family.INTUNE:
        return GraphError(
            403,
            "Forbidden",
            "Application is not authorized to perform this operation. Application must have one of the "
            f"following scopes: {named}",
            nesting="intune",
        )
    if family is Family.DIRECTORY:
        return GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
    return GraphError(403, "Forbidden", f"Missing scope permissions on the request. API requires one of '{named}'.")


def forbidden_role(family: Family) -> GraphError:
    """The user's role does not allow the write (Intune read-only operator, directory reader)."""
    if family is Family.INTUNE:
        return GraphError(403, "Forbidden", "User is not authorized to perform this operation", nesting="intune")
    if family is Family.DIRECTORY:
        return GraphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
    return GraphError(403, "Forbidden", "User is not authorized to perform this operation.")


def forbidden_no_intune_role() -> GraphError:
    """A delegated user with no Intune role or licence (Intune's doubly wrapped 403)."""
    return GraphError(403, "UnknownError", "An error has occurred", nesting="intune_wrapped", inner_code="Forbidden")


def not_found(family: Family, object_id: str) -> GraphError:
    """No object with ``object_id``."""
    if family is Family.INTUNE:
        return GraphError(404, "ResourceNotFound", "An error has occurred", nesting="intune")
    if family is Family.DIRECTORY:
        return GraphError(
            404,
            "Request_ResourceNotFound",
            f"Resource '{object_id}' does not exist or one of its queried reference-property objects are not present.",
        )
    return GraphError(404, "ResourceNotFound", f"Resource '{object_id}' does not exist.")


def throttled(family: Family, retry_after: str | None) -> GraphError:
    """429; ``retry_after`` is the header value or ``None`` when the header is left out."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    if family is Family.INTUNE:
        return GraphError(429, "TooManyRequests", "Too many requests", nesting="intune", headers=headers)
    return GraphError(429, "TooManyRequests", "Please retry again later.", headers=headers)


def service_unavailable(family: Family) -> GraphError:
    """503 as Intune's stateless data service sends it."""
    if family is Family.INTUNE:
        return GraphError(
            503,
            "CancelledOnServiceTimeout",
            "The operation was cancelled because the service timed out",
            nesting="intune",
            error_source="StatelessCustomerDataMTService",
        )
    return GraphError(503, "serviceNotAvailable", "Service unavailable. Please try again later.")


def gateway_timeout(family: Family) -> GraphError:
    """504, Intune's doubly nested ``UnknownError``."""
    if family is Family.INTUNE:
        return GraphError(
            504,
            "UnknownError",
            "An error has occurred",
            nesting="intune_wrapped",
            inner_code="GatewayTimeout",
        )
    return GraphError(504, "UnknownError", "The request timed out.")
