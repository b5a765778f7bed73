"""Async Microsoft Graph client: delegated tokens, paging, ``$batch``, retries and throttling."""

from .client import MAX_BATCH_SIZE, GraphClient
from .errors import GraphError, parse_error, parse_retry_after
from .limits import WRITE_METHODS, RateLimiter, RateLimits
from .models import BatchRequest, GraphResponse, GraphStats, ListResult, OnPage, PageSender, QueryParams
from .tokens import StaticTokenProvider, TokenProvider

__all__ = [
    "MAX_BATCH_SIZE",
    "WRITE_METHODS",
    "BatchRequest",
    "GraphClient",
    "GraphError",
    "GraphResponse",
    "GraphStats",
    "ListResult",
    "OnPage",
    "PageSender",
    "QueryParams",
    "RateLimiter",
    "RateLimits",
    "StaticTokenProvider",
    "TokenProvider",
    "parse_error",
    "parse_retry_after",
]
