"""The Roles section in every documentation format: the planted findings with their reasons and
who can do what, for the collected Contoso demo tenant; no section where no role type was read."""

from __future__ import annotations

from pathlib import Path

import pytest

from intune_assistant.catalog import Catalog
from intune_assistant.emulator.demo import DemoTenancy
from intune_assistant.render import FORMATS, Document, DocumentOptions, build_document
from intune_assistant.snapshot import Snapshot

from .readers import read_docx, read_html, read_json, read_pdf_text, read_xlsx, save


@pytest.fixture(scope="module")
def document(demo_snapshots: dict[str, Snapshot], catalog: Catalog) -> Document:
    return build_document(demo_snapshots["contoso"], catalog)


@pytest.fixture(scope="module")
def planted(demo: DemoTenancy) -> dict[str, list[str]]:
    return demo.tenants["contoso"].planted


def test_the_section_holds_the_planted_findings(document: Document, planted: dict[str, list[str]]) -> None:
    assert document.roles is not None
    found = {f.subject for f in document.roles.found()}
    expected = ("manyGlobalAdmins", "narrowerRoleFits", "idleScopeTags", "emptyRoleGroups")
    assert {name for kind in expected for name in planted[kind]} <= found


def test_every_format_shows_the_roles_section(
    document: Document, planted: dict[str, list[str]], tmp_path: Path
) -> None:
    assert document.roles is not None
    (tag,) = planted["idleScopeTags"]
    files = {fmt: save(document, fmt, tmp_path / f"contoso.{ext}") for fmt, ext in FORMATS.items()}
    markdown = files["md"].read_text(encoding="utf-8")
    assert "- [Roles](#roles)" in markdown and "## Roles" in markdown and "### Who can do what" in markdown
    assert f"| ⚠ Found | Scope tag that limits nothing | {tag} |" in markdown
    html = read_html(files["html"])
    assert "roles" in html.ids and "Scope tag that limits nothing" in files["html"].read_text(encoding="utf-8")
    word = read_docx(files["docx"])
    headings = [p.text for p in word.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    roles = headings.index("Roles")
    assert headings[roles : roles + 3] == ["Roles", "Findings", "Who can do what"]
    assert any(t.rows[0].cells[0].text == "Account" for t in word.tables)
    book = read_xlsx(files["xlsx"])
    assert [c.value for c in book["Role findings"][1]] == ["Status", "Finding", "About", "Why"]
    assert book["Roles held"].max_row == len(document.roles.grants) + 1
    text, _ = read_pdf_text(files["pdf"])
    assert "Who can do what" in text and "Many Global Administrators" in text
    data = read_json(files["json"])
    assert {f["subject"] for f in data["roles"]["findings"]} >= {tag, *planted["emptyRoleGroups"]}


def test_no_roles_section_when_the_document_covers_no_role_type(
    demo_snapshots: dict[str, Snapshot], catalog: Catalog
) -> None:
    options = DocumentOptions(types=("settingsCatalog",))
    assert build_document(demo_snapshots["contoso"], catalog, options=options).roles is None
