"""Records read from one list: device configurations and update rings share
``deviceManagement/deviceConfigurations`` and differ only in an ``isof`` filter. Reading the list
once and splitting it by ``@odata.type`` halves its pages and reads each object once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from intune_assistant.catalog import ResourceType

__all__ = ["record_of", "sharing_groups"]


def _short_type(obj: dict[str, Any]) -> str:
    value = obj.get("@odata.type")
    return value.lstrip("#").removeprefix("microsoft.graph.") if isinstance(value, str) else ""


def sharing_groups(records: Iterable[ResourceType]) -> dict[str, tuple[ResourceType, ...]]:
    """Records read from one list (same path, version and query but the ``$filter`` that splits
    them by type), by key; a record alone on its path is not in the answer."""
    by_list: dict[tuple[str, str, str], list[ResourceType]] = {}
    for record in records:
        if record.delta_select or not record.list_filter:
            continue
        params = {k: v for k, v in record.list_params().items() if k != "$filter"}
        by_list.setdefault((record.path, record.api_version, urlencode(sorted(params.items()))), []).append(record)
    groups: dict[str, tuple[ResourceType, ...]] = {}
    for members in by_list.values():
        if len(members) > 1 and sum(1 for r in members if not r.odata_types or _is_catch_all(r)) == 1:
            for record in members:
                groups[record.key] = tuple(members)
    return groups


def _is_catch_all(record: ResourceType) -> bool:
    # The record whose filter excludes types (``not isof(...)``) takes every type the others do not.
    return bool(record.list_filter and record.list_filter.strip().startswith("not "))


def record_of(group: tuple[ResourceType, ...], item: dict[str, Any]) -> ResourceType:
    """The record of ``group`` an item of the shared list belongs to, by its ``@odata.type``."""
    kind = _short_type(item)
    for record in group:
        if not _is_catch_all(record) and kind in record.odata_types:
            return record
    return next(r for r in group if _is_catch_all(r) or not r.odata_types)
