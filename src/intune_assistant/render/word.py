"""Word (.docx, python-docx): title page, table of contents field, headings per type and policy, tables.

Word fills the table of contents when the file is opened (it asks to update fields). The body
is built as WordprocessingML elements with the template's style ids: python-docx's paragraph and
table API looks styles up by name on every call, which is too slow for tenants with tens of
thousands of settings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from docx import Document as new_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from .common import (
    ASSIGNMENT_HEADERS,
    CA_FINDING_HEADERS,
    CA_GAPS_TITLE,
    CA_POLICY_HEADERS,
    CA_TITLE,
    FINDING_HEADERS,
    GRANT_HEADERS,
    HEALTH_HEADERS,
    HEALTH_TITLE,
    ROLES_TITLE,
    assignment_cells,
    ca_finding_cells,
    ca_policy_cells,
    finding_cells,
    grant_cells,
    health_cells,
    is_block,
    policy_facts,
    setting_label,
    subtitle,
)
from .document import Document, PolicyDoc

__all__ = ["render_docx"]

# Characters XML 1.0 cannot hold.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MONO = "Consolas"


def _clean(text: str) -> str:
    return _INVALID_XML.sub("", text)


def _element(tag: str, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _run(text: str, *, bold: bool = False, mono: bool = False) -> Any:
    run = _element("w:r")
    if bold or mono:
        properties = _element("w:rPr")
        if mono:
            properties.append(_element("w:rFonts", ascii=_MONO, hAnsi=_MONO, cs=_MONO))
        if bold:
            properties.append(_element("w:b"))
        if mono:
            properties.append(_element("w:sz", val="16"))
        run.append(properties)
    node = _element("w:t")
    node.set(qn("xml:space"), "preserve")
    node.text = _clean(text)
    run.append(node)
    return run


def _paragraph(text: str = "", style: str | None = None, *, bold: bool = False) -> Any:
    paragraph = _element("w:p")
    if style:
        properties = _element("w:pPr")
        properties.append(_element("w:pStyle", val=style))
        paragraph.append(properties)
    if text:
        paragraph.append(_run(text, bold=bold))
    return paragraph


def _page_break() -> Any:
    paragraph = _element("w:p")
    run = _element("w:r")
    run.append(_element("w:br", type="page"))
    paragraph.append(run)
    return paragraph


def _cell(text: str, bold: bool = False) -> Any:
    cell = _element("w:tc")
    paragraph = _element("w:p")
    paragraph.append(_run(text, bold=bold))
    cell.append(paragraph)
    return cell


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> Any:
    table = _element("w:tbl")
    properties = _element("w:tblPr")
    properties.append(_element("w:tblStyle", val="TableGrid"))
    properties.append(_element("w:tblW", w="5000", type="pct"))
    properties.append(_element("w:tblLook", val="04A0"))
    table.append(properties)
    grid = _element("w:tblGrid")
    for _ in headers:
        grid.append(_element("w:gridCol"))
    table.append(grid)
    header = _element("w:tr")
    header_properties = _element("w:trPr")
    header_properties.append(_element("w:tblHeader"))  # repeated on every page
    header.append(header_properties)
    for text in headers:
        header.append(_cell(text, bold=True))
    table.append(header)
    for cells in rows:
        row = _element("w:tr")
        for text in cells:
            row.append(_cell(text))
        table.append(row)
    return table


def _toc() -> Any:
    paragraph = _element("w:p")
    for kind, text in (("begin", None), (None, r'TOC \o "1-2" \h \z \u'), ("separate", None), ("end", None)):
        run = _element("w:r")
        if kind is None:
            instruction = _element("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run.append(instruction)
        else:
            run.append(_element("w:fldChar", fldCharType=kind))
        paragraph.append(run)
        if kind == "separate":
            paragraph.append(_run("The table of contents appears when Word updates fields (F9)."))
    return paragraph


def _block(title: str, value: str) -> list[Any]:
    paragraph = _element("w:p")
    lines = value.splitlines() or [""]
    for number, line in enumerate(lines, start=1):
        paragraph.append(_run(line, mono=True))
        if number < len(lines):
            paragraph.append(_element("w:r"))
            paragraph[-1].append(_element("w:br"))
    return [_paragraph(title, bold=True), paragraph]


def _policy(policy: PolicyDoc) -> list[Any]:
    body = [_paragraph(policy.name, "Heading2"), _table(("Property", "Value"), policy_facts(policy))]
    if policy.assignments is not None:
        body.append(_paragraph("Assignments", "Heading3"))
        if policy.assignments:
            body.append(_table(ASSIGNMENT_HEADERS, (assignment_cells(a) for a in policy.assignments)))
        else:
            body.append(_paragraph("Not assigned."))
    body.append(_paragraph("Settings", "Heading3"))
    if not policy.rows:
        return [*body, _paragraph("No configured settings.")]
    cells = [(r.category, setting_label(r), "(shown below)" if is_block(r.value) else r.value) for r in policy.rows]
    body.append(_table(("Category", "Setting", "Value"), cells))
    for row in policy.rows:
        if is_block(row.value):
            body += _block(f"{row.category} > {row.name}" if row.category else row.name, row.value)
    return body


def render_docx(document: Document, out: IO[bytes], *, on_policy: Callable[[str], None] | None = None) -> None:
    """Write ``document`` as a Word file to the binary stream ``out``."""
    doc = new_docx()
    doc.core_properties.title = _clean(document.title)
    doc.core_properties.subject = _clean(document.tenant_domain or document.tenant_name)
    section_properties = doc.element.body.sectPr

    def add(*elements: Any) -> None:
        for element in elements:
            section_properties.addprevious(element)

    add(_paragraph(document.title, "Title"), _paragraph(document.tenant_name, "Subtitle"))
    add(*(_paragraph(line) for line in subtitle(document).split(" · ")))
    if document.definitions_note:
        add(_paragraph(document.definitions_note))
    add(_page_break(), _paragraph("Contents", "Heading1"), _toc(), _page_break())
    add(_paragraph("What was read", "Heading1"))
    add(
        _table(
            ("Type", "Status", "Objects", "Note"),
            ((c.label, c.status, str(c.count), c.note or "") for c in document.coverage),
        )
    )
    if document.health:
        add(_paragraph(HEALTH_TITLE, "Heading1"))
        add(_table(HEALTH_HEADERS, (health_cells(i) for i in document.health)))
    if document.roles is not None:
        # Heading 3 below the section: Heading 2 is a policy's (the table of contents lists those).
        add(_paragraph(ROLES_TITLE, "Heading1"), _paragraph("Findings", "Heading3"))
        add(_table(FINDING_HEADERS, (finding_cells(f) for f in document.roles.findings)))
        add(_paragraph("Who can do what", "Heading3"))
        add(_table(GRANT_HEADERS, (grant_cells(g) for g in document.roles.grants)))
    ca = document.conditional_access
    if ca is not None:
        add(_paragraph(CA_TITLE, "Heading1"))
        add(_table(CA_POLICY_HEADERS, (ca_policy_cells(p) for p in ca.policies)))
        add(_paragraph(CA_GAPS_TITLE, "Heading3"))
        if ca.findings:
            add(_table(CA_FINDING_HEADERS, (ca_finding_cells(f) for f in ca.findings)))
        else:
            add(_paragraph("No gaps found." if not ca.gaps else "No gaps found in what could be read."))
        for gap in ca.gaps:
            add(_paragraph(f"Not read: {gap.label} — {gap.reason}"))
    for section in document.sections:
        add(_page_break(), _paragraph(section.label, "Heading1"))
        for policy in section.policies:
            add(*_policy(policy))
            if on_policy:
                on_policy(policy.name)
    # Ask Word to update fields (the table of contents) when the document opens.
    doc.settings.element.append(_element("w:updateFields", val="true"))
    doc.save(out)
