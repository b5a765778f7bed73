"""The entity type Graph names for an entity set: what error messages and Intune's audit log
(``activityType`` "Delete DeviceManagementConfigurationPolicy") call one object of a list."""

from __future__ import annotations

__all__ = ["entity_type_of"]

# Entity types whose name is not the singular of their entity set.
_ENTITY_TYPES = {
    "configurationPolicies": "deviceManagementConfigurationPolicy",
    "compliancePolicies": "deviceManagementCompliancePolicy",
    "intents": "deviceManagementIntent",
    "templates": "deviceManagementTemplate",
    "configurationSettings": "deviceManagementConfigurationSettingDefinition",
    "settings": "deviceManagementConfigurationSetting",
    "mobileAppConfigurations": "managedDeviceMobileAppConfiguration",
    "policies": "conditionalAccessPolicy",
    "roleAssignments": "deviceAndAppManagementRoleAssignment",
    "assignmentFilters": "deviceAndAppManagementAssignmentFilter",
    "definitionValues": "groupPolicyDefinitionValue",
    "presentationValues": "groupPolicyPresentationValue",
    "scheduledActionsForRule": "deviceComplianceScheduledActionForRule",
    "apps": "managedMobileApp",
    "accessAssignments": "delegatedAdminAccessAssignment",
    "members": "directoryObject",
    "deviceEnrollmentConfigurations": "deviceEnrollmentConfiguration",
}


def entity_type_of(entity_set: str) -> str:
    """The entity type Graph names for the entity set or navigation ``entity_set`` (its last
    segment): ``deviceManagement/configurationPolicies`` → ``deviceManagementConfigurationPolicy``."""
    name = entity_set.rsplit("/", 1)[-1]
    if name in _ENTITY_TYPES:
        return _ENTITY_TYPES[name]
    if name.endswith("ies"):
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") else name
