"""``/bulk-edits``: rename, duplicate or delete the objects ticked on the Policies page, change a static
group's members (from a list, a CSV, the devices ticked on the Devices page, the Groups or
Troubleshoot page) → review → confirm → apply → results.

Planning only reads the collection (``changes/renames.py``, ``duplicates.py``, ``deletes.py``,
``members.py``), so anyone signed in may review; applying needs the module. The plan travels sealed
in the confirm form (nothing of it is kept on the server), and apply runs on the Assignment manager's
run pages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData, UploadFile
from starlette.responses import HTMLResponse, Response

from intune_assistant.changes import ObjectKey, Plan
from intune_assistant.changes.deletes import (
    ConfirmationMismatch,
    check_confirmation,
    confirmation_phrase,
    plan_deletes,
)
from intune_assistant.changes.document import PlanRefused
from intune_assistant.changes.duplicates import plan_duplicates
from intune_assistant.changes.edits import BULK_EDIT
from intune_assistant.changes.members import (
    MemberAction,
    MembershipRefused,
    members_from_text,
    plan_members,
    static_group_problem,
)
from intune_assistant.changes.model import Operation
from intune_assistant.changes.renames import RenameKind, RenameRule, RuleError, plan_renames

from ..analyses import TARGETING, Tenant
from ..assignment_manager.apply import RunPages, progress_view, refused_plan, run_view, start_run
from ..assignment_manager.documents import open_document, seal
from ..comparison.forms import parse_in_memory
from ..context import TenantContext, safe_next, tenant_context
from ..csrf import check_csrf
from ..derived import Analysis, Derived
from ..errors import Link, ProblemPage
from ..modules import modules_in_use
from ..targeting.troubleshoot import Names
from ..templating import render
from ..tenant_data import FileData, PageData, TenantData

router = APIRouter()

RUNS = RunPages("Bulk edits", "/bulk-edits/apply", "/bulk-edits", "bulk-edits-backup", show_changes=True)
_MAX_OBJECTS = 2000
_MAX_UPLOAD = 2_000_000


def can_apply(request: Request, data: TenantData) -> bool:
    """Whether this tenant has the Bulk edits module activated (and this version offers it)."""
    return BULK_EDIT in modules_in_use(request, data.record.module_names)


def _keys(values: list[str]) -> list[ObjectKey]:
    keys = []
    for value in dict.fromkeys(values[:_MAX_OBJECTS]):
        type_key, _, object_id = value.partition("/")
        if type_key and object_id:
            keys.append(ObjectKey(type_key, object_id))
    return keys


@dataclass(frozen=True)
class ChangeableGroups:
    """Names of the groups whose members can be added or removed here (static, not synchronised)."""

    every: Names
    for_devices: Names
    """Those that can hold devices too (a Microsoft 365 group holds users only)."""


def _changeable_groups(derived: Derived) -> ChangeableGroups:
    groups = [g for g in derived.value(TARGETING).directory.groups.values() if not static_group_problem(g)]
    named = [(str(g.get("displayName") or g.get("id")), g) for g in groups]
    devices = {n for n, g in named if "Unified" not in (g.get("groupTypes") or [])}
    return ChangeableGroups(Names.of({n for n, _ in named}), Names.of(devices))


CHANGEABLE_GROUPS: Analysis[ChangeableGroups] = Analysis("groups whose members can be changed", _changeable_groups)
"""The suggestions of the group fields (Bulk edits, Devices); typing another group is refused with why."""


def back_link(value: str | None) -> Link:
    """Where a members change was started: the Devices page (with its list state) or Bulk edits."""
    url = safe_next(value, "/bulk-edits")
    if url == "/devices" or url.startswith("/devices?"):
        return Link("Back to Devices", url, primary=True)
    return Link("Back to Bulk edits", "/bulk-edits", primary=True)


def _refused(message: str, back: Link | None = None) -> ProblemPage:
    return ProblemPage(
        400,
        "Nothing could be planned",
        message[:1].upper() + message[1:] + ". Nothing was changed.",
        advice="Correct the input and try again.",
        links=[back or back_link(None)],
    )


@router.get("/bulk-edits", name="bulk_edits", response_class=HTMLResponse)
async def input_page(request: Request, data: PageData) -> Response:
    """The objects ticked on the Policies page (rename, duplicate, delete) and the group members form."""
    tenant = await data.analysis(TARGETING)
    chosen = []
    for key in _keys(request.query_params.getlist("object")):
        if key.type_key in tenant.catalog:
            record = tenant.catalog[key.type_key]
            obj = next((o for o in tenant.snapshot.read_objects(key.type_key) or () if o.get("id") == key.id), None)
            if obj is not None:
                name = record.object_name(obj)
                chosen.append({"key": f"{key.type_key}/{key.id}", "name": name, "type": record.label})
    members = "\n".join(request.query_params.getlist("member")[:500])
    return render(
        request,
        "bulk_edits.html",
        {
            "chosen": chosen,
            "kinds": [k.value for k in RenameKind],
            "group": request.query_params.get("group", "")[:300],
            "members": members,
            "nav": "bulk-edits",
        },
    )


@router.get("/bulk-edits/groups", name="bulk_edits_groups", response_class=HTMLResponse)
async def group_suggestions(request: Request, data: PageData) -> Response:
    """The static groups whose name holds what was typed (htmx fills the group field's suggestions as
    you type: a tenant's thousands of groups are not sent with every page); ``for=devices`` leaves out
    Microsoft 365 groups, which hold users only."""
    groups = await data.analysis(CHANGEABLE_GROUPS)
    names = groups.for_devices if request.query_params.get("for") == "devices" else groups.every
    found = names.matching(request.query_params.get("group", ""))
    return render(request, "_troubleshoot_suggestions.html", {"names": found})


async def _read_form(request: Request) -> tuple[FormData, str]:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        try:
            form = await parse_in_memory(request)
        except ValueError as exc:
            raise _refused(str(exc)) from None
        upload = form.get("file")
        raw = await upload.read(_MAX_UPLOAD + 1) if isinstance(upload, UploadFile) else b""
        if len(raw) > _MAX_UPLOAD:
            raise _refused("the file is larger than 2 MB")
        try:
            return form, raw.decode("utf-8-sig") if raw else ""
        except UnicodeDecodeError:
            raise _refused("the file is not UTF-8 text (save the CSV as UTF-8)") from None
    return await request.form(), ""


class InputRefused(ValueError):
    """The input can't be planned (a bad rule, an unknown or dynamic group...); says why."""


def _text(fields: Mapping[str, list[str]], key: str) -> str:
    values = fields.get(key) or [""]
    return values[0]


def _rule(fields: Mapping[str, list[str]], what: str) -> RenameRule:
    try:
        return RenameRule(RenameKind(_text(fields, "rule")), _text(fields, "text"), _text(fields, "replacement"))
    except ValueError:  # a rule kind the form doesn't offer
        raise InputRefused(f"choose how to {what}") from None


def plan_input(fields: Mapping[str, list[str]], upload: str, tenant: Tenant) -> Plan:
    """The plan for one bulk edit: ``action`` rename (``object``, ``rule``, ``text``, ``replacement``),
    duplicate (``object``, and ``new_name`` for one object or the rule; ``assignments`` "on" to copy
    them), delete (``object``) or members (``group``, ``member_action``, ``members``, each ticked
    ``member`` and an uploaded list).

    Raises:
        InputRefused: the input can't be planned; nothing is.
    """
    action = _text(fields, "action")
    keys = _keys(list(fields.get("object") or ()))
    if action == "rename":
        try:
            return plan_renames(tenant.snapshot, keys, _rule(fields, "rename"), catalog=tenant.catalog)
        except RuleError as exc:
            raise InputRefused(str(exc)) from None
    if action == "duplicate":
        new_name = _text(fields, "new_name")
        naming = new_name if new_name.strip() else _rule(fields, "name the copies")
        try:
            return plan_duplicates(tenant.snapshot, keys, naming, assignments=_text(fields, "assignments") == "on",
                                   catalog=tenant.catalog)  # fmt: skip
        except RuleError as exc:
            raise InputRefused(str(exc)) from None
    if action == "delete":
        return plan_deletes(tenant.snapshot, keys, catalog=tenant.catalog, directory=tenant.directory)
    if action == "members":
        ticked = [m.strip() for m in fields.get("member") or () if m.strip()]
        names = members_from_text(_text(fields, "members")) + ticked + members_from_text(upload)
        how = MemberAction.REMOVE if _text(fields, "member_action") == "remove" else MemberAction.ADD
        try:
            return plan_members(tenant.snapshot, _text(fields, "group"), names, how, catalog=tenant.catalog,
                                directory=tenant.directory)  # fmt: skip
        except MembershipRefused as exc:
            raise InputRefused(str(exc)) from None
    raise InputRefused("choose rename, duplicate, delete or group members")


@router.post("/bulk-edits/review", name="bulk_edits_review", response_class=HTMLResponse)
async def review(request: Request, data: FileData) -> Response:
    """The plan as a preview: per object the change and its warnings, every refusal with its reason."""
    form, upload = await _read_form(request)
    back_value = form.get("back")
    back = back_link(back_value if isinstance(back_value, str) else None)
    try:
        await check_csrf(request, data.session)
        tenant = await data.analysis(TARGETING)
        fields = {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}
        plan = await asyncio.to_thread(plan_input, fields, upload, tenant)
    except InputRefused as exc:
        raise _refused(str(exc), back) from None
    finally:
        await form.close()
    deletes = any(i.operation == Operation.DELETE for i in plan.items)
    allowed = can_apply(request, data)
    return render(
        request,
        "bulk_edits_review.html",
        {
            "plan": plan,
            "can_apply": allowed,
            "document": seal(request, data, plan) if plan.items and allowed else "",
            "phrase": confirmation_phrase(plan) if deletes else "",
            "back": back,
            "nav": "bulk-edits",
        },
    )


@router.post("/bulk-edits/apply", name="bulk_edits_apply", response_class=HTMLResponse)
async def apply(request: Request, data: FileData) -> Response:
    """Apply the confirmed plan (a delete only with its typed phrase); the answer is the progress page."""
    await check_csrf(request, data.session)
    if not can_apply(request, data):
        raise ProblemPage(
            403,
            "Bulk edits are not active for this tenant",
            "Applying needs the Bulk edits module. Nothing was changed.",
            advice="An administrator who can grant admin consent activates it in Tenant settings.",
            links=[Link("Tenant settings", "/tenant", primary=True)],
        )
    form = await request.form()
    document = form.get("plan")
    try:
        plan = open_document(request, data, document if isinstance(document, str) else "")
    except PlanRefused as exc:
        raise refused_plan(exc, RUNS) from None
    if plan.module != BULK_EDIT:
        raise _refused("this plan was made by another module; apply it there")
    typed = form.get("confirm")
    try:
        check_confirmation(plan, typed if isinstance(typed, str) else None)
    except ConfirmationMismatch as exc:
        raise ProblemPage(
            400,
            "Not deleted: the confirmation didn't match",
            f"{str(exc)[:1].upper()}{str(exc)[1:]}. Nothing was changed.",
            advice="Go back, type the phrase shown above the button, and confirm again.",
            links=[Link("Back to Bulk edits", "/bulk-edits", primary=True)],
        ) from None
    return start_run(request, data, plan, RUNS)


@router.get("/bulk-edits/apply/{run_id}", name="bulk_edits_run", response_class=HTMLResponse)
async def run_page(request: Request, run_id: str, ctx: Annotated[TenantContext, Depends(tenant_context)]) -> Response:
    """The apply's progress while it runs; then every item's result and the backup."""
    return run_view(request, ctx, run_id, RUNS)


@router.get("/bulk-edits/apply/{run_id}/progress", name="bulk_edits_progress", response_class=HTMLResponse)
async def run_progress(
    request: Request, run_id: str, ctx: Annotated[TenantContext, Depends(tenant_context)]
) -> Response:
    """The progress fragment htmx polls."""
    return progress_view(request, ctx, run_id, RUNS)
