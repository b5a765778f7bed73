"""Tenant registry: onboarded tenants, their plans and activated optional read and write modules.

The only data Intune Assistant persists (DESIGN §2.4): tenant ID, primary domain, plan, enabled
flag, activated write modules and timestamps. SQLite by default, PostgreSQL via ``DATABASE_URL``.

Start-up::

    url = database_url(data_dir)          # DATABASE_URL, else <data_dir>/intune-assistant.db
    upgrade_database(url)                 # packaged Alembic migrations, idempotent
    registry = Registry(engine_from_url(url), plans=default_plans())
"""

from intune_assistant.catalog.modules import OPTIONAL_READ_MODULES, READ_MODULES, WRITE_MODULES
from intune_assistant.tenants.database import (
    DATABASE_URL_ENV,
    current_revision,
    database_url,
    downgrade_database,
    engine_from_url,
    head_revision,
    upgrade_database,
)
from intune_assistant.tenants.errors import CustomerLimitReached, RegistryError, TenantNotFoundError
from intune_assistant.tenants.plans import (
    SELF_HOSTED,
    STANDARD,
    PlanConfig,
    Quotas,
    default_plans,
    plans_from_config,
)
from intune_assistant.tenants.records import ActiveModule, TenantRecord
from intune_assistant.tenants.registry import Registry

__all__ = [
    "DATABASE_URL_ENV",
    "OPTIONAL_READ_MODULES",
    "READ_MODULES",
    "SELF_HOSTED",
    "STANDARD",
    "WRITE_MODULES",
    "ActiveModule",
    "CustomerLimitReached",
    "PlanConfig",
    "Quotas",
    "Registry",
    "RegistryError",
    "TenantNotFoundError",
    "TenantRecord",
    "current_revision",
    "database_url",
    "default_plans",
    "downgrade_database",
    "engine_from_url",
    "head_revision",
    "plans_from_config",
    "upgrade_database",
]
