"""What a session must not leave behind: tokens and the tenant's own strings, and a log to search.

Shared by the log test and the residency scan: the product's log at DEBUG captured in a buffer,
the patterns of a token or a token-bearing field, and the distinctive strings of the emulated
Contoso (UPNs, display names, policy, group and filter names, setting values).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from intune_assistant.logs import configure_logging

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
SECRET_FIELD = re.compile(r"(refresh_token|access_token|id_token|client_info|code)[\"':= ]+[A-Za-z0-9_.-]{20,}")


@pytest.fixture
def server_log() -> Iterator[io.StringIO]:
    """The product's log handler at DEBUG, writing to a buffer (and removed afterwards)."""
    buffer = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("DEBUG", buffer)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def tenant_strings(tenant: Any) -> set[str]:
    """UPNs, display names, policy and group names of an emulated tenant (the distinctive ones)."""
    found: set[str] = set()
    for user in tenant.objects["users"]:
        found |= {user.get("userPrincipalName") or "", user.get("displayName") or ""}
    for operator in tenant.operators:
        found |= {operator.user_principal_name, operator.display_name}
    for key in ("settingsCatalog", "deviceConfigurations", "compliancePolicies", "groups", "assignmentFilters"):
        found |= {str(o.get("displayName") or o.get("name") or "") for o in tenant.objects[key]}
    # Short or generic names ("All", "Sales") could be any word of a log line.
    return {s for s in found if len(s) >= 10}


def setting_values(tenant: Any) -> set[str]:
    """String values configured in the tenant's settings catalog policies (the distinctive ones)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("@odata.type", "").endswith("StringSettingValue") and isinstance(node.get("value"), str):
                found.add(node["value"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for policy in tenant.objects["settingsCatalog"]:
        walk(policy.get("settings") or [])
    return {s for s in found if len(s) >= 10 and not s.startswith(("device_", "user_"))}


def api_token(web: Any) -> str:
    """The API token in the signed-in browser session's cookie (what the server must never write)."""

    class _Request:  # what the cookie reader needs of a request
        def __init__(self) -> None:
            self.cookies = {c.name: c.value for c in web.client.cookies.jar}

    session = web.app.state.web.cookies.load(_Request())
    assert session is not None
    return str(session.api_token)
