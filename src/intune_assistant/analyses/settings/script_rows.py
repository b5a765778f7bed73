"""Scripts (PowerShell, shell, remediations, custom attributes) → run settings and decoded content."""

from __future__ import annotations

from .context import PolicyContext
from .model import SettingRow
from .property_rows import decode_text, property_rows

__all__ = ["SCRIPT_CONTENT_FIELDS", "script_rows"]

# Content field → the row's name; the value is the decoded script.
SCRIPT_CONTENT_FIELDS = {
    "scriptContent": "Script content",
    "detectionScriptContent": "Detection script",
    "remediationScriptContent": "Remediation script",
}


def script_rows(ctx: PolicyContext) -> list[SettingRow]:
    """Run settings (run as, signature check, frequency...) then each script's decoded text."""
    rows = property_rows(ctx, ctx.obj, skip=SCRIPT_CONTENT_FIELDS)
    for field, name in SCRIPT_CONTENT_FIELDS.items():
        encoded = ctx.obj.get(field)
        if not isinstance(encoded, str) or not encoded:
            continue
        text = decode_text(encoded)
        shown = text if text is not None else f"(binary content, {len(encoded) * 3 // 4} bytes)"
        rows.append(ctx.row("Script", name, shown, field, text if text is not None else encoded))
    return rows
