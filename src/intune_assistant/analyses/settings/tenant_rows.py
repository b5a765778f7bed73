"""Policy sets, Company Portal branding and reusable settings → setting rows.

A policy set's "settings" are the objects it bundles: one row per item, named by the item's type
in Intune's words (catalog facts) and valued by the bundled object's name, with an app's install
intent. A branding profile's ``displayName`` is the organization name users see, not the
profile's own name (``profileName``), so it is a setting here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from intune_assistant.catalog import odata_subtype, type_name_of

from .catalog_rows import catalog_rows
from .context import PolicyContext
from .model import SettingRow
from .property_rows import property_rows
from .words import readable_enum

__all__ = ["branding_rows", "policy_set_rows", "reusable_rows"]

_ITEMS = "items"
_INSTANCE = "settingInstance"


def policy_set_rows(ctx: PolicyContext) -> list[SettingRow]:
    """The set's own properties, then one row per bundled item (by the bundled object's id)."""
    rows = property_rows(ctx, ctx.obj)
    for item in ctx.obj.get(_ITEMS) or ():
        if not isinstance(item, Mapping):
            continue
        payload = str(item.get("payloadId") or item.get("id") or "")
        name = str(item.get("displayName") or payload)
        kind = odata_subtype(item.get("itemType"))
        intent = item.get("intent")
        shown = f"{name} ({readable_enum(intent)})" if isinstance(intent, str) and intent else name
        # Keyed by what is bundled (type and name), never by id: another tenant's copy of the
        # object has another id. The id stays in the value, where compare reads it as the name.
        raw = {"payloadId": payload, "itemType": kind, "displayName": item.get("displayName"), "intent": intent}
        rows.append(ctx.row("Items", type_name_of(ctx.record.key, item), shown, f"{_ITEMS}[{kind}|{name}]", raw))
    return rows


def branding_rows(ctx: PolicyContext) -> list[SettingRow]:
    """Branding properties, with the organization name users see first."""
    rows = property_rows(ctx, ctx.obj, skip=("profileName",))
    shown = ctx.obj.get("displayName")
    if isinstance(shown, str):
        rows.insert(0, ctx.row("", "Organization name", shown, "displayName", shown))
    return rows


def reusable_rows(ctx: PolicyContext) -> list[SettingRow]:
    """A reusable setting's values (Endpoint security's firewall address lists, device control
    groups) read like a settings-catalog policy's: its one instance walked, names from the id."""
    rows = property_rows(ctx, ctx.obj, skip=(_INSTANCE,))
    instance = ctx.obj.get(_INSTANCE)
    if isinstance(instance, Mapping):
        rows += catalog_rows(replace(ctx, obj={"settings": [{"settingInstance": instance}]}))
    return rows
