"""Parsing the ``scope`` parameter the way Entra's v2 endpoint reads it.

A request names scopes of exactly one resource plus OpenID Connect's reserved scopes:

* ``openid``, ``profile``, ``email``, ``offline_access`` — reserved, never resource scopes;
* ``X`` or ``https://graph.microsoft.com/X`` (or the Graph app id prefix) — Microsoft Graph;
* ``api://{api}/access_as_user`` or ``{api}/access_as_user`` — the product's API;
* ``{resource}/.default`` — every permission consented (Graph) or exposed (API).

Scope names compare case-insensitively (as Entra does); results use the registration's casing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import errors
from .registrations import ApiApp

__all__ = ["GRAPH_APP_ID", "GRAPH_RESOURCE", "RESERVED_SCOPES", "RequestedScopes", "parse_scopes"]

GRAPH_RESOURCE = "https://graph.microsoft.com"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
RESERVED_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
DEFAULT = ".default"

Resource = Literal["graph", "api"]


@dataclass(frozen=True)
class RequestedScopes:
    """The reserved scopes and the one resource's scopes of a request.

    ``names`` are the resource's scope names without prefix (``DeviceManagementApps.Read.All``,
    ``access_as_user``, ``.default``); ``sent`` the same scopes as the client wrote them (echoed in
    ``scope`` of the response so MSAL's cache finds them again).
    """

    reserved: frozenset[str]
    resource: Resource | None
    names: tuple[str, ...]
    sent: tuple[str, ...]

    @property
    def is_default(self) -> bool:
        """The request asks for ``/.default``."""
        return self.names == (DEFAULT,)

    def wants(self, reserved_scope: str) -> bool:
        """Whether ``reserved_scope`` (``openid``, ``offline_access`` ...) was requested."""
        return reserved_scope in self.reserved


def _resource_of(prefix: str, api: ApiApp) -> Resource | None:
    normalized = prefix.rstrip("/").lower()
    if normalized in (GRAPH_RESOURCE, GRAPH_APP_ID):
        return "graph"
    if normalized in (api.identifier_uri.lower(), api.client_id.lower()):
        return "api"
    return None


def parse_scopes(raw: str | None, api: ApiApp, *, tenant: str) -> RequestedScopes:
    """Split ``raw`` into reserved scopes and one resource's scopes; raise Entra's errors."""
    reserved: set[str] = set()
    resource: Resource | None = None
    names: list[str] = []
    sent: list[str] = []
    for scope in (raw or "").split():
        if scope.lower() in RESERVED_SCOPES:
            reserved.add(scope.lower())
            continue
        if "/" in scope:
            prefix, _, name = scope.rpartition("/")
            this = _resource_of(prefix, api)
            if this is None:
                raise errors.unknown_resource(prefix, tenant)
        else:
            # The v2 endpoint reads a bare scope as Microsoft Graph's.
            this, name = "graph", scope
        if not name:
            raise errors.invalid_scope(f"The scope '{scope}' is not valid.")
        if resource is not None and this != resource:
            raise errors.several_resources(raw or "")
        resource = this
        if name.lower() not in (n.lower() for n in names):
            names.append(DEFAULT if name.lower() == DEFAULT else name)
            sent.append(scope)
    if DEFAULT in names and len(names) > 1:
        raise errors.invalid_scope("The '.default' scope cannot be combined with resource-specific scopes.")
    return RequestedScopes(frozenset(reserved), resource, tuple(names), tuple(sent))


def canonical(names: tuple[str, ...] | list[str], known: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(recognised names in ``known``'s casing, names not in ``known``)``."""
    by_lower = {k.lower(): k for k in known}
    found: list[str] = []
    unknown: list[str] = []
    for name in names:
        match = by_lower.get(name.lower())
        if match is None:
            unknown.append(name)
        elif match not in found:
            found.append(match)
    return tuple(found), tuple(unknown)
