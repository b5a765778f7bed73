"""What the RBAC analysis reports: who holds which role, from where, over what; and its findings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# Microsoft recommends fewer than five Global Administrators (Entra ID best practices for roles).
MANY_GLOBAL_ADMINS = 5


class Source(StrEnum):
    """Where a role comes from, in the admin's words."""

    INTUNE = "Intune role"
    ENTRA = "Entra role"
    GDAP = "GDAP"


class FindingKind(StrEnum):
    """The RBAC problems the analysis looks for, worded as the Roles page shows them."""

    MANY_GLOBAL_ADMINS = "Many Global Administrators"
    READ_ONLY_ADMIN = "Intune Administrator who only reads"
    NARROWER_ROLE_FITS = "Built-in role where a narrower one fits"
    IDLE_SCOPE_TAG = "Scope tag that limits nothing"
    EMPTY_ROLE_GROUP = "Role assigned to an empty group"
    GDAP_ONLY = "Roles only through GDAP"


class Status(StrEnum):
    """A finding is found (with its reason) or unknown (with why it could not be decided)."""

    FOUND = "Found"
    UNKNOWN = "Unknown"


@dataclass(frozen=True)
class Finding:
    """One problem (or one question the snapshot cannot answer) with its reason.

    ``subject`` names what the finding is about (an account's UPN, a role, a role assignment, a
    scope tag); ``subject_id`` is its id where it has one.
    """

    kind: FindingKind
    status: Status
    subject: str
    reason: str
    subject_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The finding as JSON exports and ``rbac --json`` give it."""
        return {
            "finding": self.kind.value,
            "status": self.status.value,
            "subject": self.subject,
            "subject_id": self.subject_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Grant:
    """One role one account holds: what, from where (``via``: the role assignment and group, or the
    GDAP relationship and group), over what (``scope``) and limited by which scope tags."""

    account: str
    account_id: str | None
    role: str
    source: Source
    via: str
    scope: str
    scope_tags: tuple[str, ...] = ()
    permissions: int | None = None
    # The group the role comes through (an Intune member group, a role-assignable group), if any.
    group_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The grant as JSON exports give it."""
        return {
            "account": self.account,
            "account_id": self.account_id,
            "role": self.role,
            "source": self.source.value,
            "via": self.via,
            "scope": self.scope,
            "scope_tags": list(self.scope_tags),
            "permissions": self.permissions,
            "group_id": self.group_id,
        }


@dataclass(frozen=True)
class MemberGroup:
    """A group named in a role assignment, with how many users and devices it holds through nesting
    (``None``: unknown, ``reason`` says why)."""

    group_id: str
    name: str
    users: int | None
    devices: int | None = None
    reason: str = ""

    @property
    def empty(self) -> bool | None:
        """True when the group holds nobody and nothing; None when that is unknown."""
        if self.users is None or self.devices is None:
            return None
        return self.users + self.devices == 0


@dataclass(frozen=True)
class RoleAssignmentRow:
    """One Intune role assignment as an admin reads it."""

    assignment_id: str
    name: str
    role: str
    role_id: str | None
    built_in: bool | None
    members: tuple[MemberGroup, ...]
    scope: str
    scope_groups: tuple[MemberGroup, ...]
    scope_tags: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """The assignment as JSON exports give it."""
        return {
            "id": self.assignment_id,
            "name": self.name,
            "role": self.role,
            "role_id": self.role_id,
            "built_in": self.built_in,
            "members": [{"id": g.group_id, "name": g.name, "users": g.users} for g in self.members],
            "scope": self.scope,
            "scope_groups": [
                {"id": g.group_id, "name": g.name, "users": g.users, "devices": g.devices} for g in self.scope_groups
            ],
            "scope_tags": list(self.scope_tags),
        }


@dataclass(frozen=True)
class RoleRow:
    """One Intune role definition or Entra directory role: what it allows and how it is held."""

    role_id: str
    name: str
    source: Source
    built_in: bool
    permissions: tuple[str, ...]
    holders: int

    def as_json(self) -> dict[str, Any]:
        """The role as JSON exports give it."""
        return {
            "id": self.role_id,
            "name": self.name,
            "source": self.source.value,
            "built_in": self.built_in,
            "permissions": list(self.permissions),
            "holders": self.holders,
        }


@dataclass(frozen=True)
class Gap:
    """A type the analysis needed and could not read, with why (its verdicts are unknown)."""

    type_key: str
    label: str
    reason: str


@dataclass(frozen=True)
class RbacReport:
    """Roles, role assignments, who holds what, findings, and what could not be read."""

    roles: tuple[RoleRow, ...]
    assignments: tuple[RoleAssignmentRow, ...]
    grants: tuple[Grant, ...]
    findings: tuple[Finding, ...]
    gaps: tuple[Gap, ...]
    audit_read: bool

    def found(self, kind: FindingKind | None = None) -> tuple[Finding, ...]:
        """Findings with status ``FOUND`` (of ``kind``, when given)."""
        return tuple(f for f in self.findings if f.status is Status.FOUND and (kind is None or f.kind is kind))

    def unknown(self) -> tuple[Finding, ...]:
        """Findings that could not be decided."""
        return tuple(f for f in self.findings if f.status is Status.UNKNOWN)

    def grants_of(self, account_id: str) -> tuple[Grant, ...]:
        """Every role ``account_id`` holds."""
        return tuple(g for g in self.grants if g.account_id == account_id)

    def as_json(self) -> dict[str, Any]:
        """The whole report as JSON."""
        return {
            "roles": [r.as_json() for r in self.roles],
            "assignments": [a.as_json() for a in self.assignments],
            "grants": [g.as_json() for g in self.grants],
            "findings": [f.as_json() for f in self.findings],
            "not_read": [{"type": g.type_key, "label": g.label, "reason": g.reason} for g in self.gaps],
            "audit_read": self.audit_read,
        }
