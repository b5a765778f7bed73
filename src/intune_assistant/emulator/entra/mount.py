"""Serving the Entra and Graph emulators on one origin, as one ASGI app.

Graph's routes are ``/v1.0/...`` and ``/beta/...``; every other path is Entra's (its first
segment is a tenant, ``common``, ``organizations`` or ``devicelogin``). Starlette's ``Mount``
would strip the prefix Graph's router needs, so this is a plain dispatcher on the path.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["GRAPH_PREFIXES", "entra_and_graph"]

GRAPH_PREFIXES = ("/v1.0", "/beta")


def entra_and_graph(entra: ASGIApp, graph: ASGIApp) -> ASGIApp:
    """One ASGI app: ``/v1.0/*`` and ``/beta/*`` go to ``graph``, everything else to ``entra``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        is_graph = any(path == p or path.startswith(p + "/") for p in GRAPH_PREFIXES)
        await (graph if is_graph else entra)(scope, receive, send)

    return app
