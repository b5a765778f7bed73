"""Snapshot: one tenant's configuration at one moment, and saving/loading it as a folder."""

from .model import SCHEMA_VERSION, SOURCES, LoadProblem, Names, Snapshot, TenantInfo, TypeResult, TypeStatus
from .names import referenced_group_ids, resolve_names
from .store import NotASnapshotFolderError, SnapshotError, load_snapshot, save_snapshot

__all__ = [
    "SCHEMA_VERSION",
    "SOURCES",
    "LoadProblem",
    "Names",
    "NotASnapshotFolderError",
    "Snapshot",
    "SnapshotError",
    "TenantInfo",
    "TypeResult",
    "TypeStatus",
    "load_snapshot",
    "referenced_group_ids",
    "resolve_names",
    "save_snapshot",
]
