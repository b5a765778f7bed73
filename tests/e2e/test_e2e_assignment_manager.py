"""The Assignment manager in a real browser: activate it, export the Assignments CSV, add a row and
remove a row, upload, review, apply (the run's page: progress, then the results), download the
backup, see the results and the audit events carrying the signed-in user."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from intune_assistant.analyses.assignments import parse_target
from intune_assistant.snapshot import load_snapshot_files

from .browsing import contoso_admin, sign_in_and_onboard


def _policy(stack: Any) -> dict[str, Any]:
    items = stack.demo.tenants["contoso"].objects["settingsCatalog"]
    return next(p for p in items if len([a for a in p.get("assignments") or [] if parse_target(a).group_id]) >= 1)


def _new_group(stack: Any, policy: dict[str, Any]) -> dict[str, Any]:
    groups = stack.demo.tenants["contoso"].objects["groups"]
    counts: dict[str, int] = {}
    for g in groups:
        counts[g["displayName"]] = counts.get(g["displayName"], 0) + 1
    assigned = {parse_target(a).group_id for a in policy["assignments"]}
    return next(g for g in groups if g["id"] not in assigned and counts[g["displayName"]] == 1)


def test_export_edit_upload_review_apply_backup_and_audit(
    stack: Any, browser: Any, shots: Path, tmp_path: Path
) -> None:
    admin = contoso_admin(stack)
    context = sign_in_and_onboard(browser, stack)
    page = context.new_page()
    # Activate the module: admin consent for exactly its write scopes, verified by the product.
    page.goto(stack.base_url + "/tenant")
    page.get_by_role("button", name=re.compile(r"Activate\s+Assignment manager")).click()
    page.wait_for_url(re.compile(r".*/adminconsent.*"))
    page.locator("button[name=user]", has_text=admin).click()
    page.wait_for_url(re.compile(r".*/tenant\?activated=bulk-assign"))
    assert page.get_by_text("Assignment manager is active").is_visible()

    # Export the Assignments CSV of one policy.
    policy = _policy(stack)
    page.goto(stack.base_url + "/assignments?q=" + quote(policy["name"]))
    with page.expect_download() as info:
        page.get_by_test_id("export-csv").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    mine = [r for r in rows if r["Policy id"] == policy["id"] and r["Target kind"] == "group"]
    assert mine, text
    removed, group = mine[0], _new_group(stack, policy)
    # Edit as in Excel: an Action column, one row removed, one row added.
    header = [*rows[0].keys(), "Action"]
    added = {**removed, "Group id": group["id"], "Group name": group["displayName"], "Include/exclude": "include"}
    added |= {"Filter id": "", "Filter name": "", "Filter mode": ""}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerow({**removed, "Action": "remove"})
    writer.writerow({**added, "Action": "add"})
    edited = tmp_path / "assignments-edited.csv"
    edited.write_text(out.getvalue(), encoding="utf-8-sig")

    # Upload, review.
    page.goto(stack.base_url + "/assignment-manager")
    page.get_by_label("CSV file").set_input_files(str(edited))
    page.get_by_role("button", name="Review the changes").first.click()
    page.wait_for_url(re.compile(r".*/assignment-manager/review"))
    assert page.get_by_test_id("count-objects").inner_text() == "1"
    assert page.get_by_test_id("count-refused").inner_text() == "0"
    after = page.get_by_test_id("after").inner_text()
    assert group["displayName"] in after and removed["Group name"] not in after
    page.screenshot(path=str(shots / "20-assignment-review-1280.png"), full_page=True)

    # Apply; results; the backup; the audit events under the signed-in user.
    # Confirm answers at once with the run's own page: progress (htmx polls it) until the results replace it.
    page.get_by_test_id("apply").click()
    page.wait_for_url(re.compile(r".*/assignment-manager/apply/[A-Za-z0-9_-]{30,}$"))
    page.wait_for_selector("[data-testid=results-table]")
    assert page.get_by_test_id("apply-progress").count() == 0
    assert page.get_by_test_id("count-applied").inner_text() == "1"
    assert page.get_by_test_id("count-failed").inner_text() == "0"
    objects = stack.demo.tenants["contoso"].objects["settingsCatalog"]
    live = {parse_target(a).group_id for p in objects if p["id"] == policy["id"] for a in p.get("assignments") or []}
    assert group["id"] in live and removed["Group id"] not in live
    with page.expect_download() as info:
        page.get_by_test_id("backup-download").click()
    with zipfile.ZipFile(info.value.path()) as archive:
        backup = load_snapshot_files(archive.read, "backup.zip")
    [saved] = backup.objects["settingsCatalog"]
    assert removed["Group id"] in {parse_target(a).group_id for a in saved["assignments"]}
    page.screenshot(path=str(shots / "21-assignment-results-1280.png"), full_page=True)
    page.get_by_test_id("audit-link").first.click()
    page.wait_for_selector("[data-testid=audit-row]")
    assert admin in page.get_by_test_id("audit-table").inner_text()
    context.close()
