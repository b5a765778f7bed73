"""Compare sees every field an admin can change: each field of each type's samples, mutated in turn.

Samples are objects of every compared type from the demo tenants (collected through the
emulator) and from the real exports in ``tests/fixtures`` (imported), one or two per kind of
object (``@odata.type``). Each field is changed in turn — a string gets a suffix, a number grows,
a boolean flips, an assignment moves from included to excluded or gains a filter — and the
changed object compared with the original must show a difference (a setting, an assignment or
its name). Fields left alone, each for a reason:

- the fields the catalog declares volatile for the type (ids, timestamps, counts Intune
  computes, template bookkeeping);
- OData annotations (``@odata.context``, ``…@odata.type`` of a value) and action stubs;
- the top-level ``@odata.type`` and a setting instance's ``@odata.type`` (what kind of object or
  value it is, not something an admin edits); an assignment target's ``@odata.type`` is mutated;
- a null field (its type, and so a valid value, is unknown here);
- a secret (the catalog's secret fields, and credentials by name): Graph never returns a secret's
  value, so a secret compares by presence only;
- objects Graph expands beside a reference (an administrative template value's ``definition``
  and ``presentation``, a role assignment's ``roleDefinition``): their fields belong to the
  referenced object, whose own comparison shows them; which one is referenced (its id) is mutated;
- a settings-catalog group's own definition id (it is fixed by the ids of its children).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from tests.support import SAMPLES

from intune_assistant.analyses.compare import compare_policies
from intune_assistant.analyses.compare.engine import COMPARED_KINDS
from intune_assistant.analyses.settings.values import is_secret_property
from intune_assistant.catalog import Catalog, ResourceType
from intune_assistant.collect.importers import import_path
from intune_assistant.snapshot import Snapshot

Path = tuple[str | int, ...]
_EXPANDED = frozenset({"definition", "presentation", "roleDefinition"})
_FILTER_ID = "deviceAndAppManagementAssignmentFilterId"
_FILTER_TYPE = "deviceAndAppManagementAssignmentFilterType"
_PER_KIND = 2
# List items mutated (the rest are the same shape): every setting of a small policy, the first ones of a large.
_ITEMS = 4


def _leaves(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _parent(obj: Any, path: Path) -> Any:
    for part in path[:-1]:
        obj = obj[part]
    return obj


def _left_alone(record: ResourceType, obj: dict[str, Any], path: Path) -> bool:
    names = [p for p in path if isinstance(p, str)]
    last = names[-1] if names else ""
    if any(n.startswith("#") or ("@odata." in n and n != "@odata.type") for n in names):
        return True
    expanded = next((n for n in names if n in _EXPANDED), None)
    if expanded is not None:
        return not (last == "id" and path[-2] == expanded)
    if any(n in record.volatile_fields for n in names):
        return True
    parent = _parent(obj, path)
    if (
        isinstance(parent, dict)
        and isinstance(parent.get(last), str)
        and is_secret_property(last, record.secret_fields)
    ):
        return True
    if last == "@odata.type":
        return not (len(path) >= 2 and path[-2] == "target")
    if last == _FILTER_TYPE:
        return True  # mutated together with the filter id
    if last == "settingDefinitionId":
        return "groupSettingCollectionValue" in _parent(obj, path)
    return False


def _mutated(value: Any, path: Path, snapshot: Snapshot) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if path and path[-1] == "@odata.type":
        # Included group ↔ excluded group; All users / All devices become an included group.
        if value.endswith(".groupAssignmentTarget"):
            return value.replace("groupAssignmentTarget", "exclusionGroupAssignmentTarget")
        return "#microsoft.graph.groupAssignmentTarget"
    return value + "x"


def _mutations(record: ResourceType, obj: dict[str, Any], snapshot: Snapshot) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, changed copy) for each field of the first few items of every list."""
    seen: set[Path] = set()
    for path, value in _leaves(obj):
        shape = tuple(min(p, _ITEMS) if isinstance(p, int) else p for p in path)
        if shape in seen or _left_alone(record, obj, path):
            continue
        if value is None and path[-1] != _FILTER_ID:
            continue
        seen.add(shape)
        changed = copy.deepcopy(obj)
        parent = _parent(changed, path)
        if path[-1] == _FILTER_ID:
            # A filter means something only with its mode: add one, or swap it for another.
            other = next((f for f in snapshot.names.filters if f != value), "filter-not-in-the-tenant")
            parent[_FILTER_ID] = other
            parent[_FILTER_TYPE] = "include" if parent.get(_FILTER_TYPE) in (None, "none") else parent[_FILTER_TYPE]
        else:
            parent[path[-1]] = _mutated(value, path, snapshot)
        yield "/".join(str(p) for p in path), changed


def _samples(snapshot: Snapshot, catalog: Catalog) -> Iterator[tuple[ResourceType, dict[str, Any]]]:
    for record in catalog:
        if record.kind not in COMPARED_KINDS:
            continue
        kinds: dict[object, int] = {}
        for obj in snapshot.read_objects(record.key) or ():
            kind = obj.get("@odata.type")
            if kinds.get(kind, 0) < _PER_KIND:
                kinds[kind] = kinds.get(kind, 0) + 1
                yield record, obj


@pytest.fixture(scope="module")
def samples(contoso: Snapshot, fabrikam: Snapshot) -> dict[str, Snapshot]:
    return {
        "contoso": contoso,
        "fabrikam": fabrikam,
        "intunecd": import_path(SAMPLES / "intunecd-backup"),
        "intunemanagement": import_path(SAMPLES / "intunemanagement-export"),
    }


@pytest.mark.parametrize("source", ["contoso", "fabrikam", "intunecd", "intunemanagement"])
def test_every_field_an_admin_can_change_makes_a_difference(
    source: str, samples: dict[str, Snapshot], catalog: Catalog
) -> None:
    snapshot = samples[source]
    missed: list[str] = []
    per_type: dict[str, int] = {}
    for record, obj in _samples(snapshot, catalog):
        # Only the object itself on each side: fast, and nothing else can hide or make a change.
        alone = dataclasses.replace(snapshot, objects={record.key: [obj]})
        for path, changed in _mutations(record, obj, snapshot):
            other = dataclasses.replace(snapshot, objects={record.key: [changed]})
            [diff] = compare_policies(alone, (record, obj), other, [(record, changed)], catalog=catalog).objects
            per_type[record.key] = per_type.get(record.key, 0) + 1
            if not (diff.changed_settings or diff.changed_assignments or diff.renamed):
                missed.append(f"{record.key}: {path}")
    print(f"{source}: {sum(per_type.values())} mutations over {len(per_type)} types: {per_type}")
    assert per_type, "no sample objects"
    assert not missed, "\n".join(missed)
