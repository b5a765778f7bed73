"""Resource catalog: the single source for paths, scopes, fields, write actions and per-type facts.

Per-type facts in Intune's words (platform, type name, filter platform and app type labels,
admin-center links) are read through ``platform_of``, ``type_name_of``, ``filter_platform_label``,
``app_type_label`` and ``admin_center_url``; nothing outside the catalog keeps a table of them.
"""

from .describe import (
    Templates,
    app_type_label,
    intent_templates,
    is_additive,
    object_platform,
    odata_subtype,
    platform_of,
    type_facts,
    type_name_of,
)
from .entities import entity_type_of
from .links import AdminCenterLink, admin_center_link, admin_center_url
from .model import AssignmentRead, Child, HealthCheck, Kind, ResourceType, WriteActions
from .platforms import (
    ANY_PLATFORM,
    UNDETERMINED,
    DevicePlatform,
    Platform,
    condition_platform_label,
    device_platform,
    filter_management_label,
    filter_platform,
    filter_platform_label,
)
from .records import RECORDS
from .registry import Catalog, default_catalog

__all__ = [
    "ANY_PLATFORM",
    "RECORDS",
    "UNDETERMINED",
    "AdminCenterLink",
    "AssignmentRead",
    "Catalog",
    "Child",
    "DevicePlatform",
    "HealthCheck",
    "Kind",
    "Platform",
    "ResourceType",
    "Templates",
    "WriteActions",
    "admin_center_link",
    "admin_center_url",
    "app_type_label",
    "condition_platform_label",
    "default_catalog",
    "device_platform",
    "entity_type_of",
    "filter_management_label",
    "filter_platform",
    "filter_platform_label",
    "intent_templates",
    "is_additive",
    "object_platform",
    "odata_subtype",
    "platform_of",
    "type_facts",
    "type_name_of",
]
