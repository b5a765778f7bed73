"""The emulator's internal request/response values, shared by HTTP requests and ``$batch`` steps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..tenants.model import OperatorRole

__all__ = ["WRITE_METHODS", "Caller", "GraphRequest", "GraphResponse", "Version"]

Version = Literal["v1.0", "beta"]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Caller:
    """Who is calling, from the verified token (never the token itself)."""

    tenant_id: str
    user_id: str
    upn: str
    name: str
    app_id: str
    scopes: frozenset[str]
    role: OperatorRole


@dataclass(frozen=True)
class GraphRequest:
    """One Graph request: an HTTP request or one step of a ``$batch``.

    ``path`` has no version and no leading slash; ``query`` keeps the decoded pairs in order;
    ``headers`` have lower-case names; ``body`` is the parsed JSON (``None`` without a body).
    """

    method: str
    version: Version
    path: str
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]
    body: Any
    base_url: str
    request_id: str
    client_request_id: str

    @property
    def is_write(self) -> bool:
        """POST/PUT/PATCH/DELETE (what Intune's write limits count)."""
        return self.method in WRITE_METHODS

    @property
    def segments(self) -> list[str]:
        """The path split into segments."""
        return [s for s in self.path.split("/") if s]


@dataclass
class GraphResponse:
    """A response before serialisation. ``raw`` (bytes) replaces ``body`` for malformed answers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
