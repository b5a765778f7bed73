"""Settings of the web app, from the environment (prefix ``INTUNE_ASSISTANT_``).

Nothing is read at import time: ``WebSettings()`` reads the environment when it is built, and the
app receives the instance (``create_app(settings, ...)``).
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from intune_assistant.tenants import SELF_HOSTED, PlanConfig, RegistryError, default_plans, plans_from_config

KEY_BYTES = 32


def new_session_key() -> SecretStr:
    """A fresh random 32-byte key, base64: what demo mode uses (sessions end with the process)."""
    return SecretStr(base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii"))


def decode_key(value: str) -> bytes:
    """The raw key bytes of a base64 (standard or URL-safe) session key; ``ValueError`` if not 32 bytes."""
    text = value.strip()
    padded = text + "=" * (-len(text) % 4)
    try:
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the session key must be base64") from None
    if len(raw) != KEY_BYTES:
        raise ValueError(
            f"the session key must be {KEY_BYTES} bytes (base64 of {KEY_BYTES} random bytes), got {len(raw)}"
        )
    return raw


class WebSettings(BaseSettings):
    """What the web app needs to run; every field can come from ``INTUNE_ASSISTANT_<NAME>``.

    ``session_key``: base64 of 32 random bytes (e.g. ``openssl rand -base64 32``); it encrypts
    the browser-session cookies. Required by ``serve``; ``demo`` makes one per process.
    ``base_url``: the public URL users reach (redirect URIs are built from it).
    ``secure_cookies``: ``True`` everywhere except the demo on ``http://localhost``, where a
    browser would not send a ``Secure`` cookie back over plain HTTP.
    """

    model_config = SettingsConfigDict(env_prefix="INTUNE_ASSISTANT_", extra="ignore")

    session_key: SecretStr | None = None
    base_url: str = "http://localhost:8000"
    data_dir: Path = Path("data")
    database_url: str | None = None
    secure_cookies: bool = True
    plan: str = SELF_HOSTED
    # Extra plans (JSON list of PlanConfig objects, docs/deployment.md), added to the shipped ones.
    plans: list[dict[str, Any]] = Field(default_factory=list)
    # Minutes collected objects count as fresh per (tenant, user); after that pages still show them,
    # with their age, while a refresh runs. DESIGN §2.4 allows a short in-memory cache.
    cache_minutes: float = Field(default=5.0, ge=0)
    # Minutes data is kept at most (shown while a refresh runs); older data is read again first.
    cache_keep_minutes: float = Field(default=60.0, ge=0)
    # Seconds between the per-user Graph reads that find revoked sign-in sessions (a CAE claims
    # challenge); 0 reads on every request. Entra itself may take minutes to propagate a revocation.
    sessions_check_s: float = Field(default=60.0, ge=0)
    # Seconds a download waits for a collection still running before answering 503 with Retry-After.
    export_wait_s: float = Field(default=60.0, ge=0)
    # Seconds a sign-in may take between leaving for Entra and coming back.
    flow_lifetime_s: int = Field(default=600, ge=60)
    page_size: int = Field(default=50, ge=10, le=500)

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("base_url must be an http(s) URL, e.g. https://intune-assistant.example.com")
        return value

    @field_validator("plans")
    @classmethod
    def _valid_plans(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        try:
            plans_from_config(value)
        except RegistryError as exc:
            raise ValueError(str(exc)) from None
        return value

    def configured_plans(self) -> dict[str, PlanConfig]:
        """The shipped plans (self-hosted: unlimited) with the configured ``plans`` added or replacing them."""
        return {**default_plans(), **plans_from_config(self.plans)}

    @field_validator("session_key")
    @classmethod
    def _valid_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            decode_key(value.get_secret_value())
        return value

    def key_bytes(self) -> bytes:
        """The session key's raw bytes; ``ValueError`` when none is configured."""
        if self.session_key is None:
            raise ValueError(
                "INTUNE_ASSISTANT_SESSION_KEY is not set: give base64 of 32 random bytes "
                "(the demo generates one per process)"
            )
        return decode_key(self.session_key.get_secret_value())

    @property
    def redirect_uri(self) -> str:
        """Where Entra sends the sign-in answer (register it on the frontend app)."""
        return f"{self.base_url}/auth/callback"

    @property
    def consent_redirect_uri(self) -> str:
        """Where admin consent returns (register it on the API app)."""
        return f"{self.base_url}/onboarding/consent"

    @property
    def post_logout_uri(self) -> str:
        """Where Entra's sign-out returns (register it on the frontend app)."""
        return f"{self.base_url}/"


class IdentitySettings(BaseSettings):
    """The two Entra ID app registrations for ``serve``, from ``INTUNE_ASSISTANT_<NAME>``.

    ``authority_host``: Entra ID (default) or another https origin (e.g. the emulator).
    ``ca_file``: a CA bundle to trust explicitly for Entra ID and Graph (the emulator's).
    """

    model_config = SettingsConfigDict(env_prefix="INTUNE_ASSISTANT_", extra="ignore")

    authority_host: str = "https://login.microsoftonline.com"
    api_client_id: str = ""
    api_client_secret: SecretStr = SecretStr("")
    frontend_client_id: str = ""
    frontend_client_secret: SecretStr | None = None
    graph_base_url: str = "https://graph.microsoft.com"
    ca_file: str | None = None
    # The CLI's app registration, whose tokens the API accepts (``--server``); empty: none.
    cli_client_id: str = ""

    def missing(self) -> list[str]:
        """The environment variables ``serve`` still needs."""
        needed = {
            "INTUNE_ASSISTANT_API_CLIENT_ID": self.api_client_id,
            "INTUNE_ASSISTANT_API_CLIENT_SECRET": self.api_client_secret.get_secret_value(),
            "INTUNE_ASSISTANT_FRONTEND_CLIENT_ID": self.frontend_client_id,
        }
        return [name for name, value in needed.items() if not value]
