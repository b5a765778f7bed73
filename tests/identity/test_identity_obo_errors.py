"""Mapping Entra ID's OBO error answers to what the user or administrator must do."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from intune_assistant.identity.obo import (
    ConsentRequired,
    DeviceNotCompliant,
    GraphTokenUnavailable,
    InteractionRequired,
    NotAssigned,
    OboError,
    SignInRequired,
)
from intune_assistant.identity.obo_errors import error_from_result

SCOPES = ("https://graph.microsoft.com/DeviceManagementConfiguration.ReadWrite.All",)


def mapped(result: dict[str, Any]) -> OboError:
    return error_from_result(
        result, tenant_id="t-1", scopes=SCOPES, authority_host="https://login.microsoftonline.com", api_client_id="c"
    )


@pytest.mark.parametrize(
    ("result", "kind", "aadsts", "words"),
    [
        (
            {"error": "invalid_grant", "error_codes": [65001], "suberror": "consent_required"},
            ConsentRequired,
            65001,
            "admin consent",
        ),
        ({"error": "invalid_grant", "error_description": "AADSTS65001: no consent"}, ConsentRequired, 65001, ""),
        ({"error": "interaction_required", "error_codes": [50076], "claims": "{}"}, InteractionRequired, 50076, ""),
        ({"error": "invalid_grant", "error_codes": [50079], "claims": "{}"}, InteractionRequired, 50079, ""),
        (
            {"error": "interaction_required", "error_codes": [53000], "claims": "{}"},
            DeviceNotCompliant,
            53000,
            "only from a compliant device",
        ),
        ({"error": "invalid_grant", "error_codes": [50057]}, SignInRequired, 50057, "disabled"),
        ({"error": "invalid_grant", "error_codes": [50020]}, SignInRequired, 50020, "GDAP"),
        ({"error": "invalid_grant", "error_codes": [50105]}, NotAssigned, 50105, "Users and groups"),
        ({"error": "invalid_grant", "error_codes": [50173]}, SignInRequired, 50173, "Sign in again"),
        ({"error": "invalid_grant", "error_codes": [500133]}, SignInRequired, 500133, "Sign in again"),
        ({"error": "invalid_grant", "error_codes": [53003]}, SignInRequired, 53003, "Conditional Access"),
        ({"error": "invalid_client", "error_codes": [7000215]}, GraphTokenUnavailable, 7000215, "client secret"),
        ({"error": "temporarily_unavailable"}, GraphTokenUnavailable, None, "Try again"),
    ],
)
def test_entra_errors_map_to_actions(
    result: dict[str, Any], kind: type[OboError], aadsts: int | None, words: str
) -> None:
    error = mapped(result)
    assert type(error) is kind
    assert error.aadsts == aadsts and error.tenant_id == "t-1"
    assert words in error.message


def test_interaction_required_carries_the_claims_challenge() -> None:
    claims = '{"access_token":{"polids":{"essential":true,"values":["p"]}}}'
    error = mapped({"error": "interaction_required", "error_codes": [50079], "claims": claims})
    assert isinstance(error, InteractionRequired) and error.claims == claims
    encoded = error.www_authenticate.split('claims="')[1].rstrip('"')
    assert base64.b64decode(encoded).decode() == claims


def test_consent_required_names_the_scopes() -> None:
    error = mapped({"error": "invalid_grant", "suberror": "consent_required"})
    assert isinstance(error, ConsentRequired)
    assert error.scopes == SCOPES and "DeviceManagementConfiguration.ReadWrite.All" in error.message
