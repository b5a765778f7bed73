"""Build one synthetic tenant: directory, targeting, every policy type, planted problems, operators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from random import Random
from typing import Any, Literal

from . import (
    admx,
    apps,
    customization,
    device_management,
    device_policies,
    enrollment,
    intents,
    policy_sets,
    roles,
    scripts,
    tenant_admin,
)
from .context import Ctx, Size
from .definitions import public_definitions
from .device_cases import plant_device_cases
from .groups import build_groups
from .ids import BASE_DATE, stable_guid
from .model import CLOUD_APPLICATION_ADMINISTRATOR, GLOBAL_READER, INTUNE_ADMINISTRATOR, Operator, TenantData
from .onboarding import build_onboarding
from .people import build_devices, build_users
from .planted import plant_policies, plant_targets, scan
from .settings_catalog import COMPLIANCE_PROFILE, FILTER_PLATFORM, PROFILES, VARIANTS, policy_name, settings_policy
from .targeting import Targeter, assign, build_filters, build_scope_tags

Obj = dict[str, Any]
ProfileName = Literal["small", "large"]

SMALL = Size(
    users=60,
    devices=200,
    groups=40,
    objects={
        "settingsCatalog": 24,
        "deviceConfigurations": 21,
        "updateRings": 4,
        "compliancePolicies": 6,
        "complianceSettingsPolicies": 2,
        "administrativeTemplates": 5,
        "securityIntents": 3,
        "powershellScripts": 5,
        "shellScripts": 3,
        "remediations": 4,
        "customAttributeScripts": 2,
        "mobileApps": 31,
        "appConfigManagedDevices": 3,
        "appConfigManagedApps": 2,
        "appProtectionIos": 2,
        "appProtectionAndroid": 2,
        "appProtectionWindows": 2,
        "autopilotProfiles": 3,
        "enrollmentConfigurations": 11,
        "featureUpdateProfiles": 2,
        "qualityUpdateProfiles": 2,
        "driverUpdateProfiles": 2,
        "conditionalAccessPolicies": 8,
        "complianceScripts": 2,
        "reusableSettings": 2,
        "policySets": 2,
        "termsAndConditions": 2,
        "brandingProfiles": 2,
        "deviceCleanupRules": 3,
        "derivedCredentials": 2,
        "appCategories": 2,
        "autopilotDevices": 4,
    },
)
LARGE = Size(
    users=2000,
    devices=3000,
    groups=500,
    big_group=2000,
    objects={
        "settingsCatalog": 2100,
        "deviceConfigurations": 500,
        "updateRings": 40,
        "compliancePolicies": 150,
        "complianceSettingsPolicies": 30,
        "administrativeTemplates": 100,
        "securityIntents": 25,
        "powershellScripts": 120,
        "shellScripts": 50,
        "remediations": 80,
        "customAttributeScripts": 20,
        "mobileApps": 700,
        "appConfigManagedDevices": 80,
        "appConfigManagedApps": 40,
        "appProtectionIos": 60,
        "appProtectionAndroid": 60,
        "appProtectionWindows": 20,
        "autopilotProfiles": 20,
        "enrollmentConfigurations": 40,
        "featureUpdateProfiles": 20,
        "qualityUpdateProfiles": 20,
        "driverUpdateProfiles": 20,
        "conditionalAccessPolicies": 60,
        "complianceScripts": 12,
        "reusableSettings": 9,
        "policySets": 15,
        "termsAndConditions": 4,
        "brandingProfiles": 6,
        "deviceCleanupRules": 5,
        "derivedCredentials": 2,
        "appCategories": 12,
        # Imported hardware hashes not yet deployed (every Autopilot-enrolled device has one too).
        "autopilotDevices": 150,
    },
)
SIZES: dict[str, Size] = {"small": SMALL, "large": LARGE}
_REGIONS = ("EU", "US", "APAC", "UK", "DACH", "Nordics", "LATAM", "ANZ", "Benelux", "Iberia", "France", "Japan")


def organization(tenant: str, name: str, domain: str) -> Obj:
    """The tenant's ``organization`` object (``GET /organization``): its name and verified domains."""
    return {
        "@odata.type": "#microsoft.graph.organization",
        "id": tenant,
        "displayName": name,
        "tenantType": "AAD",
        "verifiedDomains": [
            {
                "capabilities": "Email, OfficeCommunicationsOnline",
                "isDefault": True,
                "isInitial": True,
                "name": domain,
                "type": "Managed",
            }
        ],
    }


def tenant_id(domain: str) -> str:
    """The tenant id of ``domain`` (independent of the seed, so sign-in settings stay stable)."""
    return stable_guid("tenant", domain)


def _variant(ctx: Ctx, rng: Random, index: int) -> str:
    """A name variant: the plain list first, then variant plus region for big tenants."""
    if index < len(VARIANTS):
        return VARIANTS[index]
    return f"{rng.choice(VARIANTS)} - {rng.choice(_REGIONS)}"


def _repeat(
    ctx: Ctx,
    key: str,
    build: Callable[[Random, int, str], tuple[Obj, str | None]],
    targeter: Targeter | None,
    **assign_options: Any,
) -> None:
    """Build ``ctx.size.objects[key]`` objects of ``key`` and assign each."""
    rng = ctx.rng(key)
    items = []
    for index in range(ctx.size.objects.get(key, 0)):
        obj, platform = build(rng, index, _variant(ctx, rng, index))
        if targeter is not None:
            assign(ctx, targeter, rng, key, obj, platform, **assign_options)
        items.append(obj)
    ctx.put(key, items)


def _settings_catalog(ctx: Ctx, targeter: Targeter, large: bool) -> None:
    def build(rng: Random, index: int, variant: str) -> tuple[Obj, str | None]:
        profile = PROFILES[index % len(PROFILES)]
        name = f"{profile.prefix} - {profile.label} - {variant}"
        count = rng.randint(3, 40) if large else None
        obj = settings_policy(ctx, rng, "settingsCatalog", profile, name, settings=count)
        return obj, FILTER_PLATFORM.get(profile.platform)

    _repeat(ctx, "settingsCatalog", build, targeter)

    def build_compliance(rng: Random, index: int, variant: str) -> tuple[Obj, str | None]:
        name = policy_name(COMPLIANCE_PROFILE, rng, (variant,))
        obj = settings_policy(ctx, rng, "complianceSettingsPolicies", COMPLIANCE_PROFILE, name)
        obj["scheduledActionsForRule"] = device_policies.scheduled_actions(rng, templates)
        return obj, None

    templates = [t["id"] for t in ctx.objects["notificationTemplates"]]
    _repeat(ctx, "complianceSettingsPolicies", build_compliance, targeter)


def _policies(ctx: Ctx, targeter: Targeter) -> None:
    templates = [t["id"] for t in ctx.objects["notificationTemplates"]]
    _repeat(ctx, "deviceConfigurations", lambda r, i, v: device_policies.device_configuration(ctx, r, i, v), targeter)
    _repeat(
        ctx,
        "updateRings",
        lambda r, i, v: (device_policies.update_ring(ctx, r, i, "" if i < 4 else f" - {v}"), "windows10AndLater"),
        targeter,
    )
    _repeat(
        ctx, "compliancePolicies", lambda r, i, v: device_policies.compliance_policy(ctx, r, i, v, templates), targeter
    )
    _repeat(
        ctx,
        "administrativeTemplates",
        lambda r, i, v: (admx.administrative_template(ctx, r, i, v), "windows10AndLater"),
        targeter,
    )
    _repeat(
        ctx, "securityIntents", lambda r, i, v: (intents.security_intent(ctx, r, i, v), "windows10AndLater"), targeter
    )
    for key in ("featureUpdateProfiles", "qualityUpdateProfiles", "driverUpdateProfiles"):
        _repeat(ctx, key, partial(_update_profile, ctx, key), targeter)
    for key in ("powershellScripts", "shellScripts", "remediations", "customAttributeScripts"):
        platform = "windows10AndLater" if key in ("powershellScripts", "remediations") else "macOS"
        _repeat(ctx, key, partial(_script, ctx, key, platform), targeter)
    for intent in ctx.objects["securityIntents"]:
        intent["isAssigned"] = bool(intent["assignments"])


def _update_profile(ctx: Ctx, key: str, rng: Random, index: int, variant: str) -> tuple[Obj, str | None]:
    return device_policies.update_profile(ctx, rng, key, index, variant), None


def _script(ctx: Ctx, key: str, platform: str, rng: Random, index: int, variant: str) -> tuple[Obj, str | None]:
    # The first scripts keep their plain names; later copies get a variant.
    return scripts.script(ctx, rng, key, index, variant if index >= 4 else ""), platform


def _protection(
    ctx: Ctx, key: str, platform: str | None, rng: Random, index: int, variant: str
) -> tuple[Obj, str | None]:
    return apps.app_protection(ctx, rng, key, variant), platform


def _apps(ctx: Ctx, targeter: Targeter) -> None:
    rng = ctx.rng("mobileApps")
    count = ctx.size.objects["mobileApps"]
    ctx.put(
        "mobileApps",
        [
            apps.mobile_app(ctx, targeter, rng, i, "" if i < len(apps.APPS) else _variant(ctx, rng, i))
            for i in range(count)
        ],
    )
    platform = {"appProtectionIos": "iOS", "appProtectionAndroid": "androidForWork", "appProtectionWindows": None}
    for key, filter_platform in platform.items():
        _repeat(ctx, key, partial(_protection, ctx, key, filter_platform), targeter, filters=False, devices=False)
    mobile = ctx.objects["mobileApps"]
    ios = [a["id"] for a in mobile if "ios" in a["@odata.type"].lower()]
    android = [a["id"] for a in mobile if "android" in a["@odata.type"].lower()]
    _repeat(
        ctx,
        "appConfigManagedDevices",
        lambda r, i, v: (apps.app_config_device(ctx, r, ios, android, v), None),
        targeter,
    )
    _repeat(
        ctx,
        "appConfigManagedApps",
        lambda r, i, v: (apps.app_config_managed(ctx, r, v), None),
        targeter,
        filters=False,
        devices=False,
    )


def _enrollment(ctx: Ctx, targeter: Targeter) -> None:
    rng = ctx.rng("enrollmentConfigurations")
    items = []
    for index in range(ctx.size.objects["enrollmentConfigurations"]):
        # The defaults come once, first; later rounds cycle through the custom configurations.
        table_index = (
            index if index < len(enrollment.ENROLLMENT) else 4 + (index - 4) % (len(enrollment.ENROLLMENT) - 4)
        )
        obj, default = enrollment.enrollment_configuration(
            ctx, rng, table_index, index + 1, _variant(ctx, rng, index) if index >= len(enrollment.ENROLLMENT) else ""
        )
        if default:
            obj["assignments"] = [
                {
                    "id": f"{obj['id']}_allDevices",
                    "target": {
                        "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
                        "deviceAndAppManagementAssignmentFilterId": None,
                        "deviceAndAppManagementAssignmentFilterType": "none",
                    },
                }
            ]
        else:
            assign(ctx, targeter, rng, "enrollmentConfigurations", obj, None, filters=False, unassigned=0)
        items.append(obj)
    ctx.put("enrollmentConfigurations", items)
    _repeat(
        ctx,
        "autopilotProfiles",
        lambda r, i, v: (enrollment.autopilot_profile(ctx, r, i, v if i >= 4 else ""), None),
        targeter,
        filters=False,
        unassigned=0,
    )


def _tenant_setup(ctx: Ctx, targeter: Targeter) -> None:
    """The types a full backup reads beyond policies: compliance scripts, reusable settings, policy
    sets, terms, branding, clean-up rules, derived credentials, app categories, Autopilot devices
    and deviceManagement's own settings. Each has its own random section, so adding them changes
    no other object."""
    count = ctx.size.objects
    _repeat(
        ctx,
        "complianceScripts",
        lambda r, i, v: (scripts.compliance_script(ctx, r, i, v if i >= len(scripts.COMPLIANCE) else ""), None),
        None,
    )
    # Compliance scripts are not assigned on their own: compliance policies that use them are.
    for script in ctx.objects["complianceScripts"]:
        script["assignments"] = []
    ctx.put("reusableSettings", device_management.reusable_settings(ctx, count["reusableSettings"]))
    ctx.put("policySets", policy_sets.policy_sets(ctx, targeter, count["policySets"]))
    ctx.put("termsAndConditions", customization.terms_and_conditions(ctx, targeter, count["termsAndConditions"]))
    ctx.put("brandingProfiles", customization.branding_profiles(ctx, targeter, count["brandingProfiles"]))
    ctx.put("deviceCleanupRules", device_management.cleanup_rules(ctx, count["deviceCleanupRules"]))
    ctx.put("derivedCredentials", device_management.derived_credentials(ctx, count["derivedCredentials"]))
    ctx.put("appCategories", apps.app_categories(ctx, count["appCategories"]))
    ctx.put(
        "autopilotDevices", enrollment.autopilot_devices(ctx, ctx.objects["managedDevices"], count["autopilotDevices"])
    )
    ctx.put("tenantSettings", [device_management.tenant_settings(ctx)])


def operators_for(users: list[Obj]) -> list[Operator]:
    """The demo operators: plain admin first, then reader, MFA-required admin and a disabled user.

    Only the first admin can grant admin consent (Cloud Application Administrator besides Intune
    Administrator): it onboards the tenant. The others are Intune Administrators only, as Entra
    keeps consent apart from Intune rights.
    """

    def op(user: Obj, role: Any, wids: tuple[str, ...], **extra: Any) -> Operator:
        return Operator(user["id"], user["userPrincipalName"], user["displayName"], role, wids, **extra)

    return [
        op(users[0], "admin", (INTUNE_ADMINISTRATOR, CLOUD_APPLICATION_ADMINISTRATOR)),
        op(users[1], "readOnly", (GLOBAL_READER,)),
        op(users[2], "admin", (INTUNE_ADMINISTRATOR,), mfa_required=True),
        op(users[3], "admin", (INTUNE_ADMINISTRATOR,), enabled=False),
    ]


def generate_tenant(
    profile: ProfileName,
    name: str,
    domain: str,
    seed: int,
    *,
    as_of: datetime = BASE_DATE,
    weak_ca: bool = False,
) -> TenantData:
    """A synthetic tenant of ``profile`` size; the same arguments always give the same objects.

    ``weak_ca`` plants the tenant-wide Conditional Access gaps (no enforced MFA for administrators,
    legacy authentication only partly blocked); every tenant has the per-policy ones.

    ``as_of`` is the tenant's "now" for certificates, tokens and connectors (see ``onboarding``).
    """
    ctx = Ctx(seed, domain, name, tenant_id(domain), SIZES[profile], as_of=as_of)
    users = build_users(ctx)
    users[3]["accountEnabled"] = False
    managed, entra = build_devices(ctx, users)
    groups = build_groups(ctx, users, entra)
    ctx.objects.update({"users": users, "managedDevices": managed, "entraDevices": entra, "groups": groups})
    ctx.put("scopeTags", build_scope_tags(ctx))
    filters = build_filters(ctx)
    ctx.put("assignmentFilters", filters)
    targeter = Targeter(ctx, filters)
    role_definitions, role_assignments = roles.build_roles(ctx, groups, users)
    operators = operators_for(users)
    holders = roles.role_holders(ctx, users, {o.user_id: o.wids for o in operators}, role_assignments)
    locations = tenant_admin.build_named_locations(ctx)
    ctx.objects.update(
        {
            "roleDefinitions": role_definitions,
            "roleAssignments": role_assignments,
            "directoryRoles": roles.build_directory_roles(ctx, holders),
            "notificationTemplates": tenant_admin.build_notification_templates(ctx),
            "deviceCategories": tenant_admin.build_device_categories(ctx),
            "namedLocations": locations,
            "securityTemplates": intents.build_templates(ctx),
            "conditionalAccessPolicies": tenant_admin.build_conditional_access(
                ctx, users, locations, ctx.size.objects["conditionalAccessPolicies"], weak=weak_ca
            ),
        }
    )
    groups_by_name = {g["displayName"]: g["id"] for g in groups}
    ctx.put("settingsCatalog", plant_policies(ctx, groups_by_name))
    _settings_catalog(ctx, targeter, profile == "large")
    _policies(ctx, targeter)
    _apps(ctx, targeter)
    _enrollment(ctx, targeter)
    _tenant_setup(ctx, targeter)
    build_onboarding(ctx)
    plant_targets(ctx, groups_by_name)
    plant_device_cases(ctx)
    scan(ctx)
    return TenantData(
        tenant_id=ctx.tenant_id,
        domain=domain,
        display_name=name,
        objects=ctx.objects,
        setting_definitions=public_definitions(),
        operators=operators,
        audit_history=roles.build_audit_history(ctx, users, holders),
        planted=ctx.planted,
        organization=[organization(ctx.tenant_id, name, domain)],
    )
