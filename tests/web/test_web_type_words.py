"""Types and platforms read in Intune's words on the pages, from the catalog (UX rule 15)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

ROW = re.compile(
    r'<th scope="row" class="name">(?:<input [^>]*>)?(?:<a [^>]*>)?(?P<name>[^<]*)(?:</a>)?</th>'
    r"\s*<td>(?P<type>[^<]*)</td>\s*<td>(?P<platform>[^<]*)</td>"
)


def _rows(html: str) -> list[tuple[str, str, str]]:
    return [(unescape(m["name"]), unescape(m["type"]), unescape(m["platform"])) for m in ROW.finditer(html)]


async def test_the_kiosk_profile_reads_windows_and_kiosk_on_the_policies_page(web: Any) -> None:
    await web.onboarded_admin()
    page = await web.wait_for_policies("/policies?q=Kiosk")
    rows = _rows(page.text)
    assert ("WIN - Kiosk - Executives", "Kiosk", "Windows 10 and later") in rows, rows


async def test_default_enrollment_restrictions_are_told_apart_by_their_type(web: Any) -> None:
    await web.onboarded_admin()
    page = await web.wait_for_policies("/policies?q=All+users+and+all+devices")
    rows = [r for r in _rows(page.text) if r[0] == "All users and all devices"]
    defaults = [
        o
        for o in web.tenant("contoso").objects["enrollmentConfigurations"]
        if o.get("displayName") == "All users and all devices"
    ]
    assert len(rows) == len(defaults) >= 2
    # Each default restriction has its own type; none reads as the catalog's category.
    assert len({r[1] for r in rows}) == len(rows), rows
    assert not {r[1] for r in rows} & {"Enrollment configurations (ESP, restrictions, limits)"}


async def test_filters_show_their_platform_in_intune_words(web: Any) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies("/filters")
    page = unescape((await web.client.get("/filters")).text)
    platforms = {o["platform"] for o in web.tenant("contoso").objects["assignmentFilters"]}
    assert "windows10AndLater" in platforms
    for raw in platforms - {"macOS"}:  # the one enum Intune writes as Graph does
        assert f"<td>{raw}</td>" not in page
    assert "<td>Windows 10 and later</td>" in page and "<td>iOS/iPadOS</td>" in page
