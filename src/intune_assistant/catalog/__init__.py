"""Resource catalog: the single source for paths, scopes, fields and write actions per type."""

from .model import AssignmentRead, Child, Kind, ResourceType, WriteActions
from .records import RECORDS
from .registry import Catalog, default_catalog

__all__ = [
    "RECORDS",
    "AssignmentRead",
    "Catalog",
    "Child",
    "Kind",
    "ResourceType",
    "WriteActions",
    "default_catalog",
]
