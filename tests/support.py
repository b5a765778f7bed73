"""Small helpers several test packages share: where the in-repository fixtures are, walking Graph-shaped data."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from intune_assistant.snapshot import Snapshot

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = FIXTURES / "samples"
"""Real-world exports (MIT, copied with their licenses; see fixtures/README.md): ``intunecd-backup``,
``intunemanagement-export``."""
REFERENCE = FIXTURES / "reference-data"
"""Openly licensed reference data the tests use as an oracle (see fixtures/README.md)."""


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


def without_timings(snapshot: Snapshot) -> Snapshot:
    """``snapshot`` with every type's wall-clock duration zeroed: two reads of the same data compare equal
    however long each took."""
    results = {k: dataclasses.replace(r, duration_s=0.0) for k, r in snapshot.results.items()}
    return dataclasses.replace(snapshot, results=results)
