"""Token claims as Entra ID shapes them, signed with the emulator's current key.

* API access tokens are **v2**: ``aud`` = the API's client id GUID, ``iss`` =
  ``https://{host}/{tid}/v2.0``, ``scp`` ``access_as_user``, ``azp``/``azpacr``, ``ver`` 2.0.
* ID tokens: ``aud`` = the client id, ``nonce`` exactly as received, ``sid``.
* Graph tokens are **v1** whatever endpoint issued them (graph-entra.md §4): ``aud``
  ``https://graph.microsoft.com``, ``iss`` ``https://sts.windows.net/{tid}/``, ``appid``.
* GDAP technicians (graph-entra.md §7): ``tid``/``iss`` of the customer, ``idp`` the partner's v1
  issuer, ``oid`` empty, ``aai`` naming the partner account, ``wids`` the GDAP indicator + roles.

Whether a token was issued after multi-factor authentication is remembered here by ``uti``
(server side, as Entra keeps it in opaque claims) rather than by adding claims the real v2
access token may lack.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

from ..tokens import GRAPH_AUDIENCE, v1_issuer
from .directory import Principal
from .keys import KeySet

__all__ = ["Minter", "client_info", "v2_issuer"]


def v2_issuer(base: str, tenant_id: str) -> str:
    """``iss`` of v2 tokens: ``{base}/{tid}/v2.0`` (base is ``https://host:port``)."""
    return f"{base}/{tenant_id}/v2.0"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def client_info(principal: Principal) -> str:
    """base64url ``{"uid", "utid"}`` of the user's home account (MSAL keys its cache by it)."""
    info = {"uid": principal.user_id, "utid": principal.home_tenant_id}
    return _b64url(json.dumps(info, separators=(",", ":")).encode("utf-8"))


def pairwise_sub(principal: Principal, audience_app: str) -> str:
    """``sub``: stable per user and per application, as Entra's pairwise subject is."""
    seed = f"{principal.tenant_id}|{principal.home_tenant_id}|{principal.user_id}|{audience_app}".lower()
    return _b64url(hashlib.sha256(seed.encode("utf-8")).digest())


def _uti() -> str:
    return _b64url(secrets.token_bytes(16))[:22]


class Minter:
    """Builds and signs tokens; remembers which API tokens carry multi-factor authentication."""

    def __init__(self, keys: KeySet) -> None:
        self.keys = keys
        self._mfa_utis: dict[str, float] = {}
        # uti → (when the sign-in session behind the token started, the token's expiry); kept
        # server side like MFA (Entra's opaque session state), for continuous access evaluation.
        self._session_starts: dict[str, tuple[float, float]] = {}

    def _principal_claims(self, principal: Principal) -> dict[str, Any]:
        claims: dict[str, Any] = {"tid": principal.tenant_id, "oid": principal.oid, "name": principal.name}
        if principal.is_technician:
            claims["idp"] = principal.idp
            claims["aai"] = principal.aai
        if principal.wids:
            claims["wids"] = list(principal.wids)
        return claims

    def api_access_token(
        self,
        principal: Principal,
        *,
        api_client_id: str,
        azp: str,
        confidential: bool,
        scopes: tuple[str, ...],
        base: str,
        now: int,
        lifetime_s: int,
        mfa: bool,
        session_start: float,
    ) -> str:
        """A v2 access token for the product's API."""
        uti = _uti()
        self._remember_start(uti, session_start, now + lifetime_s, now)
        claims: dict[str, Any] = {
            "aud": api_client_id,
            "iss": v2_issuer(base, principal.tenant_id),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime_s,
            **self._principal_claims(principal),
            "azp": azp,
            "azpacr": "1" if confidential else "0",
            "preferred_username": principal.upn,
            "scp": " ".join(scopes),
            "sub": pairwise_sub(principal, api_client_id),
            "uti": uti,
            "ver": "2.0",
        }
        if mfa:
            self._remember_mfa(uti, now + lifetime_s, now)
        return self.keys.sign(claims)

    def id_token(
        self,
        principal: Principal,
        *,
        client_id: str,
        base: str,
        nonce: str | None,
        sid: str,
        now: int,
        lifetime_s: int,
    ) -> str:
        """An ID token for ``client_id``; ``nonce`` is copied exactly as the client sent it."""
        claims: dict[str, Any] = {
            "aud": client_id,
            "iss": v2_issuer(base, principal.tenant_id),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime_s,
            **self._principal_claims(principal),
            "preferred_username": principal.upn,
            "sid": sid,
            "sub": pairwise_sub(principal, client_id),
            "uti": _uti(),
            "ver": "2.0",
        }
        claims.pop("wids", None)  # wids are an access-token claim
        if nonce is not None:
            claims["nonce"] = nonce
        return self.keys.sign(claims)

    def graph_token(
        self,
        principal: Principal,
        *,
        app_id: str,
        app_name: str,
        confidential: bool,
        scopes: tuple[str, ...],
        now: int,
        lifetime_s: int,
        mfa: bool,
        session_start: float,
        capabilities: tuple[str, ...] = (),
    ) -> str:
        """A v1 delegated Microsoft Graph token for ``app_id``; ``capabilities`` (e.g. ``CP1``) as ``xms_cc``."""
        uti = _uti()
        self._remember_start(uti, session_start, now + lifetime_s, now)
        claims: dict[str, Any] = {
            "aud": GRAPH_AUDIENCE,
            "iss": v1_issuer(principal.tenant_id),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime_s,
            "acct": 0,
            "amr": ["pwd", "mfa"] if mfa else ["pwd"],
            "app_displayname": app_name,
            "appid": app_id,
            "appidacr": "1" if confidential else "0",
            "idtyp": "user",
            **self._principal_claims(principal),
            "scp": " ".join(scopes),
            "sub": pairwise_sub(principal, GRAPH_AUDIENCE),
            "unique_name": principal.upn,
            "uti": uti,
            "ver": "1.0",
        }
        if capabilities:
            # The client announced it handles claims challenges: a CAE token (graph-entra.md).
            claims["xms_cc"] = list(capabilities)
        if not principal.is_technician:
            # Accounts from another tenant have no upn in the resource tenant's tokens (support less).
            claims["upn"] = principal.upn
        return self.keys.sign(claims)

    def _remember_mfa(self, uti: str, exp: float, now: float) -> None:
        for old, old_exp in list(self._mfa_utis.items()):
            if old_exp < now - 300:
                del self._mfa_utis[old]
        self._mfa_utis[uti] = exp

    def _remember_start(self, uti: str, start: float, exp: float, now: float) -> None:
        for old, (_, old_exp) in list(self._session_starts.items()):
            if old_exp < now - 300:
                del self._session_starts[old]
        self._session_starts[uti] = (start, exp)

    def session_started(self, uti: Any) -> float | None:
        """When the sign-in session behind the token with ``uti`` started (``None``: not a token of ours)."""
        found = self._session_starts.get(uti) if isinstance(uti, str) else None
        return found[0] if found is not None else None

    def had_mfa(self, uti: Any) -> bool:
        """Whether the API token with ``uti`` was issued after multi-factor authentication."""
        return isinstance(uti, str) and uti in self._mfa_utis
