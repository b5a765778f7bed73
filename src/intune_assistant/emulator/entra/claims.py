"""The ``claims`` request parameter: whether a sign-in answers a Conditional Access challenge.

Read by the authorize endpoint and the device-code endpoint alike (MSAL sends a claims challenge
to either).
"""

from __future__ import annotations

import json

from . import errors

__all__ = ["wants_step_up"]


def wants_step_up(raw: str | None) -> bool:
    """Whether a ``claims`` request parameter asks for access-token claims (a CA challenge)."""
    if not raw:
        return False
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise errors.malformed("The 'claims' parameter is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise errors.malformed("The 'claims' parameter must be a JSON object.")
    requested = parsed.get("access_token")
    # xms_cc announces client capabilities (MSAL's client_capabilities); it is not a challenge.
    return isinstance(requested, dict) and any(name != "xms_cc" for name in requested)
