"""The overview and the what-if as JSON: one shape for ``ca --json``, ``ca whatif --json`` and the API."""

from __future__ import annotations

from typing import Any

from .model import CaOverview, WhatIf

__all__ = ["overview_json", "what_if_json"]


def overview_json(overview: CaOverview, tenant: str) -> dict[str, Any]:
    """The overview as ``ca --json`` and the JSON API give it."""
    return {
        "tenant": tenant,
        "policies": [
            {
                "id": p.id,
                "name": p.name,
                "state": p.state_label,
                "users": p.users,
                "target_resources": p.resources,
                "conditions": p.conditions,
                "grant": p.grant,
                "session": p.session,
                "modified": p.modified,
            }
            for p in overview.policies
        ],
        "findings": [f.as_json() for f in overview.findings],
        "not_read": [{"type": g.label, "reason": g.reason} for g in overview.gaps],
    }


def what_if_json(result: WhatIf, tenant: str) -> dict[str, Any]:
    """The what-if as ``ca whatif --json`` and the JSON API give it."""
    sign_in = result.sign_in
    return {
        "tenant": tenant,
        "sign_in": {
            "user": result.user_label,
            "app": sign_in.app,
            "platform": sign_in.platform,
            "location": sign_in.location,
            "client_app": sign_in.client_app,
            "roles": list(sign_in.roles) if sign_in.roles is not None else None,
            "user_risk": sign_in.user_risk,
            "sign_in_risk": sign_in.sign_in_risk,
        },
        "access": result.access.value,
        "reason": result.reason,
        "policies": [v.as_json() for v in result.verdicts],
        "report_only": [v.policy_name for v in result.report_only()],
        "notes": list(result.notes),
        "not_read": [{"type": g.label, "reason": g.reason} for g in result.gaps],
    }
