"""Endpoint security intents (template-based policies) → rows from their setting instances."""

from __future__ import annotations

import json
from collections.abc import Mapping

from .context import PolicyContext
from .model import SettingRow
from .values import display_value, is_secret_property
from .words import readable_label

__all__ = ["intent_rows"]


def _parts(definition_id: str) -> tuple[str, str]:
    """(category, property) of ``deviceConfiguration--windows10EndpointProtectionConfiguration_x``."""
    _, _, rest = definition_id.rpartition("--")
    entity, _, prop = rest.partition("_")
    if not prop:
        return "", rest
    entity = entity.removeprefix("windows10").removesuffix("Configuration")
    return readable_label(entity) if entity else "", prop


def intent_rows(ctx: PolicyContext) -> list[SettingRow]:
    """A row per setting instance; ``valueJson`` is read as JSON and shown in words."""
    rows: list[SettingRow] = []
    for setting in ctx.obj.get("settings") or ():
        if not isinstance(setting, Mapping):
            continue
        definition_id = str(setting.get("definitionId") or setting.get("id") or "")
        category, prop = _parts(definition_id)
        raw_json = setting.get("valueJson")
        try:
            value = json.loads(raw_json) if isinstance(raw_json, str) else setting.get("value")
        except ValueError:
            value = raw_json
        secret = isinstance(value, str) and is_secret_property(prop)
        rows.append(
            ctx.row(category, readable_label(prop), display_value(value, prop), definition_id, value, secret=secret)
        )
    return rows
