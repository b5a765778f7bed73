"""Registry behaviour on each backend: onboard, get, list, enable, modules, offboard, errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine

from intune_assistant.tenants import (
    READ_MODULES,
    WRITE_MODULES,
    CustomerLimitReached,
    PlanConfig,
    Quotas,
    Registry,
    RegistryError,
    TenantNotFoundError,
    default_plans,
)

CONTOSO = "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"
FABRIKAM = "0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"
NOBODY = "11111111-2222-4333-8444-555555555555"


def count_modules(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT COUNT(*) FROM tenant_module").scalar_one())


# --- onboard and get ---------------------------------------------------------------------------


def test_onboard_then_get(registry: Registry) -> None:
    onboarded = registry.onboard(CONTOSO.upper(), "Contoso.OnMicrosoft.com.", "self-hosted")

    assert onboarded.tenant_id == CONTOSO
    assert onboarded.domain == "contoso.onmicrosoft.com"
    assert onboarded.plan == "self-hosted"
    assert onboarded.enabled is True
    assert onboarded.modules == ()
    assert onboarded.onboarded_at == onboarded.updated_at
    assert onboarded.onboarded_at.tzinfo is UTC
    assert registry.get(CONTOSO) == onboarded
    assert registry.get(CONTOSO.upper()) == onboarded


def test_get_of_a_tenant_never_onboarded_is_none(registry: Registry) -> None:
    assert registry.get(NOBODY) is None


def test_onboarding_twice_with_the_same_values_changes_nothing(registry: Registry) -> None:
    first = registry.onboard(CONTOSO, "contoso.com", "standard")
    second = registry.onboard(CONTOSO, "contoso.com", "standard")

    assert second == first
    assert registry.list() == (first,)


def test_onboarding_again_updates_domain_and_plan_but_keeps_state(registry: Registry) -> None:
    first = registry.onboard(CONTOSO, "contoso.onmicrosoft.com", "self-hosted")
    registry.set_enabled(CONTOSO, False)
    registry.activate_module(CONTOSO, "restore")

    again = registry.onboard(CONTOSO, "contoso.com", "restore-only")

    assert (again.domain, again.plan) == ("contoso.com", "restore-only")
    assert again.onboarded_at == first.onboarded_at
    assert again.updated_at > first.updated_at
    assert again.enabled is False  # an admin disabled it; onboarding again does not undo that
    assert again.module_names == {"restore"}


def test_plan_change_is_refused_while_a_module_it_lacks_is_active(registry: Registry) -> None:
    registry.onboard(CONTOSO, "contoso.com", "self-hosted")
    registry.activate_module(CONTOSO, "bulk-assign")

    with pytest.raises(RegistryError, match=r"cannot move to plan 'viewer'.*bulk-assign.*Deactivate"):
        registry.onboard(CONTOSO, "contoso.com", "viewer")
    assert registry.get(CONTOSO).plan == "self-hosted"  # type: ignore[union-attr]

    registry.deactivate_module(CONTOSO, "bulk-assign")
    assert registry.onboard(CONTOSO, "contoso.com", "viewer").plan == "viewer"


def test_onboard_with_an_unknown_plan_names_the_configured_plans(registry: Registry) -> None:
    with pytest.raises(RegistryError, match=r"Plan 'gold' is not configured; configured plans: .*self-hosted"):
        registry.onboard(CONTOSO, "contoso.com", "gold")
    assert registry.get(CONTOSO) is None


@pytest.mark.parametrize(
    "tenant_id",
    ["", "contoso", "6f1c2d3e4a5b4c6d8e7f0a1b2c3d4e5f", "{6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f}", "6f1c2d3e-4a5b"],
)
def test_invalid_tenant_ids_are_refused_with_a_clear_message(registry: Registry, tenant_id: str) -> None:
    with pytest.raises(RegistryError, match=r"is not a GUID; expected the Directory \(tenant\) ID"):
        registry.onboard(tenant_id, "contoso.com", "self-hosted")
    with pytest.raises(RegistryError, match="is not a GUID"):
        registry.get(tenant_id)
    assert registry.list() == ()


@pytest.mark.parametrize(
    "domain",
    [
        "",
        "contoso",
        "https://contoso.com",
        "admin@contoso.com",
        "10.0.0.1",
        "-contoso.com",
        "contoso..com",
        "a" * 64 + ".com",
    ],
)
def test_invalid_domains_are_refused_with_a_clear_message(registry: Registry, domain: str) -> None:
    with pytest.raises(RegistryError, match=r"Domain .*(not a DNS domain name|IP address|empty)"):
        registry.onboard(CONTOSO, domain, "self-hosted")
    assert registry.get(CONTOSO) is None


# --- list, enable, offboard --------------------------------------------------------------------


def test_list_is_ordered_by_domain_and_filters_on_enabled(registry: Registry) -> None:
    registry.onboard(CONTOSO, "contoso.com", "self-hosted")
    registry.onboard(FABRIKAM, "fabrikam.com", "standard")
    registry.set_enabled(FABRIKAM, False)

    assert [r.domain for r in registry.list()] == ["contoso.com", "fabrikam.com"]
    assert [r.domain for r in registry.list(enabled=True)] == ["contoso.com"]
    assert [r.domain for r in registry.list(enabled=False)] == ["fabrikam.com"]


def test_disable_and_enable(registry: Registry) -> None:
    onboarded = registry.onboard(CONTOSO, "contoso.com", "self-hosted")

    disabled = registry.set_enabled(CONTOSO, False)
    assert disabled.enabled is False and disabled.updated_at > onboarded.updated_at
    assert registry.set_enabled(CONTOSO, False) == disabled  # no change, no new timestamp
    assert registry.enabled_modules(CONTOSO) == frozenset()

    enabled = registry.set_enabled(CONTOSO, True)
    assert enabled.enabled is True
    assert registry.get(CONTOSO) == enabled


def test_enable_of_a_tenant_never_onboarded_raises_not_found(registry: Registry) -> None:
    with pytest.raises(TenantNotFoundError, match=f"Tenant {NOBODY} is not onboarded"):
        registry.set_enabled(NOBODY, True)


def test_offboard_removes_the_tenant_and_its_modules(registry: Registry, engine: Engine) -> None:
    registry.onboard(CONTOSO, "contoso.com", "self-hosted")
    registry.onboard(FABRIKAM, "fabrikam.com", "self-hosted")
    registry.activate_module(CONTOSO, "restore")
    registry.activate_module(CONTOSO, "bulk-assign")
    registry.activate_module(FABRIKAM, "restore")

    assert registry.offboard(CONTOSO) is True

    assert registry.get(CONTOSO) is None
    assert count_modules(engine) == 1  # Fabrikam's only
    assert [r.tenant_id for r in registry.list()] == [FABRIKAM]
    assert registry.offboard(CONTOSO) is False


def test_the_database_cascades_module_rows_on_its_own(registry: Registry, engine: Engine) -> None:
    # Checks the schema (and SQLite's foreign-key pragma), not the ORM: a raw DELETE cascades.
    registry.onboard(CONTOSO, "contoso.com", "self-hosted")
    registry.activate_module(CONTOSO, "restore")
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DELETE FROM tenant WHERE tenant_id = '{CONTOSO}'")
    assert count_modules(engine) == 0


# --- modules and plans -------------------------------------------------------------------------


def test_self_hosted_has_every_read_module_on_and_write_modules_off_until_activated(registry: Registry) -> None:
    registry.onboard(CONTOSO, "contoso.com", "self-hosted")
    assert registry.enabled_modules(CONTOSO) == frozenset(READ_MODULES)

    record = registry.activate_module(CONTOSO, "deploy-baseline")

    assert record.module_names == {"deploy-baseline"}
    assert registry.enabled_modules(CONTOSO) == frozenset(READ_MODULES) | {"deploy-baseline"}
    assert set(WRITE_MODULES) <= set(registry.plan("self-hosted").write_modules)


def test_activation_is_idempotent_and_deactivation_removes_it(registry: Registry) -> None:
    registry.onboard(CONTOSO, "contoso.com", "self-hosted")
    first = registry.activate_module(CONTOSO, "restore")
    (active,) = first.modules
    assert active.name == "restore" and active.activated_at.tzinfo is UTC
    assert first.updated_at == active.activated_at

    assert registry.activate_module(CONTOSO, "restore") == first
    registry.activate_module(CONTOSO, "bulk-assign")
    assert [m.name for m in registry.get(CONTOSO).modules] == ["bulk-assign", "restore"]  # type: ignore[union-attr]

    after = registry.deactivate_module(CONTOSO, "restore")
    assert after.module_names == {"bulk-assign"}
    assert registry.deactivate_module(CONTOSO, "restore") == after
    assert registry.get(CONTOSO) == after


def test_a_module_the_plan_does_not_offer_is_refused(registry: Registry, engine: Engine) -> None:
    registry.onboard(CONTOSO, "contoso.com", "viewer")
    registry.onboard(FABRIKAM, "fabrikam.com", "restore-only")

    with pytest.raises(RegistryError, match=r"Plan 'viewer' .* does not offer the module 'restore'.*: none\."):
        registry.activate_module(CONTOSO, "restore")
    with pytest.raises(RegistryError, match=r"does not offer the module 'bulk-assign'; .*: restore\."):
        registry.activate_module(FABRIKAM, "bulk-assign")
    with pytest.raises(RegistryError, match="does not offer the module 'no-such-module'"):
        registry.activate_module(FABRIKAM, "no-such-module")
    assert registry.activate_module(FABRIKAM, "restore").module_names == {"restore"}
    assert count_modules(engine) == 1


def test_read_modules_need_no_activation(registry: Registry) -> None:
    registry.onboard(CONTOSO, "contoso.com", "self-hosted")
    with pytest.raises(RegistryError, match=r"'document' is a read module .* always on"):
        registry.activate_module(CONTOSO, "document")


def test_module_changes_for_a_tenant_never_onboarded_raise_not_found(registry: Registry) -> None:
    with pytest.raises(TenantNotFoundError):
        registry.activate_module(NOBODY, "restore")
    with pytest.raises(TenantNotFoundError):
        registry.deactivate_module(NOBODY, "restore")
    with pytest.raises(TenantNotFoundError):
        registry.enabled_modules(NOBODY)


def test_a_tenant_whose_plan_was_removed_from_configuration_gets_a_clear_error(
    engine: Engine, plans: dict[str, PlanConfig], clock: Callable[[], datetime]
) -> None:
    Registry(engine, plans, clock=clock).onboard(CONTOSO, "contoso.com", "viewer")
    without_viewer = {name: plan for name, plan in plans.items() if name != "viewer"}

    with pytest.raises(RegistryError, match="Plan 'viewer' is not configured"):
        Registry(engine, without_viewer, clock=clock).activate_module(CONTOSO, "restore")


# --- timestamps --------------------------------------------------------------------------------


def test_timestamps_come_back_as_the_same_instant_in_utc(engine: Engine) -> None:
    cest = timezone(timedelta(hours=2))
    registry = Registry(engine, clock=lambda: datetime(2025, 6, 1, 14, 30, 15, 123456, tzinfo=cest))

    registry.onboard(CONTOSO, "contoso.com", "self-hosted")
    record = registry.get(CONTOSO)

    assert record is not None
    assert record.onboarded_at == datetime(2025, 6, 1, 12, 30, 15, 123456, tzinfo=UTC)
    assert record.onboarded_at.tzinfo is UTC


def test_a_naive_clock_is_refused(engine: Engine) -> None:
    registry = Registry(engine, clock=lambda: datetime(2025, 6, 1, 12, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        registry.onboard(CONTOSO, "contoso.com", "self-hosted")
    assert registry.get(CONTOSO) is None


def test_a_partner_onboards_and_links_customers_and_lists_only_its_own(registry: Registry) -> None:
    partner, other = "0f000000-0000-4000-8000-000000000001", "0f000000-0000-4000-8000-000000000002"
    customer, own = "0c000000-0000-4000-8000-000000000001", "0c000000-0000-4000-8000-000000000002"
    record = registry.onboard_customer(customer, "Customer.onmicrosoft.com", "self-hosted", partner)
    assert record.managed_by == partner and record.domain == "customer.onmicrosoft.com" and record.enabled
    # A tenant that onboarded itself is linked, keeping its own domain and plan.
    registry.onboard(own, "own.example", "self-hosted")
    linked = registry.onboard_customer(own, "other.example", "self-hosted", partner)
    assert linked.managed_by == partner and linked.domain == "own.example"
    assert [r.tenant_id for r in registry.customers_of(partner)] == [customer, own]
    assert registry.customers_of(other) == ()
    with pytest.raises(RegistryError, match="another partner"):
        registry.onboard_customer(customer, "customer.onmicrosoft.com", "self-hosted", other)
    with pytest.raises(RegistryError, match="its own customer"):
        registry.onboard_customer(partner, "partner.example", "self-hosted", partner)


def test_a_partner_plan_limits_its_onboarded_customers(engine: Engine, clock: Callable[[], datetime]) -> None:
    plans = {**default_plans(), "msp-small": PlanConfig(name="msp-small", quotas=Quotas(tenants_per_partner=2))}
    registry = Registry(engine, plans, clock=clock)
    partner = "0f000000-0000-4000-8000-000000000001"
    customers = [f"0c000000-0000-4000-8000-00000000000{n}" for n in range(1, 4)]
    registry.onboard(partner, "partner.example", "msp-small")
    assert registry.customer_limit(partner) == 2
    for n, customer in enumerate(customers[:2], start=1):
        registry.onboard_customer(customer, f"customer{n}.example", "self-hosted", partner)
    # Linking a customer the partner already manages again is no new customer.
    registry.onboard_customer(customers[0], "customer1.example", "self-hosted", partner)
    with pytest.raises(CustomerLimitReached) as refused:
        registry.onboard_customer(customers[2], "customer3.example", "self-hosted", partner)
    assert (refused.value.plan, refused.value.limit, refused.value.onboarded) == ("msp-small", 2, 2)
    assert "allows 2 onboarded customers; 2 are onboarded" in str(refused.value)
    assert registry.get(customers[2]) is None
    # Offboarding a customer frees its place.
    registry.offboard(customers[1])
    registry.onboard_customer(customers[2], "customer3.example", "self-hosted", partner)
    assert len(registry.customers_of(partner)) == 2
    # The self-hosted default has no limit; an unregistered partner has no plan and so no limit.
    assert registry.customer_limit("0f000000-0000-4000-8000-000000000002") is None
    registry.onboard_customer(customers[1], "customer2.example", "self-hosted", "0f000000-0000-4000-8000-000000000002")
