"""Which delegated Microsoft Graph scopes to ask for, and how to spell them.

Least privilege (DESIGN §2.3): the default read scopes always; an optional read module's or a write
module's scopes only once the tenant activated that module. ``/.default`` is never used, because it would bring every
permission consented to the app — writes included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from intune_assistant.catalog import Catalog
from intune_assistant.catalog.modules import default_read_scopes, module_scopes

from .config import GRAPH_RESOURCE

__all__ = ["graph_scope_names", "graph_scope_uri", "scopes_for"]

_RESERVED = frozenset({"openid", "profile", "email", "offline_access"})


def _name(scope: str) -> str:
    text = scope.strip()
    if "/" in text:
        resource, _, name = text.rpartition("/")
        if resource.rstrip("/").lower() != GRAPH_RESOURCE:
            raise ValueError(f"{scope!r} is not a Microsoft Graph scope")
        text = name
    if not text or text.lower() in _RESERVED or text == ".default" or " " in text:
        raise ValueError(f"{scope!r} is not an explicit delegated Microsoft Graph scope")
    return text


def graph_scope_names(scopes: Iterable[str]) -> tuple[str, ...]:
    """Scope names without the Graph prefix, de-duplicated (case-insensitively) in order.

    ``ValueError`` for another resource's scope, an OpenID Connect scope or ``/.default``.
    """
    found: dict[str, str] = {}
    for scope in scopes:
        name = _name(scope)
        found.setdefault(name.lower(), name)
    return tuple(found.values())


def graph_scope_uri(name: str) -> str:
    """The full scope URI, e.g. ``https://graph.microsoft.com/DeviceManagementApps.Read.All``."""
    return f"{GRAPH_RESOURCE}/{_name(name)}"


def scopes_for(tenant_modules: Iterable[str], catalog: Catalog) -> tuple[str, ...]:
    """The default read scopes plus the scopes of the optional read and write modules in ``tenant_modules``.

    ``tenant_modules`` is what the registry says the tenant may use (always-on read modules add
    nothing: their scopes are the default read scopes); unknown names add nothing.
    """
    by_module = module_scopes(catalog)
    extra: list[str] = [scope for module in tenant_modules for scope in by_module.get(module, ())]
    return graph_scope_names([*default_read_scopes(catalog), *extra])


def as_uris(names: Sequence[str]) -> tuple[str, ...]:
    """Full Graph scope URIs for scope ``names`` (what the token request and consent URL carry)."""
    return tuple(graph_scope_uri(n) for n in names)
