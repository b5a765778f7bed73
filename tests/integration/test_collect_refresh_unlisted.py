"""A refresh of a list Graph orders by ``lastModifiedDateTime``: the objects below the newest pages
that the audit log names cost one ``/assignments`` read, or nothing when the log records their
deletion, and every change still shows.

Contoso's ordered lists fit on one page, so these tests serve them two to a page (the emulator
pages by the catalog's page size): most objects then sit below the newest page.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import httpx

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.snapshot import Snapshot

from .conftest import GRAPH, collect_demo
from .test_collect_refresh import EVERY_WRITE_SCOPE, _by_id, _group_ids, _group_target, _normal, _unassigned_group

# Every list a refresh reads newest first, and the one record each is changed through.
ORDERED = ("settingsCatalog", "deviceConfigurations", "compliancePolicies", "administrativeTemplates")
SMALL_PAGE = 2


def _small_pages() -> Catalog:
    catalog = default_catalog()
    records = tuple(dataclasses.replace(r, page_size=SMALL_PAGE) if r.modified_order else r for r in catalog.records)
    return Catalog(records=records)


def _oldest_first(snapshot: Snapshot, key: str) -> list[dict[str, Any]]:
    return sorted(snapshot.objects_of(key), key=lambda o: str(o["lastModifiedDateTime"]))


async def _write(demo: DemoTenancy, calls: list[tuple[str, str, dict[str, Any] | None]]) -> list[httpx.Response]:
    demo.entra.grant_consent(demo.tenants["contoso"].tenant_id, EVERY_WRITE_SCOPE)
    token = demo.token("contoso", scopes=[*demo.catalog.read_scopes(), *EVERY_WRITE_SCOPE])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo.app), base_url=GRAPH, headers={"Authorization": f"Bearer {token}"}
    ) as graph:
        return [await graph.request(method, f"/beta/{path}", json=body) for method, path, body in calls]


def test_old_objects_the_audit_log_names_cost_one_assignments_read_and_deleted_ones_nothing() -> None:
    catalog = _small_pages()
    demo = build_demo(["contoso"], options=EmulatorOptions(throttling=False), catalog=catalog)
    first, _ = asyncio.run(collect_demo(demo, "contoso"))
    expected: dict[str, dict[str, Any]] = {}
    calls: list[tuple[str, str, dict[str, Any] | None]] = []
    for key in ORDERED:
        record = catalog[key]
        assigned, gone, renamed = _oldest_first(first, key)[:3]
        group = _unassigned_group(assigned, first)
        kept = [{k: v for k, v in a.items() if k != "id"} for a in assigned.get("assignments", [])]
        body = {record.write.assign_body_key: [*kept, {"target": _group_target(group)}]}
        name = f"Renamed {key}"
        rename = {"@odata.type": renamed["@odata.type"], record.name_field: name}
        calls += [
            ("POST", f"{record.path}/{assigned['id']}/assign", body),
            ("DELETE", f"{record.path}/{gone['id']}", None),
            ("PATCH", f"{record.path}/{renamed['id']}", rename),
        ]
        expected[key] = {"assigned": (assigned["id"], group), "gone": gone["id"], "renamed": (renamed["id"], name)}
    answers = asyncio.run(_write(demo, calls))
    assert all(a.status_code in (200, 204) for a in answers), [a.text for a in answers]

    refreshed, _ = asyncio.run(collect_demo(demo, "contoso", previous=first))
    full, _ = asyncio.run(collect_demo(demo, "contoso"))

    assert _normal(refreshed) == _normal(full)
    for key, change in expected.items():
        objects = _by_id(refreshed, catalog[key].key)
        assigned_id, group = change["assigned"]
        assert group in _group_ids(objects[assigned_id]), key
        assert change["gone"] not in objects, key
        renamed_id, name = change["renamed"]
        assert objects[renamed_id][catalog[key].name_field] == name, key
        assert not refreshed.results[key].read_in_full, key
    # The newest page (the renamed object, then one the previous snapshot had) and the assigned
    # object's /assignments; the deleted object costs nothing. (Device configurations share their
    # list with update rings; administrative templates re-read the renamed one's definition values.)
    for key in ("settingsCatalog", "compliancePolicies"):
        assert refreshed.results[key].requests == 2, key


def test_deleting_an_assignment_keeps_its_policy() -> None:
    catalog = _small_pages()
    demo = build_demo(["contoso"], options=EmulatorOptions(throttling=False), catalog=catalog)
    first, _ = asyncio.run(collect_demo(demo, "contoso", types=["settingsCatalog", "groups"]))
    policy = next(p for p in _oldest_first(first, "settingsCatalog") if p.get("assignments"))
    dropped = policy["assignments"][0]
    path = f"deviceManagement/configurationPolicies/{policy['id']}/assignments/{dropped['id']}"
    answers = asyncio.run(_write(demo, [("DELETE", path, None)]))
    assert [a.status_code for a in answers] == [204], answers[0].text

    refreshed, _ = asyncio.run(collect_demo(demo, "contoso", previous=first, types=["settingsCatalog", "groups"]))

    kept = _by_id(refreshed, "settingsCatalog")[policy["id"]]
    assert dropped["id"] not in {a["id"] for a in kept["assignments"]}
    assert len(kept["assignments"]) == len(policy["assignments"]) - 1


def test_a_change_made_while_the_previous_collection_ran_is_read_again() -> None:
    # The previous collection read policy X before X changed, and Y and Z after they changed later:
    # its newest change (Y's) is newer than X's, so a read stopping there would never list X, and
    # the audit log alone would only say that X was touched.
    catalog = _small_pages()
    demo = build_demo(["contoso"], options=EmulatorOptions(throttling=False), catalog=catalog)
    types = ["settingsCatalog", "groups"]
    first, _ = asyncio.run(collect_demo(demo, "contoso", types=types))
    x, z, y = (p["id"] for p in _oldest_first(first, "settingsCatalog")[:3])
    base = "deviceManagement/configurationPolicies"
    renames = [("PATCH", f"{base}/{pid}", {"name": f"Changed {pid}"}) for pid in (x, z, y)]
    answers = asyncio.run(_write(demo, renames))
    assert [a.status_code for a in answers] == [204, 204, 204], [a.text for a in answers]
    late, _ = asyncio.run(collect_demo(demo, "contoso", types=types))
    read_late = {pid: _by_id(late, "settingsCatalog")[pid] for pid in (y, z)}
    first.objects["settingsCatalog"] = [read_late.get(p["id"], p) for p in first.objects_of("settingsCatalog")]

    refreshed, _ = asyncio.run(collect_demo(demo, "contoso", previous=first, types=types))

    assert _by_id(refreshed, "settingsCatalog")[x]["name"] == f"Changed {x}"
    assert _normal(refreshed) == _normal(late)


def test_a_deletion_the_audit_log_words_otherwise_is_found_by_its_assignments_read() -> None:
    # Should Graph word a deletion another way, the object is still named: its /assignments
    # read answers 404 and the refresh drops it.
    catalog = _small_pages()
    demo = build_demo(["contoso"], options=EmulatorOptions(throttling=False), catalog=catalog)
    types = ["settingsCatalog", "groups"]
    first, _ = asyncio.run(collect_demo(demo, "contoso", types=types))
    gone = _oldest_first(first, "settingsCatalog")[0]["id"]
    answers = asyncio.run(_write(demo, [("DELETE", f"deviceManagement/configurationPolicies/{gone}", None)]))
    assert [a.status_code for a in answers] == [204], answers[0].text
    for event in demo.tenants["contoso"].audit_events:
        event["activityType"] = "Remove policy"

    refreshed, _ = asyncio.run(collect_demo(demo, "contoso", previous=first, types=types))

    assert gone not in _by_id(refreshed, "settingsCatalog")
    assert refreshed.results["settingsCatalog"].requests == 2  # the newest page, then /assignments
