"""Bulk delete: assigned objects flagged, a typed confirmation, the backup (each object with its
settings and assignments, in the snapshot format restore reads) before the first delete, gone
from the lists afterwards, an edit made after the plan never deleted, a re-run reports it done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from intune_assistant.changes import ObjectKey
from intune_assistant.changes.apply import ItemStatus, apply_plan
from intune_assistant.changes.deletes import (
    ConfirmationMismatch,
    check_confirmation,
    confirmation_phrase,
    plan_deletes,
)
from intune_assistant.graph import GraphClient, StaticTokenProvider
from intune_assistant.snapshot import Snapshot, load_snapshot, save_snapshot

from .conftest import Writable


def _keys(writable: Writable, type_key: str, count: int) -> list[ObjectKey]:
    return [ObjectKey(type_key, str(o["id"])) for o in writable.tenant.objects[type_key][:count]]


def test_assigned_objects_are_flagged_and_the_plan_needs_its_typed_phrase(writable: Writable) -> None:
    keys = _keys(writable, "settingsCatalog", 20)
    plan = plan_deletes(writable.snapshot, keys)
    assert len(plan.items) == 20 and plan.rejected == ()
    assert all(i.requests[0].method == "DELETE" for i in plan.items)
    assigned = [i for i in plan.items if i.warnings]
    stored = {o["id"]: o for o in writable.tenant.objects["settingsCatalog"]}
    assert {i.object.id for i in assigned} == {k.id for k in keys if stored[k.id]["assignments"]}
    assert all(
        w.startswith("assigned: deleting it takes its settings away from ") for i in assigned for w in i.warnings
    )
    assert confirmation_phrase(plan) == "delete 20 objects"
    check_confirmation(plan, "  Delete 20   objects ")
    for typed in (None, "", "yes", "delete 19 objects"):
        with pytest.raises(ConfirmationMismatch, match="type exactly: delete 20 objects"):
            check_confirmation(plan, typed)


def test_what_bulk_delete_may_not_touch_is_refused(writable: Writable) -> None:
    group = writable.tenant.objects["groups"][0]
    plan = plan_deletes(writable.snapshot, [ObjectKey("groups", group["id"]), ObjectKey("settingsCatalog", "x")])
    assert plan.items == ()
    assert [r.reason for r in plan.rejected] == [
        "'Groups' objects can't be deleted here",
        "no 'Settings catalog' object with id x in the tenant",
    ]


async def test_delete_20_policies_with_a_backup_restore_can_read_first(writable: Writable, tmp_path: Path) -> None:
    keys = _keys(writable, "settingsCatalog", 15) + _keys(writable, "deviceConfigurations", 5)
    before = {o["id"]: o for k in ("settingsCatalog", "deviceConfigurations") for o in writable.tenant.objects[k]}
    plan = plan_deletes(writable.snapshot, keys)
    written: list[int] = []

    async def keep(backup: Snapshot) -> None:
        written.append(len(writable.tenant.audit_events))
        save_snapshot(backup, tmp_path / "backup", writable.demo.catalog)

    async with writable.client() as graph:
        report = await apply_plan(plan, graph, on_backup=keep)
    assert [r.status for r in report.results] == [ItemStatus.APPLIED] * 20, report.results
    assert written == [0]  # the backup was handed over before anything was deleted
    left = {o["id"] for k in ("settingsCatalog", "deviceConfigurations") for o in writable.tenant.objects[k]}
    assert left == set(before) - {k.id for k in keys}
    again = await writable.recollect()
    assert not {k.id for k in keys} & {str(o["id"]) for o in again.objects_of("settingsCatalog")}

    backup = load_snapshot(tmp_path / "backup")
    backed = {str(o["id"]): o for k in ("settingsCatalog", "deviceConfigurations") for o in backup.objects_of(k)}
    assert set(backed) == {k.id for k in keys}
    for object_id, obj in backed.items():
        original = before[object_id]
        assert obj.get("name", obj.get("displayName")) == original.get("name", original.get("displayName"))
        assert len(obj["assignments"]) == len(original["assignments"])
        if "settings" in original:
            assert [s["settingInstance"] for s in obj["settings"]] == [
                s["settingInstance"] for s in original["settings"]
            ]

    async with writable.client() as graph:
        rerun = await apply_plan(plan, graph)
    assert [r.reason for r in rerun.results] == ["already deleted"] * 20
    assert rerun.backup is None and all(r.requests == 0 for r in rerun.results)


async def test_an_object_edited_after_the_plan_is_not_deleted(writable: Writable) -> None:
    keys = _keys(writable, "settingsCatalog", 2)
    plan = plan_deletes(writable.snapshot, keys)
    async with writable.client() as graph:
        edited = await graph.request(
            "PATCH", f"deviceManagement/configurationPolicies/{keys[0].id}", json={"description": "edited meanwhile"}
        )
        assert edited.error is None
        report = await apply_plan(plan, graph)
    assert [r.status for r in report.results] == [ItemStatus.SKIPPED, ItemStatus.APPLIED]
    assert report.results[0].reason.startswith("changed since plan: it was edited after the plan was made")
    assert keys[0].id in {o["id"] for o in writable.tenant.objects["settingsCatalog"]}


async def test_a_read_only_admin_deletes_nothing_and_is_told_why(writable: Writable) -> None:
    plan = plan_deletes(writable.snapshot, _keys(writable, "settingsCatalog", 1))
    count = len(writable.tenant.objects["settingsCatalog"])
    async with writable.client(writable.token(role="readOnly")) as graph:
        report: Any = await apply_plan(plan, graph)
    assert report.results[0].status is ItemStatus.FAILED
    assert report.results[0].reason.startswith("403: your Intune role doesn't allow changing")
    assert len(writable.tenant.objects["settingsCatalog"]) == count


class _SettingsRefused(httpx.AsyncBaseTransport):
    """Graph as the emulator answers it, except that reading a policy's settings is refused."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/settings"):
            body = {"error": {"code": "Forbidden", "message": "refused for the test"}}
            return httpx.Response(403, json=body)
        return await self.inner.handle_async_request(request)


async def test_an_object_whose_settings_cannot_be_backed_up_is_not_deleted(writable: Writable) -> None:
    keys = _keys(writable, "settingsCatalog", 1) + _keys(writable, "powershellScripts", 1)
    plan = plan_deletes(writable.snapshot, keys)
    transport = _SettingsRefused(httpx.ASGITransport(app=writable.demo.app))
    async with GraphClient(StaticTokenProvider(writable.token()), transport=transport) as graph:
        report = await apply_plan(plan, graph)
    first, second = report.results
    assert first.status is ItemStatus.FAILED and first.requests == 0
    assert first.reason.startswith("not deleted: it couldn't all be read for the backup: 403")
    assert second.status is ItemStatus.APPLIED
    assert keys[0].id in {o["id"] for o in writable.tenant.objects["settingsCatalog"]}
    assert report.backup is not None and report.backup.read_objects("settingsCatalog") is None
