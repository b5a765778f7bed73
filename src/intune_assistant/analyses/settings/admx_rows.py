"""Administrative templates (ADMX-backed group policy) → rows: each definition's state and options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import PolicyContext, join_category
from .model import SettingRow
from .values import display_value

__all__ = ["admx_rows"]


def _category(definition: Mapping[str, Any]) -> str:
    path = str(definition.get("categoryPath") or "")
    category = join_category(*(p.strip() for p in path.split("\\")))
    if str(definition.get("classType", "")).lower() == "user":
        category = f"{category} (User)" if category else "User"
    return category


def _presentation_value(value: Mapping[str, Any]) -> tuple[str, Any]:
    if "values" in value:
        items = value.get("values") or []
        shown = []
        for item in items:
            if isinstance(item, Mapping):
                name, data = item.get("name"), item.get("value")
                shown.append(f"{name} = {data}" if data not in (None, "") else str(name))
            else:
                shown.append(str(item))
        return ", ".join(shown), items
    raw = value.get("value")
    return display_value(raw, "value"), raw


def admx_rows(ctx: PolicyContext) -> list[SettingRow]:
    """A row per definition value (Enabled/Disabled) and one per presentation value below it."""
    rows: list[SettingRow] = []
    for definition_value in ctx.obj.get("definitionValues") or ():
        if not isinstance(definition_value, Mapping):
            continue
        definition = definition_value.get("definition")
        definition = definition if isinstance(definition, Mapping) else {}
        definition_id = str(definition.get("id") or definition_value.get("id") or "")
        name = str(definition.get("displayName") or "Administrative template setting")
        category = _category(definition)
        enabled = definition_value.get("enabled")
        state = "Enabled" if enabled else "Disabled" if enabled is False else "Not configured"
        rows.append(ctx.row(category, name, state, definition_id, enabled))
        for value in definition_value.get("presentationValues") or ():
            if not isinstance(value, Mapping):
                continue
            presentation = value.get("presentation")
            presentation = presentation if isinstance(presentation, Mapping) else {}
            label = str(presentation.get("label") or "Option").strip().rstrip(":").strip()
            shown, raw = _presentation_value(value)
            presentation_id = presentation.get("id") or value.get("id")
            rows.append(ctx.row(join_category(category, name), label, shown, f"{definition_id}/{presentation_id}", raw))
    return rows
