"""The browser session: what the encrypted session cookie holds, and the sign-in flow cookie.

Session cookie (``ia_session``, split if long): the API access token of the tenant in use, that
tenant's id, the CSRF token of this browser session, a random session id and the tenants signed
in to during it (for the tenant switcher). No expiry attribute: it ends with the browser session.
The server keeps no session: a request without the cookie is a signed-out request, and signing
out records only the hash of the session id until the token expires (``Registry.end_session``),
so a copy of the cookie is refused by every replica.

Served over HTTPS the cookies carry the ``__Host-`` prefix: a browser then accepts them only
with ``Secure``, ``Path=/`` and no ``Domain``, so no other host (a sibling subdomain) can set or
overwrite them.

Flow cookie (``ia_flow``, 10 minutes): the MSAL auth-code flow (state, nonce, PKCE verifier)
between leaving for Entra ID and coming back, plus where to go afterwards.

Request cookie (``ia_request``, 30 days, Entra's longest consent-request lifetime): that this
browser's user sent an admin consent request for their tenant (tenant id, the user's sign-in
name, the domain to onboard with), so their next sign-in after an approval onboards the tenant.
It survives sign-out on purpose; it holds no token.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .cookies import CookieCipher, clear_split, read_split, write_split

SESSION_COOKIE = "ia_session"
FLOW_COOKIE = "ia_flow"
REQUEST_COOKIE = "ia_request"
REQUEST_LIFETIME_S = 30 * 86_400
# Served over HTTPS: Secure, Path=/ and no Domain, enforced by the browser.
HOST_PREFIX = "__Host-"
MAX_TENANTS = 20


@dataclass
class KnownTenant:
    """A tenant the user signed in to during this browser session."""

    tenant_id: str
    label: str


@dataclass
class BrowserSession:
    """The decrypted session cookie."""

    api_token: str
    tenant_id: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    tenants: list[KnownTenant] = field(default_factory=list)
    created: int = field(default_factory=lambda: int(time.time()))
    # The user's sign-in name: the tenant list is kept across sign-ins of the same user only.
    user: str = ""
    # The GDAP customer a partner user works in ("" for their own tenant): Graph tokens then come
    # from the customer's authority On-Behalf-Of this session's API token.
    customer: str = ""
    # Random per sign-in; its hash marks the session ended at sign-out (``marker``).
    sid: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    @property
    def marker(self) -> str:
        """What the registry keeps of a signed-out session: the SHA-256 of its random id."""
        return hashlib.sha256(self.sid.encode("ascii")).hexdigest()

    def remember(self, tenant_id: str, label: str) -> None:
        """Put the tenant first in the switcher list (once)."""
        self.tenants = [t for t in self.tenants if t.tenant_id != tenant_id]
        self.tenants.insert(0, KnownTenant(tenant_id, label))
        del self.tenants[MAX_TENANTS:]

    def label_of(self, tenant_id: str) -> str | None:
        """The label the switcher shows for ``tenant_id``."""
        return next((t.label for t in self.tenants if t.tenant_id == tenant_id), None)

    def to_json(self) -> dict[str, Any]:
        """The cookie's plaintext."""
        return {
            "t": self.api_token,
            "tid": self.tenant_id,
            "csrf": self.csrf,
            "ts": [[t.tenant_id, t.label] for t in self.tenants],
            "c": self.created,
            "u": self.user,
            "cu": self.customer,
            "sid": self.sid,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BrowserSession | None:
        """The session from a cookie's plaintext, or ``None`` when it is not a session."""
        token, tenant, csrf, sid = data.get("t"), data.get("tid"), data.get("csrf"), data.get("sid")
        if not (isinstance(token, str) and isinstance(tenant, str) and isinstance(csrf, str) and csrf):
            return None
        if not (isinstance(sid, str) and sid.isascii() and sid):
            return None
        tenants = [
            KnownTenant(str(item[0]), str(item[1]))
            for item in data.get("ts", [])
            if isinstance(item, list) and len(item) == 2
        ]
        created = data.get("c")
        user, customer = data.get("u"), data.get("cu")
        return cls(
            token,
            tenant,
            csrf,
            tenants,
            int(created) if isinstance(created, int) else 0,
            str(user or ""),
            customer if isinstance(customer, str) else "",
            sid,
        )


class SessionCookies:
    """Reads and writes the session and flow cookies with one cipher and one ``Secure`` setting."""

    def __init__(self, cipher: CookieCipher, *, secure: bool, flow_lifetime_s: int) -> None:
        self.cipher = cipher
        self.secure = secure
        self.flow_lifetime_s = flow_lifetime_s
        prefix = HOST_PREFIX if secure else ""
        self.session_name = prefix + SESSION_COOKIE
        self.flow_name = prefix + FLOW_COOKIE
        self.request_name = prefix + REQUEST_COOKIE

    def load(self, request: Request) -> BrowserSession | None:
        """The request's session, or ``None`` (absent, tampered with, or from another key)."""
        data = self.cipher.open(self.session_name, read_split(self.session_name, request.cookies))
        return BrowserSession.from_json(data) if data is not None else None

    def store(self, request: Request, response: Response, session: BrowserSession) -> None:
        """Write ``session`` into the response's cookies (HttpOnly, SameSite=Lax, no expiry)."""
        write_split(
            response,
            self.session_name,
            self.cipher.seal(self.session_name, session.to_json()),
            request_cookies=request.cookies,
            secure=self.secure,
        )

    def clear(self, request: Request, response: Response) -> None:
        """Delete the session and flow cookies."""
        clear_split(response, self.session_name, request_cookies=request.cookies, secure=self.secure)
        clear_split(response, self.flow_name, request_cookies=request.cookies, secure=self.secure)

    def load_flow(self, request: Request) -> dict[str, Any] | None:
        """The pending sign-in flow, or ``None`` when absent, tampered with or expired."""
        data = self.cipher.open(self.flow_name, read_split(self.flow_name, request.cookies))
        if data is None or not isinstance(data.get("exp"), int) or data["exp"] < time.time():
            return None
        return data

    def store_flow(self, request: Request, response: Response, data: dict[str, Any]) -> None:
        """Keep the sign-in flow for ``flow_lifetime_s`` seconds."""
        payload = {**data, "exp": int(time.time()) + self.flow_lifetime_s}
        write_split(
            response,
            self.flow_name,
            self.cipher.seal(self.flow_name, payload),
            request_cookies=request.cookies,
            secure=self.secure,
            max_age=self.flow_lifetime_s,
        )

    def clear_flow(self, request: Request, response: Response) -> None:
        """Forget the sign-in flow (it is single-use)."""
        clear_split(response, self.flow_name, request_cookies=request.cookies, secure=self.secure)

    def load_request(self, request: Request) -> dict[str, Any] | None:
        """The admin consent request this browser's user sent, or ``None`` (absent, altered, expired)."""
        data = self.cipher.open(self.request_name, read_split(self.request_name, request.cookies))
        if data is None or not isinstance(data.get("exp"), int) or data["exp"] < time.time():
            return None
        return data

    def store_request(self, request: Request, response: Response, data: dict[str, Any]) -> None:
        """Remember a sent admin consent request for ``REQUEST_LIFETIME_S`` seconds."""
        payload = {**data, "exp": int(time.time()) + REQUEST_LIFETIME_S}
        write_split(
            response,
            self.request_name,
            self.cipher.seal(self.request_name, payload),
            request_cookies=request.cookies,
            secure=self.secure,
            max_age=REQUEST_LIFETIME_S,
        )

    def clear_request(self, request: Request, response: Response) -> None:
        """Forget the request (the tenant was onboarded)."""
        clear_split(response, self.request_name, request_cookies=request.cookies, secure=self.secure)
