"""Plans: which modules a tenant may use and its fair-use quotas. Configuration, not data.

Read modules are on for every tenant of a plan. Optional read modules (reads that need a scope
outside the default set) and write modules are off until an admin activates them for the tenant
(that activation is what the registry stores, and what makes the product ask for their scopes
through incremental consent). Quotas are limits the services enforce in memory;
usage counters are never persisted (data residency: only the registry's own fields are stored).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from intune_assistant.catalog.modules import OPTIONAL_READ_MODULES, READ_MODULES, WRITE_MODULES
from intune_assistant.tenants.errors import RegistryError

SELF_HOSTED = "self-hosted"
STANDARD = "standard"

_NAME = re.compile(r"[a-z][a-z0-9-]{0,63}")  # fits the 64-character columns of the registry


def _check_names(kind: str, names: Iterable[str]) -> None:
    bad = sorted(name for name in names if not _NAME.fullmatch(name))
    if bad:
        raise ValueError(f"{kind} names must be lower-case words joined by '-' (at most 64 characters): {bad}")


class Quotas(BaseModel):
    """Fair-use limits per tenant; ``None`` means unlimited."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Full reads of the tenant per sliding hour (web app, counted in memory per process).
    collections_per_hour: int | None = Field(default=None, ge=0)
    collections_per_day: int | None = Field(default=None, ge=0)
    exports_per_day: int | None = Field(default=None, ge=0)
    write_applies_per_day: int | None = Field(default=None, ge=0)
    # Customers a partner tenant on this plan may have onboarded at once (registry, every replica).
    tenants_per_partner: int | None = Field(default=None, ge=0)


class PlanConfig(BaseModel):
    """One plan: its read modules (always on), activatable optional read and write modules, quotas."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    read_modules: frozenset[str] = frozenset(READ_MODULES)
    optional_modules: frozenset[str] = frozenset(OPTIONAL_READ_MODULES)
    write_modules: frozenset[str] = frozenset()
    quotas: Quotas = Quotas()

    @property
    def activatable(self) -> frozenset[str]:
        """The modules an admin may turn on for a tenant: optional read modules and write modules."""
        return self.optional_modules | self.write_modules

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        _check_names("Plan", [value])
        return value

    @model_validator(mode="after")
    def _valid_modules(self) -> PlanConfig:
        _check_names("Module", self.read_modules | self.activatable)
        both = sorted(self.read_modules & self.activatable)
        if both:
            # A module is either always on or opt-in; both would make activation meaningless.
            raise ValueError(f"Plan {self.name!r} lists modules as both always on and activatable: {both}")
        return self

    def enabled_modules(self, activated: Iterable[str]) -> frozenset[str]:
        """The modules a tenant on this plan may use, given its activated optional and write modules."""
        return self.read_modules | (self.activatable & frozenset(activated))


def default_plans() -> dict[str, PlanConfig]:
    """The plans shipped with the product; deployments may pass their own to ``Registry``."""
    plans = [
        # Self-hosted: the operator's own server, so every module is available and nothing is capped.
        PlanConfig(name=SELF_HOSTED, write_modules=frozenset(WRITE_MODULES)),
        PlanConfig(
            name=STANDARD,
            write_modules=frozenset(WRITE_MODULES),
            quotas=Quotas(
                collections_per_hour=30, collections_per_day=200, exports_per_day=200, write_applies_per_day=50
            ),
        ),
    ]
    return {plan.name: plan for plan in plans}


def plans_from_config(data: Iterable[Mapping[str, object]]) -> dict[str, PlanConfig]:
    """Build plans from configuration (e.g. a list parsed from YAML), keyed by name.

    Raises ``RegistryError`` naming the offending plan when an entry is invalid or a name repeats.
    """
    plans: dict[str, PlanConfig] = {}
    for index, entry in enumerate(data):
        try:
            plan = PlanConfig.model_validate(entry)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc']) or 'plan'}: {problem['msg']}"
                for problem in error.errors()
            )
            raise RegistryError(f"Plan #{index + 1} ({entry.get('name', '?')!r}) is invalid: {problems}") from error
        if plan.name in plans:
            raise RegistryError(f"Plan {plan.name!r} is configured twice.")
        plans[plan.name] = plan
    return plans
