"""Everything one handler needs about the request it answers."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Family, family_of
from .options import EmulatorOptions
from .protocol import Caller, GraphRequest
from .query import QueryOptions
from .routing import Route, Router
from .store import TenantStore

__all__ = ["Call"]


@dataclass(frozen=True)
class Call:
    """A routed, authenticated request."""

    req: GraphRequest
    caller: Caller
    store: TenantStore
    router: Router
    options: EmulatorOptions
    route: Route
    query: QueryOptions

    @property
    def family(self) -> Family:
        """Which service's error shapes apply."""
        return family_of(self.req.path)
