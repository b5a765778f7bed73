"""Documentation options: chosen types, no assignments, no script content, one Markdown file per policy."""

from __future__ import annotations

from intune_assistant.catalog import Catalog
from intune_assistant.render import DocumentOptions, build_document, markdown_pages
from intune_assistant.render.document import OMITTED_SCRIPT
from intune_assistant.snapshot import Snapshot

from .readers import read_markdown_anchors


def test_types_choose_the_sections(contoso: Snapshot, catalog: Catalog) -> None:
    options = DocumentOptions(types=("settingsCatalog", "conditionalAccessPolicies"))
    document = build_document(contoso, catalog, options=options)
    assert [s.key for s in document.sections] == ["settingsCatalog", "conditionalAccessPolicies"]
    assert [c.key for c in document.coverage] == ["settingsCatalog", "conditionalAccessPolicies"]


def test_without_assignments(contoso: Snapshot, catalog: Catalog) -> None:
    document = build_document(contoso, catalog, options=DocumentOptions(include_assignments=False))
    assert all(p.assignments is None for p in document.policies())
    assert not any(r.category == "Install intent" for p in document.policies() for r in p.rows)


def test_without_script_content_keeps_run_settings(contoso: Snapshot, catalog: Catalog) -> None:
    document = build_document(
        contoso, catalog, options=DocumentOptions(types=("remediations",), include_script_content=False)
    )
    rows = [r for p in document.policies() for r in p.rows]
    content = [r for r in rows if r.setting_id.endswith("ScriptContent")]
    assert content and all(r.value == OMITTED_SCRIPT and r.raw_value is None for r in content)
    assert any(r.setting_id == "runAsAccount" for r in rows)


def test_assignments_name_groups_filters_and_intents(contoso: Snapshot, catalog: Catalog) -> None:
    document = build_document(contoso, catalog)
    lines = [a for p in document.policies() for a in p.assignments or ()]
    assert any(a.target == "All users" for a in lines) and any(a.target == "All devices" for a in lines)
    assert any(a.mode == "Excluded" for a in lines)
    with_filter = [a for a in lines if a.filter_name]
    assert with_filter and all(a.filter_mode in ("include", "exclude") for a in with_filter)
    assert {a.intent for a in lines if a.intent} >= {"Required", "Available"}
    assert any(a.target.startswith("Unknown group") for a in lines)  # the planted deleted group
    assert any(a.detail and a.detail.startswith("Runs every day") for a in lines)


def test_markdown_per_policy(contoso: Snapshot, catalog: Catalog) -> None:
    document = build_document(contoso, catalog, options=DocumentOptions(types=("settingsCatalog", "mobileApps")))
    pages = markdown_pages(document)
    assert pages[0][0] == "index.md" and len(pages) == document.policy_count() + 1
    assert len({name.casefold() for name, _ in pages}) == len(pages)
    index = pages[0][1].decode("utf-8")
    for policy in document.policies():
        assert f"]({policy.anchor}.md)" in index
    anchors, links = read_markdown_anchors(index)
    assert set(links) <= set(anchors)
    assert all(name.endswith(".md") and b"](index.md)" in body for name, body in pages[1:])
