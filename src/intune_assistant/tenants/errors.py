"""Errors the tenant registry raises; messages are written for the admin who will read them."""

from __future__ import annotations


class RegistryError(Exception):
    """A registry request that cannot be carried out: invalid input, unknown plan, refused module."""


class TenantNotFoundError(RegistryError):
    """The tenant is not onboarded (a separate type so the web layer can answer 404)."""

    def __init__(self, tenant_id: str) -> None:
        super().__init__(f"Tenant {tenant_id} is not onboarded.")
        self.tenant_id = tenant_id


class CustomerLimitReached(RegistryError):
    """A partner tenant's plan allows no more onboarded customers (``tenants_per_partner``)."""

    def __init__(self, plan: str, limit: int, onboarded: int) -> None:
        super().__init__(
            f"The partner tenant's plan ({plan}) allows {limit} onboarded customer{'' if limit == 1 else 's'}; "
            f"{onboarded} {'is' if onboarded == 1 else 'are'} onboarded."
        )
        self.plan = plan
        self.limit = limit
        self.onboarded = onboarded
