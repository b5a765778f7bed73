"""Bulk edits in a real browser: activate the module, tick policies on the Policies page, preview a
regular-expression rename and apply it; review deleting them, type the phrase, apply, download the
backup; from a group's page add devices typed in a list, apply, see them in the group; tick a policy
on the Policies page and duplicate it with its assignments; from the Groups page open a group's members."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from intune_assistant.snapshot import load_snapshot_files

from .browsing import contoso_admin, sign_in_and_onboard


def _names(stack: Any) -> dict[str, str]:
    return {p["id"]: p["name"] for p in stack.demo.tenants["contoso"].objects["settingsCatalog"]}


def _activate(page: Any, stack: Any) -> None:
    """Turn the Bulk edits module on (admin consent on Entra's page) unless it is on already."""
    page.goto(stack.base_url + "/tenant")
    button = page.get_by_role("button", name=re.compile(r"Activate\s+Bulk edits"))
    if not button.count():
        return
    button.click()
    page.wait_for_url(re.compile(r".*/adminconsent.*"))
    page.locator("button[name=user]", has_text=contoso_admin(stack)).click()
    page.wait_for_url(re.compile(r".*/tenant\?activated=bulk-edit"))


def test_tick_rename_delete_and_add_members_through_the_pages(stack: Any, browser: Any, shots: Path) -> None:
    context = sign_in_and_onboard(browser, stack)
    page = context.new_page()
    _activate(page, stack)

    # Tick the BitLocker policies on the Policies page.
    page.goto(stack.base_url + "/policies?q=BitLocker")
    page.wait_for_selector("[data-testid=policies-table]")
    wanted = {i: n for i, n in _names(stack).items() if n.startswith("WIN - BitLocker")}
    for name in wanted.values():
        page.get_by_label(f"Choose {name}", exact=True).check()
    page.get_by_test_id("bulk-edit-chosen").click()
    page.wait_for_url(re.compile(r".*/bulk-edits\?.*"))
    assert page.get_by_test_id("chosen-objects").locator("input[name=object]").count() == len(wanted)

    # Rename with a regular expression: the preview, then apply.
    page.get_by_label("How").select_option("regex")
    page.get_by_label("Prefix, suffix, text to find, or pattern").fill(r"^WIN - BitLocker - (.*)$")
    page.get_by_label(re.compile(r"^Replace with")).fill(r"Windows BitLocker: \1")
    page.get_by_test_id("review-rename").click()
    page.wait_for_url(re.compile(r".*/bulk-edits/review"))
    assert page.get_by_test_id("count-objects").inner_text() == str(len(wanted))
    page.screenshot(path=str(shots / "30-bulk-rename-review-1280.png"), full_page=True)
    page.get_by_test_id("apply").click()
    page.wait_for_url(re.compile(r".*/bulk-edits/apply/[A-Za-z0-9_-]{30,}$"))
    page.wait_for_selector("[data-testid=results-table]")
    assert page.get_by_test_id("count-applied").inner_text() == str(len(wanted))
    renamed = _names(stack)
    assert all(renamed[i] == n.replace("WIN - BitLocker - ", "Windows BitLocker: ") for i, n in wanted.items())

    # Delete them: the phrase must be typed; the backup is offered.
    page.goto(stack.base_url + "/bulk-edits?" + "&".join(f"object=settingsCatalog/{i}" for i in wanted))
    page.get_by_test_id("review-delete").click()
    page.wait_for_url(re.compile(r".*/bulk-edits/review"))
    phrase = page.get_by_test_id("confirm-phrase").inner_text()
    assert phrase == f"delete {len(wanted)} objects"
    page.get_by_test_id("confirm-input").fill(phrase)
    page.get_by_test_id("apply").click()
    page.wait_for_selector("[data-testid=results-table]")
    assert page.get_by_test_id("count-applied").inner_text() == str(len(wanted))
    assert not set(wanted) & set(_names(stack))
    with page.expect_download() as info:
        page.get_by_test_id("backup-download").click()
    with zipfile.ZipFile(info.value.path()) as archive:
        backup = load_snapshot_files(archive.read, "backup.zip")
    assert {o["id"] for o in backup.objects["settingsCatalog"]} == set(wanted)

    # A group's page → add two devices typed in the list.
    group = next(g for g in stack.demo.tenants["contoso"].objects["groups"] if g["displayName"] == "Lab Devices")
    devices = stack.demo.tenants["contoso"].objects["entraDevices"][:2]
    page.goto(stack.base_url + f"/groups/{group['id']}")
    page.get_by_test_id("change-members").click()
    page.wait_for_url(re.compile(r".*/bulk-edits\?group=Lab.*"))
    assert page.get_by_test_id("members-group").input_value() == "Lab Devices"
    page.get_by_label("Users and devices").fill("\n".join(d["displayName"] for d in devices))
    page.get_by_test_id("review-members").click()
    page.wait_for_url(re.compile(r".*/bulk-edits/review"))
    assert page.get_by_test_id("count-objects").inner_text() == "2"
    page.get_by_test_id("apply").click()
    page.wait_for_selector("[data-testid=results-table]")
    assert page.get_by_test_id("count-applied").inner_text() == "2"
    live = next(g for g in stack.demo.tenants["contoso"].objects["groups"] if g["id"] == group["id"])
    assert {m["id"] for m in live["members"]} == {d["id"] for d in devices}
    page.screenshot(path=str(shots / "31-bulk-members-results-1280.png"), full_page=True)
    context.close()


def test_tick_a_policy_and_duplicate_it_with_its_assignments(stack: Any, browser: Any, shots: Path) -> None:
    context = sign_in_and_onboard(browser, stack)
    page = context.new_page()
    _activate(page, stack)
    policies = stack.demo.tenants["contoso"].objects["settingsCatalog"]
    original = next(p for p in policies if p["name"] == "WIN - Defender Antivirus - Standard")

    page.goto(stack.base_url + "/policies?q=Defender+Antivirus+-+Standard")
    page.wait_for_selector("[data-testid=policies-table]")
    page.get_by_label(f"Choose {original['name']}", exact=True).check()
    page.get_by_role("button", name="Rename, duplicate or delete the ticked objects").click()
    page.wait_for_url(re.compile(r".*/bulk-edits\?.*"))
    page.get_by_label("The copy's name (one object)").fill("WIN - Defender Antivirus - Standard (pilot copy)")
    page.get_by_label("Assign each copy as its original").check()
    page.get_by_role("button", name="Review the copies").click()
    page.wait_for_url(re.compile(r".*/bulk-edits/review"))
    assert page.get_by_test_id("count-objects").inner_text() == "1"
    assert "duplicate 'WIN - Defender Antivirus - Standard' as" in page.get_by_test_id("preview").inner_text()
    page.screenshot(path=str(shots / "32-bulk-duplicate-review-1280.png"), full_page=True)
    page.get_by_test_id("apply").click()
    page.wait_for_url(re.compile(r".*/bulk-edits/apply/[A-Za-z0-9_-]{30,}$"))
    page.wait_for_selector("[data-testid=results-table]")
    assert page.get_by_test_id("count-applied").inner_text() == "1"
    now = stack.demo.tenants["contoso"].objects["settingsCatalog"]
    copies = [p for p in now if p["name"] == "WIN - Defender Antivirus - Standard (pilot copy)"]
    assert len(copies) == 1 and copies[0]["id"] != original["id"]
    assert [a["target"] for a in copies[0]["assignments"]] == [a["target"] for a in original["assignments"]]

    # The Groups page opens a static group's members form.
    page.goto(stack.base_url + "/groups?q=Lab+Devices")
    page.get_by_label("Add or remove members of Lab Devices").click()
    page.wait_for_url(re.compile(r".*/bulk-edits\?group=Lab.*"))
    assert page.get_by_test_id("members-group").input_value() == "Lab Devices"
    context.close()
