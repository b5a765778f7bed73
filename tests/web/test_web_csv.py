"""CSV export: RFC 4180, UTF-8 with BOM, a header per visible column, the file name."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from intune_assistant.catalog import default_catalog
from intune_assistant.web.csv_export import export_filename, to_csv
from intune_assistant.web.policies.query import policy_listing


def test_csv_quotes_commas_newlines_and_bom() -> None:
    rows = [["plain", 'say "hi"', "a,b", "line1\nline2", "", "ünïcödé"]]
    body = to_csv(["A", "B", "C", "D", "E", "F"], rows)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8")
    assert text == '\ufeffA,B,C,D,E,F\r\nplain,"say ""hi""","a,b","line1\nline2",,ünïcödé\r\n'
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert parsed == [["A", "B", "C", "D", "E", "F"], rows[0]]


def test_file_name_is_tenant_view_and_minute() -> None:
    when = datetime(2025, 3, 4, 5, 6, tzinfo=UTC)
    assert (
        export_filename("contoso.onmicrosoft.com", "policies", when)
        == "contoso.onmicrosoft.com_policies_2025-03-04_0506.csv"
    )
    assert export_filename('we"ird/dom ain', "policies", when) == "we-ird-dom-ain_policies_2025-03-04_0506.csv"


async def test_policies_export_covers_every_match_with_every_visible_column(web) -> None:
    await web.onboarded_admin()
    page = await web.wait_for_policies("/policies?q=WIN&sort=modified&dir=desc&per=25")
    count = re.search(r"of (\d+)", page.text)
    assert count is not None
    matched = int(count.group(1))
    assert matched > 25  # more than one page: the export must not stop at the page
    response = await web.client.get("/policies.csv?q=WIN&sort=modified&dir=desc&page=2&per=25")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(
        r'attachment; filename="contoso\.onmicrosoft\.com_policies_\d{4}-\d{2}-\d{2}_\d{4}\.csv"', disposition
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"), newline="")))
    headers = policy_listing(default_catalog()).headers()
    assert rows[0] == headers
    assert rows[0] == ["Name", "Type", "Platform", "Assignments", "Last modified (UTC)", "Scope tags"]
    assert len(rows) - 1 == matched
    assert all(len(r) == len(headers) for r in rows)
    modified = [r[4] for r in rows[1:]]
    assert modified == sorted(modified, reverse=True)
    assert all("win" in " ".join(r).lower() for r in rows[1:])
    # Scope tags by name, never by id.
    assert any(r[5] and not r[5].isdigit() for r in rows[1:])
    assert not any(re.fullmatch(r"[\d, ]+", r[5]) for r in rows[1:] if r[5])
