"""Graph errors as values: parsing Graph's and Intune's error bodies into one readable shape.

Intune wraps its own error JSON as a *string* inside Graph's ``error.message``, sometimes twice:

* ``{"error": {"code": "Forbidden", "message": "{\\"_version\\": 3, \\"Message\\": \\"... - Operation
  ID (for customer support): ...\\", ...}"}}``
* ``{"error": {"code": "UnknownError", "message": "{\\"ErrorCode\\": \\"Forbidden\\", \\"Message\\":
  \\"{ ...the _version 3 JSON... }\\"}"}}``

``parse_error`` unwraps these, keeps the first sentence a person can act on, and never raises,
whatever the body looks like.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

__all__ = [
    "CONNECTION_ERROR",
    "FOREIGN_URL",
    "INVALID_REQUEST",
    "MALFORMED_RESPONSE",
    "REPEATED_NEXT_LINK",
    "TIMEOUT",
    "GraphError",
    "parse_error",
    "parse_retry_after",
]

# Codes for failures detected on our side (no Graph error body exists for them).
CONNECTION_ERROR = "connectionError"
TIMEOUT = "timeout"
MALFORMED_RESPONSE = "malformedResponse"
FOREIGN_URL = "foreignUrl"
INVALID_REQUEST = "invalidRequest"
REPEATED_NEXT_LINK = "repeatedNextLink"

# Error messages end up in snapshots and on screen; a runaway body must not.
_MAX_MESSAGE = 500
# Intune nests JSON in strings at most twice in practice; the bound only stops pathological input.
_MAX_NESTING = 4

_OPERATION_ID_TAIL = re.compile(r"\s*-\s*Operation ID\b.*\Z", re.DOTALL | re.IGNORECASE)
_SCOPE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)+")
# Intune: "Application must have one of the following scopes: A, B - Operation ID ..."
_INTUNE_SCOPES = re.compile(r"one of the following scopes:\s*(?P<scopes>.*?)(?:\s+-\s+|\s*\Z)", re.DOTALL)
# Graph core: "Missing scope permissions on the request. API requires one of 'A, B'. ..."
_GRAPH_SCOPES = re.compile(r"requires one of '(?P<scopes>[^']*)'")


@dataclass(frozen=True, slots=True)
class GraphError:
    """Why a Graph request did not succeed, as data (never raised).

    ``status`` is ``None`` when no HTTP response exists (connection failure, timeout, or a request
    refused before sending). ``message`` is the readable part of Graph's/Intune's message.
    ``required_scopes`` lists the delegated scopes Intune said one of which is needed.
    """

    status: int | None
    code: str
    message: str
    request_id: str | None = None
    required_scopes: tuple[str, ...] = ()
    retry_after: float | None = None

    @classmethod
    def client_side(cls, code: str, message: str, *, status: int | None = None) -> GraphError:
        """Build an error detected by the client itself (no Graph error body)."""
        return cls(status=status, code=code, message=message)

    def describe(self) -> str:
        """Return one sentence an administrator can act on, naming the missing permission."""
        if self.status is None:
            if self.code in (CONNECTION_ERROR, TIMEOUT):
                return f"Could not reach Microsoft Graph: {self.message}"
            return self.message
        head = f"{self.status} {_phrase(self.status)}".rstrip()
        if self.status == 403:
            if self.required_scopes:
                return (
                    f"{head}: the signed-in user's token lacks {_name_scopes(self.required_scopes)} "
                    "(or their Intune role does not allow this)"
                )
            return (
                f"{head}: the signed-in user's Intune or Entra role, or the permissions consented "
                f"to the app, do not allow this ({self.message})"
            )
        if self.status == 401:
            return (
                f"{head}: the sign-in is no longer accepted (expired, revoked or consent removed); "
                f"sign in again ({self.message})"
            )
        if self.status == 429:
            wait = f"; retry after {self.retry_after:g} s" if self.retry_after is not None else ""
            return f"{head}: Microsoft Graph is throttling requests for this tenant{wait}"
        return f"{head}: {self.message}"


def parse_error(
    status: int | None,
    headers: Mapping[str, str] | None,
    body: bytes | str | Mapping[str, Any] | None,
) -> GraphError:
    """Turn an error response into a ``GraphError``.

    ``body`` may be raw bytes, text, already-parsed JSON or ``None``. Malformed, empty or non-JSON
    bodies give a generic message derived from the status; this function never raises.
    """
    lowered = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    request_id = lowered.get("request-id") or lowered.get("client-request-id")
    retry_after = parse_retry_after(lowered.get("retry-after"))
    default_code = _default_code(status)

    document = _as_json(body)
    if document is None:
        kind = "empty response body" if _is_empty(body) else "non-JSON response body"
        return GraphError(status, default_code, f"{_phrase(status) or 'Error'} ({kind})", request_id, (), retry_after)

    code = default_code
    raw_message = ""
    error = document.get("error")
    if isinstance(error, Mapping):
        code = _str_or(error.get("code"), default_code)
        raw_message = _str_or(error.get("message"), "")
        inner = error.get("innerError") or error.get("innererror")
        if isinstance(inner, Mapping) and request_id is None:
            request_id = _str_or(inner.get("request-id"), "") or _str_or(inner.get("client-request-id"), "") or None
    elif isinstance(error, str):
        # OAuth-style bodies ({"error": "invalid_token", "error_description": "..."}).
        code = error or default_code
        raw_message = _str_or(document.get("error_description"), "")
    else:
        raw_message = _str_or(document.get("message"), "") or _str_or(document.get("Message"), "")

    text, nested_code, nested_retry = _unwrap_intune(raw_message)
    # Intune's outer code is often the useless "UnknownError"; its nested ErrorCode is specific.
    if nested_code and code in ("UnknownError", default_code, ""):
        code = nested_code
    if retry_after is None:
        retry_after = nested_retry

    scopes = _required_scopes(text)
    readable = _OPERATION_ID_TAIL.sub("", text).strip()
    if not readable:
        readable = _phrase(status) or code
    return GraphError(status, code, _truncate(readable), request_id, scopes, retry_after)


def parse_retry_after(value: str | None) -> float | None:
    """Parse a ``Retry-After`` value in seconds (``"2.128"`` or ``"3"``); ``None`` if unusable.

    HTTP-date values are not used by Graph and are treated as absent (the caller backs off).
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)


def _unwrap_intune(message: str) -> tuple[str, str | None, float | None]:
    """Follow JSON-in-string nesting; return (innermost message text, nested code, RetryAfter)."""
    nested_code: str | None = None
    retry_after: float | None = None
    text = message
    for _ in range(_MAX_NESTING):
        stripped = text.strip()
        if not stripped.startswith("{"):
            break
        try:
            inner = json.loads(stripped)
        except ValueError:
            break
        if not isinstance(inner, dict):
            break
        error_code = inner.get("ErrorCode")
        if isinstance(error_code, str) and error_code and nested_code is None:
            nested_code = error_code
        retry = inner.get("RetryAfter")
        if retry_after is None and isinstance(retry, int | float) and not isinstance(retry, bool):
            retry_after = parse_retry_after(str(retry))
        next_text = inner.get("Message", inner.get("message"))
        if not isinstance(next_text, str):
            # JSON without a message: nothing readable inside, keep what we have.
            text = ""
            break
        text = next_text
    return text, nested_code, retry_after


def _required_scopes(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for pattern in (_INTUNE_SCOPES, _GRAPH_SCOPES):
        match = pattern.search(text)
        if match:
            for scope in _SCOPE_NAME.findall(match.group("scopes")):
                if scope not in found:
                    found.append(scope)
    return tuple(found)


def _name_scopes(scopes: tuple[str, ...]) -> str:
    # Intune lists every scope that would do ("X.Read.All, X.ReadWrite.All"). The least-privilege
    # product wants the read scope named, so name read-only scopes when the list has any.
    read_only = [s for s in scopes if ".Read." in f"{s}." and "ReadWrite" not in s]
    named = read_only or list(scopes)
    if len(named) == 1:
        return named[0]
    return "one of " + ", ".join(named)


def _as_json(body: bytes | str | Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if isinstance(body, Mapping):
        return body
    if body is None:
        return None
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        parsed = json.loads(text) if text.strip() else None
    except (ValueError, UnicodeDecodeError):
        return None
    return parsed if isinstance(parsed, dict) else None


def _is_empty(body: bytes | str | Mapping[str, Any] | None) -> bool:
    if body is None:
        return True
    if isinstance(body, bytes | str):
        return not body.strip()
    return False


def _phrase(status: int | None) -> str:
    if status is None:
        return ""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _default_code(status: int | None) -> str:
    # Mirrors Graph's own codes ("Forbidden", "TooManyRequests") for bodies that carry none.
    phrase = _phrase(status)
    return "".join(phrase.replace("-", " ").split()) if phrase else "HttpError"


def _str_or(value: object, default: str) -> str:
    return value if isinstance(value, str) else default


def _truncate(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"
