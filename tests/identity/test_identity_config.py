"""IdentityConfig: the demo registrations, derived values, and refusals of unsafe settings."""

from __future__ import annotations

import pytest

from intune_assistant.emulator.entra import DEMO_FRONTEND_CLIENT_ID
from intune_assistant.emulator.tokens import DEMO_API_CLIENT_ID
from intune_assistant.identity.config import IdentityConfig


def test_demo_config_uses_the_emulator_registrations() -> None:
    config = IdentityConfig.demo("https://localhost:8443/", "/tmp/ca.pem")
    assert config.authority_host == "https://localhost:8443"
    assert config.api_client_id == DEMO_API_CLIENT_ID
    assert config.frontend_client_id == DEMO_FRONTEND_CLIENT_ID
    assert config.graph_base_url == "https://localhost:8443"
    assert config.ca_file == "/tmp/ca.pem"
    assert config.api_scope == f"api://{DEMO_API_CLIENT_ID}/access_as_user"
    assert config.issuer("t") == "https://localhost:8443/t/v2.0"
    assert not config.is_microsoft_authority


def test_repr_hides_the_secrets() -> None:
    config = IdentityConfig.demo("https://localhost:8443", None)
    assert config.api_client_secret not in repr(config)
    assert str(config.frontend_client_secret) not in repr(config)


def test_microsoft_authority_is_recognised() -> None:
    config = IdentityConfig(
        authority_host="https://login.microsoftonline.com",
        api_client_id=DEMO_API_CLIENT_ID,
        api_client_secret="s",
        frontend_client_id=DEMO_FRONTEND_CLIENT_ID,
        frontend_client_secret=None,
    )
    assert config.is_microsoft_authority
    assert config.graph_base_url == "https://graph.microsoft.com"


@pytest.mark.parametrize(
    "authority",
    ["http://login.microsoftonline.com", "https://login.microsoftonline.com/", "https://host/common", "login"],
)
def test_unsafe_or_malformed_authorities_are_refused(authority: str) -> None:
    with pytest.raises(ValueError, match="authority_host"):
        IdentityConfig(
            authority_host=authority,
            api_client_id=DEMO_API_CLIENT_ID,
            api_client_secret="s",
            frontend_client_id=DEMO_FRONTEND_CLIENT_ID,
            frontend_client_secret=None,
        )


def test_client_ids_must_be_guids() -> None:
    with pytest.raises(ValueError, match="api_client_id"):
        IdentityConfig(
            authority_host="https://login.microsoftonline.com",
            api_client_id="api://x",
            api_client_secret="s",
            frontend_client_id=DEMO_FRONTEND_CLIENT_ID,
            frontend_client_secret=None,
        )


def test_the_cli_client_id_must_be_a_guid_when_given() -> None:
    with pytest.raises(ValueError, match="cli_client_id"):
        IdentityConfig(
            authority_host="https://login.microsoftonline.com",
            api_client_id=DEMO_API_CLIENT_ID,
            api_client_secret="s",
            frontend_client_id=DEMO_FRONTEND_CLIENT_ID,
            frontend_client_secret=None,
            cli_client_id="intune-cli",
        )
