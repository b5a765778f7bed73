"""Admin consent round trips: the signed state, the consent URL, and reading the answer.

The ``state`` sent to Entra is sealed with the session key (AES-GCM) and carries the session's
CSRF token, the tenant, the exact scopes asked and what to do on success, so the callback acts
only on what this browser session started, for that tenant, within ten minutes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from .cookies import CookieCipher
from .identity_api import IdentityConfig

STATE_NAME = "ia_consent_state"
STATE_LIFETIME_S = 600
GRAPH_RESOURCE = "https://graph.microsoft.com"


@dataclass(frozen=True)
class ConsentState:
    """What an admin-consent round trip is for.

    ``kind``: ``onboard`` (register the tenant), ``module`` (activate ``module``), ``scopes``
    (grant missing scopes, then return to ``next_url``) or ``request`` (a user who cannot consent
    asks for approval through the tenant's admin consent workflow; ``domain`` is kept for onboarding).
    """

    kind: str
    tenant_id: str
    scopes: tuple[str, ...]
    csrf: str
    domain: str = ""
    module: str = ""
    next_url: str = "/policies"

    def seal(self, cipher: CookieCipher) -> str:
        """The opaque, encrypted ``state`` value."""
        data: dict[str, Any] = {
            "k": self.kind,
            "tid": self.tenant_id,
            "s": list(self.scopes),
            "csrf": self.csrf,
            "d": self.domain,
            "m": self.module,
            "n": self.next_url,
            "exp": int(time.time()) + STATE_LIFETIME_S,
        }
        return cipher.seal(STATE_NAME, data)

    @classmethod
    def open(cls, cipher: CookieCipher, value: str | None) -> ConsentState | None:
        """The state, or ``None`` when it is not ours, was altered or has expired."""
        data = cipher.open(STATE_NAME, value)
        if data is None or not isinstance(data.get("exp"), int) or data["exp"] < time.time():
            return None
        return cls(
            kind=str(data.get("k", "")),
            tenant_id=str(data.get("tid", "")),
            scopes=tuple(str(s) for s in data.get("s", [])),
            csrf=str(data.get("csrf", "")),
            domain=str(data.get("d", "")),
            module=str(data.get("m", "")),
            next_url=str(data.get("n", "/policies")),
        )


def graph_scope_uris(scopes: Iterable[str]) -> list[str]:
    """Scope names as Graph resource URIs (``https://graph.microsoft.com/Group.Read.All``)."""
    return [s if s.startswith("https://") else f"{GRAPH_RESOURCE}/{s}" for s in scopes]


def admin_consent_url(
    identity: IdentityConfig, tenant_id: str, scopes: Sequence[str], redirect_uri: str, state: str
) -> str:
    """Entra's admin-consent URL for the API app and exactly ``scopes`` (explicit, never ``.default``)."""
    query = urlencode(
        {
            "client_id": identity.api_client_id,
            "scope": " ".join(graph_scope_uris(scopes)),
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{identity.authority_host.rstrip('/')}/{tenant_id}/v2.0/adminconsent?{query}"


def short_reason(description: str | None) -> str:
    """The first line of an Entra error description (the rest is trace ids and timestamps)."""
    return (description or "").strip().splitlines()[0] if description and description.strip() else ""
