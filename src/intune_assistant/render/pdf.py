"""PDF (reportlab): title page, linked contents, PDF bookmarks per type and policy, wrapped tables.

Text is set in Bitstream Vera, which ships with reportlab (embedded, so the PDF looks the same
everywhere and accented names survive). Scripts and other long values are
set as preformatted blocks after their table, since a table row cannot span pages.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, Preformatted, SimpleDocTemplate, Spacer, Table, TableStyle

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

__all__ = ["render_pdf"]

_FONT, _BOLD, _MONO = "IADocSans", "IADocSans-Bold", "IADocMono"
_WRAP = 105


def _register_fonts() -> None:
    # Fonts reportlab ships (Bitstream Vera); registering is idempotent.
    for name, file in ((_FONT, "Vera.ttf"), (_BOLD, "VeraBd.ttf"), (_MONO, "Vera.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, file))


class _Styles:
    def __init__(self) -> None:
        base = getSampleStyleSheet()
        self.title = ParagraphStyle("ia-title", parent=base["Title"], fontName=_BOLD)
        self.h1 = ParagraphStyle("ia-h1", parent=base["Heading1"], fontName=_BOLD)
        self.h2 = ParagraphStyle("ia-h2", parent=base["Heading2"], fontName=_BOLD, fontSize=12, leading=15)
        self.h3 = ParagraphStyle("ia-h3", parent=base["Heading3"], fontName=_BOLD, fontSize=10, leading=13)
        self.body = ParagraphStyle("ia-body", parent=base["BodyText"], fontName=_FONT, fontSize=9, leading=11.5)
        self.cell = ParagraphStyle("ia-cell", parent=self.body, fontSize=7.5, leading=9.2)
        self.head = ParagraphStyle("ia-head", parent=self.cell, fontName=_BOLD)
        self.toc = ParagraphStyle("ia-toc", parent=self.body, fontSize=8.5, leftIndent=12)
        self.code = ParagraphStyle("ia-code", parent=self.body, fontName=_MONO, fontSize=6.8, leading=8.4)


class _Template(SimpleDocTemplate):
    """Adds a PDF bookmark for every heading that carries one (``_outline``: key, title, level),
    and reports each policy as it is laid out (the slow part of writing a PDF)."""

    on_policy: Callable[[str], None] | None = None

    def afterFlowable(self, flowable: Any) -> None:
        outline = getattr(flowable, "_outline", None)
        if outline:
            key, title, level = outline
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=level > 0)
            if level == 1 and self.on_policy is not None:
                self.on_policy(title)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _heading(text: str, style: ParagraphStyle, anchor: str, level: int) -> Paragraph:
    paragraph = Paragraph(f'<a name="{anchor}"/>{escape(text)}', style)
    paragraph._outline = (anchor, text, level)  # type: ignore[attr-defined]
    return paragraph


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[float], styles: _Styles) -> Table:
    data = [[_p(h, styles.head) for h in headers]]
    data += [[_p(c, styles.cell) for c in row] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9a9a9a")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _block(title: str, value: str, styles: _Styles) -> list[Any]:
    lines = []
    for line in value.splitlines() or [""]:
        lines.extend(textwrap.wrap(line, _WRAP, replace_whitespace=False, drop_whitespace=False) or [""])
    return [_p(title, styles.h3), Preformatted("\n".join(lines), styles.code)]


def _policy(policy: PolicyDoc, styles: _Styles, width: float) -> list[Any]:
    story: list[Any] = [_heading(policy.name, styles.h2, policy.anchor, 1)]
    story.append(_table(("Property", "Value"), policy_facts(policy), (width * 0.18, width * 0.82), styles))
    if policy.assignments is not None:
        story.append(_p("Assignments", styles.h3))
        if policy.assignments:
            widths = [width * f for f in (0.3, 0.13, 0.2, 0.1, 0.1, 0.17)]
            story.append(_table(ASSIGNMENT_HEADERS, (assignment_cells(a) for a in policy.assignments), widths, styles))
        else:
            story.append(_p("Not assigned.", styles.body))
    story.append(_p("Settings", styles.h3))
    if not policy.rows:
        story.append(_p("No configured settings.", styles.body))
        return story
    cells = [(r.category, setting_label(r), "(shown below)" if is_block(r.value) else r.value) for r in policy.rows]
    story.append(_table(("Category", "Setting", "Value"), cells, (width * 0.28, width * 0.37, width * 0.35), styles))
    for row in policy.rows:
        if is_block(row.value):
            story += _block(f"{row.category} > {row.name}" if row.category else row.name, row.value, styles)
    story.append(Spacer(1, 4 * mm))
    return story


def render_pdf(document: Document, out: IO[bytes], *, on_policy: Callable[[str], None] | None = None) -> None:
    """Write ``document`` as a PDF to the binary stream ``out``."""
    _register_fonts()
    styles = _Styles()
    template = _Template(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=document.title,
        author="Intune Assistant",
        subject=document.tenant_domain or document.tenant_name,
    )
    template.on_policy = on_policy
    width = template.width
    footer = f"{document.tenant_domain or document.tenant_name} · Intune documentation"

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(_FONT, 7)
        canvas.drawString(15 * mm, 8 * mm, footer)
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, f"Page {doc.page}")
        canvas.restoreState()

    story: list[Any] = [Spacer(1, 60 * mm), _p(document.title, styles.title)]
    story += [_p(line, styles.body) for line in subtitle(document).split(" · ")]
    if document.definitions_note:
        story += [Spacer(1, 6 * mm), _p(document.definitions_note, styles.body)]
    story += [PageBreak(), _heading("Contents", styles.h1, "contents", 0)]
    story.append(Paragraph('<a href="#coverage" color="blue">What was read</a>', styles.body))
    if document.health:
        story.append(Paragraph(f'<a href="#tenant-health" color="blue">{HEALTH_TITLE}</a>', styles.body))
    if document.roles is not None:
        story.append(Paragraph(f'<a href="#roles" color="blue">{ROLES_TITLE}</a>', styles.body))
    if document.conditional_access is not None:
        story.append(Paragraph(f'<a href="#conditional-access" color="blue">{CA_TITLE}</a>', styles.body))
    for section in document.sections:
        story.append(Paragraph(f'<a href="#{section.anchor}" color="blue">{escape(section.label)}</a>', styles.body))
        story += [
            Paragraph(f'<a href="#{p.anchor}" color="blue">{escape(p.name)}</a>', styles.toc) for p in section.policies
        ]
    story += [PageBreak(), _heading("What was read", styles.h1, "coverage", 0)]
    coverage = ((c.label, c.status, str(c.count), c.note or "") for c in document.coverage)
    story.append(
        _table(("Type", "Status", "Objects", "Note"), coverage, [width * f for f in (0.3, 0.12, 0.1, 0.48)], styles)
    )
    if document.health:
        story += [PageBreak(), _heading(HEALTH_TITLE, styles.h1, "tenant-health", 0)]
        widths = [width * f for f in (0.11, 0.13, 0.15, 0.1, 0.07, 0.1, 0.12, 0.22)]
        story.append(_table(HEALTH_HEADERS, (health_cells(i) for i in document.health), widths, styles))
    if document.roles is not None:
        story += [PageBreak(), _heading(ROLES_TITLE, styles.h1, "roles", 0), _p("Findings", styles.h2)]
        widths = [width * f for f in (0.11, 0.19, 0.2, 0.5)]
        story.append(_table(FINDING_HEADERS, (finding_cells(f) for f in document.roles.findings), widths, styles))
        story += [Spacer(1, 4 * mm), _p("Who can do what", styles.h2)]
        widths = [width * f for f in (0.22, 0.16, 0.1, 0.24, 0.16, 0.12)]
        story.append(_table(GRANT_HEADERS, (grant_cells(g) for g in document.roles.grants), widths, styles))
    ca = document.conditional_access
    if ca is not None:
        story += [PageBreak(), _heading(CA_TITLE, styles.h1, "conditional-access", 0)]
        widths = [width * f for f in (0.14, 0.08, 0.2, 0.14, 0.18, 0.14, 0.12)]
        story.append(_table(CA_POLICY_HEADERS, (ca_policy_cells(p) for p in ca.policies), widths, styles))
        story += [Spacer(1, 6 * mm), _p(CA_GAPS_TITLE, styles.h2)]
        if ca.findings:
            widths = [width * f for f in (0.2, 0.25, 0.55)]
            story.append(_table(CA_FINDING_HEADERS, (ca_finding_cells(f) for f in ca.findings), widths, styles))
        else:
            story.append(_p("No gaps found." if not ca.gaps else "No gaps found in what could be read.", styles.body))
        story += [_p(f"Not read: {g.label} — {g.reason}", styles.body) for g in ca.gaps]
    for section in document.sections:
        story += [PageBreak(), _heading(section.label, styles.h1, section.anchor, 0)]
        for policy in section.policies:
            story += _policy(policy, styles, width)
    template.build(story, onFirstPage=on_page, onLaterPages=on_page)
