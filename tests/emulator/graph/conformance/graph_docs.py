"""What Microsoft's Graph documentation says about each catalog type, written down for the tests.

Per type: the page documenting its List request (api-reference/{version}/api/…), the entity type its
"Response" section shows in ``@odata.type``, and whether responses carry derived types instead (an
abstract type: ``deviceConfiguration`` → ``#microsoft.graph.windows10GeneralConfiguration``).
The "HTTP request" section of each page gives ``GET /{path}`` and ``GET /{path}/{id}``; the
collection pages of Intune say "This method supports the OData Query Parameters"; the directory
pages list ``$top`` 1…999 with a default page of 100 (user-list.md, group-list.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TypeDoc:
    """One catalog type as its Graph page documents it."""

    page: str
    entity_type: str
    subtypes: bool = False


DOCS: dict[str, TypeDoc] = {
    "settingsCatalog": TypeDoc(
        "intune-deviceconfigv2-devicemanagementconfigurationpolicy-list.md", "deviceManagementConfigurationPolicy"
    ),
    "deviceConfigurations": TypeDoc("intune-deviceconfig-deviceconfiguration-list.md", "deviceConfiguration", True),
    "updateRings": TypeDoc(
        "intune-deviceconfig-windowsupdateforbusinessconfiguration-list.md", "windowsUpdateForBusinessConfiguration"
    ),
    "compliancePolicies": TypeDoc("intune-deviceconfig-devicecompliancepolicy-list.md", "deviceCompliancePolicy", True),
    "complianceSettingsPolicies": TypeDoc(
        "intune-deviceconfigv2-devicemanagementcompliancepolicy-list.md", "deviceManagementCompliancePolicy"
    ),
    "administrativeTemplates": TypeDoc(
        "intune-grouppolicy-grouppolicyconfiguration-list.md", "groupPolicyConfiguration"
    ),
    "securityIntents": TypeDoc("intune-deviceintent-devicemanagementintent-list.md", "deviceManagementIntent"),
    "securityTemplates": TypeDoc("intune-deviceintent-devicemanagementtemplate-list.md", "deviceManagementTemplate"),
    "powershellScripts": TypeDoc("intune-devices-devicemanagementscript-list.md", "deviceManagementScript"),
    "shellScripts": TypeDoc("intune-devices-deviceshellscript-list.md", "deviceShellScript"),
    "remediations": TypeDoc("intune-devices-devicehealthscript-list.md", "deviceHealthScript"),
    "customAttributeScripts": TypeDoc(
        "intune-devices-devicecustomattributeshellscript-list.md", "deviceCustomAttributeShellScript"
    ),
    "mobileApps": TypeDoc("intune-apps-mobileapp-list.md", "mobileApp", True),
    "appConfigManagedDevices": TypeDoc(
        "intune-apps-manageddevicemobileappconfiguration-list.md", "managedDeviceMobileAppConfiguration", True
    ),
    "appConfigManagedApps": TypeDoc(
        "intune-mam-targetedmanagedappconfiguration-list.md", "targetedManagedAppConfiguration"
    ),
    "appProtectionIos": TypeDoc("intune-mam-iosmanagedappprotection-list.md", "iosManagedAppProtection"),
    "appProtectionAndroid": TypeDoc("intune-mam-androidmanagedappprotection-list.md", "androidManagedAppProtection"),
    "appProtectionWindows": TypeDoc("intune-mam-windowsmanagedappprotection-list.md", "windowsManagedAppProtection"),
    "autopilotProfiles": TypeDoc(
        "intune-enrollment-windowsautopilotdeploymentprofile-list.md", "windowsAutopilotDeploymentProfile", True
    ),
    "enrollmentConfigurations": TypeDoc(
        "intune-onboarding-deviceenrollmentconfiguration-list.md", "deviceEnrollmentConfiguration", True
    ),
    "featureUpdateProfiles": TypeDoc(
        "intune-softwareupdate-windowsfeatureupdateprofile-list.md", "windowsFeatureUpdateProfile"
    ),
    "qualityUpdateProfiles": TypeDoc(
        "intune-softwareupdate-windowsqualityupdateprofile-list.md", "windowsQualityUpdateProfile"
    ),
    "driverUpdateProfiles": TypeDoc(
        "intune-softwareupdate-windowsdriverupdateprofile-list.md", "windowsDriverUpdateProfile"
    ),
    "assignmentFilters": TypeDoc(
        "intune-policyset-deviceandappmanagementassignmentfilter-list.md", "deviceAndAppManagementAssignmentFilter"
    ),
    "scopeTags": TypeDoc("intune-rbac-rolescopetag-list.md", "roleScopeTag"),
    "roleDefinitions": TypeDoc("intune-rbac-roledefinition-list.md", "roleDefinition", True),
    "roleAssignments": TypeDoc(
        "intune-rbac-deviceandappmanagementroleassignment-list.md", "deviceAndAppManagementRoleAssignment"
    ),
    "notificationTemplates": TypeDoc(
        "intune-notification-notificationmessagetemplate-list.md", "notificationMessageTemplate"
    ),
    "deviceCategories": TypeDoc("intune-onboarding-devicecategory-list.md", "deviceCategory"),
    "complianceScripts": TypeDoc("intune-devices-devicecompliancescript-list.md", "deviceComplianceScript"),
    "appCategories": TypeDoc("intune-apps-mobileappcategory-list.md", "mobileAppCategory"),
    "policySets": TypeDoc("intune-policyset-policyset-list.md", "policySet"),
    "autopilotDevices": TypeDoc(
        "intune-enrollment-windowsautopilotdeviceidentity-list.md", "windowsAutopilotDeviceIdentity"
    ),
    "termsAndConditions": TypeDoc("intune-companyterms-termsandconditions-list.md", "termsAndConditions"),
    "brandingProfiles": TypeDoc("intune-wip-intunebrandingprofile-list.md", "intuneBrandingProfile"),
    "deviceCleanupRules": TypeDoc("intune-devices-manageddevicecleanuprule-list.md", "managedDeviceCleanupRule"),
    "derivedCredentials": TypeDoc(
        "intune-shared-devicemanagementderivedcredentialsettings-list.md", "deviceManagementDerivedCredentialSettings"
    ),
    "reusableSettings": TypeDoc(
        "intune-deviceconfigv2-devicemanagementreusablepolicysetting-list.md", "deviceManagementReusablePolicySetting"
    ),
    # A singleton: its Get page (there is no list), "GET /deviceManagement".
    "tenantSettings": TypeDoc("intune-deviceconfig-devicemanagement-get.md", "deviceManagement"),
    # Connectors and tokens; the two singletons are documented by their Get page.
    "applePushCertificate": TypeDoc(
        "intune-devices-applepushnotificationcertificate-get.md", "applePushNotificationCertificate"
    ),
    "depOnboardingSettings": TypeDoc("intune-enrollment-deponboardingsetting-list.md", "depOnboardingSetting"),
    "vppTokens": TypeDoc("intune-onboarding-vpptoken-list.md", "vppToken"),
    "managedGooglePlay": TypeDoc(
        "intune-androidforwork-androidmanagedstoreaccountenterprisesettings-get.md",
        "androidManagedStoreAccountEnterpriseSettings",
    ),
    "deviceManagementPartners": TypeDoc("intune-onboarding-devicemanagementpartner-list.md", "deviceManagementPartner"),
    "complianceManagementPartners": TypeDoc(
        "intune-onboarding-compliancemanagementpartner-list.md", "complianceManagementPartner"
    ),
    "remoteAssistancePartners": TypeDoc(
        "intune-remoteassistance-remoteassistancepartner-list.md", "remoteAssistancePartner"
    ),
    "mobileThreatDefenseConnectors": TypeDoc(
        "intune-onboarding-mobilethreatdefenseconnector-list.md", "mobileThreatDefenseConnector"
    ),
    "conditionalAccessPolicies": TypeDoc("conditionalaccessroot-list-policies.md", "conditionalAccessPolicy"),
    "namedLocations": TypeDoc("conditionalaccessroot-list-namedlocations.md", "namedLocation", True),
    "groups": TypeDoc("group-list.md", "group"),
    "users": TypeDoc("user-list.md", "user"),
    "directoryRoles": TypeDoc("directoryrole-list.md", "directoryRole"),
    "entraDevices": TypeDoc("device-list.md", "device"),
    "managedDevices": TypeDoc("intune-devices-manageddevice-list.md", "managedDevice"),
    "gdapRelationships": TypeDoc(
        "tenantrelationship-list-delegatedadminrelationships.md", "delegatedAdminRelationship"
    ),
    "gdapCustomers": TypeDoc("tenantrelationship-list-delegatedadmincustomers.md", "delegatedAdminCustomer"),
    "auditEvents": TypeDoc("intune-auditing-auditevent-list.md", "auditEvent"),
    "settingDefinitions": TypeDoc(
        "intune-deviceconfigv2-devicemanagementconfigurationsettingdefinition-list.md",
        "deviceManagementConfigurationSettingDefinition",
        True,
    ),
}
