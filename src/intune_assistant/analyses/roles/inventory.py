"""Who holds which role: Intune role assignments resolved to groups and accounts, and Entra
directory roles with their members, all by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from intune_assistant.analyses.assignments.directory import Directory
from intune_assistant.analyses.settings.context import ENTRA_ROLES
from intune_assistant.snapshot import Snapshot

from .model import Grant, MemberGroup, RoleAssignmentRow, RoleRow, Source

Obj = Mapping[str, Any]

GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
INTUNE_ADMINISTRATOR = "3a2c62db-5318-420d-8d74-23affee5d9d5"
# Entra roles that give every Intune permission over every object, whatever Intune RBAC says.
ALL_OF_INTUNE = frozenset({GLOBAL_ADMINISTRATOR, INTUNE_ADMINISTRATOR})

# roleAssignmentScopeType in the admin center's words.
_SCOPE_TYPES = {
    "allDevices": "All devices",
    "allLicensedUsers": "All users",
    "allDevicesAndLicensedUsers": "All users and all devices",
}
_USER = "#microsoft.graph.user"
_GROUP = "#microsoft.graph.group"


def string_list(value: object) -> list[str]:
    """The non-empty strings of a JSON list (nothing for anything else)."""
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


def _actions(role: Obj) -> tuple[str, ...]:
    found: list[str] = []
    for permission in role.get("rolePermissions") or ():
        if not isinstance(permission, Mapping):
            continue
        # Graph's beta shape nests actions in resourceActions; v1.0 lists them as "actions".
        found += string_list(permission.get("actions"))
        for block in permission.get("resourceActions") or ():
            if isinstance(block, Mapping):
                found += string_list(block.get("allowedResourceActions"))
    return tuple(dict.fromkeys(found))


class Inventory:
    """One snapshot's roles, indexed once (read-only afterwards)."""

    def __init__(self, snapshot: Snapshot, directory: Directory) -> None:
        self.snapshot = snapshot
        self.directory = directory
        self.definitions: dict[str, Obj] = {
            str(r["id"]): r for r in snapshot.read_objects("roleDefinitions") or () if isinstance(r.get("id"), str)
        }
        # Role of each assignment when only the definitions' roleAssignments navigation names it.
        self._role_of_assignment: dict[str, str] = {}
        for role_id, role in self.definitions.items():
            for item in role.get("roleAssignments") or ():
                if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                    self._role_of_assignment[item["id"]] = role_id
        self.tags: dict[str, Obj] = {
            str(t["id"]): t for t in snapshot.read_objects("scopeTags") or () if isinstance(t.get("id"), str)
        }
        self.raw_assignments: list[Obj] = list(snapshot.read_objects("roleAssignments") or ())
        self.directory_roles: list[Obj] = list(snapshot.read_objects("directoryRoles") or ())

    # -- names -------------------------------------------------------------------------------

    def tag_name(self, tag_id: str) -> str:
        """The scope tag's name (``Default`` for "0"), or an unknown-tag label with the id."""
        tag = self.tags.get(tag_id)
        name = tag.get("displayName") if tag is not None else self.snapshot.names.scope_tag(tag_id)
        return name if isinstance(name, str) and name else f"Unknown scope tag ({tag_id})"

    def account(self, user_id: str, fallback: Obj | None = None) -> str:
        """An account as admins know it: its UPN, else its name, else the id."""
        user = self.directory.users.get(user_id) or fallback or {}
        for field in ("userPrincipalName", "displayName"):
            value = user.get(field)
            if isinstance(value, str) and value:
                return value
        return user_id

    def role_of(self, assignment: Obj) -> tuple[str | None, str]:
        """(role definition id, role name) of an Intune role assignment."""
        expanded = assignment.get("roleDefinition")
        role_id = expanded.get("id") if isinstance(expanded, Mapping) else None
        if not isinstance(role_id, str):
            role_id = self._role_of_assignment.get(str(assignment.get("id")))
        role = self.definitions.get(role_id or "")
        name = (role or {}).get("displayName") or (expanded or {}).get("displayName")
        return role_id, name if isinstance(name, str) and name else "Unknown role"

    # -- groups ------------------------------------------------------------------------------

    def member_group(self, group_id: str) -> MemberGroup:
        """A group with its user count through nesting (None when its members are not all known)."""
        name = self.directory.group_name(group_id)
        if self.directory.group_state(group_id) == "deleted":
            return MemberGroup(group_id, name, 0, 0, f"'{name}' no longer exists")
        reason = self.directory.group_unknown_reason(group_id)
        if reason:
            return MemberGroup(group_id, name, None, None, reason)
        users, devices = self.directory.transitive_members(group_id)
        return MemberGroup(group_id, name, len(users), len(devices))

    def scope_words(self, assignment: Obj) -> str:
        """What the assignment's admins manage: all users/devices, or the scope groups by name."""
        scope_type = assignment.get("scopeType")
        if isinstance(scope_type, str) and scope_type in _SCOPE_TYPES:
            return _SCOPE_TYPES[scope_type]
        groups = string_list(assignment.get("resourceScopes")) or string_list(assignment.get("scopeMembers"))
        if not groups:
            return "No scope groups"
        return "Scope groups: " + ", ".join(self.directory.group_name(g) for g in groups)

    # -- rows --------------------------------------------------------------------------------

    def assignment_rows(self) -> tuple[RoleAssignmentRow, ...]:
        """Every Intune role assignment, by name, in name order."""
        rows = []
        for assignment in self.raw_assignments:
            role_id, role = self.role_of(assignment)
            definition = self.definitions.get(role_id or "")
            built_in = definition.get("isBuiltIn") if definition is not None else None
            scope_groups = string_list(assignment.get("resourceScopes")) or string_list(assignment.get("scopeMembers"))
            rows.append(
                RoleAssignmentRow(
                    assignment_id=str(assignment.get("id", "")),
                    name=str(assignment.get("displayName") or assignment.get("id") or ""),
                    role=role,
                    role_id=role_id,
                    built_in=built_in if isinstance(built_in, bool) else None,
                    members=tuple(self.member_group(g) for g in string_list(assignment.get("members"))),
                    scope=self.scope_words(assignment),
                    scope_groups=tuple(self.member_group(g) for g in scope_groups),
                    scope_tags=tuple(self.tag_name(t) for t in string_list(assignment.get("roleScopeTagIds"))),
                )
            )
        return tuple(sorted(rows, key=lambda r: r.name.casefold()))

    def directory_role_name(self, role: Obj) -> str:
        """The Entra role's name (from the object, else the built-in template's name)."""
        name = role.get("displayName")
        if isinstance(name, str) and name:
            return name
        return ENTRA_ROLES.get(str(role.get("roleTemplateId")), "Unknown Entra role")

    def directory_role_members(self, role: Obj) -> list[tuple[str, str, str, str | None]]:
        """(user id, account, via, group id) of each user holding ``role``; a role-assignable
        group's users hold it through the group."""
        found: list[tuple[str, str, str, str | None]] = []
        for member in role.get("members") or ():
            if not isinstance(member, Mapping) or not isinstance(member.get("id"), str):
                continue
            kind = member.get("@odata.type")
            if kind == _GROUP:
                users, _ = self.directory.transitive_members(member["id"])
                group = self.directory.group_name(member["id"])
                via = f"Entra role through group '{group}'"
                found += [(u, self.account(u), via, member["id"]) for u in sorted(users)]
            elif kind in (_USER, None):
                found.append((member["id"], self.account(member["id"], member), "Entra role", None))
        return found

    def role_rows(self, grants: tuple[Grant, ...]) -> tuple[RoleRow, ...]:
        """Intune role definitions, then the Entra roles the snapshot lists, each with its holder count."""
        holders: dict[tuple[Source, str], set[str]] = {}
        for grant in grants:
            holders.setdefault((grant.source, grant.role), set()).add(grant.account_id or grant.account)
        rows = [
            RoleRow(
                role_id=role_id,
                name=str(role.get("displayName") or role_id),
                source=Source.INTUNE,
                built_in=bool(role.get("isBuiltIn")),
                permissions=_actions(role),
                holders=len(holders.get((Source.INTUNE, str(role.get("displayName") or role_id)), ())),
            )
            for role_id, role in self.definitions.items()
        ]
        rows.sort(key=lambda r: (not r.built_in, r.name.casefold()))
        for role in self.directory_roles:
            name = self.directory_role_name(role)
            rows.append(
                RoleRow(
                    role_id=str(role.get("roleTemplateId") or role.get("id") or ""),
                    name=name,
                    source=Source.ENTRA,
                    built_in=True,
                    permissions=(),
                    holders=len(holders.get((Source.ENTRA, name), ())),
                )
            )
        return tuple(rows)

    def grants(self, rows: tuple[RoleAssignmentRow, ...]) -> tuple[Grant, ...]:
        """Every (account, role) the snapshot shows: through Intune role assignments (per member
        group, through nesting) and through Entra directory roles."""
        found: list[Grant] = []
        for row in rows:
            permissions = len(_actions(self.definitions[row.role_id])) if row.role_id in self.definitions else None
            for group in row.members:
                users, _ = self.directory.transitive_members(group.group_id)
                for user_id in sorted(users):
                    found.append(
                        Grant(
                            account=self.account(user_id),
                            account_id=user_id,
                            role=row.role,
                            source=Source.INTUNE,
                            via=f"'{row.name}' through group '{group.name}'",
                            scope=row.scope,
                            scope_tags=row.scope_tags,
                            permissions=permissions,
                            group_id=group.group_id,
                        )
                    )
        for role in self.directory_roles:
            name = self.directory_role_name(role)
            template = str(role.get("roleTemplateId") or "")
            scope = "All of Intune and Entra ID" if template == GLOBAL_ADMINISTRATOR else "Whole tenant"
            if template == INTUNE_ADMINISTRATOR:
                scope = "All of Intune"
            for user_id, account, via, group_id in self.directory_role_members(role):
                found.append(Grant(account, user_id, name, Source.ENTRA, via, scope, group_id=group_id))
        return tuple(sorted(found, key=lambda g: (g.account.casefold(), g.source.value, g.role.casefold())))
