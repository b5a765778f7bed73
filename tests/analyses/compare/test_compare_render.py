"""Compare reports: every format complete, escaped and readable by the tool it is meant for."""

from __future__ import annotations

import copy
import csv
import io
import json
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from intune_assistant.analyses.compare import (
    BaselineStatus,
    Comparison,
    ObjectStatus,
    compare_baseline,
    compare_tenants,
)
from intune_assistant.baselines import builtin_baseline
from intune_assistant.render.compare import (
    FORMATS,
    default_filename,
    render_comparison,
    render_csv,
    render_html,
    render_json,
    render_markdown,
    render_xlsx,
)
from intune_assistant.render.compare.view import COLUMNS, rows
from intune_assistant.snapshot import Snapshot
from intune_assistant.spreadsheet_cells import to_cell

HOSTILE = '<script>alert("x")</script> | =cmd() *bold* `tick`'


@pytest.fixture(scope="module")
def hostile(contoso: Snapshot) -> Comparison:
    """A comparison whose names and values carry markup, pipes and formula starts."""
    changed = copy.deepcopy(contoso)
    policy = changed.objects["settingsCatalog"][0]
    policy["description"] = HOSTILE
    changed.objects["deviceConfigurations"][0]["displayName"] = HOSTILE
    return compare_tenants(contoso, changed, left_label="before <b>", right_label="after & co")


def test_html_is_self_contained_escaped_and_has_the_toggle(hostile: Comparison) -> None:
    page = render_html(hostile)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "before &lt;b&gt;" in page and "after &amp; co" in page
    assert 'id="only-differences"' in page and "classList.toggle" in page
    assert "default-src 'none'" in page  # nothing loads from elsewhere
    assert not any(tag in page for tag in ("<link", "<img", " src=", " href="))
    # Side by side: one row per setting with both values.
    assert page.count('<tr class="same">') > 100 and page.count('<tr class="differs">') == 1
    only = render_html(hostile, only_differences=True)
    assert '<tr class="same">' not in only and "checked disabled" in only


def test_markdown_escapes_table_cells(hostile: Comparison) -> None:
    text = render_markdown(hostile, only_differences=True)
    assert "\\<script\\>" in text and "\\| =cmd() \\*bold\\* \\`tick\\`" in text
    for line in text.splitlines():
        if line.startswith("| ") and HOSTILE[:8] not in line:
            continue
        if line.startswith("|"):
            # Unescaped pipes are exactly the cell borders.
            assert line.replace("\\|", "").count("|") in (4, 5)


def test_csv_is_rfc4180_with_bom_and_reads_back(hostile: Comparison) -> None:
    data = render_csv(hostile)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.endswith("\r\n")  # CRLF records; line breaks inside quoted values are allowed
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0][:9] == list(COLUMNS[:9]) and parsed[0][9:11] == ["before <b>", "after & co"]
    expected = [[to_cell(v) for v in row] for row in rows(hostile, False)]
    assert parsed[1:] == expected
    # A value that starts like a formula is kept as text.
    assert any(cell.startswith("'=") or cell == "'" + HOSTILE for row in parsed for cell in row) or any(
        HOSTILE in cell for row in parsed for cell in row
    )
    assert all(not cell.startswith("=") for row in parsed for cell in row)


def test_formula_cells_leave_numbers_alone() -> None:
    assert to_cell("=1+1") == "'=1+1"
    assert to_cell("@SUM(A1)") == "'@SUM(A1)"
    assert to_cell("-1") == "-1" and to_cell("-x") == "'-x"
    assert to_cell("plain") == "plain"


def test_xlsx_opens_with_every_row(hostile: Comparison) -> None:
    book = load_workbook(io.BytesIO(render_xlsx(hostile)))
    assert book.sheetnames == ["Summary", "Details"]
    details = list(book["Details"].iter_rows(values_only=True))
    assert len(details) - 1 == len(list(rows(hostile, False)))
    assert all(not (isinstance(c, str) and c.startswith("=")) for row in details for c in row)


def test_json_holds_the_whole_result(hostile: Comparison, contoso: Snapshot) -> None:
    data = json.loads(render_json(hostile))
    assert data["kind"] == "tenants" and data["aligned"] is False
    assert len(data["objects"]) == len(hostile.objects)
    changed = [o for o in data["objects"] if o["status"] != "same"]
    assert {o["label"] for o in changed} >= {"different"}
    baseline = json.loads(render_json(compare_baseline(builtin_baseline(), contoso), only_differences=True))
    assert baseline["scores"][0]["scope"] == "overall" and "percent" in baseline["scores"][0]
    assert all(o["status"] != "same" for o in baseline["objects"])


def test_every_format_renders_and_names_its_file(hostile: Comparison) -> None:
    for fmt in FORMATS:
        assert render_comparison(hostile, fmt)
        name = default_filename(hostile, fmt, datetime(2025, 3, 4, 5, 6, tzinfo=UTC))
        assert name.endswith(f"_compare-tenants_2025-03-04_0506.{FORMATS[fmt]}")
    with pytest.raises(ValueError, match="unknown format"):
        render_comparison(hostile, "pdf")


@pytest.fixture(scope="module")
def against_baseline(contoso: Snapshot) -> Comparison:
    return compare_baseline(builtin_baseline(), contoso, baseline_label="builtin", tenant_label="contoso")


def test_every_report_shows_the_baseline_lists_with_tenant_policies_and_values(against_baseline: Comparison) -> None:
    result = against_baseline
    lists = {s: result.baseline_list(s) for s in BaselineStatus}
    assert all(lists.values())  # Contoso has settings in every list
    page = render_html(result)
    text = render_markdown(result)
    for heading, status in (
        ("Configured differently", BaselineStatus.DIFFERS),
        ("Conflicting", BaselineStatus.CONFLICTING),
        ("Set differently in non-overlapping policies", BaselineStatus.NON_OVERLAPPING),
        ("Missing", BaselineStatus.MISSING),
        ("Matching", BaselineStatus.MATCHES),
    ):
        assert f"<h2>{heading} ({len(lists[status])})</h2>" in page
        assert f"## {heading} ({len(lists[status])})" in text
    extra = [o for o in result.objects if o.status is ObjectStatus.ONLY_RIGHT]
    assert f"Tenant policies the baseline does not cover ({len(extra)})" in page
    assert all(o.name in page and o.name in text for o in extra)
    for entry in (
        lists[BaselineStatus.CONFLICTING] + lists[BaselineStatus.NON_OVERLAPPING] + lists[BaselineStatus.DIFFERS]
    ):
        assert all(v.policy in page and v.policy in text for v in entry.found)
    only = render_markdown(result, only_differences=True)
    assert "## Matching" not in only and "## Missing" in only
    # The summary counts settings by verdict, not the baseline's policies.
    assert f"{len(lists[BaselineStatus.CONFLICTING])} conflicting" in text


def test_csv_and_json_carry_each_baseline_setting_with_its_verdict(against_baseline: Comparison) -> None:
    result = against_baseline
    parsed = list(csv.reader(io.StringIO(render_csv(result).decode("utf-8-sig"), newline="")))
    verdicts = {row[8] for row in parsed[1:] if row[5] == "Setting"}
    assert verdicts == {
        "matches",
        "configured differently",
        "conflicting",
        "set differently in non-overlapping policies",
        "missing",
    }
    data = json.loads(render_json(result))
    assert len(data["baseline_settings"]) == len(result.baseline_settings)
    assert {s["status"] for s in data["baseline_settings"]} == {s.value for s in BaselineStatus}
    assert data["right"]["origin"].startswith("demo tenant read through the emulator, collected ")
    only = json.loads(render_json(result, only_differences=True))
    assert all(s["status"] != "matches" for s in only["baseline_settings"])


def test_xlsx_has_a_sheet_of_baseline_settings_to_filter_by_verdict(against_baseline: Comparison) -> None:
    book = load_workbook(io.BytesIO(render_xlsx(against_baseline)))
    assert book.sheetnames == ["Summary", "Details", "Baseline settings", "Scores"]
    header, *listed = list(book["Baseline settings"].iter_rows(values_only=True))
    assert header[0] == "Setting" and header[6] == "Verdict"
    assert len(listed) == len(against_baseline.baseline_settings)
    assert {row[6] for row in listed} == {
        "matches",
        "configured differently",
        "conflicting",
        "set differently in non-overlapping policies",
        "missing",
    }
    conflicting = against_baseline.baseline_list(BaselineStatus.CONFLICTING)[0]
    row = next(r for r in listed if r[1] == conflicting.setting_id and r[6] == "conflicting")
    assert all(v.policy in str(row[7]) for v in conflicting.found)
    only = load_workbook(io.BytesIO(render_xlsx(against_baseline, only_differences=True)))
    assert all(r[6] != "matches" for r in list(only["Baseline settings"].iter_rows(values_only=True))[1:])
