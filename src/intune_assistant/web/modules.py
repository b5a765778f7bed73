"""Which write modules this web app offers: a module is offered only once its pages exist.

A write module asks the tenant for write permissions; offering one whose pages are not built
would ask for consent that nothing uses. Each write module names the route of its main page, and
is offered only when the app has that route. A module activated earlier but not offered adds no
scope to the tokens asked for.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import NoMatchFound

from intune_assistant.catalog.modules import write_scopes

from .context import web_state

# Write module → the route name of its page. Modules without an entry are not offered.
MODULE_PAGES: dict[str, str] = {"bulk-assign": "assignment_manager", "bulk-edit": "bulk_edits"}


def _has_page(app: Starlette, name: str) -> bool:
    # url_path_for walks included routers and mounts, however the framework nests them.
    try:
        app.url_path_for(name)
    except NoMatchFound:
        return False
    return True


def offered_modules(app: Starlette) -> tuple[str, ...]:
    """The write modules whose page ``app`` serves, in ``MODULE_PAGES`` order."""
    return tuple(module for module, page in MODULE_PAGES.items() if _has_page(app, page))


def offered_write_scopes(request: Request) -> dict[str, tuple[str, ...]]:
    """Per offered write module, the write scopes its activation asks for."""
    by_module = write_scopes(web_state(request).catalog)
    return {m: by_module[m] for m in offered_modules(request.app) if by_module.get(m)}


def modules_in_use(request: Request, activated: Iterable[str]) -> frozenset[str]:
    """The activated modules whose scopes tokens may carry: those this app offers."""
    return frozenset(activated) & frozenset(offered_modules(request.app))
