"""Microsoft's own Python Graph beta SDK (msgraph-beta-sdk, kiota) against the emulator over HTTPS.

A client we did not write: every catalog type listed through the SDK's request builders with its
assignments and children, every page of the large tenant's long lists followed by the SDK's
PageIterator, a batch sent through its BatchRequestContent, and its errors and retry handler meeting
403, 404 and 429. Every object the emulator holds must arrive and deserialise into the SDK's models
(which checks the shapes and ``@odata.type`` values). The SDK is pointed at the emulator's base URL
and trusts only the emulator's CA: nothing here reaches the internet.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator
from kiota_abstractions.authentication.base_bearer_token_authentication_provider import (
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.serialization import Parsable
from msgraph_beta import GraphRequestAdapter, GraphServiceClient
from msgraph_beta.generated.models.entity import Entity
from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError
from msgraph_beta.generated.models.user import User
from msgraph_core import APIVersion, GraphClientFactory
from msgraph_core.requests.batch_request_builder import BatchRequestBuilder
from msgraph_core.requests.batch_request_content import BatchRequestContent
from msgraph_core.requests.batch_request_item import BatchRequestItem
from msgraph_core.tasks.page_iterator import PageIterator

from intune_assistant.catalog import AssignmentRead, ResourceType, default_catalog
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.emulator.server import EmulatorServer

# The SDK's generated modules and kiota warn about their own deprecated classes as the SDK imports
# them lazily (library noise, not the emulator's).
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning:msgraph_beta.*"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:kiota_abstractions.*"),
]

CATALOG = default_catalog()
# Where each type's objects live among the small demo tenants.
TENANT_OF = {"gdapRelationships": "partner", "gdapCustomers": "partner"}
# The SDK spends ~15 ms deserialising each object (beta Entity's deserializer imports 4,872 model
# modules per call), so the large tenant's 12,900 objects would take minutes: its groups (500
# objects, five pages of 100) stand for the long lists; Contoso's settings catalog (30 objects,
# pages of 25) is paged in the per-type test.
LARGE_LISTS = ("groups",)


class StaticToken(AccessTokenProvider):
    """A bearer token the test already holds, for the emulator's host only."""

    def __init__(self, token: str) -> None:
        self._token = token

    async def get_authorization_token(self, uri: str, additional_authentication_context: Any = None) -> str:
        return self._token

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return AllowedHostsValidator(["localhost"])


class Recording(httpx.AsyncBaseTransport):
    """The transport under the SDK's middleware: sees every attempt, retries included."""

    def __init__(self) -> None:
        self.inner: httpx.AsyncBaseTransport | None = None
        self.seen: list[tuple[float, str, int, str | None]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert self.inner is not None
        response = await self.inner.handle_async_request(request)
        self.seen.append(
            (time.monotonic(), request.url.path, response.status_code, response.headers.get("Retry-After"))
        )
        return response

    async def aclose(self) -> None:
        if self.inner is not None:
            await self.inner.aclose()


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def collection(graph: GraphServiceClient, path: str) -> Any:
    """The SDK's request builder for ``path`` (``deviceManagement/configurationPolicies``)."""
    builder: Any = graph
    for segment in path.split("/"):
        builder = getattr(builder, snake(segment))
    return builder


def item(builder: Any, object_id: str) -> Any:
    """``builder.by_…_id(object_id)``."""
    by_id = next(name for name in dir(builder) if name.startswith("by_") and name.endswith("_id"))
    return getattr(builder, by_id)(object_id)


def config(builder: Any, **params: Any) -> RequestConfiguration[Any]:
    """A request configuration with the builder's own GET query-parameter class."""
    cls = next(getattr(type(builder), n) for n in dir(type(builder)) if n.endswith("GetQueryParameters"))
    return RequestConfiguration(query_parameters=cls(**params))


async def every_item(adapter: GraphRequestAdapter, first: Any) -> list[Any]:
    """Every object of a paged list, following nextLinks with the SDK's PageIterator."""
    found: list[Any] = []
    iterator = PageIterator(first, adapter)

    def keep(obj: Any) -> bool:
        found.append(obj)
        return True

    await iterator.iterate(keep)
    return found


@pytest.fixture(scope="module")
def small() -> Iterator[tuple[DemoTenancy, EmulatorServer]]:
    demo = build_demo(("contoso", "partner"))
    with EmulatorServer(demo.app) as server:
        yield demo, server


@pytest.fixture(scope="module")
def large() -> Iterator[tuple[DemoTenancy, EmulatorServer]]:
    demo = build_demo(("large",))
    with EmulatorServer(demo.app) as server:
        yield demo, server


class Sdk:
    """The SDK as an application builds it, with an httpx client that trusts only the emulator's CA."""

    def __init__(self, server: EmulatorServer, token: str, recording: Recording | None = None) -> None:
        self._transport = httpx.AsyncHTTPTransport(verify=server.ssl_context())
        outer: httpx.AsyncBaseTransport = self._transport
        if recording is not None:
            recording.inner = self._transport
            outer = recording
        self._http = httpx.AsyncClient(
            transport=outer,
            verify=server.ssl_context(),
            trust_env=False,  # REQUESTS_CA_BUNDLE/SSL_CERT_FILE must not replace the emulator's CA
            timeout=60,
        )
        http = GraphClientFactory.create_with_default_middleware(api_version=APIVersion.beta, client=self._http)
        self.adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(StaticToken(token)), client=http)
        self.adapter.base_url = f"{server.base_url}/beta"
        self.graph = GraphServiceClient(request_adapter=self.adapter)

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._transport.aclose()


@pytest.fixture
async def contoso_sdk(small: tuple[DemoTenancy, EmulatorServer]) -> AsyncIterator[dict[str, Sdk]]:
    demo, server = small
    clients = {name: Sdk(server, demo.token(name)) for name in ("contoso", "partner")}
    yield clients
    for client in clients.values():
        await client.aclose()


def stored(demo: DemoTenancy, record: ResourceType) -> list[dict[str, Any]]:
    tenant = demo.tenants[TENANT_OF.get(record.key, "contoso")]
    if record.key == "settingDefinitions":
        return list(tenant.setting_definitions)
    if record.key == "auditEvents":
        return [*tenant.audit_history, *tenant.audit_events]
    return list(tenant.objects.get(record.key, []))


def check_model(obj: Any, expected: dict[str, Any]) -> None:
    """The SDK built a model of the object's own @odata.type with its id."""
    assert isinstance(obj, Parsable)
    assert obj.odata_type == expected["@odata.type"]
    class_name = expected["@odata.type"].rsplit(".", 1)[-1].lower()
    # A type the SDK does not know would fall back to the base class of the collection.
    assert type(obj).__name__.lower() == class_name.lower(), (type(obj).__name__, expected["@odata.type"])
    if isinstance(obj, Entity):
        assert obj.id == expected["id"]


@pytest.mark.parametrize("record", tuple(CATALOG), ids=lambda r: r.key)
async def test_sdk_reads_every_catalog_type(
    record: ResourceType, small: tuple[DemoTenancy, EmulatorServer], contoso_sdk: dict[str, Sdk]
) -> None:
    """Each type, its assignments and its children, through the SDK's fluent request builders."""
    demo, _ = small
    sdk = contoso_sdk[TENANT_OF.get(record.key, "contoso")]
    graph = sdk.graph
    expected = {o["id"]: o for o in stored(demo, record)}
    builder = collection(graph, record.path)
    if record.singleton:
        # GET deviceManagement with the catalog's $select: one object, the SDK's model of it.
        (only,) = expected.values()
        one = await builder.get(request_configuration=config(builder, select=(record.select or "id").split(",")))
        check_model(one, only)
        for name in record.select.split(",") if record.select else ():
            # Every selected property the emulator holds arrived and deserialised.
            assert (getattr(one, snake(name)) is None) == (only.get(name) is None), name
        return
    params: dict[str, Any] = {}
    if record.list_filter:
        params["filter"] = record.list_filter
    if record.assignments is AssignmentRead.LIST_EXPAND:
        params["expand"] = ["assignments"]
    first = await builder.get(request_configuration=config(builder, **params)) if params else await builder.get()
    got = await every_item(sdk.adapter, first)
    assert sorted(o.id for o in got) == sorted(expected)
    for obj in got:
        check_model(obj, expected[obj.id])
    assignable = record.assignments in (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM)
    for obj in got[:3]:
        parent = item(builder, obj.id)
        if assignable:
            assignments = await parent.assignments.get()
            assert [a.id for a in assignments.value] == [a["id"] for a in expected[obj.id].get("assignments", [])]
            if record.assignments is AssignmentRead.LIST_EXPAND:
                assert [a.id for a in obj.assignments] == [a.id for a in assignments.value]
        for child in record.children:
            if child.name == "members":
                continue  # directory membership: a directoryObject list, read in the batch test
            answer = await getattr(parent, snake(child.name)).get()
            children = await every_item(sdk.adapter, answer)
            assert [c.id for c in children] == [c["id"] for c in expected[obj.id].get(child.name, [])]
            for grandchild in child.children:
                for child_obj in children[:2]:
                    deeper = await getattr(
                        item(getattr(parent, snake(child.name)), child_obj.id), snake(grandchild.name)
                    ).get()
                    stored_child = next(c for c in expected[obj.id][child.name] if c["id"] == child_obj.id)
                    assert [g.id for g in deeper.value] == [g["id"] for g in stored_child.get(grandchild.name, [])]


async def test_sdk_pages_through_the_large_lists(large: tuple[DemoTenancy, EmulatorServer]) -> None:
    """The SDK's PageIterator follows every nextLink of the long lists to the last object."""
    demo, server = large
    sdk = Sdk(server, demo.token("large"))
    graph = sdk.graph
    try:
        for key in LARGE_LISTS:
            record = CATALOG[key]
            expected = {o["id"] for o in demo.tenants["large"].objects[key]}
            builder = collection(graph, record.path)
            first = await builder.get()
            got = await every_item(sdk.adapter, first)
            assert len(got) == len(expected), key
            assert {o.id for o in got} == expected, key
    finally:
        await sdk.aclose()


async def test_sdk_batch_request_content(
    small: tuple[DemoTenancy, EmulatorServer], contoso_sdk: dict[str, Sdk]
) -> None:
    """A batch through the SDK's BatchRequestContent and batch request builder (the SDK strips the
    version from each URL, json-batching.md): answered per request id with its status and headers."""
    demo, _ = small
    graph = contoso_sdk["contoso"].graph
    policy = demo.tenants["contoso"].objects["settingsCatalog"][0]
    group = demo.tenants["contoso"].objects["groups"][0]
    content = BatchRequestContent()
    requests = {
        "policy": item(graph.device_management.configuration_policies, policy["id"]).to_get_request_information(),
        "members": graph.groups.by_group_id(group["id"]).members.to_get_request_information(),
        "missing": item(graph.device_management.configuration_policies, "nope").to_get_request_information(),
    }
    for request_id, info in requests.items():
        content.add_request(request_id, BatchRequestItem(request_information=info, id=request_id))
    response = await BatchRequestBuilder(contoso_sdk["contoso"].adapter).post(batch_request_content=content)
    statuses = response.get_response_status_codes()
    assert statuses == {"policy": 200, "members": 200, "missing": 404}
    for request_id in requests:
        answer = response.get_response_by_id(request_id)
        assert answer is not None and answer.id == request_id
        assert answer.content_type is not None and answer.content_type.startswith("application/json")
    # The bodies themselves the SDK drops: kiota-python reads a batch answer's body as base64 bytes
    # and gives None for a JSON object (microsoft/kiota-python#737), as it does against Graph.


async def test_sdk_meets_403_and_404_as_odata_errors(
    small: tuple[DemoTenancy, EmulatorServer], contoso_sdk: dict[str, Sdk]
) -> None:
    """Graph's error bodies parse into the SDK's ODataError with their status and code."""
    graph = contoso_sdk["contoso"].graph
    with pytest.raises(ODataError) as forbidden:
        await graph.applications.get()
    with pytest.raises(ODataError) as missing:
        await item(graph.device_management.configuration_policies, "00000000-0000-4000-8000-000000000000").get()
    assert forbidden.value.response_status_code == 403
    assert forbidden.value.error is not None and forbidden.value.error.code == "Authorization_RequestDenied"
    assert missing.value.response_status_code == 404
    assert missing.value.error is not None and missing.value.error.code == "ResourceNotFound"


async def test_sdk_retry_handler_honours_retry_after() -> None:
    """throttling.md: on 429 wait the ``Retry-After`` seconds, then retry — the SDK's retry handler
    parses the header as whole seconds and waits that long."""
    # The SDK's first deserialisation imports every model module (seconds): done before the clock runs.
    User().get_field_deserializers()
    # Two requests per 3 s: the third waits for the window (Retry-After 1-3 s, whole seconds).
    demo = build_demo(("partner",), options=EmulatorOptions(app_request_limit=2, throttle_window_s=3.0))
    user_id = demo.tenants["partner"].objects["users"][0]["id"]
    with EmulatorServer(demo.app) as server:
        recording = Recording()
        sdk = Sdk(server, demo.token("partner"), recording)
        try:
            for _ in range(3):
                user = await sdk.graph.users.by_user_id(user_id).get()
                assert user is not None and user.id == user_id
        finally:
            await sdk.aclose()
    statuses = [status for _, _, status, _ in recording.seen]
    assert statuses.count(429) >= 1 and statuses[-1] == 200
    throttled = next(i for i, (_, _, status, _) in enumerate(recording.seen) if status == 429)
    when, _, _, retry_after = recording.seen[throttled]
    assert retry_after is not None and retry_after.isdigit()
    waited = recording.seen[throttled + 1][0] - when
    assert waited >= int(retry_after) * 0.95
