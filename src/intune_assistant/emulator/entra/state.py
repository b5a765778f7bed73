"""The emulator's in-memory state: sign-in requests, sessions, codes, refresh tokens, device codes.

Secrets handed to clients (codes, refresh tokens, device codes, session cookies) are stored only
as SHA-256 digests, so the state itself holds no usable credential. Everything expires by the
emulator's clock and is pruned when touched.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Literal, NamedTuple, TypeVar

from .directory import Authority
from .scopes import RequestedScopes

__all__ = [
    "AuthCode",
    "DeviceCode",
    "ExpiringStore",
    "PendingSignIn",
    "RefreshGrant",
    "Session",
    "TokenLogEntry",
    "digest",
    "new_secret",
]

PrincipalKey = tuple[str, str, str]  # (tenant id, home tenant id, user id)


def digest(value: str) -> str:
    """The storage key of a secret value."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_secret(nbytes: int = 32) -> str:
    """A random URL-safe secret."""
    return secrets.token_urlsafe(nbytes)


class TokenLogEntry(NamedTuple):
    """One token-endpoint outcome, for tests: never a token value.

    ``outcome`` is ``"ok"`` or ``"{error}:{AADSTS code}"`` (``"invalid_grant:65001"``); ``user`` is
    the user's object id in their home tenant, when known.
    """

    grant_type: str
    tenant_id: str
    client_id: str
    user: str | None
    scopes: tuple[str, ...]
    outcome: str


PendingKind = Literal["authorize", "adminconsent", "device", "approval"]


@dataclass
class PendingSignIn:
    """A validated request waiting for the user to pick an account on the sign-in page."""

    kind: PendingKind
    authority: Authority
    client_id: str
    expires: float
    redirect_uri: str = ""
    state: str | None = None
    response_mode: str = "query"
    scopes: RequestedScopes | None = None
    nonce: str | None = None
    code_challenge: str | None = None
    client_info: bool = False
    step_up: bool = False
    # The claims challenge names the compliant-device policy (no emulator browser can satisfy it).
    device_challenge: bool = False
    max_age: int | None = None
    login_hint: str | None = None
    domain_hint: str | None = None
    device_user_code: str | None = None
    consent_scopes: tuple[str, ...] = ()
    # "approval": the user on Entra's "Approval required" page, and whether they sent their request.
    approval_user: tuple[str, str, str] | None = None
    approval_sent: bool = False


@dataclass
class Session:
    """The emulator's own SSO session (one account per browser: support less)."""

    home_tenant_id: str
    user_id: str
    sid: str
    mfa: bool
    expires: float
    auth_time: float = 0.0


@dataclass
class AuthCode:
    """An issued authorization code (one-time)."""

    client_id: str
    redirect_uri: str
    code_challenge: str
    scopes: RequestedScopes
    nonce: str | None
    principal: PrincipalKey
    authority: Authority
    sid: str
    mfa: bool
    expires: float
    redeemed: bool = False


@dataclass
class RefreshGrant:
    """What a refresh token may be exchanged for; rotated on every use."""

    client_id: str
    authority: Authority
    principal: PrincipalKey
    scopes: RequestedScopes
    sid: str
    mfa: bool
    expires: float
    revoked: bool = False


DeviceStatus = Literal["pending", "approved", "declined"]


@dataclass
class DeviceCode:
    """A device-code sign-in in progress."""

    user_code: str
    client_id: str
    authority: Authority
    scopes: RequestedScopes
    expires: float
    status: DeviceStatus = "pending"
    principal: PrincipalKey | None = None
    mfa: bool = False
    # The request carried a claims challenge (Conditional Access step-up): MFA whatever the resource.
    step_up: bool = False


T = TypeVar("T")


class ExpiringStore(Generic[T]):
    """A dict keyed by secret digests whose values carry ``expires``; pruned on access."""

    def __init__(self, *, keep_expired_s: float = 0.0) -> None:
        self._items: dict[str, T] = {}
        # Expired entries stay a while so the emulator can say "expired" rather than "unknown".
        self._keep_expired_s = keep_expired_s

    def put(self, secret: str, item: T, now: float) -> None:
        """Store ``item`` under ``secret`` (by digest)."""
        self._prune(now)
        self._items[digest(secret)] = item

    def get(self, secret: str) -> T | None:
        """The item stored under ``secret``."""
        return self._items.get(digest(secret))

    def pop(self, secret: str) -> T | None:
        """Remove and return the item stored under ``secret``."""
        return self._items.pop(digest(secret), None)

    def values(self) -> list[T]:
        """Every stored item."""
        return list(self._items.values())

    def where(self, predicate: Callable[[T], bool]) -> list[T]:
        """Every item for which ``predicate(item)`` is true."""
        return [item for item in self._items.values() if predicate(item)]

    def remove_where(self, predicate: Callable[[T], bool]) -> None:
        """Drop every item for which ``predicate(item)`` is true."""
        for key, item in list(self._items.items()):
            if predicate(item):
                del self._items[key]

    def _prune(self, now: float) -> None:
        for key, item in list(self._items.items()):
            expires = getattr(item, "expires", None)
            if isinstance(expires, int | float) and expires + self._keep_expired_s < now:
                del self._items[key]
