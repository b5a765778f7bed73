"""Seeded, deterministic synthetic tenants for the emulator and the product's demo.

``demo_tenants()`` gives Contoso and Fabrikam (small tenants full of policies, apps, scripts,
groups, devices and planted problems) and the Northwind MSP with GDAP relationships to both;
``large_tenant()`` gives Tailspin Toys with thousands of objects; ``generate_tenant()`` builds
any of these shapes. Nothing is generated at import time.
"""

from __future__ import annotations

from datetime import datetime

from .generator import generate_tenant, tenant_id
from .ids import BASE_DATE
from .model import Operator, TenantData
from .partner import partner_tenant

__all__ = ["Operator", "TenantData", "demo_tenants", "generate_tenant", "large_tenant", "tenant_id"]


def demo_tenants(seed: int = 7, *, as_of: datetime = BASE_DATE) -> dict[str, TenantData]:
    """The demo tenants by short name: ``contoso``, ``fabrikam`` and ``partner``.

    ``as_of`` is "now" for what expires or syncs (the planted expiring and expired items).
    """
    contoso = generate_tenant("small", "Contoso", "contoso.onmicrosoft.com", seed, as_of=as_of)
    fabrikam = generate_tenant("small", "Fabrikam", "fabrikam.onmicrosoft.com", seed + 1, as_of=as_of, weak_ca=True)
    customers = [(t.tenant_id, t.display_name) for t in (contoso, fabrikam)]
    return {"contoso": contoso, "fabrikam": fabrikam, "partner": partner_tenant(customers, seed)}


def large_tenant(seed: int = 11, *, as_of: datetime = BASE_DATE) -> TenantData:
    """Tailspin Toys: a large tenant (thousands of policies, users and devices) for scale tests."""
    return generate_tenant("large", "Tailspin Toys", "tailspintoys.onmicrosoft.com", seed, as_of=as_of)
