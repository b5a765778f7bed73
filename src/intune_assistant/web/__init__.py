"""The web app: FastAPI, server-rendered Jinja2 pages with htmx, and the JSON API.

``create_app(settings, registry=..., identity=...)`` builds it; nothing happens at import time.
"""

from .app import WebState, create_app
from .settings import WebSettings

__all__ = ["WebSettings", "WebState", "create_app"]
