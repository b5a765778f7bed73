"""Why something could not be read, as data: the kind of problem and the facts behind it.

A ``Problem`` travels from the collector through the snapshot (saved and loaded with it) to the
analyses and pages, which decide on ``kind``, ``part`` and ``object_id`` — never on message text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "DEFINITIONS_PART",
    "DETAILS_PART",
    "GROUP_NAMES_PART",
    "INTUNE_READ_ROLE",
    "LIST_PART",
    "Problem",
    "ProblemKind",
]

# ``Problem.part`` values besides child navigation names (``settings``, ``members``, ``assignments``…).
LIST_PART = ""  # the type's own list
DETAILS_PART = "details"  # the per-item read of fields Graph returns only by id
DEFINITIONS_PART = "setting names"  # the settings-catalog definitions the policies use
GROUP_NAMES_PART = "group names"  # names of groups referenced but not listed

# The least Intune role that reads every configuration type (Intune's built-in roles).
INTUNE_READ_ROLE = "Intune Read Only Operator or higher"


class ProblemKind(StrEnum):
    """What went wrong, in the terms an administrator acts on."""

    MISSING_SCOPE = "missing_scope"  # the app's token lacks a delegated permission
    MISSING_ROLE = "missing_role"  # the user's Intune/Entra role does not allow the read
    NOT_LICENSED = "not_licensed"  # the tenant or user lacks the licence for the feature
    THROTTLED = "throttled"  # 429s outlasted the retries
    SERVER_ERROR = "server_error"  # 5xx outlasted the retries
    MALFORMED_ANSWER = "malformed_answer"  # a 200 that is not what Graph documents
    NOT_FOUND = "not_found"  # 404
    UNREACHABLE = "unreachable"  # no answer: connection failure or timeout
    SIGNED_OUT = "signed_out"  # 401: the sign-in is no longer accepted
    REFUSED = "refused"  # another 4xx
    NOT_IN_EXPORT = "not_in_export"  # an import lacks it, or its files could not be read
    # Not read on purpose: the optional read module whose scope it needs is off for the tenant
    # (``message`` names the module, ``scope`` the permission turning it on asks for).
    MODULE_OFF = "module_off"
    OTHER = "other"  # saved by an older version, which kept only the message


@dataclass(frozen=True)
class Problem:
    """One thing that could not be read, and why.

    ``part`` says what: ``LIST_PART`` for the type's list, a child navigation name, or one of the
    ``*_PART`` names; ``object_id``/``object_name`` the object whose part it is. ``scope`` and
    ``role`` name what would allow the read; ``status``, ``code`` and ``request_id`` are Graph's
    (the request id is the correlation id Microsoft support asks for). ``stopped_after`` counts
    the objects read before a list stopped.
    """

    kind: ProblemKind
    message: str
    status: int | None = None
    code: str | None = None
    request_id: str | None = None
    scope: str | None = None
    role: str | None = None
    part: str = LIST_PART
    object_id: str | None = None
    object_name: str | None = None
    stopped_after: int | None = None

    @property
    def cause(self) -> tuple[str, str]:
        """What problems share when one fix solves them all (a role, a scope, a kind of failure)."""
        if self.kind is ProblemKind.MISSING_ROLE:
            return (self.kind.value, self.role or "")
        if self.kind is ProblemKind.MISSING_SCOPE:
            return (self.kind.value, self.scope or "")
        return (self.kind.value, f"{self.status}:{self.code}")

    def advice(self) -> str:
        """One sentence: what is wrong and what would fix it, without Graph's details."""
        kind = self.kind
        if kind is ProblemKind.MISSING_ROLE:
            role = self.role or INTUNE_READ_ROLE
            return (
                f"The signed-in user has no active Intune role that allows reading this: ask for {role}, or, for a "
                "role eligible in Privileged Identity Management, activate it there (e.g. activate Intune "
                "Administrator in Privileged Identity Management), then reload"
            )
        if kind is ProblemKind.MISSING_SCOPE:
            scope = self.scope or "a read permission"
            return f"The app's permissions lack {scope}: a Global Administrator must consent to it"
        if kind is ProblemKind.MODULE_OFF:
            return f"Not read: {self.message}"
        if kind is ProblemKind.NOT_LICENSED:
            return f"The tenant or user has no licence for this ({self.message})"
        if kind is ProblemKind.THROTTLED:
            return "Microsoft Graph kept throttling the requests (429): refresh in a few minutes"
        if kind is ProblemKind.SERVER_ERROR:
            return f"Microsoft Graph failed ({self._status_code()}): {self.message}"
        if kind is ProblemKind.MALFORMED_ANSWER:
            return f"Microsoft Graph's answer could not be used: {self.message}"
        if kind is ProblemKind.NOT_FOUND:
            return f"Not found ({self._status_code()}): {self.message}"
        if kind is ProblemKind.UNREACHABLE:
            return f"Could not reach Microsoft Graph: {self.message}"
        if kind is ProblemKind.SIGNED_OUT:
            return "The sign-in is no longer accepted (expired, revoked or consent removed): sign in again"
        if kind is ProblemKind.REFUSED:
            return f"Microsoft Graph refused the request ({self._status_code()}): {self.message}"
        return self.message

    def describe(self) -> str:
        """The advice with Graph's status and request id, prefixed by how far a list got."""
        text = self.advice()
        facts = [self._status_code()] if self.status is not None and self.kind in _SHOW_STATUS else []
        if self.request_id:
            facts.append(f"request id {self.request_id}")
        if facts:
            text += f" ({', '.join(facts)})"
        if self.stopped_after is not None:
            text = f"stopped after {self.stopped_after} objects: {text}"
        return text

    def where(self) -> str:
        """The problem with what it concerns: ``"settings of 'Baseline': …"``."""
        if self.object_name is not None or self.object_id is not None:
            name = self.object_name if self.object_name is not None else self.object_id
            return f"{self.part} of {name!r}: {self.describe()}"
        if self.part:
            return f"{self.part}: {self.describe()}"
        return self.describe()

    def _status_code(self) -> str:
        status = str(self.status) if self.status is not None else ""
        return " ".join(part for part in (status, self.code or "") if part)


# Kinds whose advice does not already carry Graph's status and code.
_SHOW_STATUS = frozenset({ProblemKind.MISSING_ROLE, ProblemKind.MISSING_SCOPE, ProblemKind.THROTTLED})
