"""Groups a deploy creates first: a group an assignment names that the target lacks, when the admin
asks for it (``DeployOptions.create_missing_groups``). Pure.

Graph creates a group with ``POST /groups`` and requires ``displayName``, ``mailEnabled``,
``mailNickname`` and ``securityEnabled`` (group-post-groups.md); ``mailNickname`` is required even
for a security group and may hold only ASCII letters, digits and ``. _ -`` here (Graph refuses
``@ ( ) \\ [ ] " ; : < > ,``, spaces and non-ASCII characters), at most 64 characters. The group is
made as Intune assignments use them: a security group, not mail-enabled, with static (assigned)
membership and no members — a dynamic rule or members of the source are not copied (another
tenant's users and devices are other objects), and the item says so.
Creating a group needs ``Group.ReadWrite.All`` (``catalog/modules.py``: asked for only by a plan
that creates groups).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from intune_assistant.analyses.assignments import object_ref
from intune_assistant.catalog import ResourceType
from intune_assistant.snapshot import Snapshot

from .model import GraphRequest, Operation, PlanItem, Precondition

__all__ = ["group_create_item", "mail_nickname"]

_MAX_NICKNAME = 64
_NOT_IN_NICKNAME = re.compile(r"[^A-Za-z0-9._-]+")


def mail_nickname(name: str) -> str:
    """A ``mailNickname`` Graph accepts, made from the group's name (``Pilot devices`` → ``Pilot-devices``)."""
    nickname = _NOT_IN_NICKNAME.sub("-", name).strip("-.")[:_MAX_NICKNAME].strip("-.")
    return nickname or "group"


def group_create_item(
    record: ResourceType, name: str, source_group: Mapping[str, Any] | None, source: Snapshot
) -> PlanItem:
    """The plan item creating the static security group ``name`` (``source_group``: the source's, if read)."""
    body: dict[str, Any] = {
        "displayName": name,
        "mailEnabled": False,
        "mailNickname": mail_nickname(name),
        "securityEnabled": True,
    }
    description = (source_group or {}).get("description")
    if isinstance(description, str) and description:
        body["description"] = description
    warnings = ["created empty, with assigned (static) membership: add its members in Entra ID"]
    types = (source_group or {}).get("groupTypes")
    if isinstance(types, list) and "DynamicMembership" in types:
        warnings.append("the source's group is dynamic; its rule is not copied (set it in Entra ID)")
    return PlanItem(
        object=replace(object_ref(record, body, source), id=""),
        operation=Operation.CREATE,
        requests=(GraphRequest("POST", record.path, body, record.api_version),),
        before=(),
        after=(),
        expected=(),
        precondition=Precondition(record.path, (), absent_name=name),
        changes=(f"create group '{name}' (an assignment's group, missing in the target)",),
        warnings=tuple(warnings),
        expected_properties={record.name_field: name},
        # Before every other stage: apps and filters (stage 0) may be assigned to the group too.
        stage=-1,
    )
