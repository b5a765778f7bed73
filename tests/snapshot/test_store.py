"""Saving a snapshot as a folder and loading it back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from intune_assistant.snapshot import (
    SCHEMA_VERSION,
    LoadProblem,
    Names,
    NotASnapshotFolderError,
    Problem,
    ProblemKind,
    Snapshot,
    SnapshotError,
    TenantInfo,
    TypeResult,
    TypeStatus,
    load_snapshot,
    save_snapshot,
)

T0 = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def sample_snapshot() -> Snapshot:
    objects: dict[str, list[dict[str, Any]]] = {
        "settingsCatalog": [
            {"id": "p1", "name": "Baseline", "settings": [{"id": "0"}], "assignments": []},
            {"id": "p2", "name": "Baseline", "settings": [], "assignments": []},  # same name twice
            {"name": "No id, same name", "settings": []},
            {"name": "No id, same name", "settings": []},
        ],
        "deviceConfigurations": [
            {"id": "d1", "displayName": "Baseline"},  # same name in another type
            {"id": "d2", "displayName": 'a/b\\c:d*e?f"g<h>i|j'},
            {"id": "d3", "displayName": "Ünïcødé 日本語 ✓"},
            {"id": "d4", "displayName": "CON"},
            {"id": "d5", "displayName": "x" * 300},
            {"id": "guid_Windows10EnrollmentCompletionPageConfiguration" * 2, "displayName": "long id"},
        ],
        "powershellScripts": [],
    }
    return Snapshot(
        tenant=TenantInfo("tid", "contoso.onmicrosoft.com", "Contoso"),
        source="graph",
        taken_at=T0,
        objects=objects,
        results={
            "settingsCatalog": TypeResult("settingsCatalog", TypeStatus.OK, 4, 1.25, 3),
            "deviceConfigurations": TypeResult(
                "deviceConfigurations",
                TypeStatus.PARTIAL,
                6,
                0.5,
                2,
                child_problems=[Problem(ProblemKind.SERVER_ERROR, "x", status=503, part="settings", object_id="d1")],
            ),
            "powershellScripts": TypeResult(
                "powershellScripts",
                TypeStatus.FAILED,
                0,
                0.1,
                1,
                problem=Problem(
                    ProblemKind.MISSING_SCOPE,
                    "Application is not authorized",
                    status=403,
                    code="Forbidden",
                    request_id="r-1",
                    scope="DeviceManagementScripts.Read.All",
                ),
            ),
        },
        names=Names(groups={"g": "G"}, filters={"f": "F"}, scope_tags={"0": "Default"}, unresolved_groups={"z", "a"}),
        problems=[LoadProblem("x/y.json", "broken")],
    )


def test_round_trip_is_exact(tmp_path: Path) -> None:
    snapshot = sample_snapshot()
    manifest = save_snapshot(snapshot, tmp_path / "snap")
    assert manifest == tmp_path / "snap" / "manifest.json"
    loaded = load_snapshot(tmp_path / "snap")
    assert loaded == snapshot
    # Order of types and of objects survives.
    assert list(loaded.objects) == list(snapshot.objects)
    assert list(loaded.results) == list(snapshot.results)
    assert [o.get("id") for o in loaded.objects["settingsCatalog"]] == ["p1", "p2", None, None]


def test_every_object_gets_its_own_file(tmp_path: Path) -> None:
    snapshot = sample_snapshot()
    save_snapshot(snapshot, tmp_path)
    for key, items in snapshot.objects.items():
        files = sorted((tmp_path / "objects" / key).iterdir())
        assert len(files) == len(items)
        for file in files:
            assert file.name.isascii()
            assert len(file.stem) <= 80 + 2 + 64 + 4
            assert not file.name.upper().startswith("CON.")
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["tenant"] == {
        "tenant_id": "tid",
        "domain": "contoso.onmicrosoft.com",
        "display_name": "Contoso",
    }
    assert manifest["source"] == "graph"
    assert manifest["taken_at"] == "2026-03-04T05:06:07.890123+00:00"
    listed = [f for entry in manifest["objects"] for f in entry["files"]]
    assert len(listed) == len(set(listed)) == snapshot.count()
    assert manifest["names"]["unresolved_groups"] == ["a", "z"]


def test_json_is_sorted_indented_utf8(tmp_path: Path) -> None:
    snapshot = sample_snapshot()
    save_snapshot(snapshot, tmp_path)
    unicode_file = next((tmp_path / "objects" / "deviceConfigurations").glob("*__d3.json"))
    text = unicode_file.read_bytes().decode("utf-8")
    assert "Ünïcødé 日本語 ✓" in text
    assert text.startswith('{\n  "displayName"')
    assert text.index('"displayName"') < text.index('"id"')


def test_lone_surrogates_still_round_trip(tmp_path: Path) -> None:
    snapshot = sample_snapshot()
    snapshot.objects["deviceConfigurations"].append({"id": "s", "displayName": "bad \ud800 text"})
    save_snapshot(snapshot, tmp_path)
    assert load_snapshot(tmp_path) == snapshot


def test_corrupted_object_file_is_a_problem_and_the_rest_loads(tmp_path: Path) -> None:
    snapshot = sample_snapshot()
    save_snapshot(snapshot, tmp_path)
    broken = next((tmp_path / "objects" / "settingsCatalog").glob("Baseline__p1.json"))
    broken.write_text('{"id": "p1", "name": ', "utf-8")
    (next((tmp_path / "objects" / "deviceConfigurations").glob("*__d1.json"))).unlink()
    loaded = load_snapshot(tmp_path)
    assert [o.get("id") for o in loaded.objects["settingsCatalog"]] == ["p2", None, None]
    assert len(loaded.objects["deviceConfigurations"]) == 5
    new_problems = loaded.problems[1:]
    assert [p.path for p in new_problems] == [
        "objects/settingsCatalog/Baseline__p1.json",
        "objects/deviceConfigurations/Baseline__d1.json",
    ]
    assert "not valid JSON" in new_problems[0].reason
    assert new_problems[1].reason == "file is missing"
    # A type with an unreadable file is no longer complete.
    assert loaded.status_of("settingsCatalog") is TypeStatus.PARTIAL
    assert loaded.results["settingsCatalog"].child_errors
    assert loaded.status_of("deviceConfigurations") is TypeStatus.PARTIAL


def test_object_file_that_is_not_an_object(tmp_path: Path) -> None:
    save_snapshot(sample_snapshot(), tmp_path)
    next((tmp_path / "objects" / "settingsCatalog").glob("Baseline__p2.json")).write_text("[1, 2]", "utf-8")
    loaded = load_snapshot(tmp_path)
    assert loaded.problems[-1].reason == "expected a JSON object, found an array"


def test_manifest_paths_outside_objects_are_not_read(tmp_path: Path) -> None:
    save_snapshot(sample_snapshot(), tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    manifest["objects"][0]["files"].append("../outside.json")
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    loaded = load_snapshot(tmp_path)
    assert loaded.problems[-1] == LoadProblem("../outside.json", "outside the snapshot's objects folder; not read")


def test_missing_manifest_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match=r"no manifest\.json"):
        load_snapshot(tmp_path)
    with pytest.raises(SnapshotError, match="not a folder"):
        load_snapshot(tmp_path / "nope")


def test_unreadable_manifest_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{", "utf-8")
    with pytest.raises(SnapshotError, match="could not be read"):
        load_snapshot(tmp_path)


def test_newer_schema_names_both_versions(tmp_path: Path) -> None:
    save_snapshot(sample_snapshot(), tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    manifest["schema_version"] = SCHEMA_VERSION + 1
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(tmp_path)
    assert f"schema version {SCHEMA_VERSION + 1}" in str(caught.value)
    assert f"({SCHEMA_VERSION})" in str(caught.value)


def test_a_version_1_snapshot_loads_with_its_reasons_as_problems(tmp_path: Path) -> None:
    # Version 1 kept reasons as text: "error" and "child_errors".
    save_snapshot(sample_snapshot(), tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    manifest["schema_version"] = 1
    for result in manifest["results"]:
        for name in ("problem", "child_problems", "read_in_full"):
            result.pop(name, None)
        result["error"] = "403 Forbidden: needs X" if result["key"] == "powershellScripts" else None
        result["child_errors"] = (
            ["settings of 'Base line': 503: down"] if result["key"] == "deviceConfigurations" else []
        )
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    loaded = load_snapshot(tmp_path)
    assert loaded.schema_version == SCHEMA_VERSION
    failed = loaded.results["powershellScripts"].problem
    assert failed is not None and (failed.kind, failed.message) == (ProblemKind.OTHER, "403 Forbidden: needs X")
    assert loaded.results["powershellScripts"].error == "403 Forbidden: needs X"
    (child,) = loaded.results["deviceConfigurations"].child_problems
    assert (child.part, child.object_name, child.message) == ("settings", "Base line", "503: down")
    assert loaded.results["settingsCatalog"].problem is None and loaded.results["settingsCatalog"].read_in_full


def test_problems_round_trip_with_every_fact(tmp_path: Path) -> None:
    snapshot = sample_snapshot()
    save_snapshot(snapshot, tmp_path)
    problem = load_snapshot(tmp_path).results["powershellScripts"].problem
    assert problem == snapshot.results["powershellScripts"].problem
    assert problem is not None and problem.request_id == "r-1" and problem.scope == "DeviceManagementScripts.Read.All"


@pytest.mark.parametrize("version", [0, -1, "1", None, True])
def test_invalid_schema_version(tmp_path: Path, version: object) -> None:
    save_snapshot(sample_snapshot(), tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    manifest["schema_version"] = version
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(SnapshotError, match="schema_version"):
        load_snapshot(tmp_path)


def test_malformed_manifest_parts_are_clear_errors(tmp_path: Path) -> None:
    save_snapshot(sample_snapshot(), tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    manifest["results"][0]["status"] = "great"
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(SnapshotError, match="status 'great' is unknown"):
        load_snapshot(tmp_path)


def test_overwriting_a_previous_snapshot_replaces_it_whole(tmp_path: Path) -> None:
    first = sample_snapshot()
    save_snapshot(first, tmp_path)
    (tmp_path / "notes.txt").write_text("mine", "utf-8")  # the user's own file beside the snapshot
    second = sample_snapshot()
    second.objects = {"groups": [{"id": "g", "displayName": "G"}]}
    second.results = {}
    save_snapshot(second, tmp_path)
    assert load_snapshot(tmp_path) == second
    assert sorted(p.name for p in (tmp_path / "objects").iterdir()) == ["groups"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "notes.txt", "objects"]


def test_refuses_a_folder_that_holds_something_else(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_text("precious", "utf-8")
    with pytest.raises(NotASnapshotFolderError, match="not empty") as caught:
        save_snapshot(sample_snapshot(), tmp_path)
    assert isinstance(caught.value, OSError)  # the CLI reports OSErrors as one line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis.docx"]
    (tmp_path / "thesis.docx").unlink()
    (tmp_path / "manifest.json").write_text('{"someone": "else"}', "utf-8")
    with pytest.raises(NotASnapshotFolderError):
        save_snapshot(sample_snapshot(), tmp_path)


def test_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", "utf-8")
    with pytest.raises(NotASnapshotFolderError, match="is a file"):
        save_snapshot(sample_snapshot(), target)


def test_leftovers_of_an_interrupted_save_are_cleaned(tmp_path: Path) -> None:
    (tmp_path / ".objects-staging-dead").mkdir()
    (tmp_path / ".objects-staging-dead" / "x.json").write_text("{}", "utf-8")
    save_snapshot(sample_snapshot(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "objects"]


def test_values_that_are_not_json_are_refused(tmp_path: Path) -> None:
    snapshot = sample_snapshot()
    snapshot.objects["settingsCatalog"].append({"id": "n", "value": float("nan")})
    with pytest.raises(SnapshotError, match="not JSON data"):
        save_snapshot(snapshot, tmp_path / "a")
    snapshot = sample_snapshot()
    snapshot.objects["../escape"] = []
    with pytest.raises(SnapshotError, match="cannot be a folder name"):
        save_snapshot(snapshot, tmp_path / "b")
    snapshot = sample_snapshot()
    snapshot.objects["SettingsCatalog"] = []
    with pytest.raises(SnapshotError, match="differ only in case"):
        save_snapshot(snapshot, tmp_path / "c")


def test_a_snapshot_zipped_in_memory_loads_back_the_same_as_a_saved_folder(tmp_path: Path) -> None:
    import io
    import zipfile

    from intune_assistant.snapshot import load_snapshot_files, snapshot_zip

    snapshot = sample_snapshot()
    data = snapshot_zip(snapshot)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        zipped = load_snapshot_files(archive.read, "backup.zip")
    save_snapshot(snapshot, tmp_path / "saved")
    saved = load_snapshot(tmp_path / "saved")
    assert zipped.objects == saved.objects == snapshot.objects
    assert zipped.results == saved.results and zipped.tenant == snapshot.tenant
