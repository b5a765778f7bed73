"""Policy sets: bundles of the tenant's own apps, profiles, policies and scripts assigned together
(intune-policyset-policyset-list.md, intune-policyset-policysetitem-list.md)."""

from __future__ import annotations

from random import Random
from typing import Any

from .context import GRAPH, Ctx, base_object
from .ids import created_modified, guid
from .targeting import Targeter, assignment

Obj = dict[str, Any]

# Catalog key of the bundled object -> its policySetItem subtype (the SDK's models name each).
_ITEM_TYPES: dict[str, str] = {
    "mobileApps": "mobileAppPolicySetItem",
    "deviceConfigurations": "deviceConfigurationPolicySetItem",
    "compliancePolicies": "deviceCompliancePolicyPolicySetItem",
    "settingsCatalog": "deviceManagementConfigurationPolicyPolicySetItem",
    "powershellScripts": "deviceManagementScriptPolicySetItem",
    "autopilotProfiles": "windowsAutopilotDeploymentProfilePolicySetItem",
}

# (name, description, what it bundles: catalog key -> how many)
_SETS: tuple[tuple[str, str, dict[str, int]], ...] = (
    (
        "New Windows workstation",
        "Everything a new Windows 11 device gets on day one.",
        {
            "autopilotProfiles": 1,
            "settingsCatalog": 2,
            "compliancePolicies": 1,
            "mobileApps": 3,
            "powershellScripts": 1,
        },
    ),
    (
        "Frontline iPhone",
        "Apps and restrictions for shared frontline iPhones.",
        {"deviceConfigurations": 1, "mobileApps": 2},
    ),
    ("Finance department", "Extra controls for the finance team.", {"settingsCatalog": 1, "mobileApps": 1}),
)


def _item(rng: Random, key: str, payload: Obj) -> Obj:
    created, modified = created_modified(rng)
    odata = payload.get("@odata.type") or GRAPH + {
        "settingsCatalog": "deviceManagementConfigurationPolicy",
        "powershellScripts": "deviceManagementScript",
    }.get(key, key)
    item: Obj = {
        "@odata.type": GRAPH + _ITEM_TYPES[key],
        "id": guid(rng),
        "createdDateTime": created,
        "lastModifiedDateTime": modified,
        "payloadId": payload["id"],
        "itemType": odata,
        "displayName": payload.get("displayName") or payload.get("name") or "",
        "status": "success",
        "errorCode": "noError",
        "guidedDeploymentTags": [],
    }
    if key == "mobileApps":
        item.update({"intent": "required", "settings": None})
    return item


def policy_sets(ctx: Ctx, targeter: Targeter, count: int) -> list[Obj]:
    """Policy sets whose items point at objects the tenant holds; assigned to user groups."""
    rng = ctx.rng("policySets")
    sets = []
    for index in range(count):
        name, description, bundle = _SETS[index % len(_SETS)]
        label = name if index < len(_SETS) else f"{name} {index // len(_SETS) + 1}"
        obj = base_object(ctx, rng, "policySet", label, description, key="policySets")
        del obj["roleScopeTagIds"]  # policySet names its tags roleScopeTags
        obj.update({"status": "success", "errorCode": "noError", "guidedDeploymentTags": []})
        obj["roleScopeTags"] = ctx.scope_tags(rng)
        items = []
        for key, wanted in bundle.items():
            pool = ctx.objects.get(key, [])
            for payload in rng.sample(pool, min(wanted, len(pool))):
                items.append(_item(rng, key, payload))
        obj["items"] = items
        targets = targeter.targets(rng, None, filters=False, devices=False)[:2]
        # policySetAssignment: id, lastModifiedDateTime, target (intune-policyset-policysetassignment.md).
        obj["assignments"] = [
            assignment(obj["id"], t, {"lastModifiedDateTime": obj["lastModifiedDateTime"]}) for t in targets
        ]
        sets.append(obj)
    return sets
