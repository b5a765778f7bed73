"""Per catalog type, the requests its Graph page documents and the response it shows.

For each type (its page in ``graph_docs.DOCS``): the "HTTP request" ``GET /{path}`` and
``GET /{path}/{id}``, the navigations the resource page lists (``/{id}/assignments``, children), and
the "Optional query parameters" (``$select``, ``$top``, ``$expand``). The "Response" sections show
``200 OK``, an ``@odata.context`` of ``https://graph.microsoft.com/{version}/$metadata#{path}``
(``…/$entity`` for one object), a ``value`` array, and ``@odata.type`` on each object.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.emulator.graph.conformance.graph_docs import DOCS

from intune_assistant.catalog import AssignmentRead, ResourceType, default_catalog
from intune_assistant.emulator.graph.routing import serves

RECORDS = tuple(default_catalog())
# Collections (lists, items, paging); singletons (GET deviceManagement) have their own test.
COLLECTIONS = tuple(r for r in RECORDS if not r.singleton)
# ``deviceManagement`` itself; the single-valued navigations below it (the APNs certificate, Managed
# Google Play) answer an entity with ``…/$entity`` and 404 while unset.
SINGLETONS = tuple(r for r in RECORDS if r.singleton and "/" not in r.path)
NAVIGATION_SINGLETONS = tuple(r for r in RECORDS if r.singleton and "/" in r.path)
ROOT = "https://graph.microsoft.com"
# GDAP relationships and customers live in the partner's tenant; every other type in Contoso's.
TENANT_OF = {"gdapRelationships": "partner", "gdapCustomers": "partner"}


def stored(env: Any, record: ResourceType) -> list[dict[str, Any]]:
    if record.key == "settingDefinitions":
        return list(env.tenant.setting_definitions)
    if record.key == "auditEvents":
        return [*env.tenant.audit_history, *env.tenant.audit_events]
    return list(env.tenant.objects.get(record.key, []))


def items_of(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for page in pages for item in page["value"]]


def list_url(version: str, record: ResourceType, **params: str) -> str:
    if record.list_filter:
        params = {"$filter": record.list_filter, **params}
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/{version}/{record.path}" + (f"?{query}" if query else "")


def navigations(record: ResourceType) -> set[str]:
    names = {c.name for c in record.children} | set(record.list_expand)
    if record.assignments in (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM):
        names.add("assignments")
    return names


@pytest.fixture
def env_of(demo_env: Any) -> Any:
    return lambda record: demo_env(TENANT_OF.get(record.key, "contoso"))


def test_every_catalog_type_has_its_doc() -> None:
    """The suite covers every type the catalog declares."""
    assert {r.key for r in RECORDS} == set(DOCS)


@pytest.mark.parametrize("record", COLLECTIONS, ids=lambda r: r.key)
async def test_list_as_documented(record: ResourceType, env_of: Any, pages: Any) -> None:
    """``GET /{path}`` ("HTTP request"); "Response": 200, the collection's context, every object with
    its documented ``@odata.type`` and no navigation unless expanded."""
    env = env_of(record)
    doc = DOCS[record.key]
    expected = stored(env, record)
    versions = [v for v in ("beta", "v1.0") if serves(record, v)]
    async with env.client() as client:
        for version in versions:
            first = await client.get(list_url(version, record))
            assert first.status_code == 200, first.text
            assert first.headers["content-type"].startswith("application/json")
            assert first.json()["@odata.context"] == f"{ROOT}/{version}/$metadata#{record.path}"
            got = items_of(await pages(client, list_url(version, record)))
            assert sorted(o["id"] for o in got) == sorted(o["id"] for o in expected), version
    for obj in got:
        odata_type = obj["@odata.type"]
        if doc.subtypes:
            assert odata_type.startswith("#microsoft.graph.") and odata_type != "#microsoft.graph."
        else:
            assert odata_type == f"#microsoft.graph.{doc.entity_type}", doc.page
        assert not navigations(record) & set(obj), f"navigation in a plain list of {record.key}"


@pytest.mark.parametrize("record", COLLECTIONS, ids=lambda r: r.key)
async def test_item_as_documented(record: ResourceType, env_of: Any) -> None:
    """``GET /{path}/{id}``: 200, ``…/$entity`` context, the object with its ``@odata.type``; an unknown
    id is 404 (the Get page's "Response" and errors.md)."""
    env = env_of(record)
    expected = stored(env, record)
    async with env.client() as client:
        missing = await client.get(f"/beta/{record.path}/00000000-0000-4000-8000-00000000dead")
        answers = [(obj, await client.get(f"/beta/{record.path}/{obj['id']}")) for obj in expected[:3]]
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] in ("ResourceNotFound", "Request_ResourceNotFound")
    for obj, response in answers:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["@odata.context"] == f"{ROOT}/beta/$metadata#{record.path}/$entity"
        assert body["id"] == obj["id"]
        assert body["@odata.type"] == obj["@odata.type"]


ASSIGNABLE = [r for r in RECORDS if r.assignments in (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM)]


@pytest.mark.parametrize("record", ASSIGNABLE, ids=lambda r: r.key)
async def test_assignments_as_documented(record: ResourceType, env_of: Any, pages: Any) -> None:
    """The resource page's ``assignments`` relationship: ``GET /{path}/{id}/assignments`` and
    ``$expand=assignments`` on the list, each with its ``@odata.context``."""
    env = env_of(record)
    expected = {o["id"]: o.get("assignments", []) for o in stored(env, record)}
    async with env.client() as client:
        listed = items_of(await pages(client, list_url("beta", record, **{"$expand": "assignments"})))
        one = next(iter(expected))
        per_item = await client.get(f"/beta/{record.path}/{one}/assignments")
    assert {o["id"]: o["assignments"] for o in listed} == expected
    for obj in listed:
        assert obj["assignments@odata.context"] == f"{ROOT}/beta/$metadata#{record.path}('{obj['id']}')/assignments"
    assert per_item.status_code == 200
    assert per_item.json()["@odata.context"] == f"{ROOT}/beta/$metadata#{record.path}('{one}')/assignments"
    assert per_item.json()["value"] == expected[one]


WITH_CHILDREN = [r for r in RECORDS if r.children]


@pytest.mark.parametrize("record", WITH_CHILDREN, ids=lambda r: r.key)
async def test_children_as_documented(record: ResourceType, env_of: Any, pages: Any) -> None:
    """``GET /{path}/{id}/{navigation}`` for each relationship the resource page lists (settings,
    definitionValues → presentationValues, scheduledActionsForRule, apps, members, accessAssignments,
    localizedNotificationMessages), every object of every parent."""
    env = env_of(record)
    async with env.client() as client:
        for parent in stored(env, record)[:4]:
            for child in record.children:
                url = f"/beta/{record.path}/{parent['id']}/{child.name}"
                got = items_of(await pages(client, url))
                if child.name == "members":
                    assert len(got) <= len(parent.get("members", []))  # dangling references are skipped
                    continue
                assert [c["id"] for c in got] == [c["id"] for c in parent.get(child.name, [])], url
                for grandchild in child.children:
                    for item in parent.get(child.name, [])[:2]:
                        deeper = items_of(await pages(client, f"{url}/{item['id']}/{grandchild.name}"))
                        assert [g["id"] for g in deeper] == [g["id"] for g in item.get(grandchild.name, [])]


@pytest.mark.parametrize("record", COLLECTIONS, ids=lambda r: r.key)
async def test_optional_query_parameters(record: ResourceType, env_of: Any) -> None:
    """ "Optional query parameters": ``$select`` returns the selected properties (plus ``id`` and
    ``@odata.type``); ``$top=1`` gives one object and a nextLink when there are more (unpaged
    configurationSettings ignore it, intune-deviceconfigv2 pages)."""
    env = env_of(record)
    expected = stored(env, record)
    name = record.name_field
    async with env.client() as client:
        selected = await client.get(list_url("beta", record, **{"$select": f"id,{name}"}))
        top = await client.get(list_url("beta", record, **{"$top": "1"}))
    assert selected.status_code == 200, selected.text
    for obj in selected.json()["value"]:
        assert set(obj) <= {"id", "@odata.type", name}
    assert top.status_code == 200
    if record.page_size == 0:
        assert len(top.json()["value"]) == len(expected) and "@odata.nextLink" not in top.json()
    elif len(expected) > 1 and not record.list_filter:
        assert len(top.json()["value"]) == 1 and "$skiptoken=" in top.json()["@odata.nextLink"]


@pytest.mark.parametrize("record", SINGLETONS, ids=lambda r: r.key)
async def test_singleton_as_documented(record: ResourceType, env_of: Any) -> None:
    """A singleton's Get page: ``GET /{path}`` answers the object itself (no ``value``) with the
    singleton's context (OData JSON format §10.1: ``$metadata#deviceManagement``); its "Optional
    query parameters" take ``$select``; ``/{id}`` below it is not a route (400)."""
    env = env_of(record)
    doc = DOCS[record.key]
    (expected,) = stored(env, record)
    async with env.client() as client:
        whole = await client.get(f"/beta/{record.path}")
        selected = await client.get(f"/beta/{record.path}?$select={record.select}")
        below = await client.get(f"/beta/{record.path}/{expected['id']}")
    assert whole.status_code == 200, whole.text
    body = whole.json()
    assert body["@odata.context"] == f"{ROOT}/beta/$metadata#{record.path}"
    assert "value" not in body and body["id"] == expected["id"]
    assert body["@odata.type"] == f"#microsoft.graph.{doc.entity_type}", doc.page
    assert selected.status_code == 200, selected.text
    assert set(selected.json()) - {"@odata.context", "@odata.type"} == set((record.select or "").split(","))
    assert below.status_code == 400


async def test_tenant_settings_properties_by_path(env_of: Any) -> None:
    """deviceManagement's complex properties addressed by path (``GET deviceManagement/settings``, as
    backup tools read them) answer the singleton's own values, with the property's context."""
    record = default_catalog()["tenantSettings"]
    env = env_of(record)
    (expected,) = stored(env, record)
    async with env.client() as client:
        for name in ("settings", "managedDeviceCleanupSettings"):
            response = await client.get(f"/beta/deviceManagement/{name}")
            assert response.status_code == 200, response.text
            body = response.json()
            assert body.pop("@odata.context") == f"{ROOT}/beta/$metadata#deviceManagement/{name}"
            assert body == expected[name]


@pytest.mark.parametrize("record", NAVIGATION_SINGLETONS, ids=lambda r: r.key)
async def test_single_valued_navigation_as_documented(record: ResourceType, demo_env: Any) -> None:
    """The Get page of a singleton (intune-devices-applepushnotificationcertificate-get,
    intune-androidforwork-androidmanagedstoreaccountenterprisesettings-get): ``GET /{path}`` answers
    200 with the object, its ``…/$entity`` context and ``@odata.type``; ``$select`` applies; a key
    after it is no segment of Graph's (400)."""
    env = demo_env("contoso")
    doc = DOCS[record.key]
    (expected,) = stored(env, record)
    async with env.client() as client:
        versions = [v for v in ("beta", "v1.0") if serves(record, v)]
        answers = {v: await client.get(f"/{v}/{record.path}") for v in versions}
        selected = await client.get(f"/beta/{record.path}?$select=id,{record.name_field}")
        keyed = await client.get(f"/beta/{record.path}/{expected['id']}")
    for version, response in answers.items():
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["@odata.context"] == f"{ROOT}/{version}/$metadata#{record.path}/$entity"
        assert body["@odata.type"] == f"#microsoft.graph.{doc.entity_type}"
        assert body["id"] == expected["id"]
    assert selected.status_code == 200
    assert set(selected.json()) <= {"@odata.context", "@odata.type", "id", record.name_field}
    assert keyed.status_code == 400


async def test_unset_apple_push_certificate_is_404(demo_env: Any) -> None:
    """A tenant without an Apple MDM push certificate: Graph answers its Get with 404 (the certificate
    is not set up; errors.md ``ResourceNotFound``)."""
    env = demo_env("partner")
    async with env.client() as client:
        response = await client.get("/beta/deviceManagement/applePushNotificationCertificate")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ResourceNotFound"
