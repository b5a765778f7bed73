"""Small helpers several test packages share (walking Graph-shaped test data)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def instances(settings: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every settings-catalog setting instance of a policy's ``settings``, children included."""
    stack = [s["settingInstance"] for s in settings]
    while stack:
        instance = stack.pop()
        yield instance
        values = [instance.get("choiceSettingValue")]
        values += instance.get("groupSettingCollectionValue") or []
        values += instance.get("choiceSettingCollectionValue") or []
        for value in values:
            if value:
                stack.extend(value.get("children") or [])
