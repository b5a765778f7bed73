"""The plan document: a plan sealed for one tenant, one user and a deadline; the server keeps none.

The server (or, for the CLI, a key file the user holds) seals the plan with AES-GCM — encrypted,
and authenticated so any change to any byte makes it unreadable — under a key derived with HKDF
from its secret for this one purpose, so a plan can never be read as a session cookie or the other
way round. The sealed payload names the tenant, the user and the expiry; ``open`` checks all three
after the seal and says which one failed. Nothing of a plan is written anywhere by this module.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .model import Plan
from .serialize import plan_from_json, plan_to_json

__all__ = ["DEFAULT_LIFETIME", "PlanRefused", "PlanSealer"]

DEFAULT_LIFETIME = timedelta(hours=1)
_VERSION = b"\x01"
_NONCE_BYTES = 12
_PURPOSE = b"intune-assistant plan document v1"
# A decompressed plan larger than this is refused before parsing (a plan of thousands of objects
# stays far below it).
_MAX_PLAIN = 64 * 1024 * 1024


class PlanRefused(Exception):
    """A plan document that must not be applied; the message says why in the admin's words."""


class PlanSealer:
    """Seals plans into documents and opens them again, with one secret of at least 32 bytes."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the plan key must be at least 32 bytes")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(secret)
        self._aead = AESGCM(key)

    def seal(
        self,
        plan: Plan,
        *,
        tenant_id: str,
        user_id: str,
        now: datetime | None = None,
        lifetime: timedelta = DEFAULT_LIFETIME,
    ) -> str:
        """The plan as URL-safe text, valid for ``user_id`` in ``tenant_id`` until ``now + lifetime``."""
        expires = (now or datetime.now(UTC)) + lifetime
        payload = {"tid": tenant_id, "oid": user_id, "exp": expires.isoformat(), "plan": plan_to_json(plan)}
        plain = zlib.compress(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
        nonce = os.urandom(_NONCE_BYTES)
        sealed = _VERSION + nonce + self._aead.encrypt(nonce, plain, _PURPOSE)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def open(self, document: str, *, tenant_id: str, user_id: str, now: datetime | None = None) -> Plan:
        """The plan in ``document``, once seal, tenant, user and expiry are checked.

        Raises:
            PlanRefused: the document was changed or sealed with another key, was made for another
                tenant or user, or has expired.
        """
        payload = self._payload(document)
        if payload.get("tid") != tenant_id:
            raise PlanRefused("this plan was made for another tenant; make a new plan for this one")
        if payload.get("oid") != user_id:
            raise PlanRefused("this plan was made by another user; plans can only be applied by who made them")
        try:
            expires = datetime.fromisoformat(str(payload.get("exp")))
        except ValueError:
            raise PlanRefused("this plan document is damaged (no valid expiry)") from None
        if (now or datetime.now(UTC)) >= expires:
            raise PlanRefused(f"this plan expired at {expires:%Y-%m-%d %H:%M} UTC; make a new plan")
        plan_data = payload.get("plan")
        if not isinstance(plan_data, dict):
            raise PlanRefused("this plan document is damaged (no plan inside)")
        try:
            return plan_from_json(plan_data)
        except ValueError as exc:
            raise PlanRefused(f"this plan document can't be read by this version: {exc}") from None

    def _payload(self, document: str) -> dict[str, Any]:
        forged = PlanRefused("this plan document was changed, damaged or sealed with another key; it can't be applied")
        text = document.strip()
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            raise forged from None
        if len(raw) < 1 + _NONCE_BYTES + 16 or raw[:1] != _VERSION:
            raise forged
        try:
            compressed = self._aead.decrypt(raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES :], _PURPOSE)
            inflater = zlib.decompressobj()
            plain = inflater.decompress(compressed, _MAX_PLAIN)
            if inflater.unconsumed_tail:
                raise PlanRefused("this plan document is too large")
            payload = json.loads(plain)
        except (InvalidTag, zlib.error, ValueError):
            raise forged from None
        if not isinstance(payload, dict):
            raise forged
        return payload
