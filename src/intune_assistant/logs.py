"""The server's log: the product's own records at any level, libraries that echo requests kept quiet.

The product's records name what happened, a correlation id and a path template, never a token, a
user or a tenant's data (DESIGN §2.4). Some libraries it uses are less careful once their level
is lowered: MSAL's debug log carries the token requests (user and tenant ids, the ``client_info``
and ID token claims), httpx and urllib3 log every URL (Graph ``$filter`` values with names,
sign-in URLs with ``login_hint``), httpcore and multipart their traffic. Their records below
WARNING are dropped whatever level the admin chooses; their warnings and errors still show.
"""

from __future__ import annotations

import logging
from typing import IO

__all__ = ["QUIET_LIBRARIES", "LibraryNoiseFilter", "configure_logging"]

QUIET_LIBRARIES = ("msal", "httpx", "httpcore", "urllib3", "requests", "hpack", "multipart", "python_multipart")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class LibraryNoiseFilter(logging.Filter):
    """Drops records below WARNING from ``QUIET_LIBRARIES`` (and their child loggers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(record.name == name or record.name.startswith(name + ".") for name in QUIET_LIBRARIES)


def configure_logging(level: str | int, stream: IO[str] | None = None) -> logging.Handler:
    """Log to ``stream`` (default stderr) at ``level`` through ``LibraryNoiseFilter``; returns the handler.

    Raises:
        ValueError: ``level`` is not a logging level name or number.
    """
    number = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    if not isinstance(number, int):
        raise ValueError(f"unknown log level {level!r}: use DEBUG, INFO, WARNING or ERROR")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(LibraryNoiseFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(number)
    return handler
