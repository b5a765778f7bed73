"""Resolving names and finding the groups objects reference."""

from __future__ import annotations

from typing import Any

from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import referenced_group_ids, resolve_names


def test_resolve_names_from_groups_filters_and_scope_tags() -> None:
    objects: dict[str, list[dict[str, Any]]] = {
        "groups": [{"id": "g1", "displayName": "Sales"}, {"id": "g2"}, {"displayName": "no id"}],
        "assignmentFilters": [{"id": "f1", "displayName": "Corporate"}],
        "scopeTags": [{"id": "0", "displayName": "Default"}, {"id": "1", "displayName": "Paris"}],
    }
    names = resolve_names(objects, default_catalog())
    assert names.groups == {"g1": "Sales", "g2": "g2"}
    assert names.filters == {"f1": "Corporate"}
    assert names.scope_tags == {"0": "Default", "1": "Paris"}
    assert names.unresolved_groups == set()


def test_referenced_group_ids_everywhere_groups_are_referenced() -> None:
    objects: dict[str, list[dict[str, Any]]] = {
        "settingsCatalog": [
            {
                "assignments": [
                    {"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "a"}},
                    {
                        "target": {
                            "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
                            "groupId": "b",
                        }
                    },
                    {"target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}},
                    "not a dict",
                ]
            },
            {"assignments": None},
        ],
        "conditionalAccessPolicies": [
            {"conditions": {"users": {"includeGroups": ["c"], "excludeGroups": ["d", 5]}}},
            {"conditions": None},
        ],
        "roleAssignments": [{"members": ["e"], "scopeMembers": ["f"]}],
        "gdapRelationships": [
            {
                "accessAssignments": [
                    {"accessContainer": {"accessContainerId": "g", "accessContainerType": "securityGroup"}},
                    {"accessContainer": {"accessContainerId": "h", "accessContainerType": "somethingElse"}},
                ]
            }
        ],
        "someUnknownType": [{"assignments": [{"target": {"groupId": "i"}}]}],
    }
    assert referenced_group_ids(objects, default_catalog()) == {"a", "b", "c", "d", "e", "f", "g", "i"}
