"""Fixtures for the Graph emulator tests: a small hand-built tenant, tokens, apps and clients.

The synthetic tenant generator is not used here: these tests need a tenant whose every object is
known, so each test can assert exact ids, counts and pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.emulator.graph import EmulatorOptions, create_graph_app
from intune_assistant.emulator.tenants import demo_tenants
from intune_assistant.emulator.tenants.model import Operator, TenantData
from intune_assistant.emulator.tokens import DEMO_API_CLIENT_ID, TestTokenIssuer

GRAPH = "https://graph.microsoft.com"
TENANT_ID = "11111111-1111-4111-8111-111111111111"
OTHER_TENANT_ID = "22222222-2222-4222-8222-222222222222"
ADMIN_ID = "a0000000-0000-4000-8000-000000000001"
READER_ID = "a0000000-0000-4000-8000-000000000002"
NOROLE_ID = "a0000000-0000-4000-8000-000000000003"
USERS = {
    "admin": (ADMIN_ID, "admin@contoso.example", "Ada Admin"),
    "reader": (READER_ID, "reader@contoso.example", "Rita Reader"),
    "norole": (NOROLE_ID, "nobody@contoso.example", "Nora Norole"),
}

RING_TYPE = "#microsoft.graph.windowsUpdateForBusinessConfiguration"
PARENT_DEF = "device_vendor_msft_policy_config_defender_allowrealtimemonitoring"
CHILD_DEF = "device_vendor_msft_policy_config_defender_scanparameter"
OTHER_DEF = "device_vendor_msft_policy_config_browser_allowautofill"


def _assignment(parent: str, group: str) -> dict[str, Any]:
    return {
        "id": f"{parent}_{group}",
        "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": group},
    }


def _setting(index: int, definition: str, child: str | None = None) -> dict[str, Any]:
    children = []
    if child is not None:
        children.append(
            {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
                "settingDefinitionId": child,
                "simpleSettingValue": {"value": 5},
            }
        )
    return {
        "id": str(index),
        "settingInstance": {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
            "settingDefinitionId": definition,
            "choiceSettingValue": {"value": f"{definition}_1", "children": children},
        },
    }


def _definition(def_id: str, name: str) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingDefinition",
        "id": def_id,
        "name": name,
        "displayName": name,
        "options": [{"itemId": f"{def_id}_1", "displayName": "Allowed"}],
    }


def build_tenant(tenant_id: str = TENANT_ID) -> TenantData:
    """A small tenant whose every object the tests know."""
    policies = []
    for i in range(30):
        pid = f"cp-{i:02d}"
        settings = [_setting(0, PARENT_DEF, CHILD_DEF), _setting(1, OTHER_DEF)]
        if i == 0:
            settings += [_setting(n, OTHER_DEF) for n in range(2, 30)]
        policies.append(
            {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
                "id": pid,
                "name": f"Policy {i:02d}",
                "platforms": "windows10",
                "technologies": "mdm",
                "assignments": [_assignment(pid, "g-all")],
                "settings": settings,
            }
        )
    device_configs = [
        {
            "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
            "id": f"dc-{i:02d}",
            "displayName": f"Config {i:02d}",
            "assignments": [_assignment(f"dc-{i:02d}", "g-all")],
        }
        for i in range(20)
    ]
    rings = [
        {"@odata.type": RING_TYPE, "id": f"ring-{i}", "displayName": f"Ring {i}", "assignments": []} for i in range(8)
    ]
    compliance = [
        {
            "@odata.type": "#microsoft.graph.windows10CompliancePolicy",
            "id": "comp-1",
            "displayName": "Windows compliance",
            "assignments": [],
            "scheduledActionsForRule": [
                {
                    "id": "rule-1",
                    "ruleName": "PasswordRequired",
                    "scheduledActionConfigurations": [
                        {"id": "act-1", "actionType": "block", "gracePeriodHours": 0},
                        {"id": "act-2", "actionType": "notification", "gracePeriodHours": 24},
                    ],
                }
            ],
        }
    ]
    admx = [
        {
            "id": "gpo-1",
            "displayName": "Edge ADMX",
            "assignments": [],
            "definitionValues": [
                {
                    "id": "dv-1",
                    "enabled": True,
                    "definition": {"id": "def-1", "displayName": "Configure home page"},
                    "presentationValues": [
                        {
                            "@odata.type": "#microsoft.graph.groupPolicyPresentationValueText",
                            "id": "pv-1",
                            "value": "https://intranet.example",
                            "presentation": {"id": "pres-1", "label": "Home page URL"},
                        }
                    ],
                }
            ],
        }
    ]
    scripts = [
        {
            "@odata.type": "#microsoft.graph.deviceManagementScript",
            "id": f"ps-{i}",
            "displayName": f"Script {i}",
            "fileName": f"script{i}.ps1",
            "scriptContent": "V3JpdGUtSG9zdCAnaGVsbG8n",
            "assignments": [],
        }
        for i in range(2)
    ]
    remediations = [
        {
            "id": "rem-1",
            "displayName": "Fix it",
            "publisher": "Contoso",
            "detectionScriptContent": "ZGV0ZWN0",
            "remediationScriptContent": "cmVtZWRpYXRl",
            "assignments": [],
        }
    ]
    apps = [
        {
            "@odata.type": "#microsoft.graph.winGetApp",
            "id": f"app-{i}",
            "displayName": f"App {i}",
            "assignments": [],
        }
        for i in range(3)
    ]
    autopilot = [{"id": "ap-1", "displayName": "Autopilot", "assignments": []}]
    enrollment = [
        {
            "@odata.type": "#microsoft.graph.deviceEnrollmentLimitConfiguration",
            "id": "enr-1",
            "displayName": "Limit",
            "assignments": [_assignment("enr-1", "g-all")],
        }
    ]
    users = [
        {
            "id": f"u-{i:03d}",
            "displayName": f"User {i:03d}",
            "userPrincipalName": f"user{i:03d}@contoso.example",
        }
        for i in range(250)
    ]
    devices = [{"id": f"d-{i}", "deviceId": f"dev-{i}", "displayName": f"PC-{i}"} for i in range(3)]

    def ref(kind: str, object_id: str) -> dict[str, str]:
        return {"@odata.type": f"#microsoft.graph.{kind}", "id": object_id}

    groups = [
        {
            "id": "g-all",
            "displayName": "All staff",
            "groupTypes": [],
            "members": [*(ref("user", f"u-{i:03d}") for i in range(3)), ref("group", "g-nested")],
        },
        {
            "id": "g-nested",
            "displayName": "Nested",
            "groupTypes": [],
            "members": [ref("user", "u-010"), ref("device", "d-0"), ref("group", "g-cycle")],
        },
        {
            "id": "g-cycle",
            "displayName": "Cycle",
            "groupTypes": [],
            # Back to g-nested: a cycle, and u-010 again through it.
            "members": [ref("user", "u-011"), ref("group", "g-nested"), ref("user", "u-010")],
        },
        {
            "id": "g-dynamic",
            "displayName": "Dynamic devices",
            "groupTypes": ["DynamicMembership"],
            "membershipRule": '(device.deviceOSType -eq "Windows")',
            "members": [ref("device", "d-1")],
        },
    ]
    return TenantData(
        tenant_id=tenant_id,
        domain="contoso.example",
        display_name="Contoso",
        objects={
            "settingsCatalog": policies,
            "deviceConfigurations": device_configs,
            "updateRings": rings,
            "compliancePolicies": compliance,
            "administrativeTemplates": admx,
            "powershellScripts": scripts,
            "remediations": remediations,
            "mobileApps": apps,
            "autopilotProfiles": autopilot,
            "enrollmentConfigurations": enrollment,
            "scopeTags": [{"id": "0", "displayName": "Default", "assignments": []}],
            "users": users,
            "entraDevices": devices,
            "groups": groups,
        },
        setting_definitions=[
            _definition(PARENT_DEF, "Allow realtime monitoring"),
            _definition(CHILD_DEF, "Scan parameter"),
            _definition(OTHER_DEF, "Allow autofill"),
        ],
        operators=[
            Operator(ADMIN_ID, USERS["admin"][1], USERS["admin"][2], "admin"),
            Operator(READER_ID, USERS["reader"][1], USERS["reader"][2], "readOnly"),
            Operator(NOROLE_ID, USERS["norole"][1], USERS["norole"][2], "none"),
        ],
    )


class FakeTime:
    """A monotonic clock that moves only when told (or when something sleeps)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def all_scopes(catalog: Catalog, *, write: bool = True) -> tuple[str, ...]:
    """Every read scope of the catalog (a partner's too), plus every write scope when ``write``."""
    scopes = [*catalog.read_scopes(), *catalog.partner_scopes()]
    if write:
        scopes += [r.write_scope for r in catalog if r.write_scope]
    return tuple(dict.fromkeys(scopes))


class Env:
    """Builds apps, tokens and clients over one fresh tenant."""

    tenant_id = TENANT_ID

    def __init__(self, issuer: TestTokenIssuer) -> None:
        self.issuer = issuer
        self.catalog = default_catalog()
        self.tenant = build_tenant()
        self.fake_time = FakeTime()

    @staticmethod
    def build_tenant(tenant_id: str) -> TenantData:
        """Another tenant with the same content."""
        return build_tenant(tenant_id)

    def options(self, **kwargs: Any) -> EmulatorOptions:
        """Options with fake time, no throttling and no shuffling unless given."""
        defaults: dict[str, Any] = {
            "clock": self.fake_time.clock,
            "sleep": self.fake_time.sleep,
            "throttling": False,
        }
        return EmulatorOptions(**{**defaults, **kwargs})

    def app(self, options: EmulatorOptions | None = None, tenants: Mapping[str, TenantData] | None = None) -> Starlette:
        return create_graph_app(
            tenants if tenants is not None else {self.tenant_id: self.tenant},
            verifier=self.issuer,
            catalog=self.catalog,
            options=options or self.options(),
        )

    def token(
        self,
        user: str = "admin",
        *,
        scopes: Iterable[str] | None = None,
        tenant_id: str = TENANT_ID,
        app_id: str = DEMO_API_CLIENT_ID,
    ) -> str:
        user_id, upn, name = USERS[user]
        return self.issuer.issue_graph_token(
            tenant_id=tenant_id,
            user_id=user_id,
            upn=upn,
            name=name,
            scopes=all_scopes(self.catalog) if scopes is None else scopes,
            app_id=app_id,
        )

    def client(
        self,
        app: Starlette | None = None,
        *,
        user: str = "admin",
        scopes: Iterable[str] | None = None,
        token: str | None = None,
        app_id: str = DEMO_API_CLIENT_ID,
    ) -> httpx.AsyncClient:
        bearer = token if token is not None else self.token(user, scopes=scopes, app_id=app_id)
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app if app is not None else self.app()),
            base_url=GRAPH,
            headers={"Authorization": f"Bearer {bearer}"} if bearer else {},
        )


class DemoEnv(Env):
    """Like ``Env``, over a synthetic demo tenant (read-only tests: the tenant is shared)."""

    def __init__(self, issuer: TestTokenIssuer, tenant: TenantData) -> None:
        super().__init__(issuer)
        self.tenant = tenant
        self.tenant_id = tenant.tenant_id

    def token(
        self,
        user: str = "admin",
        *,
        scopes: Iterable[str] | None = None,
        tenant_id: str = "",
        app_id: str = DEMO_API_CLIENT_ID,
    ) -> str:
        role = "admin" if user == "admin" else "readOnly"
        operator = next(o for o in self.tenant.operators if o.role == role and o.enabled)
        return self.issuer.issue_graph_token(
            tenant_id=tenant_id or self.tenant_id,
            user_id=operator.user_id,
            upn=operator.user_principal_name,
            name=operator.display_name,
            scopes=(*self.catalog.read_scopes(), *self.catalog.partner_scopes()) if scopes is None else scopes,
            app_id=app_id,
        )


@pytest.fixture(scope="session")
def issuer() -> TestTokenIssuer:
    return TestTokenIssuer()


@pytest.fixture(scope="session")
def demo_data() -> dict[str, TenantData]:
    """The synthetic demo tenants (built once; tests must not write to them)."""
    return demo_tenants()


@pytest.fixture
def demo_env(issuer: TestTokenIssuer, demo_data: dict[str, TenantData]) -> Any:
    """``demo_env("partner")`` → a ``DemoEnv`` over that demo tenant."""
    return lambda name: DemoEnv(issuer, demo_data[name])


@pytest.fixture
def contoso(issuer: TestTokenIssuer, demo_data: dict[str, TenantData]) -> DemoEnv:
    """Contoso with the token the product holds: the catalog's read scopes, an admin operator."""
    return DemoEnv(issuer, demo_data["contoso"])


@pytest.fixture
def env(issuer: TestTokenIssuer) -> Env:
    return Env(issuer)


async def collect_pages(client: httpx.AsyncClient, url: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Every page of a list, following nextLinks to the end."""
    pages = []
    next_url: str | None = url
    while next_url:
        response = await client.get(next_url, **kwargs)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        next_url = page.get("@odata.nextLink")
        assert len(pages) < 100, "nextLinks do not end"
    return pages


@pytest.fixture
def pages() -> Any:
    """``await pages(client, url)`` → every page of a list."""
    return collect_pages
