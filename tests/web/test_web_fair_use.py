"""Fair-use limits: collections per tenant per sliding hour, counted in memory; plans from configuration."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from intune_assistant.tenants import SELF_HOSTED
from intune_assistant.web.fair_use import CollectionBudget, LimitReached

from .conftest import make_settings


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_tenant_gets_its_limit_per_sliding_hour_and_learns_when_it_resets() -> None:
    clock = Clock()
    budget = CollectionBudget(clock)
    budget.take("T-1", 2)
    clock.now += 600
    budget.take("t-1", 2)  # tenant ids are case-insensitive
    budget.take("t-2", 2)  # another tenant has its own count
    with pytest.raises(LimitReached) as refused:
        budget.take("t-1", 2)
    assert refused.value.limit == 2
    assert refused.value.resets_at == datetime.fromtimestamp(1_800_000_000.0 + 3600, UTC)
    assert not budget.allows("t-1", 2)  # a refused attempt is not counted either
    clock.now = 1_800_000_000.0 + 3600  # the first collection leaves the window
    budget.take("t-1", 2)
    with pytest.raises(LimitReached):
        budget.take("t-1", 2)


def test_no_limit_means_unlimited() -> None:
    budget = CollectionBudget(Clock())
    for _ in range(1000):
        budget.take("t-1", None)
    assert budget.allows("t-1", None)


def test_self_hosted_default_is_unlimited_and_configured_plans_are_added(tmp_path: Path) -> None:
    default = make_settings(tmp_path)
    assert default.plan == SELF_HOSTED
    assert default.configured_plans()[SELF_HOSTED].quotas.collections_per_hour is None
    trial = make_settings(tmp_path, plan="trial", plans=[{"name": "trial", "quotas": {"collections_per_hour": 3}}])
    plans = trial.configured_plans()
    assert plans["trial"].quotas.collections_per_hour == 3 and not plans["trial"].write_modules
    assert SELF_HOSTED in plans


def test_a_bad_plan_is_refused_at_start_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="trial"):
        make_settings(tmp_path, plans=[{"name": "trial", "quotas": {"collections_per_hour": -1}}])
