"""What every renderer shows the same way: policy facts, assignment wording, export columns."""

from __future__ import annotations

from intune_assistant.analyses.conditional_access import Finding as CaFinding
from intune_assistant.analyses.conditional_access import PolicyOverview
from intune_assistant.analyses.health import HealthItem, Verdict
from intune_assistant.analyses.roles import Finding, Grant, Status
from intune_assistant.analyses.settings import SettingRow

from .document import AssignmentLine, Document, PolicyDoc

__all__ = [
    "ASSIGNMENT_HEADERS",
    "CA_FINDING_HEADERS",
    "CA_GAPS_TITLE",
    "CA_POLICY_HEADERS",
    "CA_TITLE",
    "EXPORT_HEADERS",
    "FINDING_HEADERS",
    "GRANT_HEADERS",
    "HEALTH_HEADERS",
    "HEALTH_TITLE",
    "ROLES_TITLE",
    "assignment_cells",
    "ca_finding_cells",
    "ca_policy_cells",
    "export_cells",
    "finding_cells",
    "grant_cells",
    "health_cells",
    "is_block",
    "policy_facts",
    "setting_label",
    "subtitle",
]

# Values longer than this, or spanning lines (scripts, payloads), are shown as blocks after the
# settings table: a table cell cannot hold them readably (and a PDF cell cannot span pages).
BLOCK_LENGTH = 600

ASSIGNMENT_HEADERS = ("Target", "Included / excluded", "Filter", "Filter mode", "Intent", "Details")
EXPORT_HEADERS = (
    "Tenant",
    "Type",
    "Policy type",
    "Policy",
    "Policy ID",
    "Platform",
    "Category",
    "Setting",
    "Value",
    "Setting ID",
    "Secret",
    "Deprecated",
    "Replacement",
)


HEALTH_TITLE = "Tenant health"
HEALTH_HEADERS = ("Verdict", "Type", "Name", "Expires", "Days left", "State", "Last sync", "Why")
# Icon and word together (never colour alone), as on the web page and in the CLI.
_VERDICT_MARKS = {
    Verdict.EXPIRED: "✖",
    Verdict.SYNC_FAILED: "✖",
    Verdict.EXPIRES_SOON: "⚠",
    Verdict.UNKNOWN: "?",
    Verdict.NOT_SET_UP: "–",
    Verdict.OK: "✔",
}


def health_cells(item: HealthItem) -> tuple[str, ...]:
    """The cells of one tenant-health row (see ``HEALTH_HEADERS``)."""
    return (
        f"{_VERDICT_MARKS[item.verdict]} {item.verdict.value}",
        item.kind,
        item.name,
        f"{item.expires:%Y-%m-%d}" if item.expires else "",
        str(item.days_left) if item.days_left is not None else "",
        item.state,
        f"{item.last_sync:%Y-%m-%d %H:%M} UTC" if item.last_sync else "",
        item.reason,
    )


ROLES_TITLE = "Roles"
FINDING_HEADERS = ("Status", "Finding", "About", "Why")
GRANT_HEADERS = ("Account", "Role", "Source", "Through", "Scope", "Scope tags")
_STATUS_MARKS = {Status.FOUND: "⚠", Status.UNKNOWN: "?"}


def finding_cells(finding: Finding) -> tuple[str, ...]:
    """The cells of one RBAC finding (see ``FINDING_HEADERS``), icon and word as on the Roles page."""
    return (
        f"{_STATUS_MARKS[finding.status]} {finding.status.value}",
        finding.kind.value,
        finding.subject,
        finding.reason,
    )


def grant_cells(grant: Grant) -> tuple[str, ...]:
    """The cells of one role held (see ``GRANT_HEADERS``)."""
    return (grant.account, grant.role, grant.source.value, grant.via, grant.scope, ", ".join(grant.scope_tags))


CA_TITLE = "Conditional Access"
CA_GAPS_TITLE = "Conditional Access gaps"
CA_POLICY_HEADERS = ("Policy", "State", "Users", "Target resources", "Conditions", "Grant", "Session")
CA_FINDING_HEADERS = ("Gap", "Policy", "Why")


def ca_policy_cells(policy: PolicyOverview) -> tuple[str, ...]:
    """The cells of one CA policy's overview row (see ``CA_POLICY_HEADERS``)."""
    return (
        policy.name,
        policy.state_label,
        policy.users,
        policy.resources,
        policy.conditions,
        policy.grant,
        policy.session,
    )


def ca_finding_cells(finding: CaFinding) -> tuple[str, ...]:
    """The cells of one CA gap (see ``CA_FINDING_HEADERS``); a tenant-wide gap names no policy."""
    return (f"⚠ {finding.kind.value}", finding.policy_name or "(tenant)", finding.reason)


def is_block(value: str) -> bool:
    """True when ``value`` is shown as a block of its own rather than in a table cell."""
    return "\n" in value or len(value) > BLOCK_LENGTH


def setting_label(row: SettingRow) -> str:
    """The setting's name, with a deprecation note when Intune marks it deprecated."""
    if not row.deprecated:
        return row.name
    return f"{row.name} (deprecated" + (f"; use {row.replacement})" if row.replacement else ")")


def policy_facts(policy: PolicyDoc) -> list[tuple[str, str]]:
    """(label, value) facts about a policy, in the order documents show them."""
    facts = [
        (
            "Type",
            f"{policy.type_label}: {policy.policy_type}"
            if policy.policy_type != policy.type_label
            else policy.type_label,
        )
    ]
    facts.append(("Platform", policy.platform or "Any"))
    if policy.description:
        facts.append(("Description", policy.description))
    facts.append(("Scope tags", ", ".join(policy.scope_tags) or "None"))
    if policy.created:
        facts.append(("Created", policy.created))
    if policy.modified:
        facts.append(("Last modified", policy.modified))
    facts.append(("ID", policy.policy_id))
    return facts


def assignment_cells(line: AssignmentLine) -> tuple[str, str, str, str, str, str]:
    """The cells of one assignment row (see ``ASSIGNMENT_HEADERS``)."""
    mode = "✔ Included" if line.mode == "Included" else "✖ Excluded"
    return (
        line.target,
        mode,
        line.filter_name or "",
        line.filter_mode.capitalize() if line.filter_mode else "",
        line.intent or "",
        line.detail or "",
    )


def export_cells(document: Document, policy: PolicyDoc, row: SettingRow) -> list[str]:
    """The cells of one setting in tabular exports (see ``EXPORT_HEADERS``)."""
    return [
        document.tenant_domain or document.tenant_name,
        policy.type_label,
        policy.policy_type,
        policy.name,
        policy.policy_id,
        policy.platform or "",
        row.category,
        row.name,
        row.value,
        row.setting_id,
        "Yes" if row.is_secret else "No",
        "Yes" if row.deprecated else "No",
        row.replacement or "",
    ]


def subtitle(document: Document) -> str:
    """Tenant, snapshot time and generation time in one line."""
    parts = [document.tenant_domain or document.tenant_name]
    if document.tenant_id:
        parts.append(f"tenant ID {document.tenant_id}")
    parts.append(f"snapshot {document.taken_at.strftime('%Y-%m-%d %H:%M UTC')} ({document.source})")
    parts.append(f"generated {document.generated_at.strftime('%Y-%m-%d %H:%M UTC')}")
    return " · ".join(parts)
