"""Plain, immutable views of registry rows, so callers never hold a live ORM object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from intune_assistant.tenants.model import Tenant


@dataclass(frozen=True)
class ActiveModule:
    """A write module activated for a tenant, and when."""

    name: str
    activated_at: datetime


@dataclass(frozen=True)
class TenantRecord:
    """An onboarded tenant as stored in the registry. ``modules`` are activated write modules."""

    tenant_id: str
    domain: str
    plan: str
    enabled: bool
    modules: tuple[ActiveModule, ...]
    onboarded_at: datetime
    updated_at: datetime
    # The partner tenant managing this customer through GDAP (None: the tenant onboarded itself).
    managed_by: str | None = None

    @property
    def module_names(self) -> frozenset[str]:
        """Names of the activated write modules."""
        return frozenset(module.name for module in self.modules)

    @classmethod
    def from_row(cls, row: Tenant) -> TenantRecord:
        """Copy a loaded ``Tenant`` row (with its modules) into a record."""
        return cls(
            tenant_id=row.tenant_id,
            domain=row.domain,
            plan=row.plan,
            enabled=row.enabled,
            modules=tuple(
                ActiveModule(name=m.module, activated_at=m.activated_at)
                for m in sorted(row.modules, key=lambda m: m.module)
            ),
            onboarded_at=row.onboarded_at,
            updated_at=row.updated_at,
            managed_by=row.managed_by,
        )
