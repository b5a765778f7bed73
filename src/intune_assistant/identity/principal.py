"""Who is calling the API: the signed-in user as the validated API token names them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Principal"]


@dataclass(frozen=True)
class Principal:
    """The user behind a validated API token, in the tenant that issued it.

    ``user_key`` identifies the user within ``tenant_id``: the ``oid`` for members (and guests
    with an ``oid``), ``partner:{partnerTid}:{partnerOid}`` for a GDAP technician, whose token
    has an empty ``oid`` and names the partner account in ``aai``. Every cache is keyed by
    ``cache_key()`` (DESIGN §2.6). ``roles`` are the directory role template ids (``wids``).
    """

    tenant_id: str
    user_key: str
    object_id: str | None
    display_name: str
    username: str
    scopes: frozenset[str]
    roles: tuple[str, ...]
    partner_tenant_id: str | None
    is_partner_technician: bool

    def cache_key(self) -> tuple[str, str]:
        """``(tenant_id, user_key)``: the isolation key of every per-user cache."""
        return (self.tenant_id, self.user_key)
