"""How each type is created through Graph, and which of its fields Graph sets itself.

One declarative table (``CREATION``, by catalog key) read by the deploy and restore planners (which
build create bodies from it) and by the emulator (which refuses what Graph refuses on create):

- ``how``: one POST with the object (children named in ``inline`` go inside it — a settings
  catalog policy with its settings, a compliance policy with its ``scheduledActionsForRule``);
  a POST of the configuration followed by one POST per child (``children_posted``: administrative
  templates' ``definitionValues``, intune-grouppolicy-grouppolicydefinitionvalue-create.md); or
  ``createInstance`` of the object's Endpoint security template with its settings as
  ``settingsDelta`` (intune-deviceintent-devicemanagementtemplate-createinstance.md). A policy set
  is the first kind too: the set (intune-policyset-policyset-create.md), then one POST per item
  naming its policy, app or profile by ``payloadId`` (intune-policyset-*policysetitem-create.md).
- ``server_set``: properties Graph computes (ids, timestamps, versions, counts, states); never sent.
- ``only_types`` / ``refused_types``: for apps, the subtypes Graph creates without uploading
  content (web links, store apps, Microsoft 365 apps); every other subtype is "not deployable"
  with the reason, never half-created.
- ``content``: a property without which the object is not worth creating (a script's content).
- ``builtin``: (property, value) marking the tenant's built-in object of the type (the default
  enrollment restrictions, the Default scope tag); Intune makes those itself — they are updated,
  never created.

A type without an entry (or whose record offers no create) is not deployable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .model import ResourceType

__all__ = [
    "CREATION",
    "POLICY_SET_ITEM_SERVER_SET",
    "SERVER_SET",
    "CreateHow",
    "Creation",
    "creation_of",
    "not_deployable_reason",
]


class CreateHow(StrEnum):
    """How Graph creates an object of the type."""

    POST = "one POST with the object"
    CHILD_POSTS = "POST the object, then one POST per child"
    FROM_TEMPLATE = "createInstance of its Endpoint security template"


# Properties Graph sets on every type: never part of a create or update body.
SERVER_SET: frozenset[str] = frozenset(
    {
        "id",
        "createdDateTime",
        "lastModifiedDateTime",
        "modifiedDateTime",
        "version",
        "@odata.context",
        "@odata.etag",
        "@odata.id",
        "@odata.editLink",
        "isAssigned",
        "supportsScopeTags",
        "assignments",
    }
)

_SETTINGS_SERVER_SET = frozenset({"settingCount", "creationSource", "priorityMetaData"})
_APP_SERVER_SET = frozenset(
    {
        "uploadState",
        "publishingState",
        "dependentAppCount",
        "supersedingAppCount",
        "supersededAppCount",
        "usedLicenseCount",
        "totalLicenseCount",
        "size",
        "committedContentVersion",
        "largeIcon",
    }
)
# What Intune sets inside a settings catalog policy's template reference from its templateId.
TEMPLATE_REFERENCE_SERVER_SET = ("templateFamily", "templateDisplayName", "templateDisplayVersion")
# What Intune sets on a policy set's item (its state, and the payload's name it shows).
POLICY_SET_ITEM_SERVER_SET = frozenset(
    {"id", "createdDateTime", "lastModifiedDateTime", "status", "errorCode", "@odata.context", "@odata.etag"}
)
_NEEDS_CONTENT = "not deployable: needs the app's content (Graph creates it only with an uploaded package)"


@dataclass(frozen=True)
class Creation:
    """How objects of one type are created (see the module docstring)."""

    how: CreateHow = CreateHow.POST
    inline: tuple[str, ...] = ()
    children_posted: tuple[str, ...] = ()
    server_set: frozenset[str] = frozenset()
    only_types: tuple[str, ...] = ()
    refused_types_reason: str = ""
    content: tuple[str, ...] = ()
    builtin: tuple[str, Any] | None = None

    def read_only(self) -> frozenset[str]:
        """Every property Graph sets itself for this type."""
        return SERVER_SET | self.server_set

    def is_builtin(self, obj: Mapping[str, Any]) -> bool:
        """Whether ``obj`` is the tenant's built-in object of the type (Intune makes it)."""
        return self.builtin is not None and obj.get(self.builtin[0]) == self.builtin[1]


_SETTINGS = Creation(inline=("settings",), server_set=_SETTINGS_SERVER_SET)
_SCRIPT = Creation(content=("scriptContent",))
_REMEDIATION = Creation(content=("detectionScriptContent",), server_set=frozenset({"highestAvailableVersion"}))

CREATION: Mapping[str, Creation] = {
    "settingsCatalog": _SETTINGS,
    "complianceSettingsPolicies": Creation(
        inline=("settings", "scheduledActionsForRule"), server_set=_SETTINGS_SERVER_SET
    ),
    "deviceConfigurations": Creation(server_set=frozenset({"deviceManagementApplicabilityRuleDeviceMode"})),
    "updateRings": Creation(),
    "compliancePolicies": Creation(inline=("scheduledActionsForRule",)),
    "administrativeTemplates": Creation(how=CreateHow.CHILD_POSTS, children_posted=("definitionValues",)),
    "securityIntents": Creation(
        how=CreateHow.FROM_TEMPLATE, server_set=frozenset({"isMigratingToConfigurationPolicy"})
    ),
    "powershellScripts": _SCRIPT,
    "shellScripts": _SCRIPT,
    "customAttributeScripts": _SCRIPT,
    "remediations": _REMEDIATION,
    "complianceScripts": Creation(content=("detectionScriptContent",)),
    "mobileApps": Creation(
        server_set=_APP_SERVER_SET,
        only_types=(
            "webApp",
            "windowsWebApp",
            "iosStoreApp",
            "androidStoreApp",
            "winGetApp",
            "officeSuiteApp",
            "windowsMicrosoftEdgeApp",
            "macOSMicrosoftEdgeApp",
            "macOSOfficeSuiteApp",
        ),
        refused_types_reason=_NEEDS_CONTENT,
    ),
    "appConfigManagedDevices": Creation(),
    "appConfigManagedApps": Creation(inline=("apps",)),
    "appProtectionIos": Creation(inline=("apps",), server_set=frozenset({"deployedAppCount"})),
    "appProtectionAndroid": Creation(inline=("apps",), server_set=frozenset({"deployedAppCount"})),
    "appProtectionWindows": Creation(inline=("apps",), server_set=frozenset({"deployedAppCount"})),
    "appCategories": Creation(),
    "policySets": Creation(
        how=CreateHow.CHILD_POSTS, children_posted=("items",), server_set=frozenset({"status", "errorCode"})
    ),
    "autopilotProfiles": Creation(),
    "enrollmentConfigurations": Creation(builtin=("priority", 0)),
    "featureUpdateProfiles": Creation(server_set=frozenset({"endOfSupportDate", "deployableContentDisplayName"})),
    "qualityUpdateProfiles": Creation(server_set=frozenset({"deployableContentDisplayName", "releaseDateDisplayName"})),
    "driverUpdateProfiles": Creation(server_set=frozenset({"newUpdates", "deviceReporting", "inventorySyncStatus"})),
    "assignmentFilters": Creation(),
    "scopeTags": Creation(builtin=("isBuiltIn", True)),
    "roleDefinitions": Creation(builtin=("isBuiltIn", True)),
    "notificationTemplates": Creation(inline=("localizedNotificationMessages",)),
    "deviceCategories": Creation(),
    "termsAndConditions": Creation(),
}


def creation_of(record: ResourceType) -> Creation | None:
    """How objects of ``record`` are created; None when the product does not create them."""
    if not record.write.create:
        return None
    return CREATION.get(record.key)


def _short_type(obj: Mapping[str, Any]) -> str:
    value = obj.get("@odata.type")
    return value.lstrip("#").removeprefix("microsoft.graph.") if isinstance(value, str) else ""


def not_deployable_reason(record: ResourceType, obj: Mapping[str, Any]) -> str | None:
    """Why ``obj`` can't be created in a tenant, in words; None when it can."""
    creation = creation_of(record)
    if creation is None:
        return f"not deployable: {record.label} are not created by the product"
    if creation.is_builtin(obj):
        return "not deployable: the tenant's built-in one, which Intune creates itself"
    if creation.only_types and _short_type(obj) not in creation.only_types:
        return creation.refused_types_reason or f"not deployable: {_short_type(obj) or 'this kind'} can't be created"
    for name in creation.content:
        value = obj.get(name)
        if not isinstance(value, str) or not value:
            return f"not deployable: the source holds no '{name}' (the content itself is needed)"
    return None
