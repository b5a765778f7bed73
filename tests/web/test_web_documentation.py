"""Documentation downloads and the settings search: files open in their readers, URL state, CSV, API."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook
from pypdf import PdfReader

POLICY = "WIN - Defender Antivirus - Standard"
NAME = r"contoso\.onmicrosoft\.com_documentation_\d{4}-\d{2}-\d{2}_\d{4}\.{ext}"


@pytest.fixture
async def ready(web):  # type: ignore[no-untyped-def]
    """Contoso onboarded by its admin, and the tenant collected."""
    await web.onboarded_admin()
    page = await web.wait_for_policies("/documentation")
    assert page.status_code == 200 and "documentation-form" in page.text, page.text[:500]
    return web


def _filename(response) -> str:  # type: ignore[no-untyped-def]
    match = re.fullmatch(r'attachment; filename="([^"]+)"', response.headers["content-disposition"])
    assert match, response.headers["content-disposition"]
    return match.group(1)


def _rows(html: str) -> list[tuple[str, ...]]:
    """(setting, value, policy) of each table row of the settings page."""
    cells = r'<tr>\s*<th scope="row" class="name">(.*?)</th>\s*<td>(.*?)</td>\s*<td>(.*?)</td>'
    return [tuple(re.sub(r"<[^>]+>", "", c) for c in row) for row in re.findall(cells, html, re.S)]


def _text_of(fmt: str, body: bytes) -> str:
    """The document's text, read back with the format's own reader."""
    if fmt == "docx":
        doc = WordDocument(io.BytesIO(body))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r if v)
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if fmt == "csv":
        assert body.startswith(b"\xef\xbb\xbf")
        return "\n".join(",".join(r) for r in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    if fmt == "json":
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body.decode("utf-8")


async def test_documentation_page_offers_types_formats_and_options(ready) -> None:
    page = await ready.client.get("/documentation")
    assert 'action="/documentation/download"' in page.text
    assert 'id="type-settingsCatalog"' in page.text and "checked" in page.text
    for fmt in ("md", "html", "docx", "pdf", "xlsx", "csv", "json"):
        assert f'value="{fmt}"' in page.text
    assert '<label for="assignments">Include assignments</label>' in page.text
    # State in the URL: the form shows what the address asks for.
    chosen = await ready.client.get("/documentation?format=pdf&type=settingsCatalog&scripts=1")
    assert '<option value="pdf" selected>' in chosen.text
    assert re.search(r'id="type-settingsCatalog"[^>]*checked', chosen.text)
    assert not re.search(r'id="type-deviceConfigurations"[^>]*checked', chosen.text)
    assert re.search(r'id="scripts"[^>]*checked', chosen.text)
    assert not re.search(r'id="assignments"[^>]*checked', chosen.text)


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf", "xlsx", "csv", "json", "md"])
async def test_each_format_downloads_and_opens(ready, fmt: str) -> None:
    types = "" if fmt in ("html", "csv") else "&type=settingsCatalog"
    response = await ready.client.get(f"/documentation/download?format={fmt}{types}&assignments=1&scripts=0")
    assert response.status_code == 200, response.text[:300]
    assert re.fullmatch(NAME.replace("{ext}", fmt), _filename(response))
    assert POLICY in _text_of(fmt, response.content)


async def test_download_leaves_nothing_on_disk(ready, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    for fmt in ("docx", "xlsx"):
        response = await ready.client.get(f"/documentation/download?format={fmt}&type=settingsCatalog")
        assert response.status_code == 200
    assert not list(scratch.iterdir())


async def test_download_honours_the_chosen_types_and_refuses_unknown_formats(ready) -> None:
    only = await ready.client.get("/documentation/download?format=json&type=compliancePolicies")
    assert only.status_code == 200 and POLICY not in only.text
    bad = await ready.client.get("/documentation/download?format=exe")
    assert bad.status_code == 400 and "Unknown document format" in bad.text and "Traceback" not in bad.text


async def test_settings_search_finds_bitlocker_and_defender_by_name(ready) -> None:
    page = await ready.client.get("/settings?q=bitlocker")
    assert page.status_code == 200 and "settings-table" in page.text
    count = re.search(r"of (\d+) settings", page.text)
    assert count and int(count.group(1)) > 0
    rows = _rows(page.text)
    assert ("Require Device Encryption", "Enabled", "WIN - BitLocker - Require Encryption") in rows
    assert "settingsCatalog" not in re.sub(r'(value|href)="[^"]*"', "", page.text)  # names, never keys
    defender = await ready.client.get("/settings", params={"q": "realtime monitoring"})
    assert ("Allow Realtime Monitoring", "Allowed", POLICY) in _rows(defender.text)
    none = await ready.client.get("/settings?q=zzzz-no-such-setting")
    assert "No settings match" in none.text and "Clear the search" in none.text


async def test_settings_filters_and_paging_live_in_the_url(ready) -> None:
    first = await ready.client.get("/settings?per=25")
    total = int(re.search(r"of (\d+) settings", first.text).group(1))
    assert total > 25 and 'rel="next"' in first.text and "/settings?page=2&amp;per=25" in first.text
    second = await ready.client.get("/settings?page=2&per=25")
    assert "Showing 26–50" in second.text
    windows = await ready.client.get("/settings?platform=Windows&type=settingsCatalog")
    assert '<option value="settingsCatalog" selected>' in windows.text
    assert "filtered from" in windows.text


async def test_settings_csv_exports_every_match_with_every_column(ready) -> None:
    page = await ready.client.get("/settings?q=bitlocker")
    matched = int(re.search(r"of (\d+) settings", page.text).group(1))
    response = await ready.client.get("/settings.csv?q=bitlocker")
    assert response.status_code == 200
    assert re.fullmatch(r"contoso\.onmicrosoft\.com_settings_\d{4}-\d{2}-\d{2}_\d{4}\.csv", _filename(response))
    assert response.content.startswith(b"\xef\xbb\xbf") and b"\r\n" in response.content
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Setting", "Value", "Policy", "Type", "Platform", "Category"]
    assert len(rows) - 1 == matched
    assert all(r[1] for r in rows[1:])  # readable values, never empty


async def test_api_settings_answers_a_bearer_token(ready) -> None:
    tenant = ready.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = ready.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=ready.emulator.base_url)
    response = await ready.client.get("/api/v1/settings?q=bitlocker", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["matched"] == len(body["rows"]) > 0
    assert all("bitlocker" in json.dumps(r).lower() for r in body["rows"])
    refused = await ready.client.get("/api/v1/settings")
    assert refused.status_code == 401 and refused.headers["content-type"].startswith("application/problem+json")


SIGNED_OUT = ["/documentation", "/documentation/download?format=html", "/settings", "/settings.csv"]


@pytest.mark.parametrize("path", SIGNED_OUT)
async def test_signed_out_goes_to_sign_in(web, path: str) -> None:
    response = await web.client.get(path)
    assert response.status_code == 303 and response.headers["location"].startswith("/signin?")
