"""The Snapshot model: status, look-ups, names and time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from intune_assistant.snapshot import (
    Names,
    NotRead,
    Problem,
    ProblemKind,
    Snapshot,
    TenantInfo,
    TypeResult,
    TypeStatus,
)

T0 = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def make(**kwargs: object) -> Snapshot:
    base: dict[str, object] = {"tenant": TenantInfo(), "source": "graph", "taken_at": T0, "objects": {}}
    base.update(kwargs)
    return Snapshot(**base)  # type: ignore[arg-type]


def test_a_type_not_read_is_not_collected_not_empty() -> None:
    snapshot = make(
        objects={"settingsCatalog": []},
        results={"settingsCatalog": TypeResult("settingsCatalog", TypeStatus.OK, 0, 0.1)},
    )
    assert snapshot.status_of("settingsCatalog") is TypeStatus.OK
    assert snapshot.status_of("powershellScripts") is TypeStatus.NOT_COLLECTED
    # Read and empty answers []; never collected answers "unknown", never [].
    assert snapshot.objects_of("settingsCatalog") == []
    assert snapshot.read_objects("settingsCatalog") == []
    assert snapshot.read_objects("powershellScripts") is None
    with pytest.raises(NotRead) as raised:
        snapshot.objects_of("powershellScripts")
    assert raised.value.status is TypeStatus.NOT_COLLECTED


def test_a_failed_type_is_unknown_with_its_reason() -> None:
    forbidden = Problem(ProblemKind.MISSING_ROLE, "An error has occurred", status=403, role="Intune Read Only Operator")
    snapshot = make(
        objects={"settingsCatalog": []},
        results={"settingsCatalog": TypeResult("settingsCatalog", TypeStatus.FAILED, 0, 0.1, problem=forbidden)},
    )
    assert snapshot.read_objects("settingsCatalog") is None
    with pytest.raises(NotRead, match="ask for Intune Read Only Operator"):
        snapshot.objects_of("settingsCatalog")


def test_count_per_type_and_total() -> None:
    snapshot = make(objects={"a": [{}, {}], "b": [{}]})
    assert snapshot.count() == 3
    assert snapshot.count("a") == 2
    assert snapshot.count("missing") == 0


def test_display_name_uses_the_records_name_field() -> None:
    snapshot = make()
    assert snapshot.display_name("settingsCatalog", {"name": "SC", "displayName": "ignored"}) == "SC"
    assert snapshot.display_name("deviceConfigurations", {"displayName": "DC", "name": "x"}) == "DC"
    assert snapshot.display_name("notInCatalog", {"name": "N"}) == "N"
    assert snapshot.display_name("groups", {"id": "g1"}) == "g1"
    assert snapshot.display_name("groups", {}) == ""


def test_taken_at_must_be_aware_and_is_kept_in_utc() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make(taken_at=datetime(2026, 1, 1))
    plus_two = timezone(timedelta(hours=2))
    snapshot = make(taken_at=datetime(2026, 1, 1, 12, tzinfo=plus_two))
    assert snapshot.taken_at == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert snapshot.taken_at.utcoffset() == timedelta(0)


def test_names_lookups_and_update_keep_first_source() -> None:
    names = Names(groups={"g1": "One"}, unresolved_groups={"g2", "g3"})
    assert names.group("g1") == "One"
    assert names.group("nope") is None
    assert names.filter("f") is None
    assert names.scope_tag("7") is None
    assert names.scope_tag("0") == "Default"  # the built-in tag, known in every tenant
    names.update(Names(groups={"g1": "Other", "g2": "Two"}, filters={"f": "F"}, scope_tags={"7": "Paris"}))
    assert names.groups == {"g1": "One", "g2": "Two"}
    assert names.filter("f") == "F"
    assert names.scope_tag("7") == "Paris"
    # A group that became known is no longer unresolved.
    assert names.unresolved_groups == {"g3"}
