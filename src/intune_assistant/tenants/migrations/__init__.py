"""Alembic migrations of the tenant registry; run through ``intune_assistant.tenants.upgrade_database``."""
