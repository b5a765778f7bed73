"""``AuthError``: why an API token was refused, in words an administrator can act on.

It is a Starlette ``HTTPException`` too, so a route that lets one escape still answers with the
right status and ``WWW-Authenticate`` header even where ``install_auth_error_handler`` was not
called (the body is then FastAPI's ``{"detail": ...}`` instead of ``{"error": ...}``).
"""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException

__all__ = ["AuthError"]

# RFC 6750 §3: error_description may hold only %x20-21 / %x23-5B / %x5D-7E.
_UNSAFE = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")


def _quoted(value: str) -> str:
    return _UNSAFE.sub("", value)[:300]


class AuthError(HTTPException):
    """A refused API token: ``status`` 401 (not authenticated) or 403 (authenticated, not allowed).

    ``code`` is a stable machine-readable reason (``invalid_token``, ``insufficient_scope``,
    ``tenant_not_onboarded``, ``tenant_disabled``, ``tenant_mismatch``, ``missing_token``);
    ``message`` says what happened and what to do. Neither ever contains the token.
    """

    def __init__(self, status: int, code: str, message: str, *, required_scope: str | None = None) -> None:
        if status not in (401, 403):
            raise ValueError("AuthError status must be 401 or 403")
        self.status = status
        self.code = code
        self.message = message
        # The scope the token lacks (a 403 ``insufficient_scope``), for the answer to name.
        self.required_scope = required_scope
        self.www_authenticate = self._challenge(status, code, message, required_scope)
        super().__init__(
            status_code=status,
            detail=message,
            headers={"WWW-Authenticate": self.www_authenticate},
        )

    @staticmethod
    def _challenge(status: int, code: str, message: str, required_scope: str | None) -> str:
        if code == "missing_token":
            # RFC 6750 §3.1: a request without credentials gets a bare challenge, no error code.
            return "Bearer"
        error = "invalid_token" if status == 401 else "insufficient_scope"
        parts = [f'Bearer error="{error}"', f'error_description="{_quoted(message)}"']
        if required_scope:
            parts.append(f'scope="{_quoted(required_scope)}"')
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    def __repr__(self) -> str:
        return f"AuthError(status={self.status}, code={self.code!r}, message={self.message!r})"

    @classmethod
    def invalid(cls, message: str) -> AuthError:
        """401 ``invalid_token``: the token is not one this API accepts."""
        return cls(401, "invalid_token", message)

    @classmethod
    def forbidden(cls, code: str, message: str, *, required_scope: str | None = None) -> AuthError:
        """403: a valid token that does not allow this use."""
        return cls(403, code, message, required_scope=required_scope)
