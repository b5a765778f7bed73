"""The left navigation: one entry per module page, in the order admins work through them."""

from __future__ import annotations

from typing import NamedTuple


class NavItem(NamedTuple):
    """A page in the left navigation."""

    key: str
    href: str
    label: str


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("policies", "/policies", "Policies"),
    NavItem("documentation", "/documentation", "Documentation"),
    NavItem("settings", "/settings", "Settings"),
    NavItem("assignments", "/assignments", "Assignments"),
    NavItem("groups", "/groups", "Groups"),
    NavItem("filters", "/filters", "Filters"),
    NavItem("troubleshoot", "/troubleshoot", "Troubleshoot"),
    NavItem("devices", "/devices", "Devices"),
    NavItem("audit", "/audit", "Audit"),
    NavItem("conflicts", "/conflicts", "Conflicts"),
    NavItem("conditional-access", "/conditional-access", "Conditional Access"),
    NavItem("compare", "/compare", "Compare"),
    NavItem("assignment-manager", "/assignment-manager", "Assignment manager"),
    NavItem("bulk-edits", "/bulk-edits", "Bulk edits"),
    NavItem("deploy", "/deploy", "Deploy"),
    NavItem("restore", "/restore", "Restore"),
    NavItem("health", "/health", "Tenant health"),
    NavItem("roles", "/roles", "Roles"),
    NavItem("tenant", "/tenant", "Tenant settings"),
)
