"""JSON: the whole document as data (for git and scripts), raw values beside readable ones."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import IO, Any

from intune_assistant.analyses.conditional_access import overview_json

from .document import Document, PolicyDoc

__all__ = ["JSON_FORMAT", "document_json", "render_json"]

JSON_FORMAT = "intune-assistant-documentation"


def _policy(policy: PolicyDoc) -> dict[str, Any]:
    return {
        "type": policy.type_key,
        "type_label": policy.type_label,
        "policy_type": policy.policy_type,
        "id": policy.policy_id,
        "name": policy.name,
        "platform": policy.platform,
        "description": policy.description,
        "scope_tags": list(policy.scope_tags),
        "created": policy.created,
        "modified": policy.modified,
        "assignments": None if policy.assignments is None else [asdict(a) for a in policy.assignments],
        "settings": [
            {
                "category": r.category,
                "name": r.name,
                "name_source": str(r.name_source),
                "value": r.value,
                "setting_id": r.setting_id,
                "raw_value": r.raw_value,
                "is_secret": r.is_secret,
                "deprecated": r.deprecated,
                "replacement": r.replacement,
            }
            for r in policy.rows
        ],
    }


def document_json(document: Document, on_policy: Callable[[str], None] | None = None) -> dict[str, Any]:
    """``document`` as JSON-able data."""
    policies = []
    for policy in document.policies():
        policies.append(_policy(policy))
        if on_policy:
            on_policy(policy.name)
    return {
        "format": JSON_FORMAT,
        "tenant": {"name": document.tenant_name, "domain": document.tenant_domain, "id": document.tenant_id},
        "source": document.source,
        "taken_at": document.taken_at.isoformat(),
        "generated_at": document.generated_at.isoformat(),
        "options": asdict(document.options),
        "definitions_note": document.definitions_note,
        "coverage": [asdict(c) for c in document.coverage],
        "health": [item.as_json() for item in document.health],
        "roles": document.roles.as_json() if document.roles is not None else None,
        "conditional_access": (
            overview_json(document.conditional_access, document.tenant_domain or document.tenant_name)
            if document.conditional_access is not None
            else None
        ),
        "policies": policies,
    }


def render_json(document: Document, out: IO[bytes], *, on_policy: Callable[[str], None] | None = None) -> None:
    """Write ``document`` as indented UTF-8 JSON to the binary stream ``out``."""
    data = document_json(document, on_policy)
    out.write((json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8"))
