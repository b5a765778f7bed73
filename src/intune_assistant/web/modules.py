"""Which modules a tenant admin may turn on in this web app: a module is offered only once a page uses it.

Optional read modules (managed devices, Intune roles) and write modules ask the tenant for more
permissions; offering one whose pages are not built would ask for consent that nothing uses. Each
such module names the routes of the pages that use it, and is offered when the app has one of them.
A module activated earlier but not offered adds no scope to the tokens asked for.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import NoMatchFound

from intune_assistant.catalog.modules import module_scopes

from .context import web_state

# Module → the route names of the pages that use it. Modules without an entry are not offered.
MODULE_PAGES: dict[str, tuple[str, ...]] = {
    "managed-devices": ("devices", "troubleshoot"),
    "intune-roles": ("roles",),
    "bulk-assign": ("assignment_manager",),
    "bulk-edit": ("bulk_edits",),
    "deploy-baseline": ("deploy",),
    "restore": ("restore",),
}


def _has_page(app: Starlette, name: str) -> bool:
    # url_path_for walks included routers and mounts, however the framework nests them.
    try:
        app.url_path_for(name)
    except NoMatchFound:
        return False
    return True


def offered_modules(app: Starlette) -> tuple[str, ...]:
    """The modules with a page ``app`` serves, in ``MODULE_PAGES`` order."""
    return tuple(module for module, pages in MODULE_PAGES.items() if any(_has_page(app, p) for p in pages))


def offered_module_scopes(request: Request) -> dict[str, tuple[str, ...]]:
    """Per offered module (optional read modules first, then write modules), the scopes its activation asks for."""
    by_module = module_scopes(web_state(request).catalog)
    offered = offered_modules(request.app)
    return {m: scopes for m, scopes in by_module.items() if m in offered and scopes}


def modules_in_use(request: Request, activated: Iterable[str]) -> frozenset[str]:
    """The activated modules whose scopes tokens may carry: those this app offers."""
    return frozenset(activated) & frozenset(offered_modules(request.app))
