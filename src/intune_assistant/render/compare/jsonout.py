"""Compare report as JSON: the whole result, statuses as their stable string values."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from enum import Enum
from typing import Any

from intune_assistant.analyses.compare import BaselineStatus, Comparison

from .view import object_status, visible

__all__ = ["comparison_data", "render_json"]


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def comparison_data(comparison: Comparison, *, only_differences: bool = False) -> dict[str, Any]:
    """The comparison as JSON-able data (``only_differences`` leaves out what is the same)."""
    objects = []
    for view in visible(comparison, only_differences):
        data = _plain(view.obj)
        data["settings"] = _plain(view.settings)
        data["assignments"] = _plain(view.assignments)
        data["label"] = object_status(comparison, view.obj)
        data["renamed"] = view.obj.renamed
        objects.append(data)
    baseline = [
        s for s in comparison.baseline_settings if not (only_differences and s.status is BaselineStatus.MATCHES)
    ]
    return {
        "kind": comparison.kind.value,
        "aligned": comparison.aligned,
        "left": {**_plain(comparison.left), "origin": comparison.left.origin},
        "right": {**_plain(comparison.right), "origin": comparison.right.origin},
        "counts": comparison.counts(),
        "scores": [{**_plain(s), "percent": s.percent} for s in comparison.scores],
        "not_compared": _plain(comparison.not_compared),
        "options": _plain(comparison.options),
        "baseline_settings": _plain(baseline),
        "objects": objects,
    }


def render_json(comparison: Comparison, *, only_differences: bool = False) -> str:
    """The comparison as a JSON document."""
    return json.dumps(comparison_data(comparison, only_differences=only_differences), indent=2, ensure_ascii=False)
