"""Checks on an Entra ID v2 access token's header and claims, and the ``Principal`` they name.

Pure functions, no I/O. Rejections based on *unverified* claims are safe (refusing never needs
proof) and happen before any key is fetched, so malformed or foreign tokens cost nothing; the
identity is read only from claims whose signature has been verified.

Identity rule (graph-entra.md §6, §7):

* a token with a non-empty ``oid`` names that object of the issuing tenant — a member, or a
  guest (``idp`` another tenant or provider, no usable ``aai``). Guests are accepted as ordinary
  users of that tenant: their ``oid`` is their object *in that tenant*, Entra decides what they
  may do there, and nothing is shared with their home tenant;
* a token with an empty ``oid`` is accepted only as a GDAP technician: ``idp`` is
  ``https://sts.windows.net/{partnerTid}/`` with ``partnerTid`` ≠ ``tid``, and ``aai`` is
  ``tenant: {partnerTid}, object: {partnerOid}`` naming the same partner tenant. The user key is
  ``partner:{partnerTid}:{partnerOid}``;
* anything else names no user and is refused.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .config import GRAPH_RESOURCE, IdentityConfig, is_guid
from .errors import AuthError
from .principal import Principal

__all__ = [
    "API_SCOPE_NAME",
    "MAX_TOKEN_BYTES",
    "check_client",
    "check_header",
    "check_lifetime_and_audience",
    "parse_unverified",
    "principal_from_claims",
    "tenant_of",
]

API_SCOPE_NAME = "access_as_user"
#: Entra tokens are a few KB; anything bigger is refused before it is parsed.
MAX_TOKEN_BYTES = 16 * 1024
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
_GRAPH_AUDIENCES = frozenset({GRAPH_RESOURCE, GRAPH_RESOURCE + "/", GRAPH_APP_ID})
_V1_ISSUER = re.compile(r"https://sts\.windows\.net/(?P<tid>[0-9a-fA-F-]{36})/")
_AAI = re.compile(r"tenant:\s*(?P<tenant>[0-9a-fA-F-]{36}),\s*object:\s*(?P<object>[0-9a-fA-F-]{36})")
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


def _shown(value: object) -> str:
    """A claim value fit for a message: quoted, escaped, short (claims are attacker-controlled)."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return repr(text[:80] + ("…" if len(text) > 80 else ""))


def _b64json(segment: str) -> Any:
    if not _SEGMENT.fullmatch(segment):
        raise ValueError("not base64url")
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    return json.loads(raw.decode("utf-8"))


def parse_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(header, claims)`` of a compact JWS, unverified; 401 if it is not one."""
    # Length first, so a huge string is never even encoded.
    if len(token) > MAX_TOKEN_BYTES or len(token.encode("utf-8", "replace")) > MAX_TOKEN_BYTES:
        raise AuthError.invalid("The token is larger than 16 KB; Entra ID tokens are never that large.")
    parts = token.split(".")
    if len(parts) != 3:
        raise AuthError.invalid("The bearer token is not a JSON Web Token (expected three dot-separated parts).")
    try:
        header, claims = _b64json(parts[0]), _b64json(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise AuthError.invalid("The bearer token is not a well-formed JSON Web Token.") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise AuthError.invalid("The bearer token is not a well-formed JSON Web Token.")
    return header, claims


def check_header(header: Mapping[str, Any]) -> str:
    """The ``kid`` of an RS256 token; 401 for any other algorithm (``none``, HS256 ...) or no ``kid``.

    This runs before any key is looked up, so an HMAC token can never be checked against a public
    key used as a shared secret.
    """
    alg = header.get("alg")
    if alg != "RS256":
        raise AuthError.invalid(f"The token is signed with algorithm {_shown(alg)}; only RS256 is accepted.")
    if "crit" in header:
        raise AuthError.invalid("The token has critical header extensions this API does not understand.")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > 256:
        raise AuthError.invalid("The token header has no key id (kid); Entra ID v2 tokens always have one.")
    return kid


def tenant_of(claims: Mapping[str, Any]) -> str:
    """The ``tid`` claim, which must be a GUID (it picks where signing keys are fetched from)."""
    tid = claims.get("tid")
    if not is_guid(tid):
        raise AuthError.invalid("The token's tenant ID (tid) is missing or not a GUID.")
    assert isinstance(tid, str)
    return tid


def _number(claims: Mapping[str, Any], name: str) -> float:
    value = claims.get(name)
    # bool is an int in Python; a JSON true is not a time.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AuthError.invalid(f"The token has no valid '{name}' time claim.")
    return float(value)


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _check_audience(aud: Any, config: IdentityConfig) -> None:
    if not isinstance(aud, str):
        raise AuthError.invalid("The token's audience (aud) must be a single value: this API's client ID.")
    if aud.lower() in _GRAPH_AUDIENCES:
        raise AuthError.invalid(
            "A Microsoft Graph access token was sent to the API. The frontend must send a token for "
            f"the API's own scope ({config.api_scope}), never a Graph token."
        )
    if aud.lower() == f"api://{config.api_client_id}".lower():
        raise AuthError.invalid(
            "The token is a v1 token (audience is the App ID URI). The API accepts only v2 tokens: set "
            "requestedAccessTokenVersion to 2 in the API app registration's manifest."
        )
    if aud.lower() != config.api_client_id.lower():
        raise AuthError.invalid(
            f"The token was issued for another application (audience {_shown(aud)}), not for this API."
        )


def _check_issuer(iss: Any, tid: str, config: IdentityConfig) -> None:
    expected = config.issuer(tid)
    if iss == expected:
        return
    if isinstance(iss, str) and _V1_ISSUER.fullmatch(iss):
        raise AuthError.invalid("The token is a v1 token (issuer sts.windows.net); only v2.0 tokens are accepted.")
    prefix, suffix = f"{config.authority_host}/", "/v2.0"
    if isinstance(iss, str) and iss.startswith(prefix) and iss.endswith(suffix):
        named = iss[len(prefix) : -len(suffix)]
        if is_guid(named):
            raise AuthError.invalid(
                f"The token's issuer names tenant {named} but its tid claim names tenant {tid}; it is refused."
            )
    raise AuthError.invalid(
        f"The token was not issued by Entra ID at {config.authority_host} for tenant {tid} (issuer {_shown(iss)})."
    )


def check_lifetime_and_audience(
    claims: Mapping[str, Any], tid: str, config: IdentityConfig, now: float, leeway_s: float
) -> None:
    """Audience, version, issuer and lifetime checks (all 401), most helpful message first."""
    _check_audience_graph_first(claims, config)
    version = claims.get("ver")
    if version != "2.0":
        raise AuthError.invalid(f"The token is version {_shown(version)}; only v2.0 access tokens are accepted.")
    _check_issuer(claims.get("iss"), tid, config)
    _check_audience(claims.get("aud"), config)
    exp, nbf = _number(claims, "exp"), _number(claims, "nbf")
    _number(claims, "iat")
    if now > exp + leeway_s:
        raise AuthError.invalid(f"The token expired at {_when(exp)}. Sign in again.")
    if now + leeway_s < nbf:
        raise AuthError.invalid(
            f"The token is not valid before {_when(nbf)}. Check that this server's clock is correct."
        )


def _check_audience_graph_first(claims: Mapping[str, Any], config: IdentityConfig) -> None:
    # A Graph token is the most likely mistake; say so before its v1 version or issuer.
    aud = claims.get("aud")
    if isinstance(aud, str) and aud.lower() in _GRAPH_AUDIENCES:
        _check_audience(aud, config)


def _string(claims: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = claims.get(name)
        if isinstance(value, str) and value:
            return value
    return ""


def _same_tenant(idp: str, tid: str, iss: str) -> bool:
    idp_l = idp.lower()
    return idp_l in (iss.lower(), f"https://sts.windows.net/{tid}/".lower())


def _check_scopes(claims: Mapping[str, Any], config: IdentityConfig) -> frozenset[str]:
    scp = claims.get("scp")
    scopes = frozenset(scp.split()) if isinstance(scp, str) else frozenset()
    if not scopes and (claims.get("roles") or claims.get("idtyp") == "app"):
        raise AuthError.forbidden(
            "app_only_token",
            "App-only tokens are not accepted: the API acts only on behalf of a signed-in user "
            "(delegated permissions), never with application permissions.",
        )
    if API_SCOPE_NAME not in scopes:
        raise AuthError.forbidden(
            "insufficient_scope",
            f"The token does not carry the API's scope '{API_SCOPE_NAME}'. The frontend must request "
            f"{config.api_scope}.",
            required_scope=config.api_scope,
        )
    return scopes


def check_client(claims: Mapping[str, Any], allowed_client_ids: frozenset[str]) -> None:
    """403 ``client_not_allowed`` unless the token was obtained by one of ``allowed_client_ids``
    (``azp``): another application a user consented to must not drive the API as that user."""
    azp = claims.get("azp")
    if not isinstance(azp, str) or azp.lower() not in allowed_client_ids:
        raise AuthError.forbidden(
            "client_not_allowed",
            f"The token was obtained by application {_shown(azp)}, which may not call this API. "
            "Sign in through Intune Assistant itself.",
        )


def principal_from_claims(claims: Mapping[str, Any], config: IdentityConfig) -> Principal:
    """The ``Principal`` named by (verified) claims: scope checks (403), then identity (401).

    See the module docstring for the member / guest / GDAP technician rule.
    """
    tid = tenant_of(claims).lower()
    scopes = _check_scopes(claims, config)
    oid, idp, aai = claims.get("oid"), claims.get("idp"), claims.get("aai")
    common: dict[str, Any] = {
        "tenant_id": tid,
        "display_name": _string(claims, "name"),
        "username": _string(claims, "preferred_username", "upn", "unique_name", "email"),
        "scopes": scopes,
        "roles": tuple(w for w in claims.get("wids") or () if isinstance(w, str)),
    }
    if isinstance(oid, str) and oid:
        if not is_guid(oid):
            raise AuthError.invalid("The token's object ID (oid) is not a GUID.")
        # Members and guests alike: the oid is the user's object in the issuing tenant.
        return Principal(
            user_key=oid.lower(), object_id=oid.lower(), partner_tenant_id=None, is_partner_technician=False, **common
        )
    partner = _technician(idp, aai, tid, str(claims.get("iss", "")))
    if partner is None:
        raise AuthError.invalid("The token names no user: it has no object ID (oid) and no GDAP partner account (aai).")
    partner_tid, partner_oid = partner
    return Principal(
        user_key=f"partner:{partner_tid}:{partner_oid}",
        object_id=None,
        partner_tenant_id=partner_tid,
        is_partner_technician=True,
        **common,
    )


def _technician(idp: Any, aai: Any, tid: str, iss: str) -> tuple[str, str] | None:
    """``(partnerTid, partnerOid)`` of a GDAP technician token, or None if it is not one."""
    if not isinstance(idp, str) or not isinstance(aai, str) or _same_tenant(idp, tid, iss):
        return None
    idp_match, aai_match = _V1_ISSUER.fullmatch(idp), _AAI.fullmatch(aai.strip())
    if idp_match is None or aai_match is None:
        return None
    partner_tid, partner_oid = aai_match["tenant"].lower(), aai_match["object"].lower()
    if not (is_guid(partner_tid) and is_guid(partner_oid)):
        return None
    # The partner named by aai must be the identity provider that authenticated the user.
    if idp_match["tid"].lower() != partner_tid or partner_tid == tid:
        return None
    return partner_tid, partner_oid
