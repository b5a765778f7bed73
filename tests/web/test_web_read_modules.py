"""Optional read modules: off until a tenant admin turns them on, then asked for through incremental consent.

Without one, its types are never requested and the snapshot says "not read: module off"; every
other type still collects. Turning one on asks for exactly its scope, and only this tenant's tokens
carry it afterwards.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from intune_assistant.catalog.modules import default_read_scopes
from intune_assistant.snapshot import ProblemKind, TypeStatus

DEVICES_READ = "DeviceManagementManagedDevices.Read.All"
RBAC_READ = "DeviceManagementRBAC.Read.All"


def _snapshot(web, tenant_id: str):  # type: ignore[no-untyped-def]
    kept = [inv for (tid, _), inv in web.app.state.web.policies.kept().items() if tid == tenant_id.lower()]
    assert len(kept) == 1
    return kept[0].snapshot


async def test_onboarding_asks_only_the_default_read_scopes_and_lists_optional_modules_apart(web) -> None:
    await web.sign_in(web.upn("contoso"))
    page = await web.client.get("/onboarding")
    assert 'data-testid="optional-read-modules"' in page.text
    optional = page.text.split('data-testid="optional-read-modules"')[1]
    requested = page.text.split('data-testid="optional-read-modules"')[0]
    assert "Managed devices" in optional and DEVICES_READ in optional
    assert DEVICES_READ not in requested and RBAC_READ not in requested
    started = await web.client.post("/onboarding/start", data={"csrf_token": web.csrf(), "domain": "contoso.com"})
    asked = parse_qs(urlsplit(started.headers["location"]).query)["scope"][0].split()
    assert [a.rpartition("/")[2] for a in asked] == list(default_read_scopes(web.demo.catalog))
    assert DEVICES_READ not in " ".join(asked) and RBAC_READ not in " ".join(asked)


async def test_a_module_that_is_off_is_not_read_and_the_rest_still_collects(web) -> None:
    tenant_id = web.tenant("contoso").tenant_id
    await web.onboarded_admin()
    page = await web.wait_for_policies()
    assert "policies-table" in page.text
    snapshot = _snapshot(web, tenant_id)
    for key in ("managedDevices", "roleDefinitions", "roleAssignments"):
        result = snapshot.results[key]
        assert result.status is TypeStatus.NOT_COLLECTED and result.requests == 0, key
        assert result.problem is not None and result.problem.kind is ProblemKind.MODULE_OFF
        assert "not read" in result.problem.advice().lower() and "is off" in result.problem.advice()
    assert "Managed devices" in snapshot.results["managedDevices"].problem.advice()  # type: ignore[union-attr]
    # Scope tags and device categories need no module (Graph reads them with default scopes).
    for key in ("scopeTags", "deviceCategories", "settingsCatalog", "groups", "users"):
        assert snapshot.status_of(key) is TypeStatus.OK, key
    # No Graph token of this tenant carried an optional scope.
    tokens = [e for e in web.demo.entra.token_log if e.tenant_id == tenant_id and "bearer" in e.grant_type]
    assert tokens and not any(DEVICES_READ in s or RBAC_READ in s for e in tokens for s in e.scopes)


async def test_turning_on_managed_devices_asks_only_its_scope_then_reads_devices(web) -> None:
    contoso = web.tenant("contoso")
    upn = await web.onboarded_admin()
    await web.wait_for_policies()
    settings = await web.client.get("/tenant")
    section = settings.text.split('id="optional-read-modules"')[1].split("</section>")[0]
    assert "Managed devices" in section and DEVICES_READ in section and "Why:" in section
    assert 'data-module="managed-devices"' in section and ">Off<" in section
    started = await web.client.post("/tenant/modules/managed-devices/activate", data={"csrf_token": web.csrf()})
    asked = parse_qs(urlsplit(started.headers["location"]).query)["scope"][0].split()
    assert asked == [f"https://graph.microsoft.com/{DEVICES_READ}"]
    assert not web.registry.get(contoso.tenant_id).modules  # nothing recorded before consent
    done = await web.consent(started, upn)
    assert done.headers["location"] == "/tenant?activated=managed-devices"
    assert web.registry.get(contoso.tenant_id).module_names == frozenset({"managed-devices"})
    page = await web.client.get(done.headers["location"])
    assert "<strong>Managed devices</strong> is active" in page.text
    before = len(web.demo.entra.token_log)
    await web.wait_for_policies()
    snapshot = _snapshot(web, contoso.tenant_id)
    assert snapshot.status_of("managedDevices") is TypeStatus.OK
    assert snapshot.count("managedDevices") == len(contoso.objects["managedDevices"]) > 0
    assert snapshot.status_of("roleDefinitions") is TypeStatus.NOT_COLLECTED  # the other module stays off
    new = [e for e in web.demo.entra.token_log[before:] if "bearer" in e.grant_type]
    assert new and all(DEVICES_READ in {s.rpartition("/")[2] for s in e.scopes} for e in new)
    assert not any("ReadWrite" in s or RBAC_READ in s for e in new for s in e.scopes)
    # Turning it off again stops asking for it.
    off = await web.client.post("/tenant/modules/managed-devices/deactivate", data={"csrf_token": web.csrf()})
    assert off.status_code == 303 and not web.registry.get(contoso.tenant_id).modules
    await web.wait_for_policies()
    assert _snapshot(web, contoso.tenant_id).status_of("managedDevices") is TypeStatus.NOT_COLLECTED


async def test_a_module_without_a_page_in_this_app_is_not_offered(web) -> None:
    await web.onboarded_admin()
    refused = await web.client.post("/tenant/modules/no-such-module/activate", data={"csrf_token": web.csrf()})
    assert refused.status_code == 404 and "not offered" in refused.text
