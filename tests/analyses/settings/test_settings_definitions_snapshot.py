"""Setting definitions in the snapshot: collected once, saved beside the objects, optional on load."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from intune_assistant.analyses.settings import setting_rows
from intune_assistant.catalog import RECORDS, Catalog
from intune_assistant.emulator.demo import build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.snapshot import DEFINITIONS_PART, ProblemKind, Snapshot, TypeStatus, load_snapshot, save_snapshot

from .conftest import collect_demo


def test_definitions_survive_save_and_load(contoso: Snapshot, tmp_path: Path) -> None:
    save_snapshot(contoso, tmp_path / "snap")
    assert (tmp_path / "snap" / "definitions.json").is_file()
    loaded = load_snapshot(tmp_path / "snap")
    assert loaded.setting_definitions == contoso.setting_definitions
    assert not loaded.problems


def test_snapshot_without_definitions_still_loads(contoso: Snapshot, tmp_path: Path, catalog: Catalog) -> None:
    folder = tmp_path / "old"
    save_snapshot(contoso, folder)
    # What an older version wrote: no definitions file, no "definitions" key in the manifest.
    (folder / "definitions.json").unlink()
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    del manifest["definitions"]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    loaded = load_snapshot(folder)
    assert loaded.setting_definitions == {} and not loaded.problems
    rows = [r for r in setting_rows(loaded, catalog) if r.type_key == "settingsCatalog"]
    assert rows and all(r.name != r.setting_id for r in rows)


def test_a_missing_definitions_file_is_a_problem_not_a_failure(contoso: Snapshot, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    save_snapshot(contoso, folder)
    (folder / "definitions.json").write_text("{not json", encoding="utf-8")
    loaded = load_snapshot(folder)
    assert loaded.setting_definitions == {}
    assert [p.path for p in loaded.problems] == ["definitions.json"]
    assert loaded.count() == contoso.count()


def test_saving_without_definitions_removes_a_stale_file(contoso: Snapshot, tmp_path: Path) -> None:
    folder = tmp_path / "snap"
    save_snapshot(contoso, folder)
    bare = Snapshot(contoso.tenant, contoso.source, contoso.taken_at, contoso.objects, contoso.results, contoso.names)
    save_snapshot(bare, folder)
    assert not (folder / "definitions.json").exists()
    assert load_snapshot(folder).setting_definitions == {}


def test_unreadable_catalogue_is_a_child_error_never_fatal() -> None:
    # An emulator that does not serve configurationSettings: the collector's GET gets a 400.
    without = Catalog(tuple(r for r in RECORDS if r.key != "settingDefinitions"))
    demo = build_demo(["contoso"], options=EmulatorOptions(throttling=False), catalog=without)
    snapshot = asyncio.run(collect_demo(demo, "contoso", catalog=Catalog(RECORDS)))
    result = snapshot.results["settingsCatalog"]
    assert result.status is TypeStatus.OK and snapshot.objects_of("settingsCatalog")
    assert [p.part for p in result.child_problems] == [DEFINITIONS_PART]
    assert result.child_problems[0].kind is ProblemKind.REFUSED  # 400: unknown segment
    assert snapshot.setting_definitions == {}
