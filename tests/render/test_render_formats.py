"""Every policy of the demo tenants and of both real-world samples renders in every format, and the
files open in their real readers (python-docx, openpyxl, pypdf, html.parser, csv, json)."""

from __future__ import annotations

from pathlib import Path

import pytest

from intune_assistant.catalog import Catalog
from intune_assistant.render import FORMATS, Document, build_document
from intune_assistant.snapshot import Snapshot

from .readers import read_csv, read_docx, read_html, read_json, read_markdown_anchors, read_pdf_text, read_xlsx, save

SOURCES = ("contoso", "fabrikam", "partner", "intunecd-backup", "intunemanagement-export")


@pytest.fixture(scope="module")
def documents(
    demo_snapshots: dict[str, Snapshot], sample_snapshots: dict[str, Snapshot], catalog: Catalog
) -> dict[str, Document]:
    snapshots = {**demo_snapshots, **sample_snapshots}
    return {name: build_document(snapshots[name], catalog) for name in SOURCES}


@pytest.fixture(scope="module")
def rendered(documents: dict[str, Document], tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("rendered")
    files = {}
    for name, document in documents.items():
        for fmt, extension in FORMATS.items():
            written = save(document, fmt, folder / f"{name}.{extension}")
            assert written.stat().st_size > 0
            files[(name, fmt)] = written
    return files


def _names(document: Document) -> list[str]:
    return [p.name for p in document.policies()]


def _rows(document: Document) -> int:
    return sum(len(p.rows) for p in document.policies())


@pytest.mark.parametrize("name", SOURCES)
def test_every_policy_is_documented(documents: dict[str, Document], name: str) -> None:
    document = documents[name]
    assert document.policy_count() > 0 and _rows(document) > 0
    assert {c.status for c in document.coverage} <= {"ok", "partial", "failed", "not_collected"}


@pytest.mark.parametrize("name", SOURCES)
def test_html_anchors_are_unique_and_every_link_resolves(
    rendered: dict[tuple[str, str], Path], documents: dict[str, Document], name: str
) -> None:
    page = read_html(rendered[(name, "html")])
    assert len(page.ids) == len(set(page.ids))
    assert set(page.links) <= set(page.ids)
    assert {p.anchor for p in documents[name].policies()} <= set(page.links)
    assert page.scripts == 1  # ours; nothing from the data became markup
    text = "".join(page.text)
    assert all(policy in text for policy in _names(documents[name]))


@pytest.mark.parametrize("name", SOURCES)
def test_markdown_anchors_are_unique_and_links_resolve(rendered: dict[tuple[str, str], Path], name: str) -> None:
    anchors, links = read_markdown_anchors(rendered[(name, "md")].read_text("utf-8"))
    assert len(anchors) == len(set(anchors))
    assert set(links) <= set(anchors)


@pytest.mark.parametrize("name", SOURCES)
def test_docx_opens_with_a_heading_per_policy(
    rendered: dict[tuple[str, str], Path], documents: dict[str, Document], name: str
) -> None:
    word = read_docx(rendered[(name, "docx")])
    headings = [p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 2"]
    assert headings == _names(documents[name])
    assert word.tables and word.tables[0].rows[0].cells[0].text == "Type"
    assert any("TOC" in (n.text or "") for n in word.element.body.iter() if n.tag.endswith("instrText"))


@pytest.mark.parametrize("name", SOURCES)
def test_xlsx_has_all_settings_and_a_sheet_per_type_with_filters(
    rendered: dict[tuple[str, str], Path], documents: dict[str, Document], name: str
) -> None:
    book = read_xlsx(rendered[(name, "xlsx")])
    document = documents[name]
    assert book.sheetnames[0] == "All settings"
    roles = 2 if document.roles is not None else 0  # Role findings, Roles held
    ca_sheets = 2 if document.conditional_access is not None else 0  # Conditional Access and its gaps
    assert len(book.sheetnames) == 1 + len(document.sections) + 1 + roles + ca_sheets  # + Assignments
    sheet = book["All settings"]
    assert sheet.max_row == _rows(document) + 1
    assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    assert [c.value for c in sheet[1]][:4] == ["Tenant", "Type", "Policy type", "Policy"]


@pytest.mark.parametrize("name", ["contoso", "intunemanagement-export"])
def test_pdf_text_names_every_policy(
    rendered: dict[tuple[str, str], Path], documents: dict[str, Document], name: str
) -> None:
    text, bookmarks = read_pdf_text(rendered[(name, "pdf")])
    missing = [p for p in _names(documents[name]) if " ".join(p.split()) not in text]
    assert not missing
    assert bookmarks >= documents[name].policy_count()


@pytest.mark.parametrize("name", SOURCES)
def test_csv_and_json_hold_every_row(
    rendered: dict[tuple[str, str], Path], documents: dict[str, Document], name: str
) -> None:
    table = read_csv(rendered[(name, "csv")])
    assert table[0][:4] == ["Tenant", "Type", "Policy type", "Policy"]
    assert len(table) == _rows(documents[name]) + 1
    data = read_json(rendered[(name, "json")])
    assert [p["name"] for p in data["policies"]] == _names(documents[name])
    assert sum(len(p["settings"]) for p in data["policies"]) == _rows(documents[name])


def test_json_says_where_each_name_came_from_and_html_mutes_derived_names(
    rendered: dict[tuple[str, str], Path], documents: dict[str, Document]
) -> None:
    document = documents["intunecd-backup"]
    expected = [str(r.name_source) for p in document.policies() for r in p.rows]
    data = read_json(rendered[("intunecd-backup", "json")])
    assert [s["name_source"] for p in data["policies"] for s in p["settings"]] == expected
    assert {"shipped", "derived", "product"} <= set(expected)
    html = rendered[("intunecd-backup", "html")].read_text("utf-8")
    assert html.count('<span class="derived"') == expected.count("derived")
