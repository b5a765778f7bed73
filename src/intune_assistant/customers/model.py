"""An MSP's customers as the Customers page shows them: relationship, roles, modules, consent.

Built by ``assess`` from what Graph answered in the partner tenant (GDAP relationships, their
access assignments, customers, group names) and, per customer, what Entra answered when a token
for it was asked (``CustomerAccess``). Nothing here is stored: the registry keeps only the tenant
id, domain and managing partner of an onboarded customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

# A relationship whose end is this close is flagged on the page (Partner Center's own warning).
EXPIRY_WARNING_DAYS = 30


class Consent(Enum):
    """Whether the customer granted admin consent to the product's apps."""

    GRANTED = "granted"
    MISSING = "missing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Grant:
    """Roles one security group of the partner holds in a customer through an access assignment."""

    group_id: str
    group_name: str
    roles: tuple[str, ...]
    role_names: tuple[str, ...]
    # Whether the signed-in user is a direct member of the group (GDAP does not follow nesting).
    yours: bool


@dataclass(frozen=True)
class Relationship:
    """One delegated-admin relationship with a customer."""

    id: str
    name: str
    status: str
    end: datetime | None
    grants: tuple[Grant, ...]


@dataclass(frozen=True)
class ModuleFit:
    """Whether the user's GDAP roles are enough for a module, and which role is missing if not."""

    module: str
    title: str
    enough: bool
    missing: str = ""


@dataclass(frozen=True)
class Problem:
    """Why a customer cannot be used now, and the fix, one sentence each."""

    code: str
    reason: str
    fix: str


@dataclass(frozen=True)
class CustomerAccess:
    """What Entra answered when a Graph token for the customer was asked as the signed-in user."""

    consent: Consent
    # The customer's default domain, read with that token (``GET /organization``).
    domain: str | None = None
    # Why consent is unknown (the user has no access of their own, Entra unreachable).
    note: str = ""
    consent_url: str = ""


@dataclass(frozen=True)
class Customer:
    """A customer of the partner with everything the Customers page and the switcher need."""

    tenant_id: str
    name: str
    relationships: tuple[Relationship, ...]
    status: str
    end: datetime | None
    days_left: int | None
    roles: tuple[str, ...]
    role_names: tuple[str, ...]
    modules: tuple[ModuleFit, ...]
    access: CustomerAccess
    problem: Problem | None
    # The registry's domain when onboarded (else the domain read from the customer, if any).
    domain: str | None
    onboarded: bool
    managed_by_other: bool = False

    @property
    def expiring(self) -> bool:
        """An active relationship ending within ``EXPIRY_WARNING_DAYS``."""
        return self.status == "active" and self.days_left is not None and self.days_left < EXPIRY_WARNING_DAYS

    @property
    def usable(self) -> bool:
        """Whether the user can work in this customer through the product now."""
        return self.problem is None

    @property
    def can_onboard(self) -> bool:
        """Usable, not yet onboarded, not managed by another partner, and its domain known."""
        return self.usable and not self.onboarded and not self.managed_by_other and bool(self.domain)

    @property
    def groups(self) -> tuple[Grant, ...]:
        """Every grant of the customer's active relationships."""
        return tuple(g for r in self.relationships if r.status == "active" for g in r.grants)
