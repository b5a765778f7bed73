"""Deploy with missing groups created first: Contoso's policies into Fabrikam with their assignments;
without the option an object whose group Fabrikam lacks is flagged, with it the group is created
(a static security group) before the objects assigned to it, only with Group.ReadWrite.All; the
emulator refuses a group create Graph refuses."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from tests.integration.conftest import collect_demo

from intune_assistant.catalog.modules import optional_write_scopes, write_scopes
from intune_assistant.changes.apply import ItemStatus, apply_plan
from intune_assistant.changes.deploy import AssignMode, DeployOptions, plan_deploy
from intune_assistant.changes.missing_groups import mail_nickname
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.graph import GraphClient, StaticTokenProvider
from intune_assistant.snapshot import Snapshot

GRAPH = "https://graph.microsoft.com"
GROUP_WRITE = "Group.ReadWrite.All"
OPTIONS = DeployOptions(assign=AssignMode.SOURCE, create_missing_groups=True)


async def _fast(seconds: float) -> None:
    await asyncio.sleep(0)


def _demo() -> DemoTenancy:
    """Contoso and Fabrikam, where Fabrikam's groups called as two Contoso policies' groups are renamed."""
    demo = build_demo(["contoso", "fabrikam"], options=EmulatorOptions())
    scopes = (*write_scopes(demo.catalog)["deploy-baseline"], GROUP_WRITE)
    demo.entra.grant_consent(demo.tenants["fabrikam"].tenant_id, scopes)
    contoso = demo.tenants["contoso"].objects
    names = {g["id"]: g["displayName"] for g in contoso["groups"]}
    used = [
        names[a["target"]["groupId"]]
        for p in contoso["settingsCatalog"]
        for a in p.get("assignments") or []
        if a["target"].get("groupId") in names
    ]
    missing = set(list(dict.fromkeys(used))[:2])
    groups = demo.tenants["fabrikam"].objects["groups"]
    groups[:] = [
        {**g, "displayName": g["displayName"] + " (old)"} if g["displayName"] in missing else g for g in groups
    ]
    return demo


def _client(demo: DemoTenancy, *, groups: bool) -> GraphClient:
    scopes = [*demo.catalog.read_scopes(), *write_scopes(demo.catalog)["deploy-baseline"]]
    token = demo.token("fabrikam", scopes=[*scopes, GROUP_WRITE] if groups else scopes)
    transport = httpx.ASGITransport(app=demo.app)
    return GraphClient(StaticTokenProvider(token), base_url=GRAPH, transport=transport, sleep=_fast)


async def _read(demo: DemoTenancy, name: str) -> Snapshot:
    snapshot, _ = await collect_demo(demo, name)
    return snapshot


def test_the_option_asks_for_group_write_only_when_used() -> None:
    catalog = build_demo(["contoso"]).catalog
    assert GROUP_WRITE not in write_scopes(catalog)["deploy-baseline"]
    assert optional_write_scopes(catalog)["deploy-baseline"] == (GROUP_WRITE,)


@pytest.mark.parametrize(
    ("name", "nickname"),
    [("Pilot devices", "Pilot-devices"), ("Finance (EU) @ HQ", "Finance-EU-HQ"), ("Ünïcode ☃", "n-code"),
     ("***", "group"), ("x" * 100, "x" * 64)],
)  # fmt: skip
def test_mail_nickname_is_one_graph_accepts(name: str, nickname: str) -> None:
    assert mail_nickname(name) == nickname


async def test_missing_groups_created_first_then_assigned_and_a_second_plan_is_empty() -> None:
    demo = _demo()
    contoso, fabrikam = await _read(demo, "contoso"), await _read(demo, "fabrikam")
    flagged = plan_deploy(contoso, fabrikam, DeployOptions(assign=AssignMode.SOURCE))
    missing = [r for r in flagged.rejected if "no group of that name in the target" in r.reason]
    assert missing

    plan = plan_deploy(contoso, fabrikam, OPTIONS)
    creates = [i for i in plan.items if i.object.type_key == "groups"]
    assert creates and all(i.stage == -1 and i.operation == "create" for i in creates)
    waiting = [i for i in plan.items if any("{new:groups/new:" in str(r.body) for r in i.requests)]
    assert waiting and all(i.stage >= 0 for i in waiting)
    (request,) = creates[0].requests
    assert (request.method, request.path, request.version) == ("POST", "groups", "v1.0")
    assert request.body == {
        "displayName": creates[0].object.name,
        "mailEnabled": False,
        "mailNickname": mail_nickname(creates[0].object.name),
        "securityEnabled": True,
    } | ({"description": request.body["description"]} if "description" in request.body else {})
    # Objects flagged only for a missing group are planned now, each naming the group it waits for.
    still = [r for r in plan.rejected if "no group of that name in the target" in r.reason]
    assert still == []
    assert any("created first (not in the target)" in ref for i in plan.items for ref in i.references)
    # A group only a flagged object (say, an unmapped filter) needs is not created.
    used = {i.object.name for i in creates}
    assert len(used) == len(creates)

    async with _client(demo, groups=True) as graph:
        report = await apply_plan(plan, graph)
    failed = [(r.key, r.reason) for r in report.results if r.status is not ItemStatus.APPLIED]
    assert failed == []
    after = await _read(demo, "fabrikam")
    made = {g["displayName"]: g for g in after.objects_of("groups") if g["displayName"] in used}
    assert set(made) == used
    assert all(g["securityEnabled"] and not g["mailEnabled"] and not g.get("groupTypes") for g in made.values())
    new_ids = {g["id"] for g in made.values()}
    targeted: set[str] = set()
    for record_key in {i.object.type_key for i in plan.items if i.object.type_key != "groups"}:
        for obj in after.objects_of(record_key):
            for assignment in obj.get("assignments") or []:
                targeted.add(str(assignment["target"].get("groupId")))
    assert new_ids <= targeted
    assert plan_deploy(contoso, after, OPTIONS).items == ()


async def test_without_group_write_the_group_and_what_waits_for_it_fail_with_the_scope_named() -> None:
    demo = _demo()
    contoso, fabrikam = await _read(demo, "contoso"), await _read(demo, "fabrikam")
    plan = plan_deploy(contoso, fabrikam, OPTIONS)
    group_keys = {i.key for i in plan.items if i.object.type_key == "groups"}
    async with _client(demo, groups=False) as graph:
        report = await apply_plan(plan, graph)
    results = {r.key: r for r in report.results}
    assert all(results[k].status is ItemStatus.FAILED and GROUP_WRITE in results[k].reason for k in group_keys)
    waiting = [i for i in plan.items if any(g in str([r.body for r in i.requests]) for g in group_keys)]
    assert waiting and all(results[i.key].status is not ItemStatus.APPLIED for i in waiting)
    names = {i.object.name for i in plan.items if i.key in group_keys}
    assert not names & {g["displayName"] for g in demo.tenants["fabrikam"].objects["groups"]}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"displayName": "X", "mailEnabled": False, "securityEnabled": True},
         "A value is required for property 'mailNickname' of resource 'Group'."),
        ({"displayName": "X", "mailNickname": "x", "securityEnabled": True},
         "A value is required for property 'mailEnabled' of resource 'Group'."),
        ({"displayName": "X", "mailEnabled": False, "mailNickname": "x y", "securityEnabled": True},
         "Invalid value specified for property 'mailNickname' of resource 'Group'."),
        ({"displayName": "X", "mailEnabled": False, "mailNickname": "a@b", "securityEnabled": True},
         "Invalid value specified for property 'mailNickname' of resource 'Group'."),
        ({"displayName": "X", "mailEnabled": True, "mailNickname": "x", "securityEnabled": True},
         "Only Microsoft 365 groups"),
    ],
)  # fmt: skip
async def test_the_emulator_refuses_a_group_create_graph_refuses(body: dict[str, Any], message: str) -> None:
    demo = _demo()
    async with _client(demo, groups=True) as graph:
        refused = await graph.request("POST", "groups", json=body, version="v1.0")
        made = await graph.request(
            "POST", "groups", json={"displayName": "Made", "mailEnabled": False, "mailNickname": "Made",
                                    "securityEnabled": True}, version="v1.0")  # fmt: skip
    assert refused.error is not None and refused.error.status == 400
    assert refused.error.code == "Request_BadRequest" and message in refused.error.message
    assert made.error is None and made.status == 201 and made.body["displayName"] == "Made"
