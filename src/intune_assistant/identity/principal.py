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

    def in_customer(self, customer_tenant_id: str, roles: tuple[str, ...]) -> Principal:
        """This partner user acting in a GDAP customer tenant, as Entra names them there.

        The key is the technician's (``partner:{partnerTid}:{oid}``), so caches and Graph tokens
        are the customer's own; ``roles`` are the GDAP roles the user holds there. On-Behalf-Of
        for it uses this user's own API token against the customer's authority.
        """
        if self.is_partner_technician or self.object_id is None:
            raise ValueError("only a member of the partner tenant can act in its customers")
        return Principal(
            tenant_id=customer_tenant_id.lower(),
            user_key=f"partner:{self.tenant_id}:{self.object_id}",
            object_id=None,
            display_name=self.display_name,
            username=self.username,
            scopes=self.scopes,
            roles=roles,
            partner_tenant_id=self.tenant_id,
            is_partner_technician=True,
        )

    def cache_key(self) -> tuple[str, str]:
        """``(tenant_id, user_key)``: the isolation key of every per-user cache."""
        return (self.tenant_id, self.user_key)
