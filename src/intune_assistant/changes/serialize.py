"""A plan as plain JSON and back: what the sealed plan document carries.

``plan_from_json`` reads only what ``plan_to_json`` writes; anything else is a ``ValueError``
(the document was sealed by this product, so a shape error means a version it cannot read).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from intune_assistant.analyses.assignments import AssignmentRow, FilterRef, ObjectRef, to_jsonable

from .model import GraphRequest, Plan, PlanItem, Precondition, RejectedChange

__all__ = ["plan_from_json", "plan_to_json"]


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data (dicts, lists, strings...)."""
    data: dict[str, Any] = to_jsonable(plan)
    data["read_at"] = plan.read_at.isoformat()
    return data


def _str(raw: Mapping[str, Any], key: str) -> str:
    value = raw[key]
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    return value


def _opt(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be text or null")
    return value


def _object(raw: Mapping[str, Any]) -> ObjectRef:
    return ObjectRef(
        type_key=_str(raw, "type_key"),
        type_label=_str(raw, "type_label"),
        kind=_str(raw, "kind"),
        id=_str(raw, "id"),
        name=_str(raw, "name"),
        platform=_str(raw, "platform"),
        scope_tags=tuple(str(t) for t in raw.get("scope_tags") or ()),
    )


def _row(raw: Mapping[str, Any]) -> AssignmentRow:
    filter_raw = raw.get("filter")
    return AssignmentRow(
        object=_object(raw["object"]),
        assignment_id=_opt(raw, "assignment_id"),
        target_kind=_str(raw, "target_kind"),
        mode=_str(raw, "mode"),
        group_id=_opt(raw, "group_id"),
        group_name=_opt(raw, "group_name"),
        group_kind=_opt(raw, "group_kind"),
        group_state=_opt(raw, "group_state"),
        filter=FilterRef(**filter_raw) if isinstance(filter_raw, Mapping) else None,
        filter_mode=_opt(raw, "filter_mode"),
        intent=_opt(raw, "intent"),
        note=_str(raw, "note"),
    )


def _item(raw: Mapping[str, Any]) -> PlanItem:
    pre = raw["precondition"]
    return PlanItem(
        object=_object(raw["object"]),
        operation=_str(raw, "operation"),
        requests=tuple(
            GraphRequest(_str(r, "method"), _str(r, "path"), r.get("body"), _str(r, "version")) for r in raw["requests"]
        ),
        before=tuple(_row(r) for r in raw["before"]),
        after=tuple(_row(r) for r in raw["after"]),
        expected=tuple(dict(a) for a in raw["expected"]),
        precondition=Precondition(
            _str(pre, "read_path"),
            tuple(dict(a) for a in pre["assignments"]),
            absent_name=_opt(pre, "absent_name"),
            odata_type=_opt(pre, "odata_type"),
            name=_opt(pre, "name"),
            modified=_opt(pre, "modified"),
            identity=dict(ident) if isinstance(ident := pre.get("identity"), Mapping) else None,
        ),
        changes=tuple(str(c) for c in raw["changes"]),
        warnings=tuple(str(w) for w in raw["warnings"]),
        references=tuple(str(r) for r in raw.get("references") or ()),
        expected_properties=dict(props) if isinstance(props := raw.get("expected_properties"), Mapping) else None,
        stage=int(raw.get("stage") or 0),
        member=_object(member) if isinstance(member := raw.get("member"), Mapping) else None,
    )


def plan_from_json(data: Mapping[str, Any]) -> Plan:
    """The plan ``plan_to_json`` wrote.

    Raises:
        ValueError: when ``data`` is not such a plan.
    """
    try:
        return Plan(
            module=_str(data, "module"),
            tenant_id=_opt(data, "tenant_id"),
            tenant_domain=_opt(data, "tenant_domain"),
            read_at=datetime.fromisoformat(_str(data, "read_at")),
            items=tuple(_item(i) for i in data["items"]),
            rejected=tuple(
                RejectedChange(_str(r, "source"), _str(r, "summary"), _str(r, "reason")) for r in data["rejected"]
            ),
            notes=tuple(str(n) for n in data["notes"]),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a plan this version can read ({type(exc).__name__}: {exc})") from None
