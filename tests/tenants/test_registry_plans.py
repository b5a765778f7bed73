"""Plans are configuration: validation of plan definitions and the shipped defaults."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from intune_assistant.tenants import (
    OPTIONAL_READ_MODULES,
    READ_MODULES,
    SELF_HOSTED,
    STANDARD,
    WRITE_MODULES,
    PlanConfig,
    Quotas,
    Registry,
    RegistryError,
    default_plans,
    engine_from_url,
)
from intune_assistant.tenants.plans import plans_from_config


def test_self_hosted_turns_every_read_module_on_and_offers_every_write_module_unlimited() -> None:
    plan = default_plans()[SELF_HOSTED]

    assert plan.read_modules == frozenset(READ_MODULES)
    assert plan.write_modules == frozenset(WRITE_MODULES)
    assert plan.quotas == Quotas()
    assert plan.enabled_modules([]) == frozenset(READ_MODULES)  # optional and write modules off until activated
    assert plan.optional_modules == frozenset(OPTIONAL_READ_MODULES)
    assert plan.enabled_modules(["managed-devices"]) == frozenset(READ_MODULES) | {"managed-devices"}


def test_standard_has_fair_use_quotas() -> None:
    quotas = default_plans()[STANDARD].quotas

    assert quotas.collections_per_day is not None and quotas.collections_per_day > 0
    assert quotas.write_applies_per_day is not None


def test_enabled_modules_ignore_activations_the_plan_does_not_offer() -> None:
    plan = PlanConfig(name="restore-only", write_modules=frozenset({"restore"}))

    assert plan.enabled_modules(["restore", "bulk-assign"]) == frozenset(READ_MODULES) | {"restore"}


def test_a_module_cannot_be_both_read_and_write() -> None:
    with pytest.raises(ValidationError, match="both always on and activatable: \\['restore'\\]"):
        PlanConfig(name="odd", read_modules=frozenset({"restore"}), write_modules=frozenset({"restore"}))


@pytest.mark.parametrize("name", ["", "Gold", "gold plan", "x" * 65, "-gold"])
def test_plan_names_must_be_simple(name: str) -> None:
    with pytest.raises(ValidationError, match="lower-case words"):
        PlanConfig(name=name)


def test_negative_quotas_are_refused() -> None:
    with pytest.raises(ValidationError):
        Quotas(exports_per_day=-1)


def test_plans_from_configuration() -> None:
    plans = plans_from_config(
        [
            {"name": "basic", "write_modules": ["restore"], "quotas": {"collections_per_day": 10}},
            {"name": "pro", "write_modules": list(WRITE_MODULES)},
        ]
    )

    assert sorted(plans) == ["basic", "pro"]
    assert plans["basic"].quotas.collections_per_day == 10
    assert plans["basic"].read_modules == frozenset(READ_MODULES)


def test_plans_from_configuration_name_the_bad_entry() -> None:
    expected = r"Plan #2 \('pro'\) is invalid: unknown_field: Extra inputs are not permitted$"
    with pytest.raises(RegistryError, match=expected):
        plans_from_config([{"name": "basic"}, {"name": "pro", "unknown_field": 1}])
    with pytest.raises(RegistryError, match="Plan 'basic' is configured twice"):
        plans_from_config([{"name": "basic"}, {"name": "basic"}])


def test_registry_refuses_plans_keyed_by_another_name() -> None:
    engine = engine_from_url("sqlite://")
    try:
        with pytest.raises(RegistryError, match=r"mismatched keys: \['gold'\]"):
            Registry(engine, {"gold": PlanConfig(name="silver")})
    finally:
        engine.dispose()
