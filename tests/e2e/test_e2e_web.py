"""Real clicks in real pages: sign-in, onboarding, Policies, CSV, read-only refusal, sign-out, residency.

The tests of this module share one demo stack and run in order: the admin onboards Contoso, the
read-only operator comes next, and the residency checks look at everything the session left.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 860}


def _context(browser: Any, *, dark: bool = False, viewport: dict[str, int] = WIDE, state: Any = None) -> Any:
    # The emulator's sign-in pages use a certificate from a CA made for this run.
    return browser.new_context(
        viewport=viewport,
        color_scheme="dark" if dark else "light",
        ignore_https_errors=True,
        accept_downloads=True,
        storage_state=state,
    )


def _pick_account(page: Any, upn: str) -> None:
    page.locator("button[name=user]", has_text=upn).click()


def _operator(stack: Any, role: str) -> str:
    tenant = stack.demo.tenants["contoso"]
    return str(
        next(o for o in tenant.operators if o.role == role and o.enabled and not o.mfa_required).user_principal_name
    )


def _wait_for_table(page: Any) -> None:
    page.wait_for_selector("[data-testid=policies-table]", timeout=30_000)


def test_admin_signs_in_onboards_and_works_with_policies(stack: Any, browser: Any, shots: Path) -> None:
    admin = _operator(stack, "admin")
    context = _context(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(stack.base_url + "/")
    page.screenshot(path=str(shots / "01-signin-light-1280.png"))
    page.get_by_role("link", name="Sign in with Microsoft").click()
    page.wait_for_url(re.compile(r"https://localhost:\d+/organizations/"))
    _pick_account(page, admin)
    page.wait_for_url(re.compile(r".*/onboarding$"))
    assert page.get_by_label("Tenant's primary domain").input_value() == "contoso.onmicrosoft.com"
    page.screenshot(path=str(shots / "02-onboarding-light-1280.png"), full_page=True)
    page.get_by_role("button", name="Grant admin consent").click()
    page.wait_for_url(re.compile(r".*/adminconsent.*"))
    _pick_account(page, admin)
    page.wait_for_url(re.compile(r".*/policies"))
    _wait_for_table(page)
    assert stack.registry.get(stack.demo.tenants["contoso"].tenant_id) is not None
    assert "contoso.onmicrosoft.com" in page.get_by_test_id("tenant-in-use").inner_text()
    page.screenshot(path=str(shots / "03-policies-light-1280.png"), full_page=True)

    # Search through the box: the URL follows (state lives in the URL).
    page.get_by_label("Search").fill("defender")
    page.wait_for_url(re.compile(r".*[?&]q=defender"))
    page.wait_for_function("document.querySelector('[data-testid=result-count]').innerText.includes('of')")
    names = page.locator("[data-testid=policies-table] tbody th").all_inner_texts()
    assert names and all("defender" in r.lower() for r in page.locator("tbody tr").all_inner_texts())
    assert "WIN - Defender Antivirus - Standard" in names

    # Sort and page through the URL; the header says how it is sorted.
    page.goto(stack.base_url + "/policies?sort=modified&dir=desc&per=25")
    _wait_for_table(page)
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Last modified")
    dates = [d for d in page.locator("tbody td.nowrap").all_inner_texts() if d != "—"]
    assert dates == sorted(dates, reverse=True) and len(page.locator("tbody tr").all()) == 25
    page.get_by_role("link", name="Name").first.click()
    # Name ascending is the default order, so it drops out of the URL.
    page.wait_for_url(re.compile(r".*/policies\?per=25$"))
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Name")

    # Download the CSV of what matches.
    page.goto(stack.base_url + "/policies?q=WIN")
    _wait_for_table(page)
    total = int(re.search(r"of (\d+)", page.get_by_test_id("result-count").inner_text()).group(1))
    with page.expect_download() as download_info:
        page.get_by_test_id("export-csv").click()
    download = download_info.value
    assert re.fullmatch(r"contoso\.onmicrosoft\.com_policies_\d{4}-\d{2}-\d{2}_\d{4}\.csv", download.suggested_filename)
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"), newline="")))
    assert rows[0] == ["Name", "Type", "Platform", "Assignments", "Last modified (UTC)", "Scope tags"]
    assert len(rows) - 1 == total

    # Dark theme and a narrow screen, same session.
    state = context.storage_state()
    for dark in (False, True):
        for viewport, label in ((WIDE, "1280"), (NARROW, "narrow")):
            if not dark and label == "1280":
                continue
            other = _context(browser, dark=dark, viewport=viewport, state=state)
            view = other.new_page()
            view.goto(stack.base_url + "/policies?q=WIN")
            _wait_for_table(view)
            theme = "dark" if dark else "light"
            view.screenshot(path=str(shots / f"04-policies-{theme}-{label}.png"), full_page=label == "1280")
            if dark and label == "1280":
                view.goto(stack.base_url + "/tenant")
                view.screenshot(path=str(shots / "05-tenant-dark-1280.png"), full_page=True)
            other.close()

    # Keyboard focus is visible: tab to the search box and check the outline.
    page.goto(stack.base_url + "/policies")
    _wait_for_table(page)
    page.get_by_label("Search").focus()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors

    # Sign out: the cookie goes, Entra's session ends, the sign-in page is back.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(re.escape(stack.base_url) + r"/$"))
    assert page.get_by_role("link", name="Sign in with Microsoft").is_visible()
    assert not [c for c in context.cookies() if "ia_session" in c["name"]]
    page.goto(stack.base_url + "/policies")
    page.wait_for_url(re.compile(r"https://localhost:\d+/organizations/.*"))
    context.close()


def test_read_only_operator_sees_policies_but_nothing_to_activate(stack: Any, browser: Any, shots: Path) -> None:
    reader = _operator(stack, "readOnly")
    context = _context(browser)
    page = context.new_page()
    page.goto(stack.base_url + "/")
    page.get_by_role("link", name="Sign in with Microsoft").click()
    _pick_account(page, reader)
    page.wait_for_url(re.compile(r".*/policies"))
    _wait_for_table(page)
    assert page.locator("tbody tr").count() > 10
    page.get_by_role("link", name="Tenant settings").click()
    page.wait_for_load_state()
    # Activate is shown only to users who can grant admin consent.
    assert page.get_by_role("heading", name="Write modules").is_visible()
    assert page.get_by_role("button", name=re.compile(r"^Activate")).count() == 0
    # A forged consent answer typed into the address bar is refused, and changes nothing.
    page.goto(stack.base_url + "/onboarding/consent?admin_consent=True&state=forged")
    assert page.get_by_role("heading", name="This consent answer does not belong to this session").is_visible()
    assert page.get_by_test_id("correlation-id").inner_text()
    page.screenshot(path=str(shots / "06-refused-light-1280.png"), full_page=True)
    tenant_id = stack.demo.tenants["contoso"].tenant_id
    assert not stack.registry.get(tenant_id).modules
    context.close()


def test_data_residency_after_the_browser_sessions(stack: Any, logs: Any) -> None:
    data_dir = Path(stack.data_dir)
    files = sorted(p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*") if p.is_file())
    assert files and all(f.startswith("registry/intune-assistant.db") for f in files), files
    with sqlite3.connect(data_dir / "registry/intune-assistant.db") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {"alembic_version", "tenant", "tenant_module", "ended_session"}, tables
        # The sign-out left the hash of its random session id and a time, nothing else.
        ended = db.execute("SELECT marker FROM ended_session").fetchall()
        assert ended and all(re.fullmatch(r"[0-9a-f]{64}", row[0]) for row in ended), ended
        rows = db.execute("SELECT * FROM tenant").fetchall()
        assert [r[:2] for r in rows] == [(stack.demo.tenants["contoso"].tenant_id, "contoso.onmicrosoft.com")]
        assert db.execute("SELECT COUNT(*) FROM tenant_module").fetchone() == (0,)
        dump = "\n".join(db.iterdump())
    text = "\n".join(logs.lines)
    assert logs.lines  # the session did log (so the check below means something)
    assert "eyJ" not in text and "eyJ" not in dump
    names = [
        str(obj.get("displayName") or obj.get("name"))
        for items in stack.demo.tenants["contoso"].objects.values()
        for obj in items
        if isinstance(obj.get("displayName") or obj.get("name"), str)
        and len(obj.get("displayName") or obj.get("name")) > 6
    ]
    assert names
    leaked = [n for n in names if n in text or n in dump]
    assert not leaked, leaked[:5]


@pytest.fixture(scope="module", autouse=True)
def _print_screenshots(shots: Path) -> Any:
    yield
    print(f"\nscreenshots: {shots}")
