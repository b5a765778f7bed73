"""Setting rows: every policy type as (policy, category, setting name, readable value, id, raw value).

The same rows serve documentation, search, compare and conflicts. Settings-catalog names come
from the setting definitions (from Graph, kept in the snapshot, or a definitions file), then from
the names shipped with the package, else are derived from the id; legacy property names and enum
values become the admin center's labels where shipped, else words. Each row says where its name
came from. Pure functions: no I/O except ``SettingDefinitions.from_file``, which reads the file it
is given, and the shipped tables, read from the package on first use.
"""

from .context import References
from .definitions import DEFINITIONS_FORMAT, DefinitionsFileError, SettingDefinitions
from .instances import SETTINGS_POLICY_TYPES, referenced_definition_ids, referenced_definitions
from .kinds import platform_of, policy_type
from .model import SECRET, NameSource, SettingRow
from .rows import DOCUMENTED_KINDS, documented_types, policy_rows, setting_rows, snapshot_definitions
from .script_rows import SCRIPT_CONTENT_FIELDS
from .search import search_settings
from .shipped import ShippedNames, shipped_names
from .targets import TargetDescription, describe_target
from .words import readable_label

__all__ = [
    "DEFINITIONS_FORMAT",
    "DOCUMENTED_KINDS",
    "SCRIPT_CONTENT_FIELDS",
    "SECRET",
    "SETTINGS_POLICY_TYPES",
    "DefinitionsFileError",
    "NameSource",
    "References",
    "SettingDefinitions",
    "SettingRow",
    "ShippedNames",
    "TargetDescription",
    "describe_target",
    "documented_types",
    "platform_of",
    "policy_rows",
    "policy_type",
    "readable_label",
    "referenced_definition_ids",
    "referenced_definitions",
    "search_settings",
    "setting_rows",
    "shipped_names",
    "snapshot_definitions",
]
