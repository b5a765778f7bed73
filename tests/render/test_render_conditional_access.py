"""The documentation's Conditional Access section, in every format: the policies in words and the
planted gaps (Fabrikam has the tenant-wide ones), opened in each format's real reader."""

from __future__ import annotations

from pathlib import Path

from intune_assistant.analyses.conditional_access import FindingKind
from intune_assistant.catalog import Catalog
from intune_assistant.render import DocumentOptions, build_document
from intune_assistant.snapshot import Snapshot

from .readers import read_docx, read_html, read_json, read_pdf_text, read_xlsx, save


def test_every_format_has_the_ca_section(demo_snapshots: dict[str, Snapshot], catalog: Catalog, tmp_path: Path) -> None:
    document = build_document(demo_snapshots["fabrikam"], catalog)
    ca = document.conditional_access
    assert ca is not None and len(ca.policies) == len(demo_snapshots["fabrikam"].objects["conditionalAccessPolicies"])
    kinds = {f.kind for f in ca.findings}
    assert {FindingKind.NO_ADMIN_MFA, FindingKind.LEGACY_AUTH, FindingKind.BREAK_GLASS} <= kinds

    markdown = save(document, "md", tmp_path / "f.md").read_text("utf-8")
    section = markdown.split("## Conditional Access\n", 1)[1]
    assert "- [Conditional Access](#conditional-access)" in markdown
    assert "CA001 - Require MFA for admins | Report-only" in section
    assert "### Conditional Access gaps" in section and "No MFA for administrators" in section

    html = read_html(save(document, "html", tmp_path / "f.html"))
    assert "conditional-access" in html.ids and "conditional-access" in html.links
    assert "Legacy authentication not blocked" in (tmp_path / "f.html").read_text("utf-8")

    word = read_docx(save(document, "docx", tmp_path / "f.docx"))
    assert "Conditional Access" in [
        p.text for p in word.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    ca_table = next(
        t for t in word.tables if t.rows[0].cells[0].text == "Policy" and t.rows[0].cells[1].text == "State"
    )
    assert len(ca_table.rows) == len(ca.policies) + 1
    gaps_table = next(t for t in word.tables if t.rows[0].cells[0].text == "Gap")
    assert len(gaps_table.rows) == len(ca.findings) + 1

    book = read_xlsx(save(document, "xlsx", tmp_path / "f.xlsx"))
    assert book["Conditional Access"].max_row == len(ca.policies) + 1
    assert book["Conditional Access gaps"].max_row == len(ca.findings) + 1
    assert [c.value for c in book["Conditional Access gaps"][1]] == ["Gap", "Policy", "Why"]

    text, _ = read_pdf_text(save(document, "pdf", tmp_path / "f.pdf"))
    assert "Conditional Access gaps" in text and "Break-glass account not excluded" in text

    data = read_json(save(document, "json", tmp_path / "f.json"))
    assert {f["finding"] for f in data["conditional_access"]["findings"]} >= {"No MFA for administrators"}


def test_no_section_when_the_document_leaves_ca_out(demo_snapshots: dict[str, Snapshot], catalog: Catalog) -> None:
    document = build_document(demo_snapshots["contoso"], catalog, options=DocumentOptions(types=("settingsCatalog",)))
    assert document.conditional_access is None
