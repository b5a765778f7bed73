"""Bulk edits through the web app and the emulator: objects ticked on the Policies page → preview →
apply → results; a clash refused with no apply button; a delete only with its typed phrase, with the
backup in the page; group members from the Groups page, a dynamic group refused with the reason;
without the module the review says so and apply is refused."""

from __future__ import annotations

import asyncio
import base64
import html
import io
import re
import zipfile
from typing import Any

import httpx

from intune_assistant.snapshot import load_snapshot_files


async def _activated_admin(web: Any) -> str:
    upn = await web.onboarded_admin()
    started = await web.client.post("/tenant/modules/bulk-edit/activate", data={"csrf_token": web.csrf()})
    done = await web.consent(started, upn)
    assert done.headers["location"] == "/tenant?activated=bulk-edit"
    await web.wait_for_policies()
    return upn


def _policies(web: Any, prefix: str) -> list[dict[str, Any]]:
    return [p for p in web.tenant("contoso").objects["settingsCatalog"] if p["name"].startswith(prefix)]


async def _review(web: Any, data: dict[str, Any], **kwargs: Any) -> httpx.Response:
    review = await web.client.post("/bulk-edits/review", data={"csrf_token": web.csrf(), **data}, **kwargs)
    assert review.status_code in (200, 400), review.text
    return review


def _document(review: httpx.Response) -> str:
    found = re.search(r'name="plan" value="([^"]+)"', review.text)
    assert found, review.text
    return html.unescape(found.group(1))


async def _apply(web: Any, document: str, **extra: str) -> httpx.Response:
    started = await web.client.post("/bulk-edits/apply", data={"csrf_token": web.csrf(), "plan": document, **extra})
    assert started.status_code == 303, started.text
    run = started.headers["location"]
    assert re.fullmatch(r"/bulk-edits/apply/[A-Za-z0-9_-]{30,}", run), run
    for _ in range(2000):
        fragment = await web.client.get(run + "/progress", headers={"HX-Request": "true"})
        if fragment.headers.get("HX-Refresh") == "true":
            break
        await asyncio.sleep(0.01)
    page = await web.client.get(run)
    assert page.status_code == 200 and 'data-testid="results-table"' in page.text, page.text
    return page


async def test_ticked_policies_renamed_by_a_regular_expression_and_a_clash_refused(web: Any) -> None:
    await _activated_admin(web)
    page = await web.client.get("/policies")
    assert 'data-testid="bulk-edit-chosen"' in page.text and 'name="object"' in page.text
    chosen = _policies(web, "WIN - Defender Antivirus")
    objects = [f"settingsCatalog/{p['id']}" for p in chosen]
    picked = await web.client.get("/bulk-edits", params=[("object", o) for o in objects])
    assert all(html.escape(p["name"]) in picked.text for p in chosen)

    clash = await _review(web, {"action": "rename", "object": objects, "rule": "regex",
                                "text": r"^(WIN - Defender Antivirus) - .*$", "replacement": r"\1"})  # fmt: skip
    assert 'data-testid="count-objects">0<' in clash.text and "would have the same name" in clash.text
    assert 'name="plan"' not in clash.text

    review = await _review(web, {"action": "rename", "object": objects, "rule": "regex",
                                 "text": r"^WIN - (.*)$", "replacement": r"Windows - \1"})  # fmt: skip
    assert f'data-testid="count-objects">{len(chosen)}<' in review.text
    result = await _apply(web, _document(review))
    assert f'data-testid="count-applied">{len(chosen)}<' in result.text
    assert "rename &#39;WIN - Defender Antivirus" in result.text  # the change per item in the results
    names = {p["id"]: p["name"] for p in web.tenant("contoso").objects["settingsCatalog"]}
    assert all(names[p["id"]] == "Windows - " + p["name"].removeprefix("WIN - ") for p in chosen)


async def test_a_delete_needs_its_typed_phrase_and_offers_the_backup(web: Any) -> None:
    await _activated_admin(web)
    chosen = _policies(web, "WIN - BitLocker")
    objects = [f"settingsCatalog/{p['id']}" for p in chosen]
    review = await _review(web, {"action": "delete", "object": objects})
    phrase = f"delete {len(chosen)} objects"
    assert f'data-testid="confirm-phrase">{phrase}<' in review.text
    assert "assigned: deleting it takes its settings away from" in review.text
    document = _document(review)
    wrong = await web.client.post("/bulk-edits/apply", data={"csrf_token": web.csrf(), "plan": document,
                                                             "confirm": "yes"})  # fmt: skip
    assert wrong.status_code == 400 and "type exactly: " + phrase in wrong.text
    assert len(_policies(web, "WIN - BitLocker")) == len(chosen)

    result = await _apply(web, document, confirm=phrase.upper())
    assert f'data-testid="count-applied">{len(chosen)}<' in result.text
    assert _policies(web, "WIN - BitLocker") == []
    data = base64.b64decode(re.search(r"data:application/zip;base64,([A-Za-z0-9+/=]+)", result.text).group(1))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        backup = load_snapshot_files(archive.read, "backup.zip")
    saved = {o["id"]: o for o in backup.objects["settingsCatalog"]}
    assert set(saved) == {p["id"] for p in chosen}
    assert all(len(saved[p["id"]]["settings"]) == len(p["settings"]) for p in chosen)


async def test_members_from_the_groups_page_added_and_a_dynamic_group_refused(web: Any) -> None:
    await _activated_admin(web)
    groups = web.tenant("contoso").objects["groups"]
    static = next(g for g in groups if g["displayName"] == "Lab Devices")
    dynamic = next(g for g in groups if g["displayName"] == "All Employees")
    listed = await web.client.get("/groups", params={"q": "Lab Devices"})
    assert 'href="/bulk-edits?group=Lab%20Devices#members" aria-label="Add or remove members of Lab Devices"' in (
        listed.text
    )
    dynamic_listed = await web.client.get("/groups", params={"q": "All Employees"})
    assert "All Employees" in dynamic_listed.text and 'data-testid="group-members-action"' not in dynamic_listed.text
    static_page = await web.client.get(f"/groups/{static['id']}")
    dynamic_page = await web.client.get(f"/groups/{dynamic['id']}")
    assert 'href="/bulk-edits?group=Lab%20Devices#members"' in static_page.text
    assert 'data-testid="change-members"' not in dynamic_page.text

    upn = web.tenant("contoso").objects["users"][0]["userPrincipalName"]
    troubleshoot = await web.client.get("/troubleshoot", params={"user": upn})
    link = html.unescape(
        re.search(r'href="(/bulk-edits\?[^"]+)" data-testid="add-to-group"', troubleshoot.text).group(1)
    )
    prefilled = await web.client.get(link)
    assert f'data-testid="members-list">{upn}</textarea>' in prefilled.text

    devices = [d["displayName"] for d in web.tenant("contoso").objects["entraDevices"][:3]]
    refused = await _review(web, {"action": "members", "group": "All Employees", "members": devices[0]})
    assert refused.status_code == 400 and "it has dynamic membership" in refused.text

    csv_file = ("devices.csv", ("Device name,Owner\n" + "".join(f"{d},x\n" for d in devices[1:])).encode(), "text/csv")
    review = await _review(web, {"action": "members", "group": "Lab Devices", "member_action": "add",
                                 "members": devices[0]}, files={"file": csv_file})  # fmt: skip
    assert 'data-testid="count-objects">3<' in review.text
    result = await _apply(web, _document(review))
    assert 'data-testid="count-applied">3<' in result.text
    members = {
        m["id"] for m in next(g for g in web.tenant("contoso").objects["groups"] if g["id"] == static["id"])["members"]
    }
    wanted = {d["id"] for d in web.tenant("contoso").objects["entraDevices"] if d["displayName"] in devices}
    assert members == wanted


async def test_without_the_module_the_review_says_so_and_apply_is_refused(web: Any) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies()
    chosen = _policies(web, "WIN - BitLocker")
    review = await _review(web, {"action": "delete", "object": [f"settingsCatalog/{p['id']}" for p in chosen]})
    assert 'data-testid="module-needed"' in review.text and 'name="plan"' not in review.text
    refused = await web.client.post("/bulk-edits/apply", data={"csrf_token": web.csrf(), "plan": "x"})
    assert refused.status_code == 403
    assert len(_policies(web, "WIN - BitLocker")) == len(chosen)


async def test_json_api_plans_and_applies_a_rename_and_a_delete_needs_its_phrase(web: Any) -> None:
    await _activated_admin(web)
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    chosen = _policies(web, "WIN - BitLocker")
    objects = [f"settingsCatalog/{p['id']}" for p in chosen]
    body = {"action": "rename", "object": objects, "rule": "suffix", "text": " (old)"}
    planned = await web.client.post("/api/v1/bulk-edits/plan", json=body, headers=headers)
    assert planned.status_code == 200, planned.text
    answer = planned.json()
    assert answer["can_apply"] and answer["confirm"] is None and len(answer["plan"]["items"]) == len(chosen)
    bad = await web.client.post("/api/v1/bulk-edits/plan", json={"action": "rename", "rule": "regex", "text": "("},
                                headers=headers)  # fmt: skip
    assert bad.status_code == 400 and "invalid regular expression" in bad.json()["detail"]
    # A bulk-edit plan is applied by its own module only.
    elsewhere = await web.client.post(
        "/api/v1/assignments/apply", json={"document": answer["document"]}, headers=headers
    )
    assert elsewhere.status_code in (400, 403) and all(not p["name"].endswith(" (old)") for p in _policies(web, "WIN"))
    applied = await web.client.post("/api/v1/bulk-edits/apply", json={"document": answer["document"]}, headers=headers)
    assert applied.status_code == 200 and applied.json()["counts"]["applied"] == len(chosen), applied.text
    assert all(p["name"].endswith(" (old)") for p in _policies(web, "WIN - BitLocker"))

    # Objects the rename didn't touch (the collection being read again still shows the old names).
    edge = _policies(web, "WIN - Microsoft Edge")
    objects = [f"settingsCatalog/{p['id']}" for p in edge]
    deleting = await web.client.post("/api/v1/bulk-edits/plan", json={"action": "delete", "object": objects},
                                     headers=headers)  # fmt: skip
    document, phrase = deleting.json()["document"], deleting.json()["confirm"]
    refused = await web.client.post("/api/v1/bulk-edits/apply", json={"document": document}, headers=headers)
    assert refused.status_code == 400 and refused.json()["code"] == "confirmation_needed"
    deleted = await web.client.post("/api/v1/bulk-edits/apply", json={"document": document, "confirm": phrase},
                                    headers=headers)  # fmt: skip
    assert deleted.json()["counts"]["applied"] == len(edge) >= 2 and deleted.json()["backup_zip_base64"]
    assert _policies(web, "WIN - Microsoft Edge") == []


async def test_ticked_policies_duplicated_with_their_assignments_and_a_taken_name_refused(web: Any) -> None:
    await _activated_admin(web)
    original = next(p for p in _policies(web, "WIN - Defender Antivirus - Standard"))
    objects = [f"settingsCatalog/{original['id']}"]
    picked = await web.client.get("/bulk-edits", params=[("object", o) for o in objects])
    assert 'data-testid="review-duplicate"' in picked.text and 'data-testid="duplicate-name"' in picked.text

    other = _policies(web, "WIN - Defender Antivirus - Pilot")[0]
    taken = await _review(web, {"action": "duplicate", "object": objects, "new_name": other["name"]})
    assert 'data-testid="count-objects">0<' in taken.text and "has it already" in taken.text
    assert 'name="plan"' not in taken.text

    review = await _review(web, {"action": "duplicate", "object": objects, "new_name": "Defender - Standard copy",
                                 "assignments": "on"})  # fmt: skip
    assert 'data-testid="count-objects">1<' in review.text
    assert (
        "duplicate &#39;WIN - Defender Antivirus - Standard&#39; as &#39;Defender - Standard copy&#39;" in review.text
    )
    result = await _apply(web, _document(review))
    assert 'data-testid="count-applied">1<' in result.text
    copies = _policies(web, "Defender - Standard copy")
    assert len(copies) == 1 and copies[0]["id"] != original["id"]
    assert len(copies[0]["settings"]) == len(original["settings"])
    assert [a["target"] for a in copies[0]["assignments"]] == [a["target"] for a in original["assignments"]]


async def test_json_api_duplicates_by_a_rule_and_copies_assignments_only_when_asked(web: Any) -> None:
    await _activated_admin(web)
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    chosen = [p for p in _policies(web, "WIN - BitLocker") if p["assignments"]]
    objects = [f"settingsCatalog/{p['id']}" for p in chosen]
    body = {"action": "duplicate", "object": objects, "rule": "prefix", "text": "[Copy] "}
    planned = await web.client.post("/api/v1/bulk-edits/plan", json=body, headers=headers)
    assert planned.status_code == 200, planned.text
    items = planned.json()["plan"]["items"]
    assert len(items) == len(chosen) >= 1 and all(len(i["requests"]) == 1 for i in items)
    assigned = await web.client.post("/api/v1/bulk-edits/plan", json={**body, "assignments": True}, headers=headers)
    assert all(len(i["requests"]) == 2 for i in assigned.json()["plan"]["items"])
    one_name = await web.client.post("/api/v1/bulk-edits/plan", json={**body, "new_name": "Same"}, headers=headers)
    assert one_name.status_code == (400 if len(chosen) > 1 else 200)
    applied = await web.client.post("/api/v1/bulk-edits/apply", json={"document": planned.json()["document"]},
                                    headers=headers)  # fmt: skip
    assert applied.status_code == 200 and applied.json()["counts"]["applied"] == len(chosen), applied.text
    copies = _policies(web, "[Copy] WIN - BitLocker")
    assert len(copies) == len(chosen) and all(not c.get("assignments") for c in copies)
