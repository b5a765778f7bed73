"""The security table: forged and malformed API tokens, every one refused with the right status.

Each row is a token an attacker or a confused client could send. The validator runs against the
Entra emulator over real HTTPS (keys fetched from its JWKS) with a tenant check that onboards
contoso and fabrikam (fabrikam disabled). No row may be accepted, and no log line or error may
contain the token.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import jwt
import pytest

from intune_assistant.identity.validation import AuthError, fingerprint

from .conftest import Forge, b64json, b64url

OTHER_GUID = "0badc0de-0000-4000-8000-000000000bad"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Forge], str]
    status: int
    code: str = "invalid_token"
    words: str = ""
    selected: str | None = None  # the tenant (by name) selected in the web app
    fetches_keys: bool = False  # whether refusing needs the issuer's keys at all


def tampered(forge: Forge) -> str:
    header, payload, signature = forge.api_token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["oid"] = forge.user("fabrikam")
    return f"{header}.{b64json(claims)}.{signature}"


def junk(seed: str, size: int) -> str:
    text: str = b64url(hashlib.sha512(seed.encode()).digest() * (size // 64 + 1))
    return text[:size]


def sts(tenant_id: str) -> str:
    return f"https://sts.windows.net/{tenant_id}/"


def foreign_jwk(forge: Forge) -> dict[str, str]:
    public: dict[str, str] = jwt.algorithms.RSAAlgorithm.to_jwk(forge.foreign_key.public_key(), as_dict=True)
    return public


CASES = [
    # --- algorithm and key confusion ---------------------------------------------------------
    Case("alg none", lambda f: f.raw({"alg": "none", "typ": "JWT", "kid": f.kid}, f.claims()), 401, words="RS256"),
    Case("alg None, no kid", lambda f: f.raw({"alg": "None"}, f.claims()), 401, words="RS256"),
    Case("HS256 keyed with the public key PEM", lambda f: f.hs256_with_public_pem(f.claims()), 401, words="RS256"),
    Case("RS512", lambda f: f.raw({"alg": "RS512", "kid": f.kid}, f.claims(), b"s" * 256), 401, words="RS256"),
    Case("ES256", lambda f: f.raw({"alg": "ES256", "kid": f.kid}, f.claims(), b"s" * 64), 401, words="RS256"),
    Case("no kid", lambda f: f.raw({"alg": "RS256", "typ": "JWT"}, f.claims(), b"s" * 256), 401, words="kid"),
    Case(
        "unknown kid, signed with a foreign RSA key",
        lambda f: f.sign_foreign(f.claims(), kid="attacker-key-1"),
        401,
        words="does not publish",
        fetches_keys=True,
    ),
    Case(
        "real kid, signed with a foreign RSA key",
        lambda f: f.sign_foreign(f.claims(), kid=f.kid),
        401,
        words="signature",
        fetches_keys=True,
    ),
    Case(
        "foreign key embedded in the header (jwk)",
        lambda f: f.sign_foreign(f.claims(), kid="attacker-key-2", jwk=foreign_jwk(f)),
        401,
        fetches_keys=True,
    ),
    Case(
        "keys pointed elsewhere (jku)",
        lambda f: f.sign_foreign(f.claims(), kid="attacker-key-3", jku="https://evil.example/keys"),
        401,
        fetches_keys=True,
    ),
    Case("tampered payload", tampered, 401, words="signature", fetches_keys=True),
    Case("critical header extension", lambda f: f.raw({"alg": "RS256", "kid": f.kid, "crit": ["x"]}, f.claims()), 401),
    # --- audience, issuer, version -----------------------------------------------------------
    Case("wrong aud", lambda f: f.sign(f.claims(aud=OTHER_GUID)), 401, words="another application"),
    Case("frontend's client id as aud", lambda f: f.sign(f.claims(aud=f.config.frontend_client_id)), 401),
    Case("v1 App ID URI aud", lambda f: f.sign(f.claims(aud=f"api://{f.config.api_client_id}")), 401, words="v1"),
    Case("aud as a list", lambda f: f.sign(f.claims(aud=[f.config.api_client_id])), 401, words="single value"),
    Case("Graph token (v1, aud Graph) sent to the API", lambda f: f.graph_token(), 401, words="Microsoft Graph"),
    Case(
        "wrong iss host",
        lambda f: f.sign(f.claims(iss=f"https://evil.example/{f.tenant_id('contoso')}/v2.0")),
        401,
        words="not issued",
    ),
    Case("v1 iss", lambda f: f.sign(f.claims(iss=sts(f.tenant_id("contoso")))), 401, words="v1"),
    Case(
        "iss/tid mismatch",
        lambda f: f.sign(f.claims(iss=f.config.issuer(f.tenant_id("fabrikam")))),
        401,
        words="tid claim names",
    ),
    Case("ver 1.0", lambda f: f.sign(f.claims(ver="1.0")), 401, words="v2.0"),
    Case(
        "tid not a GUID",
        lambda f: f.sign(f.claims(tid="contoso.onmicrosoft.com", iss=f.config.issuer("contoso.onmicrosoft.com"))),
        401,
        words="GUID",
    ),
    Case("tid path traversal", lambda f: f.sign(f.claims(tid="../../evil")), 401, words="GUID"),
    Case("tid missing", lambda f: f.sign(f.claims(tid=None)), 401, words="GUID"),
    # --- lifetime ----------------------------------------------------------------------------
    Case(
        "expired",
        lambda f: f.sign(f.claims(exp=f.now() - 3600, nbf=f.now() - 7200, iat=f.now() - 7200)),
        401,
        words="expired",
    ),
    Case("expired just beyond the leeway", lambda f: f.sign(f.claims(exp=f.now() - 70)), 401, words="expired"),
    Case(
        "not yet valid",
        lambda f: f.sign(f.claims(nbf=f.now() + 3600, exp=f.now() + 7200)),
        401,
        words="not valid before",
    ),
    Case("exp missing", lambda f: f.sign(f.claims(exp=None)), 401, words="exp"),
    Case("exp as a string", lambda f: f.sign(f.claims(exp="99999999999")), 401, words="exp"),
    Case("exp as true", lambda f: f.sign(f.claims(exp=True)), 401, words="exp"),
    Case("iat missing", lambda f: f.sign(f.claims(iat=None)), 401, words="iat"),
    # --- scope and kind of token (signed by the real key) --------------------------------------
    Case("missing scp", lambda f: f.sign(f.claims(scp=None)), 403, "insufficient_scope", "access_as_user", None, True),
    Case("wrong scp", lambda f: f.sign(f.claims(scp="User.Read Mail.Read")), 403, "insufficient_scope", "", None, True),
    Case("scp lookalike", lambda f: f.sign(f.claims(scp="access_as_user2")), 403, "insufficient_scope", "", None, True),
    Case(
        "app-only token (roles, no scp)",
        lambda f: f.sign(f.claims(scp=None, roles=["DeviceManagement.Read.All"], idtyp="app")),
        403,
        "app_only_token",
        "App-only",
        None,
        True,
    ),
    Case(
        "token obtained by another client application (azp)",
        lambda f: f.sign(f.claims(azp=OTHER_GUID)),
        403,
        "client_not_allowed",
        "may not call this API",
        None,
        True,
    ),
    # --- identity ------------------------------------------------------------------------------
    Case(
        "no user: empty oid, no aai", lambda f: f.sign(f.claims(oid="")), 401, words="names no user", fetches_keys=True
    ),
    Case(
        "forged technician: aai names another partner than idp",
        lambda f: f.sign(
            f.claims(oid="", idp=sts(f.tenant_id("partner")), aai=f"tenant: {OTHER_GUID}, object: {OTHER_GUID}")
        ),
        401,
        words="names no user",
        fetches_keys=True,
    ),
    Case(
        "forged technician of the issuing tenant itself",
        lambda f: f.sign(
            f.claims(
                oid="",
                idp=sts(f.tenant_id("contoso")),
                aai=f"tenant: {f.tenant_id('contoso')}, object: {f.user('contoso')}",
            )
        ),
        401,
        words="names no user",
        fetches_keys=True,
    ),
    Case("oid not a GUID", lambda f: f.sign(f.claims(oid="admin")), 401, words="oid", fetches_keys=True),
    # --- tenants ---------------------------------------------------------------------------------
    Case("tenant not onboarded", lambda f: f.api_token("partner"), 403, "tenant_not_onboarded", "", None, True),
    Case("tenant disabled", lambda f: f.api_token("fabrikam"), 403, "tenant_disabled", "", None, True),
    Case(
        "tenant A's token while tenant B is selected",
        lambda f: f.api_token("contoso"),
        403,
        "tenant_mismatch",
        "selected",
        "fabrikam",
        True,
    ),
    # --- size and garbage ----------------------------------------------------------------------
    Case("oversized token (> 16 KB)", lambda f: f.sign(f.claims(pad="x" * 17_000)), 401, words="16 KB"),
    Case("oversized garbage", lambda f: "a" * 1_000_000, 401, words="16 KB"),
    Case("empty string", lambda f: "", 401, "missing_token"),
    Case("whitespace", lambda f: "  \t ", 401, "missing_token"),
    Case("abc", lambda f: "abc", 401),
    Case("a.b.c", lambda f: "a.b.c", 401),
    Case("base64 junk", lambda f: ".".join(junk(s, 120) for s in "xyz"), 401),
    Case("four segments", lambda f: f.api_token() + ".eyJ9", 401),
    Case("JSON array header", lambda f: f"{b64json([1])}.{b64json({})}.c2ln", 401),
    Case("not base64url", lambda f: "e$J.e$J.e$J", 401),
    Case("non-ASCII", lambda f: "é.ü.ß", 401),
    Case("scheme inside the token", lambda f: "Bearer " + f.api_token(), 401),
]


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 15
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_forged_or_malformed_token_is_refused(forge: Forge, case: Case, caplog: pytest.LogCaptureFixture) -> None:
    token = case.make(forge)
    validator = forge.validator()
    selected = forge.tenant_id(case.selected) if case.selected else None
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthError) as caught:
        await validator.validate(token, expected_tenant=selected)
    error = caught.value
    assert (error.status, error.code) == (case.status, case.code), error.message
    assert case.words in error.message
    assert error.www_authenticate.startswith("Bearer")
    # Refusals that need no key cost no request to Entra ID (no amplification).
    assert (validator.jwks.fetches > 0) == case.fetches_keys
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1 and fingerprint(token) in refused[0]
    for secret in (token, *(part for part in token.split(".") if len(part) > 16)):
        if secret.strip():
            assert secret not in caplog.text
            assert secret not in error.message and secret not in error.www_authenticate
            assert secret not in repr(error) and secret not in str(error)


async def test_the_genuine_token_is_accepted(forge: Forge) -> None:
    """The control row: the same validator accepts the real thing, so the refusals above mean something."""
    principal = await forge.validator().validate(forge.api_token(), expected_tenant=forge.tenant_id("contoso"))
    assert principal.tenant_id == forge.tenant_id("contoso") and principal.user_key == forge.user("contoso")


async def test_a_token_is_not_accepted_for_another_api(forge: Forge) -> None:
    """Signed by Entra, valid, but for another app registration: never accepted."""
    token = forge.sign(forge.claims(aud=str(uuid.uuid4()), azp=str(uuid.uuid4())))
    with pytest.raises(AuthError) as caught:
        await forge.validator().validate(token)
    assert caught.value.status == 401
