"""The HTML documentation opened offline in Chromium: contents links land on their policy."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from intune_assistant.emulator.demo import build_demo
from intune_assistant.render import build_document, document_bytes

from ..integration.conftest import collect_demo


def test_html_documentation_contents_links_land_on_their_policy(browser: Any, tmp_path: Path) -> None:
    demo = build_demo(["contoso"])
    # Playwright's sync API runs an event loop in this thread: collect in another one.
    with ThreadPoolExecutor(1) as pool:
        snapshot, _ = pool.submit(asyncio.run, collect_demo(demo, "contoso")).result()
    path = tmp_path / "contoso.html"
    path.write_bytes(document_bytes(build_document(snapshot, demo.catalog), "html"))
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(path.as_uri())
        links = page.locator('nav a[href^="#"], a[href^="#"]')
        count = links.count()
        assert count > 100, "the contents list every policy"
        # A link near the end, so landing on it means the page really scrolled to the policy.
        link = links.nth(count - 5)
        target = link.get_attribute("href")
        assert target and target.startswith("#")
        name = link.inner_text().strip()
        link.click()
        page.wait_for_function("h => location.hash === h", arg=target)
        heading = page.locator(f"[id='{target[1:]}']")
        assert heading.count() == 1
        box = heading.bounding_box()
        assert box is not None and -2 <= box["y"] < 800, "the policy is scrolled into view"
        assert name and name in heading.inner_text() + (heading.locator("xpath=..").inner_text())
    finally:
        page.close()
