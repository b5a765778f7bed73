"""Template-style objects (legacy profiles, compliance, app protection, enrollment...) → rows.

Every configured property becomes a labelled row; nested objects add to the category path and
lists of objects give one numbered entry each. Fields that describe the object rather than
configure it (ids, names, dates, scope tags, assignments, OData annotations) are left out, and
so is what is not configured: null, empty, ``notConfigured``. Labels and enum values are the admin
center's where the shipped names know the property for the object's ``@odata.type``, else words
made from the property name.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from typing import Any

from .context import PolicyContext, join_category
from .model import NameSource, SettingRow
from .values import display_value, is_secret_property
from .words import readable_label

__all__ = ["META_FIELDS", "decode_text", "property_rows"]

# Fields that describe an object rather than configure it.
META_FIELDS = frozenset(
    {
        "id",
        "displayName",
        "name",
        "description",
        "createdDateTime",
        "lastModifiedDateTime",
        "modifiedDateTime",
        "deletedDateTime",
        "version",
        "roleScopeTagIds",
        "roleScopeTags",
        "assignments",
        "isAssigned",
        "settingCount",
        "supportsScopeTags",
        "creationSource",
        "priorityMetaData",
        "largeIcon",
        "dependentAppCount",
        "supersedingAppCount",
        "supersededAppCount",
        "deployedAppCount",
        "uploadState",
        "publishingState",
        "templateId",
    }
)


def decode_text(encoded: str) -> str | None:
    """Base64 text (scripts, payloads) as a string; None when it is not base64 of text."""
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    printable = sum(c.isprintable() or c in "\r\n\t" for c in text)
    return text if not text or printable / len(text) > 0.95 else None


def _skipped(key: str) -> bool:
    return key.startswith(("@", "#")) or "@odata." in key


def _configured(value: Any, drop_false: bool) -> bool:
    if value is None or value in ("", [], {}):
        return False
    if isinstance(value, str) and value.casefold() == "notconfigured":
        return False
    return not (drop_false and value is False)


def _item_label(item: Mapping[str, Any], label: str, number: int) -> str:
    for field in ("displayName", "name", "profileName", "ruleName", "appConfigKey", "key", "locale"):
        value = item.get(field)
        if isinstance(value, str) and value:
            return f"{label}: {value}"
    return f"{label} #{number}"


def property_rows(
    ctx: PolicyContext,
    obj: Mapping[str, Any],
    *,
    skip: Iterable[str] = (),
    drop_false: bool = False,
    category: str = "",
    path: str = "",
) -> list[SettingRow]:
    """Rows for the configured properties of ``obj`` (``skip``: fields handled elsewhere).

    ``drop_false``: a false boolean means "Not configured" (legacy device configuration and
    compliance profiles store it that way), so it is left out.
    """
    rows: list[SettingRow] = []
    skipped = META_FIELDS | frozenset(skip) | ctx.record.volatile_fields | {c.name for c in ctx.record.children}
    owner = str(obj.get("@odata.type") or "")
    for key, value in obj.items():
        if key in skipped or _skipped(key):
            continue
        _add(ctx, rows, key, value, category, f"{path}.{key}" if path else key, drop_false, owner)
    return rows


def _label(ctx: PolicyContext, owner: str, key: str) -> tuple[str, NameSource]:
    """The admin center's label of ``key`` on objects of type ``owner`` where shipped, else words."""
    shipped = ctx.definitions.shipped
    found = shipped.property_label(owner, key) if shipped is not None and owner else None
    return (found, NameSource.SHIPPED) if found else (readable_label(key), NameSource.DERIVED)


def _shown(ctx: PolicyContext, owner: str, key: str, value: Any) -> str:
    """A leaf value as shown: the admin center's label of an enum value where shipped."""
    shipped = ctx.definitions.shipped
    if isinstance(value, str) and value and shipped is not None and owner:
        found = shipped.property_option(owner, key, value)
        if found:
            return found
    return display_value(value, key)


def _add(
    ctx: PolicyContext,
    rows: list[SettingRow],
    key: str,
    value: Any,
    category: str,
    path: str,
    drop_false: bool,
    owner: str,
) -> None:
    """Rows of property ``key`` of an object of type ``owner`` (nested objects name their own type)."""
    if not _configured(value, drop_false):
        return
    label, source = _label(ctx, owner, key)
    if isinstance(value, Mapping):
        fields = {k: v for k, v in value.items() if not _skipped(k) and k != "id"}
        if not fields and value.get("@odata.type"):
            kind = str(value["@odata.type"]).rsplit(".", 1)[-1]
            rows.append(ctx.row(category, label, readable_label(kind), path, kind, name_source=source))
            return
        inner = str(value.get("@odata.type") or owner)
        for sub_key, sub_value in fields.items():
            below = join_category(category, label)
            _add(ctx, rows, sub_key, sub_value, below, f"{path}.{sub_key}", drop_false, inner)
        return
    if isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
        for number, item in enumerate(value, start=1):
            if not isinstance(item, Mapping):
                continue
            item_category = join_category(category, _item_label(item, label, number))
            inner = str(item.get("@odata.type") or owner)
            for sub_key, sub_value in item.items():
                if sub_key == "id" or _skipped(sub_key):
                    continue
                item_path = f"{path}[{number - 1}].{sub_key}"
                _add(ctx, rows, sub_key, sub_value, item_category, item_path, drop_false, inner)
        return
    secret = isinstance(value, str) and is_secret_property(key, ctx.record.secret_fields)
    shown = _shown(ctx, owner, key, value)
    rows.append(ctx.row(category, label, shown, path, value, secret=secret, name_source=source))
