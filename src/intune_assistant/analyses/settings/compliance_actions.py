"""Actions for noncompliance (``scheduledActionsForRule``) → rows, in the portal's words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .context import PolicyContext
from .model import SettingRow
from .words import readable_enum

__all__ = ["ACTIONS_CATEGORY", "noncompliance_rows"]

ACTIONS_CATEGORY = "Actions for noncompliance"

_ACTIONS = {
    "block": "Mark device noncompliant",
    "notification": "Send email to end user",
    "pushNotification": "Send push notification to end user",
    "retire": "Add device to retire list",
    "remoteLock": "Remotely lock the noncompliant device",
    "wipe": "Wipe the noncompliant device",
}


def _when(hours: Any) -> str:
    if not isinstance(hours, int | float) or hours <= 0:
        return "Immediately"
    days, rest = divmod(int(hours), 24)
    if rest:
        return f"After {int(hours)} hours"
    return f"After {days} day" + ("s" if days != 1 else "")


def noncompliance_rows(ctx: PolicyContext) -> list[SettingRow]:
    """One row per action of each rule: what happens and when (with the e-mail template's name)."""
    rows: list[SettingRow] = []
    for rule in ctx.obj.get("scheduledActionsForRule") or ():
        if not isinstance(rule, Mapping):
            continue
        rule_name = str(rule.get("ruleName") or "")
        for action in rule.get("scheduledActionConfigurations") or ():
            if not isinstance(action, Mapping):
                continue
            kind = str(action.get("actionType") or "")
            shown = _when(action.get("gracePeriodHours"))
            template_id = action.get("notificationTemplateId")
            if isinstance(template_id, str) and template_id and template_id != "00000000-0000-0000-0000-000000000000":
                template = ctx.references.notification_templates.get(
                    template_id, "a message template not in this snapshot"
                )
                shown += f"; message template: {template}"
            cc = [c for c in action.get("notificationMessageCCList") or () if isinstance(c, str)]
            if cc:
                shown += f"; copy to {', '.join(ctx.names.group(c) or c for c in cc)}"
            raw = {k: v for k, v in action.items() if k != "id"}
            name = _ACTIONS.get(kind) or readable_enum(kind)
            rows.append(ctx.row(ACTIONS_CATEGORY, name, shown, f"scheduledActionsForRule[{rule_name}].{kind}", raw))
    return rows
