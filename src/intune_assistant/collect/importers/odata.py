"""Removing OData transport noise from exported objects, keeping what Graph's data says.

Exports made with ``odata.metadata=full`` (IntuneManagement) carry annotations and links that
are about the HTTP response, not the configuration: ``@odata.context``, ``@odata.id``,
``@odata.editLink``, ``prop@odata.type``, ``prop@odata.navigationLink``, action stubs such as
``"#microsoft.graph.assign": {...}``. Keeping them would make every compare show differences an
admin never made. ``@odata.type`` itself says which kind of object this is, and stays.
"""

from __future__ import annotations

from typing import Any

__all__ = ["is_noise_key", "strip_odata_noise"]

KEEP = "@odata.type"


def is_noise_key(key: str) -> bool:
    """True for annotation keys (``@odata.*``, ``prop@odata.*``, ``@microsoft.graph.*``) and
    action/function stubs (``#microsoft.graph.*``), except ``@odata.type`` itself."""
    return key != KEEP and ("@" in key or key.startswith("#"))


def strip_odata_noise(value: Any) -> Any:
    """A copy of ``value`` without OData noise keys, at every depth."""
    if isinstance(value, dict):
        return {k: strip_odata_noise(v) for k, v in value.items() if not is_noise_key(k)}
    if isinstance(value, list):
        return [strip_odata_noise(v) for v in value]
    return value
