"""Compare report as one self-contained HTML file: side by side, with an only-differences toggle.

A downloaded file, opened offline: styles and the toggle's few lines of script are inline, and a
Content-Security-Policy forbids loading anything else. Every value is escaped by Jinja2's
autoescaping, so names and values from a tenant can never become markup.
"""

from __future__ import annotations

import jinja2

from intune_assistant.analyses.compare import (
    CompareKind,
    Comparison,
    SettingStatus,
    status_label,
)

from .view import baseline_lists, object_status, side_headings, summary_counts, title, uncovered, visible

__all__ = ["render_html"]

_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{{ title }}</title>
<style>
:root { color-scheme: light dark; --same: #1a7f37; --diff: #b35900; --left: #cf222e; --right: #0969da; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem; max-width: 110rem; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1rem; margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #8c959f55; padding: .3rem .5rem; text-align: left; vertical-align: top; }
td { overflow-wrap: anywhere; }
th { background: #8c959f22; }
td.value {
  font-family: ui-monospace, SFMono-Regular, Consolas, monospace; white-space: pre-wrap; word-break: break-word;
}
.badge {
  display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .8rem; border: 1px solid currentColor;
}
.s-same, .s-matches { color: var(--same); }
.s-different, .s-differs, .s-conflicting, .s-non_overlapping, .s-unconfirmed { color: var(--diff); }
.s-missing { color: var(--left); }
.s-only_left { color: var(--left); } .s-only_right { color: var(--right); }
section.object { border: 1px solid #8c959f55; border-radius: .4rem; padding: .6rem .8rem; margin: .6rem 0; }
.meta { color: #57606a; font-size: .85rem; }
.toggle { position: sticky; top: 0; padding: .4rem 0; background: Canvas; }
body.only-differences tr.same, body.only-differences section.object.same,
body.only-differences section.list.same { display: none; }
</style>
</head>
<body{% if only_differences %} class="only-differences"{% endif %}>
<h1>{{ title }}</h1>
<table>
<tr><th scope="col"></th><th scope="col">{{ left_heading }}</th><th scope="col">{{ right_heading }}</th></tr>
<tr><th scope="row">Tenant</th><td>{{ c.left.tenant or "" }}</td><td>{{ c.right.tenant or "" }}</td></tr>
<tr><th scope="row">Source</th><td>{{ c.left.origin }}</td><td>{{ c.right.origin }}</td></tr>
</table>
<h2>Summary</h2>
<p><strong>{{ "Aligned" if c.aligned else "Not aligned" }}.</strong>
{% for status, count, words in counts %}
<span class="badge s-{{ status }}">{{ count }} {{ words }}</span>
{% endfor %}</p>
{% if c.scores %}
<table>
<caption>Alignment with the baseline</caption>
<tr><th scope="col">Scope</th><th scope="col">Name</th><th scope="col">Matched settings</th>
<th scope="col">Score</th></tr>
{% for s in c.scores %}
<tr><td>{{ s.scope }}</td><td>{{ s.name }}</td><td>{{ s.matched }} of {{ s.expected }}</td>
<td>{{ "%.1f"|format(s.percent) }}%</td></tr>
{% endfor %}
</table>
{% endif %}
{% if c.not_compared %}
<h2>Not compared</h2>
<ul>{% for n in c.not_compared %}<li><strong>{{ n.type_label }}</strong>: {{ n.reason }}</li>{% endfor %}</ul>
{% endif %}
<div class="toggle"><label>
<input type="checkbox" id="only-differences"{% if only_differences %} checked disabled{% endif %}>
Show only differences</label></div>
{% for l in lists %}
<section class="list {{ 'same' if l.status.value == 'matches' else 'differs' }}">
<h2>{{ l.heading }} ({{ l.settings | length }})</h2>
<p class="meta">{{ l.meaning }}</p>
{% if l.settings %}
<table>
<tr><th scope="col">Setting</th><th scope="col">Area</th><th scope="col">Baseline policy</th>
<th scope="col">{{ left_heading }}</th><th scope="col">{{ right_heading }}</th></tr>
{% for s in l.settings %}
<tr><td>{{ s.name }}<div class="meta">{{ s.setting_id }}</div></td><td>{{ s.area }}</td><td>{{ s.baseline_policy }}</td>
<td class="value">{{ s.expected }}</td>
<td class="value">{% for v in s.found %}<div>{{ v.value }} <span class="meta">({{ v.where }})</span></div>
{% else %}—{% endfor %}</td></tr>
{% endfor %}
</table>
{% endif %}
</section>
{% endfor %}
{% if c.kind.value == "baseline" %}
<h2>Tenant policies the baseline does not cover ({{ uncovered | length }})</h2>
{% if uncovered %}<ul>{% for o in uncovered %}<li>{{ o.name }} <span class="meta">({{ o.type_label }})</span></li>
{% endfor %}</ul>{% else %}<p>None.</p>{% endif %}
{% else %}
<h2>Objects</h2>
{% for v in views %}{% set o = v.obj %}
<section class="object {{ 'same' if o.status.value == 'same' and not o.renamed else 'differs' }}">
<h3>{{ o.name }} <span class="badge s-{{ o.status.value }}">{{ ostatus(o) }}</span></h3>
<div class="meta">{{ o.type_label }}{% if o.platform %} · {{ o.platform }}{% endif %}
{% if o.match %} · matched by {{ o.match.method }}
{%- if o.match.score is not none %} ({{ "%.0f"|format(o.match.score * 100) }}% of settings){% endif %}{% endif %}
{% if o.renamed %} · named “{{ o.left.name }}” on the left{% endif %}
{% if o.note %} · {{ o.note }}{% endif %}</div>
{% if v.settings %}
<table>
<tr><th scope="col">Setting</th><th scope="col">{{ left_heading }}</th><th scope="col">{{ right_heading }}</th>
<th scope="col">Status</th></tr>
{% for s in v.settings %}
<tr class="{{ 'same' if s.status.value == 'same' else 'differs' }}">
<td>{{ s.name }}{% if s.deprecated %} <span class="badge s-different">deprecated
{%- if s.replacement %}: use {{ s.replacement }}{% endif %}</span>{% endif %}
<div class="meta">{{ s.setting_id }}</div></td>
<td class="value">{{ s.left if s.left is not none else "—" }}</td>
<td class="value">{{ s.right if s.right is not none else "—" }}</td>
<td><span class="badge s-{{ s.status.value }}">{{ sword(s.status) }}</span></td></tr>
{% endfor %}
</table>
{% endif %}
{% if v.assignments %}
<table>
<tr><th scope="col">Assignment</th><th scope="col">{{ left_heading }}</th><th scope="col">{{ right_heading }}</th>
<th scope="col">Status</th></tr>
{% for a in v.assignments %}
<tr class="{{ 'same' if a.status.value == 'same' else 'differs' }}">
<td>{{ a.target }}</td><td class="value">{{ a.left if a.left is not none else "—" }}</td>
<td class="value">{{ a.right if a.right is not none else "—" }}</td>
<td><span class="badge s-{{ a.status.value }}">{{ sword(a.status) }}</span></td></tr>
{% endfor %}
</table>
{% endif %}
</section>
{% else %}<p>No objects to show.</p>
{% endfor %}
{% endif %}
<script>
document.getElementById("only-differences").addEventListener("change", function (event) {
  document.body.classList.toggle("only-differences", event.target.checked);
});
</script>
</body>
</html>
"""


def render_html(comparison: Comparison, *, only_differences: bool = False) -> str:
    """The comparison as a self-contained HTML document."""
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    template = environment.from_string(_TEMPLATE)
    left_heading, right_heading = side_headings(comparison)
    kind: CompareKind = comparison.kind

    return template.render(
        c=comparison,
        title=title(comparison),
        left_heading=left_heading,
        right_heading=right_heading,
        counts=summary_counts(comparison),
        views=visible(comparison, only_differences),
        only_differences=only_differences,
        sword=lambda s: status_label(kind, SettingStatus(s)),
        ostatus=lambda o: object_status(comparison, o),
        lists=baseline_lists(comparison) if kind is CompareKind.BASELINE else [],
        uncovered=uncovered(comparison),
    )
