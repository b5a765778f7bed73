"""Hostile and awkward text (markup, table pipes, formulas, control characters) in every format."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from intune_assistant.catalog import Catalog
from intune_assistant.render import FORMATS, build_document, export_filename
from intune_assistant.snapshot import Names, Snapshot, TenantInfo, TypeResult, TypeStatus
from intune_assistant.spreadsheet_cells import from_cell

from .readers import read_csv, read_docx, read_html, read_markdown_anchors, read_pdf_text, read_xlsx, save

EVIL = '<script>alert("x")</script> | *bold* =HYPERLINK("http://evil") Gerät ✓'
FORMULA = '=HYPERLINK("http://evil","click")'


def _snapshot() -> Snapshot:
    script = "V3JpdGUtT3V0cHV0ICJoaSIKZXhpdCAw"  # Write-Output "hi"\nexit 0
    objects = {
        "deviceConfigurations": [
            {
                "@odata.type": "#microsoft.graph.windowsWifiConfiguration",
                "id": "w1",
                "displayName": EVIL,
                "description": "line one\nline two\x07",
                "ssid": FORMULA,
                "preSharedKey": "TopSecret!42",
                "connectAutomatically": True,
                "assignments": [
                    {"id": "a1", "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "g1"}},
                    {
                        "id": "a2",
                        "target": {"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": "g2"},
                    },
                    {
                        "id": "a3",
                        "target": {
                            "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
                            "deviceAndAppManagementAssignmentFilterId": "f1",
                            "deviceAndAppManagementAssignmentFilterType": "exclude",
                        },
                    },
                ],
            },
            {"@odata.type": "#microsoft.graph.windowsWifiConfiguration", "id": "w2", "displayName": EVIL, "ssid": "B"},
        ],
        "powershellScripts": [{"id": "s1", "displayName": "Say hi", "scriptContent": script, "runAsAccount": "user"}],
    }
    return Snapshot(
        tenant=TenantInfo("t", "evil.example.com", "Evil <Corp>"),
        source="emulator",
        taken_at=datetime(2025, 5, 1, 12, 30, tzinfo=UTC),
        objects=objects,
        results={k: TypeResult(k, TypeStatus.OK, len(v), 0.1) for k, v in objects.items()},
        names=Names(groups={"g1": "Finance | Users", "g2": "<VIPs>"}, filters={"f1": "Surface devices"}),
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> dict[str, Path]:
    document = build_document(_snapshot(), catalog)
    folder = tmp_path_factory.mktemp("evil")
    return {fmt: save(document, fmt, folder / f"evil.{ext}") for fmt, ext in FORMATS.items()}


def test_html_escapes_everything(files: dict[str, Path]) -> None:
    page = read_html(files["html"])
    assert page.scripts == 1
    assert EVIL in "".join(page.text)
    assert len(page.ids) == len(set(page.ids))  # two policies with one name: two anchors


def test_markdown_cells_stay_in_their_table(files: dict[str, Path]) -> None:
    text = files["md"].read_text("utf-8")
    assert "<script>" not in text and "\\<script\\>" in text
    anchors, links = read_markdown_anchors(text)
    assert len(anchors) == len(set(anchors)) and set(links) <= set(anchors)
    for line in text.splitlines():
        if line.startswith("| ") and "Finance" in line:
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            assert len(cells) == 6  # the pipe in the group name is escaped, not a cell border


def test_secrets_are_redacted_everywhere(files: dict[str, Path]) -> None:
    for fmt, path in files.items():
        if fmt in ("md", "html", "csv", "json"):
            assert "TopSecret" not in path.read_text("utf-8-sig"), fmt
    assert "TopSecret" not in read_pdf_text(files["pdf"])[0]
    assert all("TopSecret" not in (c.value or "") for row in read_xlsx(files["xlsx"])["All settings"] for c in row)


def test_excel_keeps_formulas_as_text(files: dict[str, Path]) -> None:
    sheet = read_xlsx(files["xlsx"])["All settings"]
    values = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == FORMULA]
    # The exact value, stored as a string and quote-prefixed (text even when an admin edits the cell).
    assert values and all(c.data_type == "s" and c.quotePrefix for c in values)
    plain = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == EVIL]
    assert plain and not any(c.quotePrefix for c in plain)


def test_csv_neutralises_formulas_and_round_trips_exactly(files: dict[str, Path]) -> None:
    table = read_csv(files["csv"])
    assert [r[3] for r in table[1:]].count(EVIL) >= 2
    assert any("'" + FORMULA in r for r in table) and not any(FORMULA in r for r in table)
    assert any(FORMULA in [from_cell(c) for c in r] for r in table)


def test_word_and_pdf_open_with_the_odd_text(files: dict[str, Path]) -> None:
    word = read_docx(files["docx"])
    assert [p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 2"] == [
        EVIL,
        EVIL,
        "Say hi",
    ]
    text, _ = read_pdf_text(files["pdf"])
    assert "Finance | Users" in text and "Excluded" in text and "Surface devices" in text


def test_assignments_and_script_content(files: dict[str, Path]) -> None:
    text = files["md"].read_text("utf-8")
    assert "✖ Excluded" in text and "All devices" in text and "Exclude" in text
    assert 'Write-Output "hi"' in text


def test_export_file_names_carry_tenant_and_time() -> None:
    when = datetime(2025, 5, 1, 12, 30, tzinfo=UTC)
    assert export_filename("contoso.onmicrosoft.com", "documentation", when, "pdf") == (
        "contoso.onmicrosoft.com_documentation_2025-05-01_1230.pdf"
    )
