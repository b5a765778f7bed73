"""``POST /{tenant}/oauth2/v2.0/token``: client authentication and the four grants.

* ``authorization_code`` — one-time code (consumed by the first redemption attempt, even a
  failing one: support less), same client, same authority, exact ``redirect_uri``, PKCE S256.
* ``refresh_token`` — same client and authority; scopes may narrow but never widen (support
  less); the token rotates (the old one stops working once the new one is issued).
* ``urn:ietf:params:oauth:grant-type:jwt-bearer`` with ``requested_token_use=on_behalf_of`` — the
  API app only, tenant-specific authority, the assertion must be a v2 user token this emulator
  signed (current or still-published key), for the API's client id, unexpired, whose ``tid`` is
  the request's tenant — or, for a member's token, another tenant the user reaches through GDAP
  (a partner user's token exchanged at the customer's authority). Graph only.
* ``urn:ietf:params:oauth:grant-type:device_code`` — the CLI's polling.

``client_credentials`` is refused: the product never uses application permissions (DESIGN §2).
Each request appends to the token log: outcome, never a token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt

from . import device_code, errors
from .core import Client, Core
from .directory import Authority
from .minting import v2_issuer
from .registrations import ApiApp
from .scopes import RequestedScopes, parse_scopes

__all__ = ["DEVICE_CODE_GRANT", "JWT_BEARER_GRANT", "TokenEndpoint"]

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CLOCK_SKEW_S = 300  # Entra tolerates five minutes of clock skew on assertions
_AAI = re.compile(r"^tenant:\s*(?P<tenant>[^,\s]+),\s*object:\s*(?P<object>\S+)$")


@dataclass
class _Attempt:
    """What the token log records about one request."""

    grant_type: str
    tenant: str
    client_id: str
    user: str | None = None
    scopes: tuple[str, ...] = field(default_factory=tuple)


class TokenEndpoint:
    """The token endpoint over a ``Core``."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def handle(self, segment: str, form: dict[str, str], basic: tuple[str, str] | None, base: str) -> dict[str, Any]:
        """A token response, or raise ``EntraError``; either way the outcome is logged."""
        grant_type = form.get("grant_type", "")
        attempt = _Attempt(grant_type, segment, form.get("client_id") or (basic[0] if basic else ""))
        try:
            authority = self.core.directory.authority(segment)
            attempt.tenant = authority.tenant_id or segment
            if not grant_type:
                raise errors.missing_parameter("grant_type")
            client = self._authenticate(form, basic, authority)
            attempt.client_id = client.client_id
            response = self._grant(grant_type, authority, client, form, base, attempt)
        except errors.EntraError as error:
            self.core.log(attempt.grant_type, attempt.tenant, attempt.client_id, attempt.user, attempt.scopes, error)
            raise
        self.core.log(attempt.grant_type, attempt.tenant, attempt.client_id, attempt.user, attempt.scopes, None)
        return response

    # --- client authentication -------------------------------------------------------------

    def _authenticate(self, form: dict[str, str], basic: tuple[str, str] | None, authority: Authority) -> Client:
        client_id = form.get("client_id")
        secret = form.get("client_secret")
        if basic is not None:
            if client_id and client_id.lower() != basic[0].lower():
                raise errors.EntraError(
                    "invalid_client",
                    7000216,
                    "The client_id in the body and the Authorization header differ.",
                    status=401,
                )
            client_id, secret = basic[0], secret or basic[1]
        if not client_id:
            raise errors.missing_parameter("client_id")
        client = self.core.client(client_id, authority.segment)
        expected = getattr(client, "client_secret", None)
        if expected is None:
            if secret or form.get("client_assertion"):
                raise errors.public_client_with_secret()
            return client
        if not secret:
            # Certificate credentials (client_assertion) are not supported: support less.
            raise errors.missing_client_secret()
        if not hmac.compare_digest(secret.encode("utf-8"), expected.encode("utf-8")):
            raise errors.invalid_client_secret(client.client_id)
        return client

    # --- grants ----------------------------------------------------------------------------

    def _grant(
        self,
        grant_type: str,
        authority: Authority,
        client: Client,
        form: dict[str, str],
        base: str,
        attempt: _Attempt,
    ) -> dict[str, Any]:
        if grant_type == "authorization_code":
            return self._authorization_code(authority, client, form, base, attempt)
        if grant_type == "refresh_token":
            return self._refresh(authority, client, form, base, attempt)
        if grant_type == JWT_BEARER_GRANT:
            return self._on_behalf_of(authority, client, form, base, attempt)
        if grant_type == DEVICE_CODE_GRANT:
            return self._device_code(authority, client, form, base, attempt)
        raise errors.unsupported_grant(grant_type)

    def _authorization_code(
        self, authority: Authority, client: Client, form: dict[str, str], base: str, attempt: _Attempt
    ) -> dict[str, Any]:
        code = form.get("code")
        if not code:
            raise errors.missing_parameter("code")
        entry = self.core.codes.get(code)
        if entry is None:
            raise errors.invalid_grant("The provided authorization code is not valid.")
        attempt.user = entry.principal[2]
        attempt.scopes = entry.scopes.sent
        if entry.client_id.lower() != client.client_id.lower():
            raise errors.invalid_grant("The authorization code was issued to another client.")
        if entry.redeemed:
            raise errors.code_redeemed()
        entry.redeemed = True
        if entry.expires < self.core.now():
            raise errors.grant_expired()
        if not entry.authority.same_as(authority):
            raise errors.invalid_grant("The authorization code was issued for another authority.")
        redirect_uri = form.get("redirect_uri", "")
        if redirect_uri != entry.redirect_uri:
            raise errors.reply_address_mismatch(redirect_uri, entry.redirect_uri)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii", "replace")).digest())
        if not verifier or not hmac.compare_digest(challenge.rstrip(b"=").decode("ascii"), entry.code_challenge):
            raise errors.pkce_mismatch()
        principal = self.core.principal(entry.principal, client)
        return self.core.issue(
            principal=principal,
            client=client,
            authority=entry.authority,
            scopes=entry.scopes,
            base=base,
            mfa=entry.mfa,
            sid=entry.sid,
            nonce=entry.nonce,
            want_client_info=form.get("client_info") == "1",
        )

    def _refresh(
        self, authority: Authority, client: Client, form: dict[str, str], base: str, attempt: _Attempt
    ) -> dict[str, Any]:
        token = form.get("refresh_token")
        if not token:
            raise errors.missing_parameter("refresh_token")
        grant = self.core.refresh.get(token)
        if grant is None:
            raise errors.invalid_grant("The provided refresh token is not valid.")
        attempt.user = grant.principal[2]
        if grant.client_id.lower() != client.client_id.lower():
            raise errors.invalid_grant("The refresh token was issued to another client.")
        if grant.revoked:
            raise errors.grant_revoked()
        if grant.expires < self.core.now():
            raise errors.grant_expired()
        if not grant.authority.same_as(authority):
            raise errors.invalid_grant("The refresh token was issued for another authority.")
        requested = parse_scopes(form.get("scope"), self.core.registrations.api, tenant=authority.segment)
        scopes = self._narrow(grant.scopes, requested)
        attempt.scopes = scopes.sent
        principal = self.core.principal(grant.principal, client)
        response = self.core.issue(
            principal=principal,
            client=client,
            authority=grant.authority,
            scopes=scopes,
            base=base,
            mfa=grant.mfa,
            sid=grant.sid,
            want_client_info=form.get("client_info") == "1",
            id_token=not isinstance(client, ApiApp),
        )
        self.core.refresh.pop(token)  # rotation: only once the new tokens are issued
        return response

    @staticmethod
    def _narrow(original: RequestedScopes, requested: RequestedScopes) -> RequestedScopes:
        reserved = requested.reserved or original.reserved
        if requested.resource is None:
            return RequestedScopes(reserved, original.resource, original.names, original.sent)
        if requested.resource != original.resource:
            raise errors.invalid_scope("The refresh token was issued for another resource.")
        if not original.is_default:
            allowed = {n.lower() for n in original.names}
            extra = [n for n in requested.names if n.lower() not in allowed]
            if extra:
                raise errors.invalid_scope(
                    f"The refresh token was not issued for {' '.join(extra)}; the emulator does not widen scopes."
                )
        return RequestedScopes(reserved, requested.resource, requested.names, requested.sent)

    def _on_behalf_of(
        self, authority: Authority, client: Client, form: dict[str, str], base: str, attempt: _Attempt
    ) -> dict[str, Any]:
        if form.get("requested_token_use") != "on_behalf_of":
            raise errors.missing_parameter("requested_token_use")
        if authority.tenant is None:
            raise errors.tenant_required()
        assertion = form.get("assertion")
        if not assertion:
            raise errors.missing_parameter("assertion")
        scopes = parse_scopes(form.get("scope"), self.core.registrations.api, tenant=authority.segment)
        attempt.scopes = scopes.sent
        claims = self._verify_assertion(assertion, client, authority)
        key = _principal_key(claims, authority)
        attempt.user = key[2]
        if not isinstance(client, ApiApp):
            raise errors.unsupported_grant(JWT_BEARER_GRANT)
        self.core.check_client_scopes(client, scopes)
        principal = self.core.principal(key, client)
        started = self.core.minter.session_started(claims.get("uti"))
        return self.core.issue(
            principal=principal,
            client=client,
            authority=authority,
            scopes=scopes,
            base=base,
            mfa=self.core.minter.had_mfa(claims.get("uti")),
            sid=str(uuid.uuid4()),
            want_client_info=form.get("client_info") == "1",
            id_token=False,
            # The Graph token belongs to the sign-in the assertion came from (CAE compares with it).
            session_start=float(claims.get("iat", 0)) if started is None else started,
            capabilities=client_capabilities(form.get("claims")),
        )

    def _verify_assertion(self, assertion: str, client: Client, authority: Authority) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError:
            raise errors.invalid_grant("The assertion is not a well-formed JWT.") from None
        if header.get("alg") != "RS256":
            raise errors.assertion_invalid("The signing algorithm is not supported.")
        key = self.core.keys.find(str(header.get("kid", "")))
        if key is None:
            raise errors.assertion_invalid("The key was not found.")
        try:
            claims: dict[str, Any] = jwt.decode(
                assertion,
                key.public_key,
                algorithms=["RS256"],
                options={"verify_aud": False, "verify_exp": False, "verify_nbf": False, "verify_iat": False},
            )
        except jwt.InvalidSignatureError:
            raise errors.assertion_invalid("The signature is not valid.") from None
        except jwt.PyJWTError:
            raise errors.invalid_grant("The assertion could not be read.") from None
        tid = claims.get("tid")
        trusted = {v2_issuer(b, str(tid)) for b in self.core.issuer_bases}
        if claims.get("ver") != "2.0" or not isinstance(tid, str) or claims.get("iss") not in trusted:
            raise errors.assertion_invalid("The issuer is not trusted.")
        aud = str(claims.get("aud", ""))
        if aud.lower() != client.client_id.lower():
            raise errors.assertion_audience(aud, client.client_id, client.display_name)
        now = self.core.now()
        exp, nbf = claims.get("exp"), claims.get("nbf")
        if not isinstance(exp, int | float) or not isinstance(nbf, int | float):
            raise errors.assertion_expired()
        if now > exp + CLOCK_SKEW_S or now + CLOCK_SKEW_S < nbf:
            raise errors.assertion_expired()
        if tid.lower() != (authority.tenant_id or "").lower() and "aai" in claims:
            # A technician's token is already the customer's: it is no key to a third tenant.
            raise errors.assertion_invalid(
                f"The assertion was issued by tenant '{tid}', not the tenant of the request."
            )
        if not isinstance(claims.get("scp"), str) or not claims["scp"].strip():
            raise errors.assertion_invalid("The assertion is not a delegated user token.")
        return claims

    def _device_code(
        self, authority: Authority, client: Client, form: dict[str, str], base: str, attempt: _Attempt
    ) -> dict[str, Any]:
        code = form.get("device_code")
        if not code:
            raise errors.missing_parameter("device_code")
        device = device_code.redeem(self.core, authority, client.client_id, code)
        attempt.scopes = device.scopes.sent
        assert device.principal is not None
        attempt.user = device.principal[2]
        principal = self.core.principal(device.principal, client)
        return self.core.issue(
            principal=principal,
            client=client,
            authority=device.authority,
            scopes=device.scopes,
            base=base,
            mfa=device.mfa,
            sid=str(uuid.uuid4()),
            want_client_info=form.get("client_info") == "1",
        )


def client_capabilities(raw: str | None) -> tuple[str, ...]:
    """The capabilities a client announces in the ``claims`` parameter (``access_token.xms_cc.values``,
    what MSAL sends for ``client_capabilities``); malformed or absent → none."""
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        return ()
    token = parsed.get("access_token") if isinstance(parsed, dict) else None
    xms_cc = token.get("xms_cc") if isinstance(token, dict) else None
    values = xms_cc.get("values") if isinstance(xms_cc, dict) else None
    return tuple(str(v) for v in values) if isinstance(values, list) else ()


def _principal_key(claims: dict[str, Any], authority: Authority) -> tuple[str, str, str]:
    """``(tenant, home tenant, user)`` from a v2 token: technicians are named by ``aai``.

    A member's assertion may be exchanged at another tenant's authority (a partner user reaching a
    GDAP customer): the principal is then the user of the token's tenant in the authority's
    tenant, and ``Directory.principal`` decides whether GDAP lets them in (else AADSTS50020).
    """
    tid = str(claims.get("tid", ""))
    aai = claims.get("aai")
    if isinstance(aai, str):
        match = _AAI.match(aai.strip())
        if match is None:
            raise errors.assertion_invalid("The assertion names no user.")
        return tid, match["tenant"], match["object"]
    oid = claims.get("oid")
    if not isinstance(oid, str) or not oid:
        raise errors.assertion_invalid("The assertion names no user.")
    return authority.tenant_id or tid, tid, oid
