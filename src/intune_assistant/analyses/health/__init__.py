"""Tenant health: the Apple MDM push certificate, VPP and enrollment program tokens, Managed Google
Play and partner / Mobile Threat Defense connectors, each with its expiry, state, last sync and a
verdict (expired, sync failed, expires soon, OK, not set up, unknown).

    report = tenant_health(snapshot)
    report.items[0].verdict, report.items[0].days_left     # Verdict.EXPIRED, -5
"""

from __future__ import annotations

from .check import RULES, health_types, parse_time, tenant_health, whole_days, words
from .model import SEVERITY, SOON_DAYS, HealthItem, HealthReport, Verdict

__all__ = [
    "RULES",
    "SEVERITY",
    "SOON_DAYS",
    "HealthItem",
    "HealthReport",
    "Verdict",
    "health_types",
    "parse_time",
    "tenant_health",
    "whole_days",
    "words",
]
