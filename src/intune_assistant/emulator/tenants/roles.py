"""Who administers the tenant: Intune roles and their assignments, Entra directory roles and the
Intune audit history of the admins, with the RBAC problems the Roles page finds planted.

Planted (``planted`` kinds, each naming what the finding names):

- ``manyGlobalAdmins``: Global Administrator has six members (Microsoft recommends fewer than five);
- ``readOnlyAdmins``: an Intune Administrator whose audit history holds only reads ("Get");
- ``narrowerRoleFits``: Intune Administrators who are also members of an Intune role assignment
  (the scoped Intune role shows their job; the Entra role gives them all of Intune anyway);
- ``idleScopeTags``: a named scope tag no Intune role assignment uses (it limits nobody);
- ``emptyRoleGroups``: a role assignment whose member group has no members.

Accounts whose roles come only through GDAP are the partner's (``partner.py``).
"""

from __future__ import annotations

from datetime import timedelta
from random import Random
from typing import Any

from .context import GRAPH, Ctx
from .ids import guid, stable_guid
from .model import CLOUD_APPLICATION_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, GLOBAL_READER, INTUNE_ADMINISTRATOR

Obj = dict[str, Any]

# Built-in Intune roles: (name, description, allowed resource actions)
BUILT_IN_ROLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Policy and Profile Manager",
        "Manages compliance and configuration policies.",
        (
            "Microsoft.Intune_DeviceConfigurations_Read",
            "Microsoft.Intune_DeviceConfigurations_Create",
            "Microsoft.Intune_DeviceConfigurations_Update",
            "Microsoft.Intune_DeviceConfigurations_Assign",
        ),
    ),
    (
        "Help Desk Operator",
        "Performs remote tasks on users and devices.",
        (
            "Microsoft.Intune_ManagedDevices_Read",
            "Microsoft.Intune_RemoteTasks_Reboot",
            "Microsoft.Intune_RemoteTasks_SyncDevice",
        ),
    ),
    (
        "Read Only Operator",
        "Views users, devices, policies and apps.",
        (
            "Microsoft.Intune_ManagedDevices_Read",
            "Microsoft.Intune_DeviceConfigurations_Read",
            "Microsoft.Intune_MobileApps_Read",
        ),
    ),
    (
        "Application Manager",
        "Manages mobile and managed applications.",
        (
            "Microsoft.Intune_MobileApps_Read",
            "Microsoft.Intune_MobileApps_Create",
            "Microsoft.Intune_MobileApps_Assign",
        ),
    ),
    (
        "Endpoint Security Manager",
        "Manages security and compliance features.",
        (
            "Microsoft.Intune_SecurityBaselines_Read",
            "Microsoft.Intune_SecurityBaselines_Update",
            "Microsoft.Intune_DeviceCompliancePolices_Read",
        ),
    ),
    (
        "Intune Role Administrator",
        "Manages custom Intune roles and assignments.",
        ("Microsoft.Intune_Roles_Read", "Microsoft.Intune_Roles_Create", "Microsoft.Intune_Roles_Assign"),
    ),
)

# Entra role templates the demo holds: (template id, name, description).
DIRECTORY_ROLES: tuple[tuple[str, str, str], ...] = (
    (
        GLOBAL_ADMINISTRATOR,
        "Global Administrator",
        "Can manage all aspects of Microsoft Entra ID and Microsoft services.",
    ),
    (INTUNE_ADMINISTRATOR, "Intune Administrator", "Can manage all aspects of the Intune product."),
    (GLOBAL_READER, "Global Reader", "Can read everything that a Global Administrator can, but not update anything."),
    (
        CLOUD_APPLICATION_ADMINISTRATOR,
        "Cloud Application Administrator",
        "Can create and manage all aspects of app registrations and enterprise apps except App Proxy.",
    ),
)
# Users (by index) holding Global Administrator: the break-glass account and five more.
_GLOBAL_ADMINS = (4, 10, 11, 12, 13, 14)
# The Intune Administrator who only ever reads (BitLocker keys), by user index.
_READER_ADMIN = 15
# Audit history reaches this far back from the tenant's "now".
AUDIT_HISTORY_DAYS = 30


def _role(role_id: str, name: str, description: str, actions: tuple[str, ...], built_in: bool) -> Obj:
    return {
        "@odata.type": GRAPH + "deviceAndAppManagementRoleDefinition",
        "id": role_id,
        "displayName": name,
        "description": description,
        "isBuiltIn": built_in,
        "roleScopeTagIds": ["0"],
        "rolePermissions": [
            {"resourceActions": [{"allowedResourceActions": list(actions), "notAllowedResourceActions": []}]}
        ],
    }


def _user_members(group: Obj) -> list[str]:
    return [m["id"] for m in group.get("members", []) if m.get("@odata.type") == GRAPH + "user"]


def _member_groups(ctx: Ctx, groups: list[Obj], users: list[Obj]) -> list[str]:
    """Small assigned user groups without any of the first accounts (operators, Global
    Administrators, the reader): the admin teams Intune roles are given to, smallest first."""
    avoid = {u["id"] for u in users[: _READER_ADMIN + 1]}
    by_id = {g["id"]: g for g in groups}
    teams = [
        g
        for g in ctx.user_group_ids
        if _user_members(by_id[g])
        and "DynamicMembership" not in (by_id[g].get("groupTypes") or [])
        and not _transitive_users(g, by_id) & avoid
    ]
    return sorted(teams, key=lambda g: (len(_transitive_users(g, by_id)), by_id[g]["displayName"])) or list(
        ctx.user_group_ids
    )


def build_roles(ctx: Ctx, groups: list[Obj], users: list[Obj]) -> tuple[list[Obj], list[Obj]]:
    """Role definitions (built-in plus one custom) and role assignments to groups.

    The named scope tags but the last are each used by one assignment; the last is used by none
    (planted ``idleScopeTags``). One assignment's member group is empty (planted ``emptyRoleGroups``).
    """
    rng = ctx.rng("roles")
    roles = [_role(stable_guid("intune-role", n), n, d, a, True) for n, d, a in BUILT_IN_ROLES]
    roles.append(
        _role(
            guid(rng),
            f"{ctx.name} Tier 1 Support",
            "Custom: device sync and BitLocker key reads.",
            (
                "Microsoft.Intune_ManagedDevices_Read",
                "Microsoft.Intune_RemoteTasks_SyncDevice",
                "Microsoft.Intune_ManagedDevices_ViewReports",
            ),
            False,
        )
    )
    teams = _member_groups(ctx, groups, users)
    by_id = {g["id"]: g for g in groups}
    # Scope groups hold someone or something (the planted empty group is the contractors' members).
    scopes = [g for g in ctx.device_group_ids + ctx.user_group_ids if by_id[g].get("members")]
    named_tags = ctx.scope_tag_ids[1:]
    # Help Desk, Read Only, the custom role, Policy and Profile Manager.
    chosen = (roles[1], roles[2], roles[-1], roles[0])
    tags = [[tag] for tag in named_tags[:-1]] + [["0"]] * len(chosen)
    assignments = [
        _assignment(
            ctx,
            rng,
            role,
            [teams[index % len(teams)]],
            rng.sample(scopes, 2),
            tag,
        )
        for index, (role, tag) in enumerate(zip(chosen, tags, strict=False))
    ]
    if named_tags:
        idle = next(t for t in ctx.objects.get("scopeTags", []) if t["id"] == named_tags[-1])
        ctx.plant("idleScopeTags", idle["displayName"])
    empty = [g for g in groups if not g.get("members") and g.get("securityEnabled")]
    if empty:
        contractors = _assignment(ctx, rng, roles[3], [empty[0]["id"]], rng.sample(scopes, 1), ["0"])
        contractors["displayName"] = f"Application Manager - {ctx.name} contractors"
        assignments.append(contractors)
        ctx.plant("emptyRoleGroups", contractors["displayName"])
    for role in roles:
        # The role's roleAssignments navigation lists them as the base roleAssignment type.
        role["roleAssignments"] = [
            {
                "@odata.type": GRAPH + "roleAssignment",
                **{
                    k: a[k] for k in ("id", "displayName", "description", "scopeMembers", "scopeType", "resourceScopes")
                },
            }
            for a in assignments
            if a["roleDefinition"]["id"] == role["id"]
        ]
    return roles, assignments


def _assignment(ctx: Ctx, rng: Random, role: Obj, members: list[str], scope: list[str], tags: list[str]) -> Obj:
    return {
        "@odata.type": GRAPH + "deviceAndAppManagementRoleAssignment",
        "id": guid(rng),
        "displayName": f"{role['displayName']} - {ctx.name}",
        "description": "",
        "members": members,
        "scopeMembers": scope,
        "resourceScopes": scope,
        "scopeType": "resourceScope",
        "roleScopeTagIds": tags,
        "roleDefinition": {"id": role["id"], "displayName": role["displayName"]},
    }


def _transitive_users(group_id: str, by_id: dict[str, Obj]) -> set[str]:
    found: set[str] = set()
    seen = {group_id}
    queue = [group_id]
    while queue:
        for member in by_id.get(queue.pop(), {}).get("members", []):
            if member.get("@odata.type") == GRAPH + "group" and member["id"] not in seen:
                seen.add(member["id"])
                queue.append(member["id"])
            elif member.get("@odata.type") == GRAPH + "user":
                found.add(member["id"])
    return found


def role_holders(
    ctx: Ctx, users: list[Obj], wids: dict[str, tuple[str, ...]], assignments: list[Obj]
) -> dict[str, list[str]]:
    """Entra role template id → user ids holding it: the operators' ``wids``, six Global
    Administrators, the read-only Intune Administrator and a Help Desk Operator who is also an Intune
    Administrator. Plants ``manyGlobalAdmins``, ``narrowerRoleFits`` and the reader's UPN."""
    holders: dict[str, list[str]] = {template: [] for template, _, _ in DIRECTORY_ROLES}
    for user_id, roles in wids.items():
        for template in roles:
            holders.setdefault(template, []).append(user_id)
    if len(users) <= _READER_ADMIN:
        return holders
    holders[GLOBAL_ADMINISTRATOR] += [users[i]["id"] for i in _GLOBAL_ADMINS]
    ctx.plant("manyGlobalAdmins", "Global Administrator")
    holders[INTUNE_ADMINISTRATOR].append(users[_READER_ADMIN]["id"])
    ctx.plant("readOnlyAdmins", users[_READER_ADMIN]["userPrincipalName"])
    by_id = {g["id"]: g for g in ctx.objects.get("groups", [])}
    in_intune_roles: set[str] = set()
    for assignment in assignments:
        for group_id in assignment["members"]:
            in_intune_roles |= _transitive_users(group_id, by_id)
    taken = set(holders[GLOBAL_ADMINISTRATOR]) | set(holders[INTUNE_ADMINISTRATOR])
    helpdesk = next(
        (u for u in users[_READER_ADMIN + 1 :] if u["id"] in in_intune_roles and u["id"] not in taken), None
    )
    if helpdesk is not None:
        holders[INTUNE_ADMINISTRATOR].append(helpdesk["id"])
    upns = {u["id"]: u["userPrincipalName"] for u in users}
    for user_id in holders[INTUNE_ADMINISTRATOR] + holders[GLOBAL_ADMINISTRATOR]:
        if user_id in in_intune_roles:
            ctx.plant("narrowerRoleFits", upns[user_id])
    return holders


def build_directory_roles(ctx: Ctx, holders: dict[str, list[str]]) -> list[Obj]:
    """The activated Entra directory roles with their members (references, resolved like group members)."""
    result = []
    for template, name, description in DIRECTORY_ROLES:
        members = list(dict.fromkeys(holders.get(template, [])))
        if not members:
            continue  # Graph lists only activated roles
        result.append(
            {
                "@odata.type": GRAPH + "directoryRole",
                "id": stable_guid("directory-role", ctx.tenant_id, template),
                "displayName": name,
                "description": description,
                "roleTemplateId": template,
                "members": [{"@odata.type": GRAPH + "user", "id": m} for m in members],
            }
        )
    return result


def _event(ctx: Ctx, rng: Random, user: Obj, operation: str, activity: str, target: Obj, kind: str, days: float) -> Obj:
    moment = ctx.as_of - timedelta(days=days)
    name = target.get("displayName") or target.get("deviceName") or target.get("name") or ""
    return {
        "@odata.type": "#microsoft.graph.auditEvent",
        "id": guid(rng),
        "displayName": activity,
        "componentName": "DeviceConfiguration" if kind != "ManagedDevice" else "Device",
        "activity": activity,
        "activityDateTime": moment.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"),
        "activityType": activity,
        "activityOperationType": operation,
        "activityResult": "Success",
        "correlationId": guid(rng),
        "category": "DeviceConfiguration" if kind != "ManagedDevice" else "Device",
        "actor": {
            "@odata.type": "#microsoft.graph.auditActor",
            "type": "ItPro",
            "auditActorType": "ItPro",
            "userPrincipalName": user["userPrincipalName"],
            "userId": user["id"],
            "applicationId": "0000000a-0000-0000-c000-000000000000",
            "applicationDisplayName": "Microsoft Intune",
            "servicePrincipalName": None,
            "ipAddress": None,
            "userPermissions": [],
            "remoteTenantId": None,
            "remoteUserId": None,
        },
        "resources": [
            {
                "@odata.type": "#microsoft.graph.auditResource",
                "displayName": str(name),
                "type": kind,
                "auditResourceType": kind,
                "resourceId": str(target.get("id", "")),
                "modifiedProperties": [],
            }
        ],
    }


def build_audit_history(ctx: Ctx, users: list[Obj], holders: dict[str, list[str]]) -> list[Obj]:
    """The last ``AUDIT_HISTORY_DAYS`` of Intune audit events by the Intune Administrators: changes to
    configuration profiles by all of them but the planted reader, whose events are only BitLocker
    key reads ("Get"). Oldest first, as the emulator appends new events."""
    rng = ctx.rng("auditHistory")
    by_id = {u["id"]: u for u in users}
    profiles = ctx.objects.get("deviceConfigurations") or ctx.objects.get("settingsCatalog") or []
    devices = ctx.objects.get("managedDevices", [])
    reader = users[_READER_ADMIN]["id"] if len(users) > _READER_ADMIN else None
    events: list[Obj] = []
    for user_id in holders.get(INTUNE_ADMINISTRATOR, []):
        user = by_id[user_id]
        for _ in range(3):
            days = rng.uniform(1, AUDIT_HISTORY_DAYS - 1)
            if user_id == reader and devices:
                device = rng.choice(devices)
                events.append(_event(ctx, rng, user, "Get", "Get BitLockerRecoveryKey", device, "ManagedDevice", days))
            elif user_id != reader and profiles:
                profile = rng.choice(profiles)
                events.append(
                    _event(ctx, rng, user, "Patch", "Patch DeviceConfiguration", profile, "DeviceConfiguration", days)
                )
    return sorted(events, key=lambda e: e["activityDateTime"])
