"""The tenant registry service: onboard, enable, activate write modules, offboard.

Every method is one short transaction against the injected engine. Writes that can race (two
onboardings of one tenant, two activations of one module) rely on the primary keys and retry on a
conflict, so the second caller sees the first caller's row instead of creating a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TypeVar

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from intune_assistant.tenants.errors import CustomerLimitReached, RegistryError, TenantNotFoundError
from intune_assistant.tenants.model import EndedSession, Tenant, TenantModule
from intune_assistant.tenants.plans import PlanConfig, default_plans
from intune_assistant.tenants.records import TenantRecord
from intune_assistant.tenants.validation import normalise_domain, normalise_tenant_id

T = TypeVar("T")
Clock = Callable[[], datetime]

# A conflict means another caller just wrote the same key; one re-read settles it. More than a few
# in a row means something else is wrong, and the error should surface.
_ATTEMPTS = 3


def utc_now() -> datetime:
    """The current time in UTC (the registry's default clock)."""
    return datetime.now(UTC)


class Registry:
    """Onboarded tenants, their plans and activated write modules (the only persisted data)."""

    def __init__(
        self, engine: Engine, plans: Mapping[str, PlanConfig] | None = None, *, clock: Clock = utc_now
    ) -> None:
        """Use ``engine`` (schema already migrated, see ``upgrade_database``) and the given plans
        (default: ``default_plans()``); ``clock`` must return timezone-aware datetimes."""
        configured = default_plans() if plans is None else dict(plans)
        mismatched = sorted(key for key, plan in configured.items() if key != plan.name)
        if mismatched:
            raise RegistryError(f"Plans must be keyed by their own name; mismatched keys: {mismatched}")
        self._plans = MappingProxyType(configured)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._clock = clock

    @property
    def plans(self) -> Mapping[str, PlanConfig]:
        """The configured plans by name (read-only)."""
        return self._plans

    def plan(self, name: str) -> PlanConfig:
        """The configured plan ``name``, or ``RegistryError`` naming the plans that exist."""
        try:
            return self._plans[name]
        except KeyError:
            known = ", ".join(sorted(self._plans)) or "none"
            raise RegistryError(f"Plan {name!r} is not configured; configured plans: {known}.") from None

    def get(self, tenant_id: str) -> TenantRecord | None:
        """The tenant's record, or ``None`` if it is not onboarded. Raises ``RegistryError`` for a
        malformed tenant ID."""
        key = normalise_tenant_id(tenant_id)
        with self._sessions() as session:
            row = session.get(Tenant, key)
            return None if row is None else TenantRecord.from_row(row)

    def onboard(self, tenant_id: str, domain: str, plan: str) -> TenantRecord:
        """Register a tenant, or update the domain and plan of one already registered.

        Idempotent: onboarding again with the same values changes nothing (not even ``updated_at``).
        A new tenant starts enabled with no write module active; an existing tenant keeps its
        enabled flag and modules. Changing the plan is refused while a module is active that the
        new plan does not allow. Raises ``RegistryError`` for a malformed ID or domain or an
        unknown plan.
        """
        key = normalise_tenant_id(tenant_id)
        name = normalise_domain(domain)
        self.plan(plan)

        def write(session: Session) -> TenantRecord:
            now = self._now()
            row = session.get(Tenant, key, with_for_update=True)
            if row is None:
                row = Tenant(tenant_id=key, domain=name, plan=plan, enabled=True, onboarded_at=now, updated_at=now)
                session.add(row)
                # Flush now so a concurrent onboarding surfaces as a conflict inside the retry.
                session.flush()
                return TenantRecord.from_row(row)
            if row.domain == name and row.plan == plan:
                return TenantRecord.from_row(row)
            if row.plan != plan:
                stranded = sorted(m.module for m in row.modules if m.module not in self.plan(plan).activatable)
                if stranded:
                    raise RegistryError(
                        f"Tenant {key} cannot move to plan {plan!r}: it does not allow the active write "
                        f"module(s) {', '.join(stranded)}. Deactivate them first."
                    )
            row.domain, row.plan, row.updated_at = name, plan, now
            return TenantRecord.from_row(row)

        return self._write(write)

    def onboard_customer(self, tenant_id: str, domain: str, plan: str, partner_tenant_id: str) -> TenantRecord:
        """Register a GDAP customer as managed by ``partner_tenant_id`` (or link one already registered).

        A new customer starts enabled on ``plan``; a registered one keeps its domain, plan, enabled
        flag and modules and only gains its manager. Refused (``RegistryError``) when another partner
        already manages it, or when the partner would manage itself; ``CustomerLimitReached`` when the
        partner's own plan allows no more customers (``tenants_per_partner``; a partner that is not
        registered has no plan, so no limit).
        """
        key = normalise_tenant_id(tenant_id)
        partner = normalise_tenant_id(partner_tenant_id)
        name = normalise_domain(domain)
        self.plan(plan)
        if key == partner:
            raise RegistryError("A partner tenant cannot be its own customer.")

        def write(session: Session) -> TenantRecord:
            now = self._now()
            row = session.get(Tenant, key, with_for_update=True)
            if row is None or row.managed_by != partner:
                self._check_customer_limit(session, partner)
            if row is None:
                row = Tenant(
                    tenant_id=key,
                    domain=name,
                    plan=plan,
                    enabled=True,
                    onboarded_at=now,
                    updated_at=now,
                    managed_by=partner,
                )
                session.add(row)
                session.flush()
                return TenantRecord.from_row(row)
            if row.managed_by not in (None, partner):
                raise RegistryError(f"Tenant {row.domain} is already managed by another partner tenant.")
            if row.managed_by != partner:
                row.managed_by, row.updated_at = partner, now
            return TenantRecord.from_row(row)

        return self._write(write)

    def _check_customer_limit(self, session: Session, partner: str) -> None:
        # The partner's row is locked first, so two replicas onboarding for one partner take turns
        # and cannot both pass the count.
        owner = session.get(Tenant, partner, with_for_update=True)
        if owner is None:
            return
        limit = self.plan(owner.plan).quotas.tenants_per_partner
        if limit is None:
            return
        onboarded = session.scalar(select(func.count()).select_from(Tenant).where(Tenant.managed_by == partner)) or 0
        if onboarded >= limit:
            raise CustomerLimitReached(owner.plan, limit, onboarded)

    def customer_limit(self, partner_tenant_id: str) -> int | None:
        """How many customers the partner's plan lets it have onboarded (``None``: no limit)."""
        record = self.get(partner_tenant_id)
        return None if record is None else self.plan(record.plan).quotas.tenants_per_partner

    def customers_of(self, partner_tenant_id: str) -> tuple[TenantRecord, ...]:
        """The tenants ``partner_tenant_id`` manages through GDAP, by domain."""
        partner = normalise_tenant_id(partner_tenant_id)
        query = select(Tenant).where(Tenant.managed_by == partner).order_by(Tenant.domain, Tenant.tenant_id)
        with self._sessions() as session:
            return tuple(TenantRecord.from_row(row) for row in session.scalars(query))

    def offboard(self, tenant_id: str) -> bool:
        """Remove the tenant and its activated modules. Returns ``False`` if it was not onboarded."""
        key = normalise_tenant_id(tenant_id)
        with self._sessions.begin() as session:
            # The database cascades to tenant_module (ON DELETE CASCADE; SQLite pragma on).
            result = session.connection().execute(delete(Tenant).where(Tenant.tenant_id == key))
            return result.rowcount > 0

    def set_enabled(self, tenant_id: str, enabled: bool) -> TenantRecord:
        """Enable or disable the tenant (a disabled tenant keeps its plan and modules).
        Raises ``TenantNotFoundError`` if it is not onboarded."""
        key = normalise_tenant_id(tenant_id)

        def write(session: Session) -> TenantRecord:
            row = self._locked(session, key)
            if row.enabled != enabled:
                row.enabled, row.updated_at = enabled, self._now()
            return TenantRecord.from_row(row)

        return self._write(write)

    def activate_module(self, tenant_id: str, module: str) -> TenantRecord:
        """Activate an optional read or write module for the tenant; activating an active one changes nothing.

        Refused with ``RegistryError`` when the tenant's plan does not offer the module, or when it
        is a read module (those are always on). Raises ``TenantNotFoundError`` if the tenant is not
        onboarded.
        """
        key = normalise_tenant_id(tenant_id)

        def write(session: Session) -> TenantRecord:
            row = self._locked(session, key)
            plan = self.plan(row.plan)
            if module in plan.read_modules:
                raise RegistryError(
                    f"{module!r} is a read module of plan {plan.name!r}: it is always on and needs no activation."
                )
            if module not in plan.activatable:
                offered = ", ".join(sorted(plan.activatable)) or "none"
                raise RegistryError(
                    f"Plan {plan.name!r} of tenant {key} does not offer the module {module!r}; "
                    f"modules to turn on on this plan: {offered}."
                )
            if module not in {m.module for m in row.modules}:
                now = self._now()
                row.modules.append(TenantModule(module=module, activated_at=now))
                row.updated_at = now
                session.flush()
            return TenantRecord.from_row(row)

        return self._write(write)

    def deactivate_module(self, tenant_id: str, module: str) -> TenantRecord:
        """Deactivate an optional read or write module; deactivating an inactive module changes nothing. Always
        allowed, whatever the plan. Raises ``TenantNotFoundError`` if the tenant is not onboarded."""
        key = normalise_tenant_id(tenant_id)

        def write(session: Session) -> TenantRecord:
            row = self._locked(session, key)
            active = [m for m in row.modules if m.module == module]
            if active:
                row.modules.remove(active[0])
                row.updated_at = self._now()
                session.flush()
            return TenantRecord.from_row(row)

        return self._write(write)

    def enabled_modules(self, tenant_id: str) -> frozenset[str]:
        """The modules the tenant may use now: its plan's read modules plus its activated optional
        read and write modules the plan still offers; nothing when the tenant is disabled. Raises
        ``TenantNotFoundError`` if it is not onboarded."""
        record = self.get(tenant_id)
        if record is None:
            raise TenantNotFoundError(normalise_tenant_id(tenant_id))
        if not record.enabled:
            return frozenset()
        return self.plan(record.plan).enabled_modules(record.module_names)

    def list(self, *, enabled: bool | None = None) -> tuple[TenantRecord, ...]:
        """All onboarded tenants by domain, optionally only the enabled (or disabled) ones."""
        query = select(Tenant).order_by(Tenant.domain, Tenant.tenant_id)
        if enabled is not None:
            query = query.where(Tenant.enabled.is_(enabled))
        with self._sessions() as session:
            return tuple(TenantRecord.from_row(row) for row in session.scalars(query))

    def end_session(self, marker: str, until: datetime) -> None:
        """Remember that the browser session ``marker`` (a hash of its random id) signed out, until
        ``until``; rows whose time passed are deleted on the way."""
        now = self._now()

        def write(session: Session) -> None:
            session.execute(delete(EndedSession).where(EndedSession.ends_at <= now))
            if session.get(EndedSession, marker) is None:
                session.add(EndedSession(marker=marker, ends_at=until))

        self._write(write)

    def session_ended(self, marker: str) -> bool:
        """Whether the browser session ``marker`` signed out (and its time has not passed)."""
        with self._sessions() as session:
            row = session.get(EndedSession, marker)
            return row is not None and row.ends_at > self._now()

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            # A naive time would be stored as if it were UTC; refuse it rather than guess.
            raise ValueError("The registry's clock must return timezone-aware datetimes.")
        return now

    @staticmethod
    def _locked(session: Session, key: str) -> Tenant:
        # FOR UPDATE on PostgreSQL serialises writers of one tenant; SQLite locks the whole file anyway.
        row = session.get(Tenant, key, with_for_update=True)
        if row is None:
            raise TenantNotFoundError(key)
        return row

    def _write(self, write: Callable[[Session], T]) -> T:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                with self._sessions.begin() as session:
                    return write(session)
            except IntegrityError:
                # Another caller inserted the same tenant or module first; re-read and go again.
                if attempt == _ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover
