"""The Compare pages: policy vs policy, tenant vs baseline (built-in and uploaded), downloads, refusals."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.support import SAMPLES

from intune_assistant.baselines import builtin_baseline
from intune_assistant.snapshot import save_snapshot


def _zip_of(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, f"baseline/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


async def _policy_ids(web, typed: str = "Defender Antivirus") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Names → ids of the policies the left picker offers for ``typed`` (search-as-you-type)."""
    page = await web.wait_for_policies("/compare/policies")
    assert page.status_code == 200
    options = await web.client.get("/compare/policies/options", params={"side": "left", "left_q": typed})
    assert options.status_code == 200
    found = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+) \([^)<]+\)</option>', options.text)
    return {name: value for value, name in found}


async def test_policy_pickers_search_as_you_type_and_keep_the_choice(web) -> None:
    await web.onboarded_admin()
    page = await web.wait_for_policies("/compare/policies")
    objects = sum(len(v) for k, v in web.tenant("contoso").objects.items() if k not in ("users", "groups"))
    assert page.text.count("<option value=") < 2 * 60 < objects  # never every policy at once
    ids = await _policy_ids(web, "WIN - Defender")
    assert ids and all(name.startswith("WIN - Defender") for name in ids)
    chosen = next(iter(ids.values()))
    narrowed = await web.client.get(
        "/compare/policies/options", params={"side": "right", "right_q": "BitLocker", "right": chosen}
    )
    assert re.search(rf'<option value="{re.escape(chosen)}" selected>', narrowed.text)  # the choice stays
    assert "BitLocker" in narrowed.text and "Defender Antivirus - " not in narrowed.text.split("</option>", 1)[1]
    nothing = await web.client.get("/compare/policies/options", params={"side": "left", "left_q": "zzzz"})
    assert "No policy matches" in nothing.text
    bad = await web.client.get("/compare/policies/options", params={"side": "middle"})
    assert bad.status_code == 400


async def test_policy_vs_policy_shows_settings_and_statuses(web) -> None:
    await web.onboarded_admin()
    ids = await _policy_ids(web)
    names = sorted(n for n in ids if n.startswith("WIN - Defender Antivirus"))
    left, right = ids[names[0]], ids[names[1]]
    page = await web.client.get(f"/compare/policies?left={left}&right={right}")
    assert page.status_code == 200, page.text
    assert "Policy comparison" in page.text and 'data-testid="settings-table"' in page.text
    assert 'data-status="different"' in page.text and 'data-status="same"' in page.text
    only = await web.client.get(f"/compare/policies?left={left}&right={right}&only=1")
    assert 'data-status="same"' not in only.text.split('data-testid="compare-object"', 1)[1]
    report = await web.client.get(f"/compare/policies?left={left}&right={right}&download=html")
    assert report.status_code == 200
    disposition = report.headers["content-disposition"]
    assert re.search(r'filename="contoso\.onmicrosoft\.com_compare-policy_\d{4}-\d{2}-\d{2}_\d{4}\.html"', disposition)
    assert names[1] in report.text
    unknown = await web.client.get(f"/compare/policies?left={left}&right=nope")
    assert unknown.status_code == 400 and "Policy not found" in unknown.text


async def test_builtin_baseline_shows_scores_and_statuses(web) -> None:
    await web.onboarded_admin()
    page = await web.wait_for_policies("/compare/baseline?baseline=builtin:windows-security")
    assert page.status_code == 200, page.text
    assert "Baseline comparison" in page.text and 'data-testid="score-overall"' in page.text
    # The lists, each with its count; the tenant policies it sets them in, by name.
    for status, heading in (
        ("differs", "Configured differently"),
        ("conflicting", "Conflicting"),
        ("missing", "Missing"),
    ):
        assert f'data-testid="baseline-list" data-status="{status}"' in page.text
        assert re.search(heading + r" \(\d+\)", page.text)
    assert "WIN - BitLocker - Corporate" in page.text and 'data-testid="uncovered"' in page.text
    assert "tenant read through Microsoft Graph, collected " in page.text
    assert "built-in baseline, written 2025-01-15" in page.text
    report = await web.client.get("/compare/baseline?baseline=builtin:windows-security&download=html")
    assert "compare-baseline" in report.headers["content-disposition"] and "<html" in report.text.lower()
    bad = await web.client.get("/compare/baseline?baseline=builtin:nope")
    assert bad.status_code == 400 and "Unknown baseline" in bad.text


async def test_uploaded_baseline_is_compared_and_nothing_is_kept(web, tmp_path: Path) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies("/compare/baseline")
    save_snapshot(builtin_baseline("windows-security"), tmp_path / "export")
    body = _zip_of(tmp_path / "export")
    data_files = sorted(p for p in (tmp_path / "data").rglob("*")) if (tmp_path / "data").exists() else []
    files = {"file": ("baseline.zip", body, "application/zip")}
    page = await web.client.post("/compare/baseline", data={"csrf_token": web.csrf()}, files=files)
    assert page.status_code == 200, page.text
    assert 'data-testid="score-overall"' in page.text and "baseline.zip" in page.text
    report = await web.client.post(
        "/compare/baseline", data={"csrf_token": web.csrf(), "download": "html"}, files=files
    )
    assert report.status_code == 200 and "compare-baseline" in report.headers["content-disposition"]
    after = sorted(p for p in (tmp_path / "data").rglob("*")) if (tmp_path / "data").exists() else []
    assert after == data_files


@pytest.mark.parametrize(
    ("name", "body"),
    [("broken.zip", b"PK\x03\x04 not really a zip"), ("notes.txt", b"hello"), ("policy.json", b"{not json")],
)
async def test_malformed_upload_is_a_clear_400(web, name: str, body: bytes) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies("/compare/baseline")
    files = {"file": (name, body, "application/octet-stream")}
    page = await web.client.post("/compare/baseline", data={"csrf_token": web.csrf()}, files=files)
    assert page.status_code == 400
    assert "could not be used" in page.text and "Traceback" not in page.text


async def test_drift_upload_of_this_tenant(web, tmp_path: Path) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies("/compare/drift")
    state = web.app.state.web
    (inventory,) = state.policies.kept().values()
    snapshot = inventory.snapshot
    save_snapshot(snapshot, tmp_path / "snap")
    files = {"file": ("snap.zip", _zip_of(tmp_path / "snap"), "application/zip")}
    page = await web.client.post("/compare/drift", data={"csrf_token": web.csrf()}, files=files)
    assert page.status_code == 200, page.text
    assert "Drift report" in page.text and "Aligned" in page.text
    other = {"file": ("b.zip", _zip_of(_saved_baseline(tmp_path)), "application/zip")}
    refused = await web.client.post("/compare/drift", data={"csrf_token": web.csrf()}, files=other)
    assert refused.status_code == 400 and "is a baseline" in refused.text


def _portal_exports(snapshot: Any, count: int) -> dict[str, bytes]:
    """The first ``count`` settings catalog policies as the portal's "Export JSON" writes them."""
    exports = {}
    for policy in snapshot.objects["settingsCatalog"][:count]:
        exported = {k: v for k, v in policy.items() if k not in ("id", "assignments") and not k.startswith("@odata")}
        exports[f"{policy['name']}.json"] = json.dumps(exported).encode()
    return exports


def _zip_files(files: dict[str, bytes], top: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, body in files.items():
            bundle.writestr(f"{top}/{name}", body)
    return buffer.getvalue()


async def test_drift_upload_takes_what_the_cli_imports_and_refuses_other_tenants_clearly(web, tmp_path: Path) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies("/compare/drift")
    (inventory,) = web.app.state.web.policies.kept().values()
    exports = _portal_exports(inventory.snapshot, 3)
    single_name, single = next(iter(exports.items()))
    for name, body, paired in (("portal.zip", _zip_files(exports, "exports/windows"), 3), (single_name, single, 1)):
        files = {"file": (name, body, "application/octet-stream")}
        page = await web.client.post("/compare/drift", data={"csrf_token": web.csrf()}, files=files)
        assert page.status_code == 200, page.text[:500]
        assert "Drift report" in page.text and name in page.text  # an export naming no tenant: its file name
        # Each exported policy pairs with the tenant's by name (scope tag "0" is Default on both sides).
        assert f"{paired} unchanged" in page.text and not re.search(r"\d+ changed", page.text), name
    # An export naming another tenant, a baseline, and something no importer reads: clear refusals.
    intunecd = SAMPLES / "intunecd-backup"
    backup = {p.relative_to(intunecd).as_posix(): p.read_bytes() for p in intunecd.rglob("*") if p.is_file()}
    refusals = (
        ("backup.zip", _zip_files(backup, "Backup"), "another tenant"),  # its index.md names the tenant
        ("b.zip", _zip_of(_saved_baseline(tmp_path)), "is a baseline"),
        ("notes.txt", b"hello", "could not be used"),
        ("empty.zip", _zip_files({"readme.md": b"# nothing"}, "x"), "could not be used"),
    )
    for name, body, words in refusals:
        files = {"file": (name, body, "application/octet-stream")}
        refused = await web.client.post("/compare/drift", data={"csrf_token": web.csrf()}, files=files)
        assert refused.status_code == 400 and words in refused.text, (name, refused.text[:800])
        assert "Traceback" not in refused.text


def _saved_baseline(tmp_path: Path) -> Path:
    save_snapshot(builtin_baseline("windows-security"), tmp_path / "b")
    return tmp_path / "b"


async def test_unauthenticated_redirects_and_csrf_is_required(web) -> None:
    for path in ("/compare", "/compare/policies", "/compare/baseline?baseline=builtin:windows-security"):
        response = await web.client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/signin?")
    await web.onboarded_admin()
    await web.wait_for_policies("/compare")
    files = {"file": ("b.zip", b"PK\x03\x04", "application/zip")}
    refused = await web.client.post("/compare/baseline", files=files)
    assert refused.status_code == 403 and "expired" in refused.text


async def test_json_api_compares_with_the_builtin_baseline(web) -> None:
    await web.onboarded_admin()
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(200):
        response = await web.client.get("/api/v1/compare/baseline?baseline=builtin:windows-security", headers=headers)
        if response.status_code == 200:
            break
    body = response.json()
    assert body["status"] == "ready" and body["kind"] == "baseline" and body["scores"]
    assert (await web.client.get("/api/v1/compare/baseline")).status_code == 401
