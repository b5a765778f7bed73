"""The Microsoft Graph emulator: ``/v1.0`` and ``/beta`` routes of every catalog type as ASGI.

``create_graph_app(tenants, verifier=..., catalog=..., options=...)`` builds it; see
``docs/emulator.md`` for what it emulates and where it deliberately supports less than Graph.
"""

from .app import GRAPH_CONTENT_TYPE, GraphEmulator, create_graph_app
from .options import BATCH_ROUTE, EmulatorOptions, PageFault, RouteFaults

__all__ = [
    "BATCH_ROUTE",
    "GRAPH_CONTENT_TYPE",
    "EmulatorOptions",
    "GraphEmulator",
    "PageFault",
    "RouteFaults",
    "create_graph_app",
]
