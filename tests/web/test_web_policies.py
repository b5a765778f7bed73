"""The Policies view: progress by type, unknown types with their reason, server-side query, isolation."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import Problem, ProblemKind, Snapshot, TenantInfo, TypeResult, TypeStatus
from intune_assistant.web.policies.query import policy_listing, policy_table
from intune_assistant.web.policies.rows import build_rows

SCRIPTS_FORBIDDEN = Problem(
    ProblemKind.MISSING_SCOPE, "Forbidden", status=403, scope="DeviceManagementScripts.Read.All"
)


async def test_first_visit_shows_progress_by_type_then_the_table(web) -> None:
    await web.onboarded_admin()
    page = await web.client.get("/policies")
    assert "Reading the tenant" in page.text and "Settings catalog" in page.text
    assert 'hx-get="/policies/progress"' in page.text
    deadline = time.monotonic() + 30
    while True:
        fragment = await web.client.get("/policies/progress", headers={"HX-Request": "true"})
        if fragment.headers.get("HX-Refresh") == "true":
            break
        assert 'id="progress"' in fragment.text and "<html" not in fragment.text
        assert time.monotonic() < deadline
    ready = await web.client.get("/policies")
    assert "policies-table" in ready.text and "Reading the tenant" not in ready.text
    assert "Not everything could be read" not in ready.text


def test_rows_name_scope_tags_and_keep_failed_types_as_unknown() -> None:
    catalog = default_catalog()
    snapshot = Snapshot(
        tenant=TenantInfo(tenant_id="t", domain="contoso.com"),
        source="graph",
        taken_at=datetime(2025, 1, 1, tzinfo=UTC),
        objects={
            "settingsCatalog": [
                {
                    "id": "1",
                    "name": "WIN - Baseline",
                    "platforms": "windows10",
                    "roleScopeTagIds": ["0", "7"],
                    "lastModifiedDateTime": "2025-01-02T03:04:05Z",
                    "assignments": [{"target": {}}, {"target": {}}],
                }
            ],
            "scopeTags": [{"id": "0", "displayName": "Default"}],
        },
        results={
            "settingsCatalog": TypeResult("settingsCatalog", TypeStatus.OK, 1, 0.1),
            "powershellScripts": TypeResult(
                "powershellScripts",
                TypeStatus.FAILED,
                0,
                0.1,
                problem=Problem(
                    ProblemKind.MISSING_SCOPE, "Forbidden", status=403, scope="DeviceManagementScripts.Read.All"
                ),
            ),
        },
    )
    snapshot.names.scope_tags.update({"0": "Default"})
    rows, problems = build_rows(snapshot, catalog)
    assert len(rows) == 1
    row = rows[0]
    assert (row.name, row.platform, row.assignments, row.modified_text) == (
        "WIN - Baseline",
        "Windows 10 and later",
        2,
        "2025-01-02 03:04",
    )
    assert row.scope_tags == ("Default", "Unknown tag 7")
    failed = {p.type_label: p for p in problems}
    assert failed["PowerShell scripts"].status is TypeStatus.FAILED
    assert "DeviceManagementScripts.Read.All" in failed["PowerShell scripts"].reason
    # Types never attempted are unknown too, never silently empty.
    assert failed["Apps"].status is TypeStatus.NOT_COLLECTED


async def test_failed_types_are_shown_as_unknown_with_the_missing_permission(web) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies()
    service = web.app.state.web.policies
    (inventory,) = service.kept().values()
    catalog = default_catalog()
    snapshot = Snapshot(
        tenant=TenantInfo(),
        source="graph",
        taken_at=datetime.now(UTC),
        objects={},
        results={
            "powershellScripts": TypeResult(
                "powershellScripts",
                TypeStatus.FAILED,
                0,
                0.1,
                problem=Problem(
                    ProblemKind.MISSING_SCOPE, "Forbidden", status=403, scope="DeviceManagementScripts.Read.All"
                ),
            )
        },
    )
    _, problems = build_rows(snapshot, catalog)
    inventory.problems = problems
    page = await web.client.get("/policies")
    assert "Not everything could be read" in page.text
    assert "lack DeviceManagementScripts.Read.All" in page.text
    assert "PowerShell scripts</strong>: unknown" in page.text


async def test_a_user_without_an_intune_role_gets_one_message_naming_the_role(web) -> None:
    # The partner tenant's technician signs in to the onboarded tenant with no Intune role: every
    # Intune type answers 403. One message names the role that would do, with a correlation id;
    # the types it blocks are listed as unknown, and no consented permission is blamed.
    await web.onboarded_admin("partner")
    web.forget_browser()
    signed_in = await web.sign_in(web.upn("partner", "none"))
    assert signed_in.status_code == 303, signed_in.text
    page = await web.wait_for_policies()
    assert "Reading the tenant" not in page.text
    assert page.text.count('data-testid="problem-cause"') == 1
    assert "ask for Intune Read Only Operator or higher" in page.text
    assert page.text.count('data-testid="correlation-id"') == 1
    assert "Settings catalog</strong>: unknown" in page.text
    assert "Read.All" not in page.text
    assert "No object matches the search" not in page.text  # unknown, never an empty table
    assert 'data-testid="nothing-read"' in page.text


def test_query_parsing_falls_back_and_pages_cover_everything() -> None:
    catalog = default_catalog()
    listing = policy_listing(catalog)
    state = listing.state({"sort": "evil", "dir": "sideways", "page": "-3", "per": "7", "q": " x "})
    assert (state.sort, state.dir, state.page, state.per, state.q) == ("name", "asc", 1, 50, "x")
    assert listing.state({"q": "a b", "sort": "type", "dir": "desc", "page": "2"}).params() == (
        "q=a+b&sort=type&dir=desc&page=2"
    )
    assert listing.state({"sort": "type"}).sort_url("type") == "/policies?sort=type&dir=desc"
    objects = [{"id": str(i), "name": f"P{i:03}", "platforms": "windows10"} for i in range(120)]
    snapshot = Snapshot(
        tenant=TenantInfo(),
        source="graph",
        taken_at=datetime.now(UTC),
        objects={"settingsCatalog": objects},
        results={"settingsCatalog": TypeResult("settingsCatalog", TypeStatus.OK, 120, 0.1)},
    )
    rows, _ = build_rows(snapshot, catalog)
    table = policy_table(rows, catalog)
    matched = table.select(listing.state({"q": "p1", "sort": "name", "dir": "desc"}))
    assert [r.name for r in matched][:2] == ["P119", "P118"] and len(matched) == 20
    last = table.page(listing.state({"q": "p", "page": "99", "per": "25"}))
    assert (last.page, last.pages, last.first, last.last, last.matched) == (5, 5, 101, 120, 120)


async def test_cached_data_is_kept_per_tenant_and_user(web) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies()
    web.forget_browser()
    await web.sign_in(web.upn("contoso", "readOnly"))
    await web.wait_for_policies()
    keys = list(web.app.state.web.policies.kept())
    assert len(keys) == 2 and keys[0][0] == keys[1][0] and keys[0][1] != keys[1][1]
