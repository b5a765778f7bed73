"""No false differences: shuffled lists, OData annotations, new ids and timestamps change nothing.

Property test over the Contoso snapshot: hypothesis picks how to disturb a copy (every list
shuffled, annotations and action stubs sprinkled at any depth, every object id replaced
consistently as another tenant would have them, timestamps, versions and counts changed);
tenant compare and drift must both find zero differences.
"""

from __future__ import annotations

import copy
import uuid
from random import Random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intune_assistant.analyses.compare import compare_drift, compare_tenants
from intune_assistant.snapshot import Names, Snapshot

_VOLATILE = {
    "createdDateTime": "2030-01-01T00:00:00Z",
    "lastModifiedDateTime": "2030-01-02T00:00:00Z",
    "modifiedDateTime": "2030-01-02T00:00:00Z",
    "version": 99,
    "settingCount": 1234,
    "usedLicenseCount": 77,
}
_ANNOTATIONS = (
    ("@odata.context", "https://graph.microsoft.com/beta/$metadata#entity"),
    ("@odata.etag", 'W/"abc"'),
    ("@odata.id", "https://graph.microsoft.com/beta/x"),
    ("settings@odata.navigationLink", "https://graph.microsoft.com/beta/x/settings"),
    ("id@odata.type", "#String"),
    ("#microsoft.graph.assign", {"title": "assign", "target": "https://graph.microsoft.com/beta/x/assign"}),
)


# Objects whose "id" names a global catalogue entry (an ADMX definition), the same in every tenant.
_GLOBAL = ("definition", "presentation")


def _disturb(value: Any, rng: Random, ids: dict[str, str], flags: dict[str, bool], parent: str = "") -> Any:
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key in _VOLATILE and flags["volatile"]:
                result[key] = _VOLATILE[key]
            elif key == "id" and isinstance(item, str) and item not in ids and flags["ids"] and parent not in _GLOBAL:
                # Ids of things nothing references (settings, assignments, definition values).
                result[key] = f"{item}-{rng.randrange(10**6)}"
            else:
                result[key] = _disturb(item, rng, ids, flags, key)
        if flags["annotations"] and rng.random() < 0.3:
            key, annotation = rng.choice(_ANNOTATIONS)
            result[key] = annotation
        items = list(result.items())
        rng.shuffle(items)  # key order means nothing either
        return dict(items)
    if isinstance(value, list):
        items = [_disturb(v, rng, ids, flags, parent) for v in value]
        if flags["shuffle"]:
            rng.shuffle(items)
        return items
    if isinstance(value, str) and flags["ids"]:
        return ids.get(value, value)
    return value


def disturbed(snapshot: Snapshot, seed: int, flags: dict[str, bool]) -> Snapshot:
    """A copy of ``snapshot`` with the same configuration in other clothes."""
    rng = Random(seed)
    ids: dict[str, str] = {}
    if flags["ids"]:
        # Every object gets a new id, and every reference to it follows (as in another tenant).
        for key, items in snapshot.objects.items():
            if key == "securityTemplates":
                continue  # Microsoft's templates: the same ids in every tenant
            if key == "mobileThreatDefenseConnectors":
                # A connector's id is its partner's application id: the same in every tenant.
                ids.update({obj["id"]: obj["id"] for obj in items})
                continue
            for obj in items:
                if isinstance(obj.get("id"), str) and len(obj["id"]) == 36:
                    ids[obj["id"]] = str(uuid.UUID(int=rng.getrandbits(128)))
    objects = {key: [_disturb(o, rng, ids, flags) for o in items] for key, items in snapshot.objects.items()}
    for key in objects:
        if flags["shuffle"]:
            rng.shuffle(objects[key])
    names = snapshot.names
    return Snapshot(
        tenant=copy.deepcopy(snapshot.tenant),
        source=snapshot.source,
        taken_at=snapshot.taken_at,
        objects=objects,
        results=copy.deepcopy(snapshot.results),
        names=Names(
            groups={ids.get(k, k): v for k, v in names.groups.items()},
            filters={ids.get(k, k): v for k, v in names.filters.items()},
            scope_tags=dict(names.scope_tags),
            unresolved_groups={ids.get(g, g) for g in names.unresolved_groups},
        ),
        setting_definitions=snapshot.setting_definitions,
    )


class Original:
    """The snapshot under test, with a short repr (hypothesis prints its arguments on failure)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def __repr__(self) -> str:
        return "<Contoso snapshot>"


@pytest.fixture(scope="module")
def original(contoso: Snapshot) -> Original:
    return Original(contoso)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    flags=st.fixed_dictionaries(
        {"shuffle": st.booleans(), "annotations": st.booleans(), "ids": st.booleans(), "volatile": st.booleans()}
    ),
)
def test_noise_never_makes_a_difference(original: Original, seed: int, flags: dict[str, bool]) -> None:
    contoso = original.snapshot
    noisy = disturbed(contoso, seed, flags)
    across = compare_tenants(contoso, noisy)
    assert across.differences == (), [(o.name, o.changed_settings, o.changed_assignments) for o in across.differences]
    assert across.aligned
    drift = compare_drift(contoso, noisy)
    assert drift.differences == (), [(o.name, o.changed_settings, o.changed_assignments) for o in drift.differences]


def test_the_noise_is_real(contoso: Snapshot) -> None:
    # Guard against a disturbance that silently does nothing.
    everything = {"shuffle": True, "annotations": True, "ids": True, "volatile": True}
    noisy = disturbed(contoso, 1, everything)
    policy = contoso.objects["settingsCatalog"][0]
    twin = next(p for p in noisy.objects["settingsCatalog"] if p["name"] == policy["name"])
    assert twin["id"] != policy["id"] and twin != policy
    assert twin["lastModifiedDateTime"] != policy["lastModifiedDateTime"]
    assert any(k.startswith(("@odata.", "#")) or "@odata." in k for p in noisy.objects["settingsCatalog"] for k in p)
