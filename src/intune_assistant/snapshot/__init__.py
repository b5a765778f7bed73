"""Snapshot: one tenant's configuration at one moment, and saving/loading it as a folder."""

from .completeness import IMPORTED_SOURCES, not_read
from .model import SCHEMA_VERSION, SOURCES, LoadProblem, Names, NotRead, Snapshot, TenantInfo, TypeResult, TypeStatus
from .names import referenced_group_ids, resolve_names
from .problems import (
    DEFINITIONS_PART,
    DETAILS_PART,
    GROUP_NAMES_PART,
    INTUNE_READ_ROLE,
    LIST_PART,
    Problem,
    ProblemKind,
)
from .store import (
    MANIFEST,
    NotASnapshotFolderError,
    SnapshotError,
    load_snapshot,
    load_snapshot_files,
    save_snapshot,
    snapshot_zip,
)

__all__ = [
    "DEFINITIONS_PART",
    "DETAILS_PART",
    "GROUP_NAMES_PART",
    "IMPORTED_SOURCES",
    "INTUNE_READ_ROLE",
    "LIST_PART",
    "MANIFEST",
    "SCHEMA_VERSION",
    "SOURCES",
    "LoadProblem",
    "Names",
    "NotASnapshotFolderError",
    "NotRead",
    "Problem",
    "ProblemKind",
    "Snapshot",
    "SnapshotError",
    "TenantInfo",
    "TypeResult",
    "TypeStatus",
    "load_snapshot",
    "load_snapshot_files",
    "not_read",
    "referenced_group_ids",
    "resolve_names",
    "save_snapshot",
    "snapshot_zip",
]
