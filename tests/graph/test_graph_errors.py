"""Parsing Graph and Intune error bodies into GraphError values."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from intune_assistant.graph import GraphError, parse_error, parse_retry_after

OPERATION_TAIL = (
    " - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000"
    " - Activity ID: 6f1d2c3b-0000-4000-8000-000000000001"
    " - Url: https://fef.msua06.manage.microsoft.com/DeviceConfiguration_2405/StatelessDeviceConfigurationFEService"
    "/deviceManagement/deviceManagementScripts?api-version=5024-05-01"
)


def intune_v3(message: str, retry_after: object = None) -> str:
    """Intune's `_version: 3` JSON, as the string Graph puts in error.message (with CRLFs)."""
    inner = {
        "_version": 3,
        "Message": message,
        "CustomApiErrorPhrase": "",
        "RetryAfter": retry_after,
        "ErrorSourceService": "",
        "HttpHeaders": "{}",
    }
    return json.dumps(inner, indent=2).replace("\n", "\r\n")


def graph_body(code: str, message: str) -> bytes:
    return json.dumps(
        {
            "error": {
                "code": code,
                "message": message,
                "innerError": {
                    "date": "2024-05-01T10:00:00",
                    "request-id": "req-123",
                    "client-request-id": "client-456",
                },
            }
        }
    ).encode()


def test_plain_graph_error() -> None:
    body = graph_body("Request_UnsupportedQuery", "Invalid page size specified: '1000'.")
    error = parse_error(400, {"content-type": "application/json"}, body)
    assert error == GraphError(400, "Request_UnsupportedQuery", "Invalid page size specified: '1000'.", "req-123")
    assert error.describe() == "400 Bad Request: Invalid page size specified: '1000'."


def test_request_id_header_wins_over_inner_error() -> None:
    error = parse_error(404, {"Request-Id": "from-header"}, graph_body("ResourceNotFound", "gone"))
    assert error.request_id == "from-header"


def test_intune_forbidden_names_the_scopes_and_drops_the_operation_id_tail() -> None:
    message = intune_v3(
        "Application is not authorized to perform this operation. Application must have one of the "
        "following scopes: DeviceManagementScripts.Read.All, DeviceManagementScripts.ReadWrite.All" + OPERATION_TAIL
    )
    error = parse_error(403, {}, graph_body("Forbidden", message))
    assert error.status == 403
    assert error.code == "Forbidden"
    assert error.required_scopes == (
        "DeviceManagementScripts.Read.All",
        "DeviceManagementScripts.ReadWrite.All",
    )
    assert error.message == (
        "Application is not authorized to perform this operation. Application must have one of the "
        "following scopes: DeviceManagementScripts.Read.All, DeviceManagementScripts.ReadWrite.All"
    )
    assert "Operation ID" not in error.message
    assert error.describe() == (
        "403 Forbidden: the signed-in user's token lacks DeviceManagementScripts.Read.All "
        "(or their Intune role does not allow this)"
    )


def test_forbidden_write_scopes_are_named_when_no_read_scope_is_listed() -> None:
    message = intune_v3(
        "Application must have one of the following scopes: "
        "DeviceManagementConfiguration.ReadWrite.All, DeviceManagementManagedDevices.ReadWrite.All" + OPERATION_TAIL
    )
    error = parse_error(403, {}, graph_body("Forbidden", message))
    assert "lacks one of DeviceManagementConfiguration.ReadWrite.All, DeviceManagementManagedDevices" in (
        error.describe()
    )


def test_doubly_nested_user_without_intune_role() -> None:
    v3 = intune_v3("An error has occurred" + OPERATION_TAIL)
    outer = json.dumps(
        {
            "ErrorCode": "Forbidden",
            "Message": v3,
            "Target": None,
            "Details": None,
            "InnerError": None,
            "InstanceAnnotations": [],
        }
    )
    error = parse_error(403, {}, graph_body("UnknownError", outer))
    assert error.code == "Forbidden"  # the nested ErrorCode beats the useless UnknownError
    assert error.message == "An error has occurred"
    assert error.required_scopes == ()
    assert error.describe().startswith("403 Forbidden: the signed-in user's Intune or Entra role")


def test_graph_core_missing_scope_message() -> None:
    body = graph_body(
        "Authorization_RequestDenied",
        "Missing scope permissions on the request. API requires one of 'Group.Read.All, Directory.Read.All'. "
        "Scopes on the request 'openid, profile'",
    )
    error = parse_error(403, {}, body)
    assert error.required_scopes == ("Group.Read.All", "Directory.Read.All")


def test_429_retry_after_from_header_and_from_nested_json() -> None:
    header = parse_error(429, {"Retry-After": "2.128"}, graph_body("TooManyRequests", "Please retry again later."))
    assert header.retry_after == 2.128
    assert header.describe() == (
        "429 Too Many Requests: Microsoft Graph is throttling requests for this tenant; retry after 2.128 s"
    )
    nested = parse_error(429, {}, graph_body("TooManyRequests", intune_v3("Too many requests", retry_after=3)))
    assert nested.retry_after == 3.0
    missing = parse_error(429, {}, graph_body("TooManyRequests", intune_v3("Too many requests")))
    assert missing.retry_after is None


def test_non_json_and_empty_bodies() -> None:
    html = parse_error(502, {"content-type": "text/html"}, b"<html><body>Bad gateway</body></html>")
    assert (html.code, html.message) == ("BadGateway", "Bad Gateway (non-JSON response body)")
    empty = parse_error(503, {}, b"")
    assert (empty.code, empty.message) == ("ServiceUnavailable", "Service Unavailable (empty response body)")
    assert parse_error(504, None, None).code == "GatewayTimeout"
    assert parse_error(599, None, b"x").code == "HttpError"


def test_malformed_bodies_never_raise() -> None:
    cases: list[bytes | str | dict[str, object] | None] = [
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'{"error": 42}',
        b'{"error": {"code": 7, "message": ["x"]}}',
        b'{"error": {"code": "X", "message": "{not json"}}',
        b'{"error": {"code": "X", "message": "{\\"Message\\": 5}"}}',
        '{"error": {"code": "X", "message": "' + "{" * 50 + '"}}',
        {"error": {"code": "X", "innerError": "text"}},
        "   ",
    ]
    for body in cases:
        error = parse_error(400, {}, body)
        assert error.status == 400
        assert error.message


def test_oauth_style_error_body() -> None:
    error = parse_error(401, {}, b'{"error": "invalid_token", "error_description": "Token expired"}')
    assert (error.code, error.message) == ("invalid_token", "Token expired")
    assert "sign in again" in error.describe()


def test_long_messages_are_truncated() -> None:
    error = parse_error(400, {}, graph_body("BadRequest", "x" * 5000))
    assert len(error.message) <= 500


def test_describe_for_client_side_errors() -> None:
    error = GraphError.client_side("connectionError", "ConnectError: connection refused")
    assert error.describe() == "Could not reach Microsoft Graph: ConnectError: connection refused"


def test_parse_retry_after() -> None:
    assert parse_retry_after("2.128") == 2.128
    assert parse_retry_after(" 3 ") == 3.0
    assert parse_retry_after("-1") == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert parse_retry_after("nan") is None
    assert parse_retry_after(None) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@given(
    status=st.none() | st.integers(min_value=100, max_value=599),
    headers=st.dictionaries(st.sampled_from(["retry-after", "Request-Id", "x"]), st.text(max_size=20), max_size=3),
    body=st.none()
    | st.binary(max_size=200)
    | st.text(max_size=200)
    | st.dictionaries(st.sampled_from(["error", "message", "Message", "error_description"]), json_values)
    | st.builds(
        lambda code, message: {"error": {"code": code, "message": message}},
        json_values,
        json_values | st.builds(json.dumps, json_values),
    ),
)
def test_parse_error_never_raises(
    status: int | None, headers: dict[str, str], body: bytes | str | dict[str, object] | None
) -> None:
    error = parse_error(status, headers, body)
    assert isinstance(error.code, str)
    assert isinstance(error.message, str)
    assert isinstance(error.describe(), str)
