"""A customer as the JSON API and the CLI's ``--json`` give it (one shape for both)."""

from __future__ import annotations

from typing import Any

from .model import Customer


def customer_json(customer: Customer) -> dict[str, Any]:
    """A customer as the JSON API and the CLI give it."""
    return {
        "tenant_id": customer.tenant_id,
        "name": customer.name,
        "domain": customer.domain,
        "status": customer.status,
        "end": customer.end.isoformat() if customer.end else None,
        "days_left": customer.days_left,
        "expiring": customer.expiring,
        "roles": list(customer.role_names),
        "groups": [
            {"id": g.group_id, "name": g.group_name, "roles": list(g.role_names), "yours": g.yours}
            for g in customer.groups
        ],
        "modules": [{"module": m.module, "enough": m.enough, "missing": m.missing} for m in customer.modules],
        "consent": customer.access.consent.value,
        "consent_url": customer.access.consent_url or None,
        "onboarded": customer.onboarded,
        "usable": customer.usable,
        "problem": None
        if customer.problem is None
        else {"code": customer.problem.code, "reason": customer.problem.reason, "fix": customer.problem.fix},
    }
