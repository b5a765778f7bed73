"""Why a write failed, in words an admin can act on: a 403 names the missing scope or role."""

from __future__ import annotations

from intune_assistant.catalog import ResourceType
from intune_assistant.graph import GraphError

__all__ = ["INTUNE_WRITE_ROLES", "PIM_ADVICE", "write_failure"]

# Built-in Intune roles that may change assignments of policies, apps and scripts.
INTUNE_WRITE_ROLES = "Intune Administrator, or a custom Intune role with the Assign permission"
# A time-bound role that ended (or was never activated) refuses the same way (PIM).
PIM_ADVICE = "if you hold it through PIM, activate Intune Administrator in Privileged Identity Management, then reload"


def write_failure(record: ResourceType, error: GraphError, *, reading: bool = False) -> str:
    """The reason an item failed: what Graph refused, with what would fix it."""
    doing = "reading" if reading else "changing"
    status = error.status
    if status == 403:
        if error.required_scopes or error.code == "Authorization_RequestDenied":
            scope = record.read_scope if reading else (record.write_scope or "a write permission")
            named = f" (Graph asks for one of: {', '.join(error.required_scopes)})" if error.required_scopes else ""
            return (
                f"403: the sign-in lacks the delegated permission {scope} for {doing} '{record.label}'{named}; "
                "activate the write module so an admin consents to it"
            )
        return (
            f"403: your Intune role doesn't allow {doing} '{record.label}' (read-only); it needs {INTUNE_WRITE_ROLES} "
            f"— {PIM_ADVICE}"
        )
    if status == 401:
        return "401: the sign-in has expired or was revoked; sign in again and re-run"
    if status == 404:
        return "404: the object no longer exists"
    if status is None:
        return f"no answer from Graph ({error.code}): {error.message}"
    if status == 429 or status >= 500:
        return f"Graph answered {status} ({error.code}) after retrying as Graph advises: {error.message}"
    return f"Graph refused it ({status} {error.code}): {error.message}"
