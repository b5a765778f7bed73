"""Seeded, deterministic synthetic tenants for the emulator and the product's demo.

``demo_tenants()`` gives Contoso and Fabrikam (small tenants full of policies, apps, scripts,
groups, devices and planted problems), the Northwind MSP with GDAP relationships to both and to
its other customers (small tenants too: one expired, one without consent, one read-only, and as
many more as asked for);
``large_tenant()`` gives Tailspin Toys with thousands of objects; ``generate_tenant()`` builds
any of these shapes. Nothing is generated at import time.
"""

from __future__ import annotations

from datetime import datetime

from .generator import generate_tenant, tenant_id
from .ids import BASE_DATE
from .model import Operator, TenantData
from .partner import CustomerSpec, partner_customers, partner_tenant

__all__ = [
    "DEMO_CUSTOMERS",
    "Operator",
    "TenantData",
    "demo_tenants",
    "generate_tenant",
    "large_tenant",
    "tenant_id",
]

# The partner's customers besides Contoso and Fabrikam in the demo: Litware (expired relationship),
# Adatum (no consent) and Woodgrove Bank (read-only GDAP role).
DEMO_CUSTOMERS = 3


def demo_tenants(
    seed: int = 7, *, as_of: datetime = BASE_DATE, customers: int = DEMO_CUSTOMERS
) -> dict[str, TenantData]:
    """The demo tenants by short name: ``contoso``, ``fabrikam``, ``partner`` and the partner's customers.

    ``as_of`` is "now" for what expires or syncs (the planted expiring and expired items, GDAP end
    dates). ``customers`` is how many customers the partner has besides Contoso and Fabrikam; each
    is a small tenant named by its domain's first label (``litware``, ``adatum``, ...), and
    ``TenantData.consented`` says whether it consented to the product's apps.
    """
    contoso = generate_tenant("small", "Contoso", "contoso.onmicrosoft.com", seed, as_of=as_of)
    fabrikam = generate_tenant("small", "Fabrikam", "fabrikam.onmicrosoft.com", seed + 1, as_of=as_of, weak_ca=True)
    others = partner_customers(customers, seed, as_of=as_of)
    specs = [CustomerSpec(t.tenant_id, t.display_name, t.domain) for t in (contoso, fabrikam)]
    specs += [spec for spec, _ in others]
    partner = partner_tenant(specs, seed, as_of=as_of)
    found = {"contoso": contoso, "fabrikam": fabrikam, "partner": partner}
    found.update({tenant.domain.split(".")[0]: tenant for _, tenant in others})
    return found


def large_tenant(seed: int = 11, *, as_of: datetime = BASE_DATE) -> TenantData:
    """Tailspin Toys: a large tenant (thousands of policies, users and devices) for scale tests."""
    return generate_tenant("large", "Tailspin Toys", "tailspintoys.onmicrosoft.com", seed, as_of=as_of)
