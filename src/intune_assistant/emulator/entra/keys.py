"""Signing keys: one current RSA key, the previous ones still published after a rotation.

Keys are generated when a ``KeySet`` is built (never at import). ``kid`` is the base64url SHA-1
thumbprint of the public key, the shape Entra's ``kid``/``x5t`` values have. Tokens carry ``kid``
in the header and no ``x5t`` (v2 tokens have none; graph-entra.md §4). The JWKS publishes
``kid``, ``use: "sig"``, ``kty``, ``n``, ``e`` and ``issuer`` — no ``x5c``: the emulator has no
certificates, and clients that need them are not supported (the fidelity rule: support less).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = ["KeySet", "SigningKey"]


class SigningKey:
    """An RSA key pair with its ``kid``; the private half never leaves this object."""

    def __init__(self, key_size: int) -> None:
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
        self.public_key = self._private.public_key()
        der = self.public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.kid = base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=").decode("ascii")

    def __repr__(self) -> str:
        return f"SigningKey(kid={self.kid!r})"

    def jwk(self, issuer: str) -> dict[str, Any]:
        """The public key as Entra publishes it in a JWKS."""
        public: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(self.public_key, as_dict=True)
        return {"kty": "RSA", "use": "sig", "kid": self.kid, "n": public["n"], "e": public["e"], "issuer": issuer}

    def sign(self, claims: Mapping[str, Any]) -> str:
        """An RS256 JWT with ``typ`` and ``kid`` in the header."""
        return jwt.encode(dict(claims), self._private, algorithm="RS256", headers={"typ": "JWT", "kid": self.kid})


class KeySet:
    """The current signing key and up to ``max_previous`` older keys, newest first."""

    def __init__(self, *, key_size: int = 2048, max_previous: int = 1) -> None:
        self._key_size = key_size
        self._max_previous = max_previous
        self.current = SigningKey(key_size)
        self.previous: list[SigningKey] = []

    def rotate(self, *, keep_previous: bool = True) -> str:
        """Make a new current key; keep the old one published unless ``keep_previous`` is False."""
        old = self.current
        self.current = SigningKey(self._key_size)
        self.previous = [old, *self.previous] if keep_previous else []
        del self.previous[self._max_previous :]
        return self.current.kid

    def drop_previous(self) -> None:
        """Stop publishing (and accepting) every key but the current one."""
        self.previous = []

    def published(self) -> list[SigningKey]:
        """The keys in the JWKS, current first."""
        return [self.current, *self.previous]

    def find(self, kid: str) -> SigningKey | None:
        """The published key with ``kid``."""
        return next((key for key in self.published() if key.kid == kid), None)

    def sign(self, claims: Mapping[str, Any]) -> str:
        """Sign with the current key."""
        return self.current.sign(claims)
