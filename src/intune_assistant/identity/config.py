"""Configuration of the two Entra ID applications the web app and the API use (DESIGN §2.1).

Only identifiers, the authority and CA settings live here; the secrets are held in memory and
never printed (``repr`` hides them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["GRAPH_RESOURCE", "MICROSOFT_AUTHORITY_HOSTS", "IdentityConfig", "is_guid"]

#: The resource identifier of Microsoft Graph scopes (not a URL to call: the emulator's Graph
#: lives elsewhere, but its scopes are still ``https://graph.microsoft.com/...``).
GRAPH_RESOURCE = "https://graph.microsoft.com"

#: Entra ID's own login hosts: MSAL may run instance discovery against these only.
MICROSOFT_AUTHORITY_HOSTS = frozenset(
    {
        "login.microsoftonline.com",
        "login.microsoft.com",
        "login.windows.net",
        "login.microsoftonline.us",
        "login.partner.microsoftonline.cn",
    }
)

_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def is_guid(value: object) -> bool:
    """Whether ``value`` is a GUID in the canonical 8-4-4-4-12 form Entra ID uses."""
    return isinstance(value, str) and _GUID.fullmatch(value) is not None


@dataclass(frozen=True)
class IdentityConfig:
    """The frontend app, the API app and the authority they sign in with.

    ``authority_host`` is ``https://login.microsoftonline.com`` or the emulator's base URL, without
    a trailing slash. ``ca_file`` is a CA bundle to trust explicitly (the emulator's); it wins over
    ``REQUESTS_CA_BUNDLE``/``SSL_CERT_FILE`` because the HTTP clients built from it ignore the
    environment.
    """

    authority_host: str
    api_client_id: str
    api_client_secret: str = field(repr=False)
    frontend_client_id: str
    frontend_client_secret: str | None = field(repr=False)
    graph_base_url: str = GRAPH_RESOURCE
    ca_file: str | None = None
    # The CLI's app registration: its tokens for the API scope are accepted (``--server``); None: none.
    cli_client_id: str | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.authority_host)
        # MSAL refuses http authorities, and tokens must never travel in clear text.
        if parts.scheme != "https" or not parts.netloc or parts.path not in ("",) or parts.query:
            raise ValueError(
                f"authority_host must be an https origin without a path or trailing slash, "
                f"e.g. https://login.microsoftonline.com; got {self.authority_host!r}"
            )
        for name in ("api_client_id", "frontend_client_id"):
            if not is_guid(getattr(self, name)):
                raise ValueError(f"{name} must be the application (client) ID GUID from Entra ID")
        if self.cli_client_id is not None and not is_guid(self.cli_client_id):
            raise ValueError("cli_client_id must be the application (client) ID GUID from Entra ID")
        if not self.api_client_secret:
            raise ValueError("api_client_secret is required: the API redeems tokens On-Behalf-Of the user")

    @property
    def api_scope(self) -> str:
        """The scope the frontend requests for the API: ``api://{api_client_id}/access_as_user``."""
        return f"api://{self.api_client_id}/access_as_user"

    @property
    def is_microsoft_authority(self) -> bool:
        """Whether the authority is Entra ID itself (not the emulator)."""
        return (urlsplit(self.authority_host).hostname or "").lower() in MICROSOFT_AUTHORITY_HOSTS

    def tenant_authority(self, tenant_id: str) -> str:
        """``{authority_host}/{tenant_id}``: OBO needs a tenant-specific authority."""
        return f"{self.authority_host}/{tenant_id}"

    def issuer(self, tenant_id: str) -> str:
        """The exact ``iss`` of a v2 token issued by ``tenant_id``."""
        return f"{self.authority_host}/{tenant_id}/v2.0"

    @classmethod
    def demo(cls, base_url: str, ca_file: str | None) -> IdentityConfig:
        """The emulator's demo registrations, served at ``base_url`` (Entra and Graph on one origin)."""
        # Imported here so that loading the identity package never loads the emulator.
        from intune_assistant.emulator.entra.registrations import (
            DEMO_API_SECRET,
            DEMO_CLI_CLIENT_ID,
            DEMO_FRONTEND_CLIENT_ID,
            DEMO_FRONTEND_SECRET,
        )
        from intune_assistant.emulator.tokens import DEMO_API_CLIENT_ID

        base = base_url.rstrip("/")
        return cls(
            authority_host=base,
            api_client_id=DEMO_API_CLIENT_ID,
            api_client_secret=DEMO_API_SECRET,
            frontend_client_id=DEMO_FRONTEND_CLIENT_ID,
            frontend_client_secret=DEMO_FRONTEND_SECRET,
            graph_base_url=base,
            ca_file=ca_file,
            cli_client_id=DEMO_CLI_CLIENT_ID,
        )
