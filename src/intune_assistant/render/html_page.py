"""HTML: one self-contained page (styles and script inline, nothing fetched) that opens offline.

A table of contents links every type and policy; each policy is a collapsible section; a search
box filters policies and setting rows as you type. All text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import IO

from intune_assistant.analyses.settings import NameSource

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

__all__ = ["render_html"]


def _html_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# Shown on a derived setting name (muted): it is read from the id, not Intune's own wording.
_DERIVED_HINT = "Name derived from the setting id: no definition or shipped name knows it"

_STYLE = """
:root{
  --fg:#1b1b1b;
  --muted:#5c5c5c;
  --bg:#fff;
  --line:#d0d0d0;
  --accent:#0b5cad;
  --inc:#1e6b2e;
  --exc:#a4262c;
  --soft:#f3f6fa;
}
@media (prefers-color-scheme:dark){
:root{
  --fg:#e8e8e8;
  --muted:#b0b0b0;
  --bg:#161616;
  --line:#3a3a3a;
  --accent:#7db7ff;
  --inc:#7fd18b;
  --exc:#ff9a9f;
  --soft:#20252c;
}
}
*{box-sizing:border-box}
body{
  margin:0;
  font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;
  color:var(--fg);
  background:var(--bg);
}
header{
  position:sticky;
  top:0;
  z-index:2;
  background:var(--bg);
  border-bottom:1px solid var(--line);
  padding:.6rem 1rem;
}
header h1{font-size:1.3rem;margin:0}
.sub{color:var(--muted);margin:.2rem 0 .5rem}
.tools{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
input[type=search]{
  font:inherit;
  padding:.35rem .5rem;
  min-width:min(28rem,100%);
  border:1px solid var(--line);
  border-radius:4px;
  background:var(--bg);
  color:var(--fg);
}
button{
  font:inherit;
  padding:.3rem .7rem;
  border:1px solid var(--line);
  border-radius:4px;
  background:var(--soft);
  color:var(--fg);
  cursor:pointer;
}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.layout{display:grid;grid-template-columns:minmax(14rem,22rem) 1fr}
nav{
  border-right:1px solid var(--line);
  padding:.5rem 1rem;
  max-height:calc(100vh - 7rem);
  overflow:auto;
  position:sticky;
  top:7rem;
}
nav ul{padding-left:1rem;margin:.2rem 0}
nav a{color:var(--accent)}
main{padding:0 1.2rem 4rem;min-width:0}
details.policy{border:1px solid var(--line);border-radius:6px;margin:.6rem 0;padding:.2rem .8rem}
details.policy>summary{cursor:pointer;padding:.3rem 0}
summary h3{display:inline;font-size:1.05rem}
.meta{color:var(--muted);font-size:.9rem;margin-left:.5rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.4rem 0}
dt{font-weight:600}
dd{margin:0}
table{border-collapse:collapse;width:100%;margin:.4rem 0 .8rem;font-size:.92rem}
th,td{
  border:1px solid var(--line);
  padding:.25rem .45rem;
  text-align:left;
  vertical-align:top;
  overflow-wrap:anywhere;
}
th{background:var(--soft)}
code.id{display:block;color:var(--muted);font-size:.78rem}
.inc{color:var(--inc);font-weight:600}
.exc{color:var(--exc);font-weight:600}
.dep{color:var(--exc)}
.derived{color:var(--muted);font-style:italic}
pre{white-space:pre-wrap;margin:.2rem 0;font-size:.85rem}
.note{background:var(--soft);padding:.5rem .8rem;border-left:4px solid var(--accent)}
.hidden{display:none}
@media (max-width:800px){
.layout{grid-template-columns:1fr}
nav{position:static;max-height:none;border-right:0}
}
@media print{
header{position:static}
nav{display:none}
.layout{display:block}
details.policy{break-inside:avoid-page}
}
"""

_SCRIPT = """
(function(){
var q=document.getElementById('q'),count=document.getElementById('count');
var policies=Array.prototype.slice.call(document.querySelectorAll('details.policy'));
var texts=new Map();
function text(el){var t=texts.get(el);if(t===undefined){t=el.textContent.toLowerCase();texts.set(el,t);}return t;}
function run(){
 var words=q.value.toLowerCase().split(/\\s+/).filter(Boolean),shown=0,rows=0;
 policies.forEach(function(p){
  var head=text(p.querySelector('summary')),any=false;
  p.querySelectorAll('table.settings tbody tr').forEach(function(tr){
   var hit=!words.length||words.every(function(w){return text(tr).indexOf(w)>=0||head.indexOf(w)>=0;});
   tr.classList.toggle('hidden',!hit);if(hit){any=true;rows++;}
  });
  var match=!words.length||any||words.every(function(w){return head.indexOf(w)>=0;});
  p.classList.toggle('hidden',!match);if(match)shown++;
  if(words.length)p.open=match;
 });
 document.querySelectorAll('section.type').forEach(function(s){
  s.classList.toggle('hidden',!s.querySelector('details.policy:not(.hidden)'));
 });
 count.textContent=words.length?shown+' policies, '+rows+' settings match':'';
}
var timer;q.addEventListener('input',function(){clearTimeout(timer);timer=setTimeout(run,150);});
function reveal(){var id=decodeURIComponent(location.hash.slice(1));if(!id)return;var el=document.getElementById(id);
 if(el&&el.tagName==='DETAILS'){el.open=true;el.classList.remove('hidden');el.scrollIntoView();}}
window.addEventListener('hashchange',reveal);reveal();
document.getElementById('expand').onclick=function(){policies.forEach(function(p){if(!p.classList.contains('hidden'))p.open=true;});};
document.getElementById('collapse').onclick=function(){policies.forEach(function(p){p.open=false;});};
})();
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _value_cell(value: str) -> str:
    if not is_block(value):
        return _e(value)
    lines = value.count("\n") + 1
    return f"<details><summary>Show ({lines} lines)</summary><pre>{_e(value)}</pre></details>"


def _policy(policy: PolicyDoc) -> str:
    parts = [
        f'<details class="policy" id="{_e(policy.anchor)}"><summary><h3>{_e(policy.name)}</h3>'
        f'<span class="meta">{_e(policy.policy_type)} · {_e(policy.platform or "Any platform")}</span></summary>',
        "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in policy_facts(policy)) + "</dl>",
    ]
    if policy.assignments is not None:
        parts.append("<h4>Assignments</h4>")
        if policy.assignments:
            head = "".join(f'<th scope="col">{_e(h)}</th>' for h in ASSIGNMENT_HEADERS)
            body = []
            for line in policy.assignments:
                cells = assignment_cells(line)
                css = "inc" if line.mode == "Included" else "exc"
                body.append(
                    f"<tr><td>{_e(cells[0])}</td><td class='{css}'>{_e(cells[1])}</td>"
                    + "".join(f"<td>{_e(c)}</td>" for c in cells[2:])
                    + "</tr>"
                )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
        else:
            parts.append("<p>Not assigned.</p>")
    parts.append("<h4>Settings</h4>")
    if policy.rows:
        rows = []
        for row in policy.rows:
            name = _e(setting_label(row))
            if row.name_source is NameSource.DERIVED:
                name = f'<span class="derived" title="{_DERIVED_HINT}">{name}</span>'
            if row.deprecated:
                name = f'<span class="dep">{name}</span>'
            rows.append(
                f"<tr><td>{_e(row.category)}</td><td>{name}<code class='id'>{_e(row.setting_id)}</code></td>"
                f"<td>{_value_cell(row.value)}</td></tr>"
            )
        parts.append(
            '<table class="settings"><thead><tr><th scope="col">Category</th><th scope="col">Setting</th>'
            f'<th scope="col">Value</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        )
    else:
        parts.append("<p>No configured settings.</p>")
    parts.append("</details>")
    return "".join(parts)


def render_html(document: Document, stream: IO[bytes], *, on_policy: Callable[[str], None] | None = None) -> None:
    """Write ``document`` as one self-contained HTML page to the binary stream ``stream``."""
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(document.title)}</title><style>{_STYLE}</style></head><body>",
        f'<header><h1>{_e(document.title)}</h1><p class="sub">{_e(subtitle(document))}</p>',
        '<div class="tools"><label for="q">Search</label>'
        '<input id="q" type="search" placeholder="Policy, setting or value" autocomplete="off">'
        '<button type="button" id="expand">Expand all</button>'
        '<button type="button" id="collapse">Collapse all</button>'
        '<span id="count" aria-live="polite"></span></div></header>',
        '<div class="layout"><nav aria-label="Contents"><h2>Contents</h2><ul>',
        '<li><a href="#coverage">What was read</a></li>',
    ]
    if document.health:
        parts.append(f'<li><a href="#tenant-health">{HEALTH_TITLE}</a></li>')
    if document.roles is not None:
        parts.append(f'<li><a href="#roles">{ROLES_TITLE}</a></li>')
    if document.conditional_access is not None:
        parts.append(f'<li><a href="#conditional-access">{CA_TITLE}</a></li>')
    for section in document.sections:
        links = "".join(f'<li><a href="#{_e(p.anchor)}">{_e(p.name)}</a></li>' for p in section.policies)
        count = len(section.policies)
        parts.append(f'<li><a href="#{_e(section.anchor)}">{_e(section.label)}</a> ({count})<ul>{links}</ul></li>')
    parts.append("</ul></nav><main>")
    if document.definitions_note:
        parts.append(f'<p class="note">{_e(document.definitions_note)}</p>')
    parts.append('<section id="coverage"><h2>What was read</h2><table><thead><tr>')
    parts.append(
        "".join(f'<th scope="col">{h}</th>' for h in ("Type", "Status", "Objects", "Note")) + "</tr></thead><tbody>"
    )
    for item in document.coverage:
        cells = (_e(item.label), _e(item.status), str(item.count), _e(item.note or ""))
        parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table></section>")
    if document.health:
        parts.append(f'<section id="tenant-health"><h2>{HEALTH_TITLE}</h2><table><thead><tr>')
        parts.append("".join(f'<th scope="col">{_e(h)}</th>' for h in HEALTH_HEADERS) + "</tr></thead><tbody>")
        for health in document.health:
            parts.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in health_cells(health)) + "</tr>")
        parts.append("</tbody></table></section>")
    if document.roles is not None:
        parts.append(f'<section id="roles"><h2>{ROLES_TITLE}</h2>')
        for title, headers, rows in (
            ("Findings", FINDING_HEADERS, [finding_cells(f) for f in document.roles.findings]),
            ("Who can do what", GRANT_HEADERS, [grant_cells(g) for g in document.roles.grants]),
        ):
            parts.append(f"<h3>{title}</h3><table><thead><tr>")
            parts.append("".join(f'<th scope="col">{_e(h)}</th>' for h in headers) + "</tr></thead><tbody>")
            parts += ["<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows]
            parts.append("</tbody></table>")
        parts.append("</section>")
    ca = document.conditional_access
    if ca is not None:
        parts.append(f'<section id="conditional-access"><h2>{CA_TITLE}</h2>')
        parts.append(_html_table(CA_POLICY_HEADERS, (ca_policy_cells(p) for p in ca.policies)))
        parts.append(f"<h3>{CA_GAPS_TITLE}</h3>")
        if ca.findings:
            parts.append(_html_table(CA_FINDING_HEADERS, (ca_finding_cells(f) for f in ca.findings)))
        else:
            parts.append("<p>No gaps found.</p>" if not ca.gaps else "<p>No gaps found in what could be read.</p>")
        parts += [f"<p>Not read: {_e(g.label)} — {_e(g.reason)}</p>" for g in ca.gaps]
        parts.append("</section>")
    for section in document.sections:
        parts.append(f'<section class="type" id="{_e(section.anchor)}"><h2>{_e(section.label)}</h2>')
        for policy in section.policies:
            parts.append(_policy(policy))
            if on_policy:
                on_policy(policy.name)
        parts.append("</section>")
    parts.append(f"</main></div><script>{_SCRIPT}</script></body></html>\n")
    stream.write("".join(parts).encode("utf-8"))
