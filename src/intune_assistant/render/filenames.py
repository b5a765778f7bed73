"""Export file names: ``<tenant-domain>_documentation_<yyyy-mm-dd_HHmm>.<ext>``."""

from __future__ import annotations

from datetime import UTC, datetime

from intune_assistant.snapshot.filenames import slugify

__all__ = ["export_filename"]


def export_filename(tenant: str | None, view: str, when: datetime, extension: str) -> str:
    """The file name of an export of ``view`` for ``tenant`` made at ``when`` (shown in UTC)."""
    stamp = when.astimezone(UTC).strftime("%Y-%m-%d_%H%M")
    return f"{slugify(tenant or 'tenant')}_{view}_{stamp}.{extension.lstrip('.')}"
