"""The emulator's HTML: a plain, accessible sign-in page and its companions.

No passwords — the emulator is a demo: the sign-in page lists the tenant's demo accounts (and
partner technicians with GDAP access) as buttons of one form. The form carries the id of the
pending sign-in request, a per-request unguessable value that is also what makes the POST
CSRF-safe enough for a demo (it is one-time and bound to the validated request server-side).
Every value is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from .directory import Candidate
from .errors import EntraError, timestamp

__all__ = [
    "approval_page",
    "device_entry_page",
    "error_page",
    "form_post_page",
    "message_page",
    "sign_in_page",
]

_ROLE_LABELS = {"admin": "Intune administrator", "readOnly": "Read-only operator", "none": "No Intune role"}
_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f3f3f3;color:#1b1b1b}
main{max-width:36rem;margin:3rem auto;background:#fff;padding:2rem;border:1px solid #ccc;border-radius:4px}
h1{font-size:1.5rem;margin-top:0}.note{background:#fff4ce;padding:.5rem .75rem;border-left:4px solid #8a6d00}
.error{background:#fde7e9;padding:.5rem .75rem;border-left:4px solid #a4262c}
fieldset{border:0;padding:0;margin:1rem 0}legend{font-weight:600;margin-bottom:.5rem}
button{display:block;width:100%;text-align:left;padding:.75rem;margin:.25rem 0;border:1px solid #8a8886;
background:#fff;border-radius:2px;font:inherit;cursor:pointer}
button:hover,button:focus{background:#edebe9;outline:2px solid #0067b8;outline-offset:1px}
.secondary{text-align:center;width:auto;display:inline-block;padding:.5rem 1rem}
.meta{display:block;font-size:.875rem;color:#484644}small{color:#484644}code{word-break:break-all}
"""


def _page(title: str, body: str, *, head_extra: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style>{head_extra}</head>"
        f'<body><main aria-labelledby="title"><h1 id="title">{escape(title)}</h1>{body}'
        "<p><small>Emulated Microsoft Entra ID — Intune Assistant demo. Demo accounts only; no passwords."
        "</small></p></main></body></html>"
    )


def _candidate_button(candidate: Candidate, *, preferred: bool) -> str:
    operator = candidate.operator
    facts = [escape(candidate.tenant.display_name), escape(_ROLE_LABELS.get(operator.role, operator.role))]
    if candidate.partner:
        facts.insert(0, "Partner technician (GDAP)")
    if operator.mfa_required:
        facts.append("MFA required")
    if not operator.enabled:
        facts.append("Account disabled")
    value = f"{candidate.tenant.tenant_id}:{operator.user_id}"
    autofocus = " autofocus" if preferred else ""
    return (
        f'<button type="submit" name="user" value="{escape(value)}"{autofocus}>'
        f"{escape(operator.display_name)}"
        f'<span class="meta">{escape(operator.user_principal_name)}</span>'
        f'<span class="meta">{" · ".join(facts)}</span></button>'
    )


def sign_in_page(
    *,
    title: str,
    intro: str,
    action: str,
    request_id: str,
    candidates: Sequence[Candidate],
    preferred: str | None = None,
    notices: Sequence[str] = (),
    scopes: Sequence[str] = (),
    cancel_label: str = "Cancel",
) -> str:
    """The account picker; ``preferred`` (a UPN, from ``login_hint``) is listed first and focused."""
    wanted = (preferred or "").lower()
    ordered = sorted(candidates, key=lambda c: c.operator.user_principal_name.lower() != wanted)
    parts = [f"<p>{escape(intro)}</p>"]
    parts.extend(f'<p class="note" role="note">{escape(n)}</p>' for n in notices)
    if scopes:
        items = "".join(f"<li><code>{escape(s)}</code></li>" for s in scopes)
        parts.append(f"<h2>Permissions requested</h2><ul>{items}</ul>")
    buttons = "".join(
        _candidate_button(c, preferred=bool(wanted) and c.operator.user_principal_name.lower() == wanted)
        for c in ordered
    )
    if not buttons:
        buttons = "<p>No demo account can sign in here.</p>"
    parts.append(
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="request" value="{escape(request_id)}">'
        f"<fieldset><legend>Pick an account</legend>{buttons}</fieldset>"
        f'<button type="submit" name="cancel" value="1" class="secondary">{escape(cancel_label)}</button>'
        "</form>"
    )
    return _page(title, "".join(parts))


def approval_page(
    *, app_name: str, action: str, request_id: str, scopes: Sequence[str], sent: bool, problem: str = ""
) -> str:
    """Entra's "Approval required" page of the admin consent workflow (``sent``: the request is pending)."""
    items = "".join(f"<li><code>{escape(s)}</code></li>" for s in scopes)
    alert = f'<p class="error" role="alert">{escape(problem)}</p>' if problem else ""
    hidden = f'<input type="hidden" name="request" value="{escape(request_id)}">'
    if sent:
        body = (
            "<p>Your request was sent to your organization's reviewers. You'll be able to use "
            f"{escape(app_name)} once an administrator approves it.</p>"
            f'<form method="post" action="{escape(action)}">{hidden}'
            '<button type="submit" name="action" value="return" class="secondary">Return to the application</button>'
            "</form>"
        )
        return _page("Request sent", body)
    body = (
        f"{alert}<p>{escape(app_name)} needs permission to access resources in your organization that only an "
        "admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>"
        f"<h2>Permissions requested</h2><ul>{items}</ul>"
        f'<form method="post" action="{escape(action)}">{hidden}'
        '<label for="reason">Enter justification for requesting this app</label>'
        '<textarea id="reason" name="reason" rows="3" maxlength="1000" required></textarea>'
        '<button type="submit" name="action" value="request" class="secondary">Request approval</button> '
        '<button type="submit" name="action" value="return" class="secondary" formnovalidate>'
        "Return to the application without requesting approval</button></form>"
    )
    return _page("Approval required", body)


def error_page(error: EntraError, trace_id: str, correlation_id: str, now: float) -> str:
    """Entra's error screen: what went wrong, with the AADSTS code and diagnostics."""
    body = (
        '<p class="error" role="alert">Sorry, but we’re having trouble signing you in.</p>'
        f"<p><strong>{escape(error.aadsts)}</strong></p>"
        f"<p><small>Error: {escape(error.error)}<br>Trace ID: {escape(trace_id)}<br>"
        f"Correlation ID: {escape(correlation_id)}<br>Timestamp: {escape(timestamp(now))}</small></p>"
    )
    return _page("Sign in", body)


def message_page(title: str, text: str) -> str:
    """A page with one message (signed out, device approved ...)."""
    return _page(title, f"<p>{escape(text)}</p>")


def device_entry_page(action: str, error: str | None = None) -> str:
    """Where the user types the code the CLI showed."""
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        f"{alert}<p>Enter the code displayed on your app or device.</p>"
        f'<form method="post" action="{escape(action)}">'
        '<label for="otc">Code</label> <input id="otc" name="otc" autocomplete="one-time-code" required '
        'autocapitalize="characters" spellcheck="false">'
        '<button type="submit" class="secondary">Next</button></form>'
    )
    return _page("Enter code", body)


def form_post_page(redirect_uri: str, params: Mapping[str, str], nonce: str) -> str:
    """``response_mode=form_post``: an auto-submitting form (with a button when scripts are off)."""
    fields = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in params.items() if v is not None
    )
    body = (
        f'<form method="post" action="{escape(redirect_uri)}" id="response">{fields}'
        '<noscript><button type="submit" class="secondary">Continue</button></noscript></form>'
        f'<script nonce="{escape(nonce)}">document.getElementById("response").submit()</script>'
    )
    return _page("Working…", body)
