"""Small explicit tenants for cases the demo tenants don't plant exactly (Graph-shaped objects)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import (
    Problem,
    ProblemKind,
    Snapshot,
    TenantInfo,
    TypeResult,
    TypeStatus,
    referenced_group_ids,
    resolve_names,
)

GRAPH = "#microsoft.graph."
_DEF = "device_vendor_msft_policy_config_defender_"


def target(
    kind: str,
    group_id: str | None = None,
    filter_id: str | None = None,
    filter_mode: str = "none",
) -> dict[str, Any]:
    """A Graph assignment target: kind is group, exclude, allUsers or allDevices."""
    odata = {
        "group": "groupAssignmentTarget",
        "exclude": "exclusionGroupAssignmentTarget",
        "allUsers": "allLicensedUsersAssignmentTarget",
        "allDevices": "allDevicesAssignmentTarget",
    }[kind]
    result: dict[str, Any] = {"@odata.type": GRAPH + odata}
    if group_id is not None:
        result["groupId"] = group_id
    result["deviceAndAppManagementAssignmentFilterId"] = filter_id
    result["deviceAndAppManagementAssignmentFilterType"] = filter_mode if filter_id else "none"
    return result


@dataclass
class Tenant:
    """Builds a Snapshot with users, devices, groups, filters and assignable objects."""

    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _id(self) -> str:
        return f"00000000-0000-4000-8000-{next(self._ids):012d}"

    def _put(self, key: str, obj: dict[str, Any]) -> dict[str, Any]:
        self.objects.setdefault(key, []).append(obj)
        return obj

    def user(self, upn: str) -> str:
        uid = self._id()
        self._put("users", {"id": uid, "userPrincipalName": upn, "displayName": upn.split("@")[0]})
        return uid

    def device(
        self,
        name: str,
        *,
        user: str | None = None,
        os: str = "Windows",
        model: str = "Latitude 7440",
        manufacturer: str = "Dell Inc.",
        owner: str = "company",
        entra: bool = True,
        **extra: Any,
    ) -> tuple[str, str | None]:
        """(managed device id, Entra device object id)."""
        device_id = self._id()
        azure_id = self._id()
        self._put(
            "managedDevices",
            {
                "id": device_id,
                "deviceName": name,
                "operatingSystem": os,
                "osVersion": "10.0.22631.4460" if os == "Windows" else "17.6.1",
                "model": model,
                "manufacturer": manufacturer,
                "managedDeviceOwnerType": owner,
                "azureADDeviceId": azure_id,
                "userId": user,
                "enrollmentProfileName": None,
                **extra,
            },
        )
        entra_id = None
        if entra:
            entra_id = self._id()
            self._put("entraDevices", {"id": entra_id, "deviceId": azure_id, "displayName": name})
        return device_id, entra_id

    def group(
        self, name: str, *, users: tuple[str, ...] = (), devices: tuple[str, ...] = (), groups: tuple[str, ...] = ()
    ) -> str:
        """A group; ``devices`` are Entra device object ids, ``groups`` nested group ids."""
        gid = self._id()
        members = (
            [{"@odata.type": GRAPH + "user", "id": u} for u in users]
            + [{"@odata.type": GRAPH + "device", "id": d} for d in devices]
            + [{"@odata.type": GRAPH + "group", "id": g} for g in groups]
        )
        self._put("groups", {"id": gid, "displayName": name, "groupTypes": [], "members": members})
        return gid

    def filter(self, name: str, rule: str, platform: str = "windows10AndLater") -> str:
        fid = self._id()
        self._put("assignmentFilters", {"id": fid, "displayName": name, "platform": platform, "rule": rule})
        return fid

    def policy(
        self,
        name: str,
        targets: list[dict[str, Any]],
        *,
        key: str = "settingsCatalog",
        platforms: str = "windows10",
        settings: dict[str, str] | None = None,
        fields: dict[str, Any] | None = None,
    ) -> str:
        """A settings-catalog policy (choice settings: definition id → option item id) by default."""
        pid = self._id()
        obj: dict[str, Any] = {
            "id": pid,
            "assignments": [{"id": f"{pid}_{i}", "target": t} for i, t in enumerate(targets)],
        }
        if key in ("settingsCatalog", "complianceSettingsPolicies"):
            obj.update(
                {
                    "@odata.type": GRAPH + "deviceManagementConfigurationPolicy",
                    "name": name,
                    "platforms": platforms,
                    "technologies": "mdm",
                    "settings": [
                        {
                            "id": str(i),
                            "settingInstance": {
                                "@odata.type": GRAPH + "deviceManagementConfigurationChoiceSettingInstance",
                                "settingDefinitionId": definition,
                                "choiceSettingValue": {"value": value, "children": []},
                            },
                        }
                        for i, (definition, value) in enumerate((settings or {}).items())
                    ],
                }
            )
        else:
            obj["displayName"] = name
        obj.update(fields or {})
        self._put(key, obj)
        return pid

    def app(self, name: str, assignments: list[tuple[dict[str, Any], str]], odata: str = "win32LobApp") -> str:
        """A mobile app with (target, intent) assignments."""
        aid = self._id()
        self._put(
            "mobileApps",
            {
                "@odata.type": GRAPH + odata,
                "id": aid,
                "displayName": name,
                "assignments": [
                    {"id": f"{aid}_{i}", "target": t, "intent": intent} for i, (t, intent) in enumerate(assignments)
                ],
            },
        )
        return aid

    def snapshot(self, failed: dict[str, str] | None = None) -> Snapshot:
        """The snapshot: every catalog type read (empty where nothing was added) except ``failed``."""
        catalog = default_catalog()
        failed = failed or {}
        objects = {r.key: list(self.objects.get(r.key, [])) for r in catalog.collected()}
        for key in failed:
            objects[key] = []
        results = {
            key: TypeResult(
                key,
                TypeStatus.FAILED if key in failed else TypeStatus.OK,
                len(items),
                0.0,
                # The reason as a saved v1 snapshot keeps it: text only.
                problem=Problem(ProblemKind.OTHER, failed[key]) if key in failed else None,
            )
            for key, items in objects.items()
        }
        names = resolve_names(objects, catalog)
        names.unresolved_groups = referenced_group_ids(objects, catalog) - names.groups.keys()
        return Snapshot(
            tenant=TenantInfo("t", "test.example", "Test"),
            source="emulator",
            taken_at=datetime(2025, 6, 1, tzinfo=UTC),
            objects=objects,
            results=results,
            names=names,
        )


REALTIME = f"{_DEF}allowrealtimemonitoring"
ON, OFF = f"{REALTIME}_1", f"{REALTIME}_0"
