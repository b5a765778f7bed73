"""Real clicks: the refresh button keeps the data on screen, and a CSV export after the cache expired is CSV.

The data here counts as fresh for 12 seconds and is kept for 18, so the test can outlive it.
"""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path
from typing import Any

from tests.e2e.browsing import sign_in_and_onboard

WEB_SETTINGS = {"cache_minutes": 0.2, "cache_keep_minutes": 0.3}
KEEP_S = 18


def _policies_page(browser: Any, stack: Any) -> Any:
    """Contoso's admin, signed in and onboarded, on Policies."""
    page = sign_in_and_onboard(browser, stack).new_page()
    page.goto(stack.base_url + "/policies")
    page.wait_for_selector("[data-testid=policies-table]", timeout=30_000)
    return page


def test_refresh_keeps_the_data_and_an_export_after_expiry_downloads_csv(stack: Any, browser: Any, shots: Path) -> None:
    page = _policies_page(browser, stack)
    first_read = page.get_by_test_id("data-age").inner_text()
    assert re.fullmatch(r"Data read \d{4}-\d\d-\d\d \d\d:\d\d UTC \(just now\)\.", first_read)

    # Refresh: the table stays on screen, the banner says a refresh runs, then offers the new data.
    page.get_by_test_id("refresh-data").click()
    page.wait_for_url(re.compile(r".*/policies$"))
    assert page.get_by_test_id("policies-table").is_visible()
    assert "Refreshing" in page.get_by_test_id("refreshing").inner_text()
    page.screenshot(path=str(shots / "refresh-01-refreshing-1280.png"))
    page.get_by_test_id("newer-data").click(timeout=30_000)
    page.wait_for_selector("[data-testid=refresh-scope]")
    scope = page.get_by_test_id("refresh-scope").inner_text()
    assert "re-read in full:" in scope and "checked for changes only" in scope
    assert page.get_by_test_id("policies-table").is_visible()

    # Long after the data expired (nothing kept any more), Export CSV still downloads the CSV.
    time.sleep(KEEP_S + 1)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_test_id("export-csv").click()
    download = info.value
    assert re.fullmatch(r"contoso\.onmicrosoft\.com_policies_\d{4}-\d{2}-\d{2}_\d{4}\.csv", download.suggested_filename)
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf") and b"<html" not in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"), newline="")))
    assert rows[0] == ["Name", "Type", "Platform", "Assignments", "Last modified (UTC)", "Scope tags"]
    assert len(rows) > 10
    page.context.close()
