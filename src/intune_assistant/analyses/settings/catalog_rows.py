"""Settings-catalog (and settings-based compliance) policies → rows, children at any depth.

Each instance becomes one row named by its definition; a choice shows its option's label, a
collection its values joined. Group instances have no value of their own: their children are
rows whose category path ends with the group's name (and the item number when the collection
holds several items). Names come from the definitions when known (collected with the snapshot or
from a definitions file), then from the names shipped with the package, else from the id; each
row says which (``name_source``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import CATEGORY_SEPARATOR, PolicyContext, join_category
from .derived import derived_category, derived_name, derived_option, derived_unit, is_admx_backed, is_generic_name
from .instances import top_instances
from .model import NameSource, SettingRow

__all__ = ["catalog_rows"]


def catalog_rows(ctx: PolicyContext) -> list[SettingRow]:
    """The rows of a settings-catalog or settings-based compliance policy."""
    rows: list[SettingRow] = []
    for instance in top_instances(ctx.obj):
        _walk(ctx, instance, derived_category(str(instance["settingDefinitionId"])), rows)
    return rows


def setting_name(ctx: PolicyContext, definition_id: str, parent: str = "") -> tuple[str, NameSource]:
    """The definition's display name and its source, else one derived from the id.

    A derived name too generic to stand alone ("Name", "Value") is given with ``parent``'s name.
    """
    found = ctx.definitions.name_and_source(definition_id)
    if found is not None:
        return found
    name = derived_name(definition_id)
    if is_generic_name(name) and parent:
        name = f"{parent}: {name}"
    return name, NameSource.DERIVED


def _option(ctx: PolicyContext, definition_id: str, item_id: Any, admx_policy: bool) -> str:
    if not isinstance(item_id, str) or not item_id:
        return "Not configured"
    found = ctx.definitions.option_label(definition_id, item_id)
    return found or derived_option(definition_id, item_id, admx_policy=admx_policy)


def _with_unit(ctx: PolicyContext, definition_id: str, raw: Any) -> str:
    """An integer with its unit where the id names one, else with the definition's allowed range."""
    if isinstance(raw, bool) or not isinstance(raw, int):
        return "" if raw is None else str(raw)
    unit = derived_unit(definition_id)
    if unit:
        return f"{raw} {unit}"
    definition = ctx.definitions.get(definition_id) or {}
    value_definition = definition.get("valueDefinition")
    if isinstance(value_definition, Mapping):
        low, high = value_definition.get("minimumValue"), value_definition.get("maximumValue")
        if isinstance(low, int) and isinstance(high, int) and low < high:
            return f"{raw} (allowed {low}–{high})"
    return str(raw)


def _simple(ctx: PolicyContext, definition_id: str, value: Any) -> tuple[str, Any, bool]:
    """(shown, raw, secret) of a simple setting value."""
    if not isinstance(value, Mapping):
        return _with_unit(ctx, definition_id, value), value, False
    kind = str(value.get("@odata.type", "")).lower()
    secret = "secret" in kind or "valueState" in value or ctx.definitions.is_secret(definition_id)
    raw = value.get("value")
    return _with_unit(ctx, definition_id, raw), raw, secret


def _group_category(category: str, name: str) -> str:
    """The category for a group's children: the group's name replaces an area it merely restates."""
    head, _, last = category.rpartition(CATEGORY_SEPARATOR)
    squash = [p.replace(" ", "").casefold() for p in (last, name)]
    if last and (squash[0].startswith(squash[1]) or squash[1].startswith(squash[0])):
        return join_category(head, name)
    return join_category(category, name)


def _children(value: Any) -> list[Mapping[str, Any]]:
    children = value.get("children") if isinstance(value, Mapping) else None
    return [c for c in children if isinstance(c, Mapping)] if isinstance(children, list) else []


def _walk(
    ctx: PolicyContext,
    instance: Mapping[str, Any],
    category: str,
    rows: list[SettingRow],
    parent: tuple[str, str] = ("", ""),
) -> None:
    """Rows of ``instance`` and its children; ``parent`` is (id, name) of the instance above it."""
    definition_id = str(instance.get("settingDefinitionId", ""))
    name, source = setting_name(ctx, definition_id, parent[1] or category.rpartition(CATEGORY_SEPARATOR)[2])
    deprecated, replacement = ctx.definitions.is_deprecated(definition_id)
    admx_policy = is_admx_backed(definition_id, parent[0])
    here = (definition_id, name)

    def add(value: str, raw: Any, secret: bool = False) -> None:
        rows.append(
            ctx.row(
                category,
                name,
                value,
                definition_id,
                raw,
                secret=secret,
                deprecated=deprecated,
                replacement=replacement,
                name_source=source,
            )
        )

    below = join_category(category, name)
    if "choiceSettingValue" in instance:
        value = instance["choiceSettingValue"]
        item_id = value.get("value") if isinstance(value, Mapping) else None
        add(_option(ctx, definition_id, item_id, admx_policy), item_id)
        for child in _children(value):
            _walk(ctx, child, below, rows, here)
    elif "choiceSettingCollectionValue" in instance:
        values = [v for v in instance.get("choiceSettingCollectionValue") or () if isinstance(v, Mapping)]
        item_ids = [v.get("value") for v in values]
        add(", ".join(_option(ctx, definition_id, i, admx_policy) for i in item_ids), item_ids)
        for value in values:
            for child in _children(value):
                _walk(ctx, child, below, rows, here)
    elif "simpleSettingValue" in instance:
        shown, raw, secret = _simple(ctx, definition_id, instance["simpleSettingValue"])
        add(shown, raw, secret)
    elif "simpleSettingCollectionValue" in instance:
        simple = [_simple(ctx, definition_id, v) for v in instance.get("simpleSettingCollectionValue") or ()]
        add(", ".join(s[0] for s in simple), [s[1] for s in simple], any(s[2] for s in simple))
    elif "groupSettingCollectionValue" in instance or "groupSettingValue" in instance:
        items = instance.get("groupSettingCollectionValue")
        if not isinstance(items, list):
            items = [instance.get("groupSettingValue")]
        items = [i for i in items if isinstance(i, Mapping)]
        if not items:
            add("(none)", [])
        group = _group_category(category, name)
        for number, item in enumerate(items, start=1):
            item_category = f"{group} #{number}" if len(items) > 1 else group
            for child in _children(item):
                _walk(ctx, child, item_category, rows, here)
    else:
        # An instance type this version does not know: keep what it says rather than drop it.
        skip = ("@odata.type", "settingDefinitionId", "settingInstanceTemplateReference", "auditRuleInformation")
        extra = {k: v for k, v in instance.items() if k not in skip and v is not None}
        add(str(extra) if extra else "", extra or None)
