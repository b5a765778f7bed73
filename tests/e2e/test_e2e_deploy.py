"""Deploy and Restore in a real browser. Deploy: Fabrikam's admin turns the module on, uploads the
IntuneCD sample (a zip of the copy in tests/fixtures), reviews the plan (creates, what is not
deployable and why, the reference mapping), applies it, reads the results; the same deploy again
plans nothing. Restore: Contoso's admin deletes a policy with Bulk edits, downloads the backup it
offers, uploads it on the Restore page, applies, and finds the policy back on Policies. Golden
tenant: an MSP's partner admin working in Fabrikam deploys Contoso (both GDAP customers) into it
with assignments as in the source — groups mapped to Fabrikam's own by name, the rest flagged."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .browsing import WIDE, sign_in_and_onboard

SAMPLE = Path(__file__).parents[1] / "fixtures" / "samples" / "intunecd-backup"


def _zip_sample(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def _review_upload(page: Any, stack: Any, upload: dict[str, Any]) -> None:
    page.goto(stack.base_url + "/deploy")
    page.get_by_label("What to deploy").select_option("upload")
    page.get_by_test_id("deploy-file").set_input_files(upload)
    page.get_by_label(re.compile(r"^None: create objects unassigned")).check()
    page.get_by_test_id("review-deploy").click()
    page.wait_for_url(re.compile(r".*/deploy/review$"))
    page.wait_for_selector("[data-testid=counts]", timeout=60_000)


def test_deploy_the_intunecd_sample_into_fabrikam_then_nothing_is_left(stack: Any, browser: Any, shots: Path) -> None:
    context = sign_in_and_onboard(browser, stack, modules=("deploy-baseline",), tenant_name="fabrikam")
    page = context.new_page()
    upload = {"name": "intunecd-backup.zip", "mimeType": "application/zip", "buffer": _zip_sample(SAMPLE)}
    _review_upload(page, stack, upload)
    created = int(page.get_by_test_id("count-create").inner_text())
    assert created >= 100
    expect(page.get_by_test_id("not-deployable")).to_contain_text("All users and all devices")
    expect(page.get_by_test_id("refused")).to_contain_text("not written by the deploy-baseline module")
    expect(page.get_by_test_id("item-references").first).to_be_visible()
    items = page.get_by_test_id("plan-item")
    planned = items.count()
    assert planned >= created
    page.screenshot(path=str(shots / "40-deploy-review-1280.png"), full_page=False)

    page.get_by_test_id("apply").click()
    page.wait_for_url(re.compile(r".*/deploy/apply/[A-Za-z0-9_-]{30,}$"))
    page.wait_for_selector("[data-testid=results-table]", timeout=180_000)
    assert page.get_by_test_id("count-applied").inner_text() == str(planned)
    assert page.get_by_test_id("count-failed").inner_text() == "0"
    names = {p["name"] for p in stack.demo.tenants["fabrikam"].objects["settingsCatalog"]}
    assert "POC_WIN_D_CO_SBL_MSZT_BitLocker" in names
    page.screenshot(path=str(shots / "41-deploy-results-1280.png"), full_page=False)

    _review_upload(page, stack, upload)
    expect(page.get_by_test_id("plan-empty")).to_be_visible()
    assert page.get_by_test_id("count-create").inner_text() == "0"
    assert page.get_by_test_id("apply").count() == 0
    context.close()


def test_restore_a_deleted_policy_from_the_backup_its_delete_offered(stack: Any, browser: Any, tmp_path: Path) -> None:
    context = sign_in_and_onboard(browser, stack, modules=("bulk-edit", "restore"))
    page = context.new_page()
    policy = next(p for p in stack.demo.tenants["contoso"].objects["settingsCatalog"] if p.get("assignments"))
    name, settings = policy["name"], len(policy["settings"])

    page.goto(stack.base_url + f"/bulk-edits?object=settingsCatalog/{policy['id']}")
    page.get_by_test_id("review-delete").click()
    page.wait_for_url(re.compile(r".*/bulk-edits/review"))
    page.get_by_test_id("confirm-input").fill(page.get_by_test_id("confirm-phrase").inner_text())
    page.get_by_test_id("apply").click()
    page.wait_for_selector("[data-testid=results-table]", timeout=60_000)
    assert page.get_by_test_id("count-applied").inner_text() == "1"
    assert name not in {p["name"] for p in stack.demo.tenants["contoso"].objects["settingsCatalog"]}
    with page.expect_download() as info:
        page.get_by_test_id("backup-download").click()
    backup = tmp_path / "backup.zip"
    info.value.save_as(backup)

    page.goto(stack.base_url + "/restore")
    page.get_by_label(re.compile(r"^Backup or snapshot")).set_input_files(str(backup))
    page.get_by_test_id("review-restore").click()
    page.wait_for_url(re.compile(r".*/restore/review$"))
    assert page.get_by_test_id("count-create").inner_text() == "1"
    expect(page.get_by_test_id("plan-item")).to_contain_text("assign:")
    page.get_by_test_id("apply").click()
    page.wait_for_url(re.compile(r".*/restore/apply/[A-Za-z0-9_-]{30,}$"))
    page.wait_for_selector("[data-testid=results-table]", timeout=60_000)
    assert page.get_by_test_id("count-applied").inner_text() == "1"

    back = next(p for p in stack.demo.tenants["contoso"].objects["settingsCatalog"] if p["name"] == name)
    assert back["id"] != policy["id"] and len(back["settings"]) == settings and back.get("assignments")
    # The Policies page shows it once the tenant was read again after the apply (its status says when).
    page.goto(stack.base_url + "/policies?q=" + name)
    if page.get_by_test_id("refreshing").count():
        page.get_by_test_id("newer-data").click(timeout=60_000)
    expect(page.get_by_test_id("policies-table")).to_contain_text(name, timeout=60_000)
    context.close()


def test_deploy_contoso_into_fabrikam_as_a_golden_tenant(stack: Any, browser: Any, shots: Path) -> None:
    tenants = stack.demo.tenants
    # Fabrikam's own administrator turns Deploy baselines on (admin consent for its write scopes).
    sign_in_and_onboard(browser, stack, modules=("deploy-baseline",), tenant_name="fabrikam").close()
    admin = next(o for o in tenants["partner"].operators if o.role == "admin" and o.enabled and not o.mfa_required)
    context = browser.new_context(viewport=WIDE, ignore_https_errors=True)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.locator("button[name=user]", has_text=admin.user_principal_name).click()
    page.wait_for_url(re.compile(r".*/(onboarding|policies)$"))
    if page.url.endswith("/onboarding"):
        page.get_by_role("button", name="Grant admin consent").click()
        page.wait_for_url(re.compile(r".*/adminconsent.*"))
        page.locator("button[name=user]", has_text=admin.user_principal_name).click()
        page.wait_for_url(re.compile(r".*/policies"))
    page.goto(stack.base_url + "/customers")
    for name in ("Contoso", "Fabrikam"):
        box = page.get_by_label(f"Onboard {name}")
        if box.count():
            box.check()
    if page.get_by_test_id("onboard-selected").is_enabled():
        page.get_by_test_id("onboard-selected").click()
        expect(page.get_by_test_id("onboarded-notice")).to_contain_text("onboarded")
    page.goto(stack.base_url + f"/customers/switch?tenant={tenants['fabrikam'].tenant_id}")
    page.wait_for_selector("[data-testid=policies-table]", timeout=60_000)

    page.goto(stack.base_url + "/deploy")
    page.get_by_label("What to deploy").select_option(f"tenant:{tenants['contoso'].tenant_id}")
    page.get_by_label(re.compile(r"^As in the source")).check()
    page.get_by_test_id("review-deploy").click()
    page.wait_for_url(re.compile(r".*/deploy/review$"))
    page.wait_for_selector("[data-testid=counts]", timeout=60_000)
    expect(page.get_by_test_id("source-label")).to_have_text(tenants["contoso"].domain)
    fabrikam_groups = {g["displayName"]: g["id"] for g in tenants["fabrikam"].objects["groups"]}
    mapped = page.get_by_test_id("item-references").filter(has_text="group '").first.inner_text()
    name, target = re.search(r"group '([^']+)' → (\S+)", mapped).groups()
    assert fabrikam_groups[name] == target  # Fabrikam's own group of that name
    expect(page.get_by_test_id("flagged")).to_contain_text("not mapped")
    page.screenshot(path=str(shots / "42-deploy-golden-review-1280.png"), full_page=False)
    planned = page.get_by_test_id("plan-item").count()
    page.get_by_test_id("apply").click()
    page.wait_for_selector("[data-testid=results-table]", timeout=180_000)
    assert page.get_by_test_id("count-applied").inner_text() == str(planned)
    context.close()
