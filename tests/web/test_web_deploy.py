"""Deploy and Restore through the web app and the emulator: the IntuneCD sample (a zip uploaded,
read in memory) deployed into Fabrikam → review (create, not deployable with the reason, references)
→ apply → results → a second plan is empty; policies deleted by Bulk edits restored from the backup
that delete offered; without the module the review says so and apply is refused; bad input is
refused in words; the JSON API plans and applies a built-in baseline."""

from __future__ import annotations

import asyncio
import base64
import html
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import httpx

SAMPLE = Path(__file__).parents[1] / "fixtures" / "samples" / "intunecd-backup"


def _zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


async def _activate(web: Any, upn: str, module: str) -> None:
    started = await web.client.post(f"/tenant/modules/{module}/activate", data={"csrf_token": web.csrf()})
    done = await web.consent(started, upn)
    assert done.headers["location"] == f"/tenant?activated={module}", done.text
    await web.wait_for_policies()


def _document(review: httpx.Response) -> str:
    found = re.search(r'name="plan" value="([^"]+)"', review.text)
    assert found, review.text
    return html.unescape(found.group(1))


def _items(review: httpx.Response) -> list[str]:
    return [html.unescape(k) for k in re.findall(r'name="item" value="([^"]+)"', review.text)]


def _count(page: httpx.Response, name: str) -> int:
    found = re.search(rf'data-testid="count-{name}">(\d+)<', page.text)
    assert found, (name, page.text)
    return int(found.group(1))


async def _review(web: Any, path: str, data: dict[str, Any], files: dict[str, Any] | None = None) -> httpx.Response:
    return await web.client.post(path, data={"csrf_token": web.csrf(), **data}, files=files)


async def _apply(web: Any, base: str, document: str, items: list[str]) -> httpx.Response:
    started = await web.client.post(f"{base}/apply", data={"csrf_token": web.csrf(), "plan": document, "item": items})
    assert started.status_code == 303, started.text
    run = started.headers["location"]
    assert re.fullmatch(rf"{base}/apply/[A-Za-z0-9_-]{{30,}}", run), run
    for _ in range(6000):
        fragment = await web.client.get(run + "/progress", headers={"HX-Request": "true"})
        if fragment.headers.get("HX-Refresh") == "true":
            break
        await asyncio.sleep(0.01)
    page = await web.client.get(run)
    assert page.status_code == 200 and 'data-testid="results-table"' in page.text, page.text
    return page


def _by_name(web: Any, tenant: str, type_key: str) -> dict[str, dict[str, Any]]:
    return {str(o.get("name", o.get("displayName"))): o for o in web.tenant(tenant).objects.get(type_key, [])}


async def test_the_intunecd_sample_deployed_into_fabrikam_then_a_second_plan_is_empty(web: Any) -> None:
    upn = await web.onboarded_admin("fabrikam")
    await web.wait_for_policies()
    page = await web.client.get("/deploy")
    assert page.status_code == 200 and 'data-testid="module-needed"' in page.text
    await _activate(web, upn, "deploy-baseline")
    page = await web.client.get("/deploy")
    assert 'data-testid="module-needed"' not in page.text and "builtin:windows-security" in page.text

    upload = {"file": ("intunecd-backup.zip", _zipped(SAMPLE), "application/zip")}
    review = await _review(web, "/deploy/review", {"source": "upload", "assign": "none"}, upload)
    assert review.status_code == 200, review.text
    created = _count(review, "create")
    updated, unchanged = _count(review, "update"), _count(review, "unchanged")
    assert created >= 100
    # Each object not deployed is listed with its reason, none silently dropped.
    assert _count(review, "not-deployable") == 1 and "All users and all devices" in review.text
    assert "not written by the deploy-baseline module" in review.text
    items = _items(review)
    assert len(items) == created + updated
    # References translated by name: the sample's Default scope tag is this tenant's Default (id 0).
    assert 'data-testid="item-references">scope tag &#39;Default&#39; → 0<' in review.text

    result = await _apply(web, "/deploy", _document(review), items)
    assert _count(result, "applied") == len(items) and _count(result, "failed") == 0
    sample_names = {"POC_WIN_D_CO_SBL_MSZT_BitLocker"}
    assert sample_names <= set(_by_name(web, "fabrikam", "settingsCatalog"))

    again = await _review(web, "/deploy/review", {"source": "upload", "assign": "none"},
                          {"file": ("intunecd-backup.zip", _zipped(SAMPLE), "application/zip")})  # fmt: skip
    assert 'data-testid="plan-empty"' in again.text and _count(again, "create") == 0
    assert _count(again, "unchanged") == len(items) + unchanged and 'name="plan"' not in again.text


async def test_apply_takes_only_the_ticked_objects_and_at_least_one(web: Any) -> None:
    upn = await web.onboarded_admin()
    await _activate(web, upn, "deploy-baseline")
    review = await _review(web, "/deploy/review", {"source": "builtin:windows-security", "assign": "none"})
    items = _items(review)
    assert len(items) >= 2
    nothing = await web.client.post("/deploy/apply", data={"csrf_token": web.csrf(), "plan": _document(review)})
    assert nothing.status_code == 400 and "Tick at least one object" in nothing.text
    result = await _apply(web, "/deploy", _document(review), items[:1])
    assert _count(result, "applied") == 1 and len(re.findall('data-testid="result-row"', result.text)) == 1
    again = await _review(web, "/deploy/review", {"source": "builtin:windows-security", "assign": "none"})
    assert _count(again, "create") == len(items) - 1 and _count(again, "unchanged") >= 1


async def test_policies_deleted_by_bulk_edits_come_back_from_the_backup_it_offered(web: Any) -> None:
    upn = await web.onboarded_admin()
    await _activate(web, upn, "bulk-edit")
    await _activate(web, upn, "restore")
    before = {n: p for n, p in _by_name(web, "contoso", "settingsCatalog").items() if n.startswith("WIN - BitLocker")}
    assert len(before) >= 2
    objects = [f"settingsCatalog/{p['id']}" for p in before.values()]
    deleting = await _review(web, "/bulk-edits/review", {"action": "delete", "object": objects})
    phrase = re.search(r'data-testid="confirm-phrase">([^<]+)<', deleting.text).group(1)
    started = await web.client.post("/bulk-edits/apply", data={"csrf_token": web.csrf(), "plan": _document(deleting),
                                                               "confirm": phrase})  # fmt: skip
    run = started.headers["location"]
    for _ in range(6000):
        if (await web.client.get(run + "/progress", headers={"HX-Request": "true"})).headers.get("HX-Refresh"):
            break
        await asyncio.sleep(0.01)
    deleted = await web.client.get(run)
    backup = base64.b64decode(re.search(r"data:application/zip;base64,([A-Za-z0-9+/=]+)", deleted.text).group(1))
    assert not set(before) & set(_by_name(web, "contoso", "settingsCatalog"))

    page = await web.client.get("/restore")
    assert page.status_code == 200 and 'data-testid="restore-form"' in page.text
    review = await _review(web, "/restore/review", {"only": ""}, {"file": ("backup.zip", backup, "application/zip")})
    assert review.status_code == 200, review.text
    assert _count(review, "create") == len(before) and _count(review, "refused") == 0
    assert "assign:" in review.text  # recreated with their assignments
    result = await _apply(web, "/restore", _document(review), _items(review))
    assert _count(result, "applied") == len(before), result.text

    after = _by_name(web, "contoso", "settingsCatalog")
    for name, old in before.items():
        assert after[name]["id"] != old["id"]
        assert len(after[name]["settings"]) == len(old["settings"])
        targets = sorted(str(a["target"].get("groupId")) for a in after[name].get("assignments", []))
        assert targets == sorted(str(a["target"].get("groupId")) for a in old.get("assignments", []))
    again = await _review(web, "/restore/review", {"only": ""}, {"file": ("backup.zip", backup, "application/zip")})
    assert 'data-testid="plan-empty"' in again.text


async def test_without_the_module_the_review_says_so_and_apply_is_refused(web: Any) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies()
    review = await _review(web, "/deploy/review", {"source": "builtin:windows-security", "assign": "none"})
    assert review.status_code == 200 and 'data-testid="module-needed"' in review.text
    assert 'name="plan"' not in review.text and _count(review, "create") >= 1
    refused = await web.client.post("/deploy/apply", data={"csrf_token": web.csrf(), "plan": "x"})
    assert refused.status_code == 403
    restore = await web.client.post("/restore/apply", data={"csrf_token": web.csrf(), "plan": "x"})
    assert restore.status_code == 403


async def test_bad_input_is_refused_in_words_and_nothing_is_planned(web: Any) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies()
    text = await _review(web, "/restore/review", {}, {"file": ("notes.txt", b"hello", "text/plain")})
    assert text.status_code == 400 and "is not a .zip of an export folder or a .json file" in text.text
    missing = await _review(web, "/restore/review", {"only": "x"})
    assert missing.status_code == 400 and "Choose a file" in missing.text
    unknown = await _review(web, "/deploy/review", {"source": "builtin:nope"})
    assert unknown.status_code == 400 and "o built-in baseline called" in unknown.text
    group = await _review(web, "/deploy/review", {"source": "builtin:windows-security", "assign": "group",
                                                  "group": "No such group"})  # fmt: skip
    assert group.status_code == 400 and "no single group named &#39;No such group&#39;" in group.text
    both = await _review(web, "/deploy/review", {"source": "builtin:windows-security"},
                         {"file": ("policy.json", b"{}", "application/json")})  # fmt: skip
    assert both.status_code == 400 and "A file was chosen, but the source is not" in both.text
    for page in (text, missing, unknown, group, both):
        assert "Traceback" not in page.text


async def test_json_api_deploys_a_builtin_baseline_and_a_second_plan_is_empty(web: Any) -> None:
    upn = await web.onboarded_admin()
    await _activate(web, upn, "deploy-baseline")
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    body = {"source": "builtin:windows-security", "assign": "group", "group": "Lab Devices"}
    planned = await web.client.post("/api/v1/deploy/plan", json=body, headers=headers)
    assert planned.status_code == 200, planned.text
    answer = planned.json()
    assert answer["can_apply"] and answer["document"] and answer["plan"]["items"]
    elsewhere = await web.client.post("/api/v1/restore/apply", json={"document": answer["document"]}, headers=headers)
    assert elsewhere.status_code in (400, 403)
    applied = await web.client.post("/api/v1/deploy/apply", json={"document": answer["document"]}, headers=headers)
    assert applied.status_code == 200, applied.text
    assert applied.json()["counts"]["applied"] == len(answer["plan"]["items"])
    again = await web.client.post("/api/v1/deploy/plan", json=body, headers=headers)
    assert again.json()["plan"]["items"] == [] and again.json()["document"] is None
    bad = await web.client.post("/api/v1/restore/plan", json={"file_base64": "###"}, headers=headers)
    assert bad.status_code == 400 and "not base64" in bad.json()["detail"]
