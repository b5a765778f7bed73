"""What turning one policy into rows needs: the policy, name look-ups, and a row factory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from intune_assistant.catalog import ResourceType, Templates, intent_templates
from intune_assistant.snapshot import Names, Snapshot

from .definitions import SettingDefinitions
from .model import SECRET, NameSource, SettingRow

__all__ = ["CATEGORY_SEPARATOR", "PolicyContext", "References", "join_category"]

CATEGORY_SEPARATOR = " > "

# Built-in Entra role template ids (the same in every tenant) → role names.
ENTRA_ROLES: Mapping[str, str] = {
    "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
    "3a2c62db-5318-420d-8d74-23affee5d9d5": "Intune Administrator",
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451": "Global Reader",
    "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
    "5d6b6bb7-de71-4623-b4af-96380a352509": "Security Reader",
    "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
    "f28a1f50-f6e7-4571-818b-6a12f2af6b6c": "SharePoint Administrator",
    "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
    "729827e3-9c14-49f7-bb1b-9608f156bbb8": "Helpdesk Administrator",
    "b0f54661-2d74-4c50-afa3-1ec803f12efe": "Billing Administrator",
    "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
    "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
    "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
    "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "Conditional Access Administrator",
    "c4e39bd9-1100-46d3-8c65-fb160da0071f": "Authentication Administrator",
    "17315797-102d-40b4-93e0-432062caca18": "Compliance Administrator",
    "9360feb5-f418-4baa-8175-e2a00bac4301": "Directory Writers",
    "88d8e3e3-8f55-4a1e-953a-9b9898b8876b": "Directory Readers",
    "fdd7a751-b60b-444a-984c-02652fe8fa1c": "Groups Administrator",
    "11648597-926c-4cf3-9c36-bcebb0ba8dcc": "Power Platform Administrator",
    "644ef478-e28f-4e28-b9dc-3fdde9aa0b1f": "Printer Administrator",
    "69091246-20e8-4a56-aa4d-066075b2a7a8": "Teams Administrator",
    "baf37b3a-610e-45da-9e62-d9d1e5e8914b": "Teams Communications Administrator",
    "e6d1a23a-da11-4be4-9570-befc86d067a7": "Compliance Data Administrator",
    "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2": "Hybrid Identity Administrator",
    "be2f45a1-457d-42af-a067-6ec1fa63bc45": "External Identity Provider Administrator",
    "d29b2b05-8046-44ba-8758-1e26182fcf32": "Directory Synchronization Accounts",
    "4d6ac14f-3453-41d0-bef9-a3e0c569773a": "License Administrator",
    "966707d0-3269-4727-9be2-8c3a10f19b9d": "Password Administrator",
    "c430b396-e693-46cc-96f3-db01bf8bb62a": "Attack Simulation Administrator",
    "32696413-001a-46ae-978c-ce0f6b3620d2": "Windows Update Deployment Administrator",
    "a9ea8996-122f-4c74-9520-8edcd192826c": "Fabric Administrator",
    "892c5842-a9a6-463a-8041-72aa08ca3cf6": "Cloud App Security Administrator",
    "7698a772-787b-4ac8-901f-60d6b08affd2": "Cloud Device Administrator",
}


def join_category(*parts: str) -> str:
    """Category parts joined with " > ", empty parts left out."""
    return CATEGORY_SEPARATOR.join(p for p in parts if p)


@dataclass(frozen=True)
class References:
    """Display names for ids policies refer to, beyond groups, filters and scope tags."""

    users: Mapping[str, str] = field(default_factory=dict)
    named_locations: Mapping[str, str] = field(default_factory=dict)
    apps: Mapping[str, str] = field(default_factory=dict)
    notification_templates: Mapping[str, str] = field(default_factory=dict)
    # Endpoint security templates by id: intents take their platform and type name from them.
    templates: Templates = field(default_factory=dict)
    roles: Mapping[str, str] = field(default_factory=lambda: dict(ENTRA_ROLES))
    # Assignment filter id → where it is used ("Policy name (include)").
    filter_usage: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> References:
        """Names read from the snapshot's users, named locations, apps, templates and filters' use."""

        def names(key: str, *fields: str) -> dict[str, str]:
            found: dict[str, str] = {}
            for obj in snapshot.read_objects(key) or ():
                object_id = obj.get("id")
                label = next((obj[f] for f in fields if isinstance(obj.get(f), str) and obj[f]), None)
                if isinstance(object_id, str) and label:
                    found[object_id] = str(label)
            return found

        users = names("users", "displayName", "userPrincipalName")
        for user_id, upn in names("users", "userPrincipalName").items():
            if users.get(user_id) != upn:
                users[user_id] = f"{users[user_id]} ({upn})"
        return cls(
            users=users,
            named_locations=names("namedLocations", "displayName"),
            apps=names("mobileApps", "displayName"),
            notification_templates=names("notificationTemplates", "displayName"),
            templates=intent_templates(snapshot.read_objects("securityTemplates") or ()),
            roles={**ENTRA_ROLES, **names("roleDefinitions", "displayName")},
            filter_usage=_filter_usage(snapshot),
        )


def _filter_usage(snapshot: Snapshot) -> dict[str, list[str]]:
    usage: dict[str, list[str]] = {}
    for objects in snapshot.objects.values():
        for obj in objects:
            name = obj.get("displayName") or obj.get("name") or obj.get("id")
            for assignment in obj.get("assignments") or ():
                target = assignment.get("target") if isinstance(assignment, Mapping) else None
                if not isinstance(target, Mapping):
                    continue
                filter_id = target.get("deviceAndAppManagementAssignmentFilterId")
                mode = target.get("deviceAndAppManagementAssignmentFilterType") or "include"
                if isinstance(filter_id, str) and filter_id and mode != "none":
                    entry = f"{name} ({mode})"
                    if entry not in usage.setdefault(filter_id, []):
                        usage[filter_id].append(entry)
    return usage


@dataclass(frozen=True)
class PolicyContext:
    """One policy being turned into rows, with everything the row builders look names up in."""

    record: ResourceType
    obj: Mapping[str, Any]
    definitions: SettingDefinitions
    names: Names
    references: References
    policy_id: str
    policy_name: str
    platform: str | None

    def row(
        self,
        category: str,
        name: str,
        value: str,
        setting_id: str,
        raw_value: Any,
        *,
        secret: bool = False,
        deprecated: bool = False,
        replacement: str | None = None,
        name_source: NameSource = NameSource.PRODUCT,
    ) -> SettingRow:
        """A row of this policy; a secret's value is never kept, raw or shown."""
        return SettingRow(
            type_key=self.record.key,
            policy_id=self.policy_id,
            policy_name=self.policy_name,
            platform=self.platform,
            category=category,
            name=name,
            value=SECRET if secret else value,
            setting_id=setting_id,
            raw_value=None if secret else raw_value,
            is_secret=secret,
            deprecated=deprecated,
            replacement=replacement,
            name_source=name_source,
        )
