"""Fixtures for the security tests: the demo Entra emulator over HTTPS and a token forge.

``Forge`` makes tokens an attacker (or a confused client) could send: claims copied from a real
API token and changed, signed with the emulator's key, a foreign key, HMAC or nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.server import EmulatorServer
from intune_assistant.identity.config import IdentityConfig
from intune_assistant.identity.validation import ApiTokenValidator, AuthError


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64json(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


@dataclass
class Forge:
    """The running emulator, the API's config, and ways to make good and bad tokens."""

    tenancy: DemoTenancy
    server: EmulatorServer
    config: IdentityConfig
    foreign_key: rsa.RSAPrivateKey

    def tenant_id(self, name: str) -> str:
        return self.tenancy.tenants[name].tenant_id

    def user(self, name: str) -> str:
        return next(o.user_id for o in self.tenancy.tenants[name].operators if o.role == "admin" and o.enabled)

    def api_token(self, name: str = "contoso") -> str:
        token: str = self.tenancy.entra.issue_api_token_for(
            self.tenant_id(name), self.user(name), base_url=self.server.base_url
        )
        return token

    def graph_token(self, name: str = "contoso") -> str:
        token: str = self.tenancy.entra.issue_graph_token_for(
            self.tenant_id(name), self.user(name), self.tenancy.catalog.read_scopes()[:1]
        )
        return token

    def claims(self, name: str = "contoso", **changes: Any) -> dict[str, Any]:
        """A real API token's claims with ``changes`` (a value of None removes the claim)."""
        found: dict[str, Any] = jwt.decode(self.api_token(name), options={"verify_signature": False})
        for key, value in changes.items():
            if value is None:
                found.pop(key, None)
            else:
                found[key] = value
        return found

    @property
    def kid(self) -> str:
        kid: str = self.tenancy.entra.current_kid
        return kid

    def sign(self, claims: dict[str, Any]) -> str:
        """Signed with the emulator's real key: only the claims are wrong."""
        token: str = self.tenancy.entra.core.keys.sign(claims)
        return token

    def sign_foreign(self, claims: dict[str, Any], **header: Any) -> str:
        return jwt.encode(claims, self.foreign_key, algorithm="RS256", headers=header)

    def raw(self, header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
        return f"{b64json(header)}.{b64json(claims)}.{b64url(signature)}"

    def hs256_with_public_pem(self, claims: dict[str, Any]) -> str:
        """The classic key-confusion attack: HMAC keyed with the RSA public key's PEM."""
        key = self.tenancy.entra.core.keys.current.public_key
        pem = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        signing_input = f"{b64json({'alg': 'HS256', 'typ': 'JWT', 'kid': self.kid})}.{b64json(claims)}"
        signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{b64url(signature)}"

    def validator(self, *, onboarded: tuple[str, ...] = ("contoso", "fabrikam")) -> ApiTokenValidator:
        """A validator whose tenant check accepts only ``onboarded`` tenants (fabrikam disabled)."""
        allowed = {self.tenant_id(n) for n in onboarded}
        disabled = {self.tenant_id("fabrikam")}

        def tenant_check(tenant_id: str) -> None:
            if tenant_id not in allowed:
                raise AuthError.forbidden("tenant_not_onboarded", f"Tenant {tenant_id} is not onboarded.")
            if tenant_id in disabled:
                raise AuthError.forbidden("tenant_disabled", f"Tenant {tenant_id} is disabled.")

        context = self.server.ssl_context()
        return ApiTokenValidator(
            self.config,
            tenant_check=tenant_check,
            http=lambda: httpx.AsyncClient(verify=context, trust_env=False),
        )

    @staticmethod
    def now() -> int:
        return int(time.time())


@pytest.fixture(scope="module")
def forge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Forge]:
    tenancy = build_demo(["contoso", "fabrikam", "partner"])
    with EmulatorServer(tenancy.app, ca_dir=tmp_path_factory.mktemp("ca")) as server:
        config = IdentityConfig.demo(server.base_url, str(server.ca_path))
        yield Forge(tenancy, server, config, rsa.generate_private_key(public_exponent=65537, key_size=2048))
