"""Graph's failures → the snapshot's ``Problem`` values (the one place Graph's error shapes are read).

Intune answers a missing delegated scope with 403 ``Forbidden`` naming the scopes that would do,
and a user without an Intune role (or licence) with 403 ``UnknownError`` wrapping
``{"ErrorCode": "Forbidden"}`` and no scope (shared reference, Intune error shapes). The
directory answers a missing scope with 403 ``Authorization_RequestDenied``.
"""

from __future__ import annotations

from dataclasses import replace

from intune_assistant.catalog import ResourceType
from intune_assistant.graph import GraphError
from intune_assistant.graph.errors import CONNECTION_ERROR, FOREIGN_URL, MALFORMED_RESPONSE, REPEATED_NEXT_LINK, TIMEOUT
from intune_assistant.snapshot import INTUNE_READ_ROLE, LIST_PART, Problem, ProblemKind

__all__ = ["problem_from"]

_MALFORMED_CODES = frozenset({MALFORMED_RESPONSE, REPEATED_NEXT_LINK, FOREIGN_URL})
_UNREACHABLE_CODES = frozenset({CONNECTION_ERROR, TIMEOUT})
# Intune's word for a licence problem in the few answers that name one.
_LICENCE_CODES = frozenset({"NotLicensed", "LicenseNotFound", "TenantNotLicensed"})


def _is_intune(record: ResourceType) -> bool:
    # deviceManagement itself (a singleton) is Intune's as much as the collections below it.
    return record.path.split("/", 1)[0] in ("deviceManagement", "deviceAppManagement")


def problem_from(
    record: ResourceType,
    error: GraphError | None,
    status: int,
    *,
    part: str = LIST_PART,
    object_id: str | None = None,
    object_name: str | None = None,
    stopped_after: int | None = None,
) -> Problem:
    """The problem behind ``error`` met while reading ``part`` of ``record`` (or its list)."""
    base = Problem(
        ProblemKind.MALFORMED_ANSWER,
        f"unexpected answer (HTTP {status})",
        status=status,
        part=part,
        object_id=object_id,
        object_name=object_name,
        stopped_after=stopped_after,
    )
    if error is None:
        return base
    kind = _kind(record, error)
    problem = replace(base, kind=kind, message=error.message, status=error.status, code=error.code)
    problem = replace(problem, request_id=error.request_id)
    if kind is ProblemKind.MISSING_SCOPE:
        return replace(problem, scope=_scope(record, error))
    if kind is ProblemKind.MISSING_ROLE:
        return replace(problem, role=INTUNE_READ_ROLE)
    return problem


def _kind(record: ResourceType, error: GraphError) -> ProblemKind:
    status = error.status
    if status is None:
        if error.code in _MALFORMED_CODES:
            return ProblemKind.MALFORMED_ANSWER
        if error.code in _UNREACHABLE_CODES:
            return ProblemKind.UNREACHABLE
        return ProblemKind.REFUSED
    if error.code in _MALFORMED_CODES:
        return ProblemKind.MALFORMED_ANSWER
    if status == 401:
        return ProblemKind.SIGNED_OUT
    if status == 403:
        if error.code in _LICENCE_CODES:
            return ProblemKind.NOT_LICENSED
        if error.required_scopes or error.code == "Authorization_RequestDenied" or not _is_intune(record):
            return ProblemKind.MISSING_SCOPE
        return ProblemKind.MISSING_ROLE
    if status == 404:
        return ProblemKind.NOT_FOUND
    if status == 429:
        return ProblemKind.THROTTLED
    if status >= 500:
        return ProblemKind.SERVER_ERROR
    return ProblemKind.REFUSED


def _scope(record: ResourceType, error: GraphError) -> str:
    # The least-privilege read scope of the record, when Graph names it among those that would do
    # (or names none); otherwise the first scope Graph names.
    named = error.required_scopes
    if not named or record.read_scope in named:
        return record.read_scope
    return named[0]
