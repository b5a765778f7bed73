"""The Cross-tenant reports page, one JSON request per customer, the export, and the JSON API.

The page lists the partner's GDAP customers and the reports; choosing them puts the choice in the
URL (``?report=…&tenant=…&run=1``), and the page's script then asks ``/reports/tenant`` once per
customer (a few at a time, each with the user's own session cookie), showing each customer's state
as it finishes and its rows in the table. Export posts the rows the page gathered back to be
turned into CSV, XLSX or JSON: the server keeps nothing. API clients do the same fan-out with
``/api/v1/reports/{name}?tenant=`` and a bearer token.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import JSONResponse, Response

from intune_assistant.customers.read import GdapUnreadable
from intune_assistant.identity.dependency import bearer_token
from intune_assistant.reports.export import (
    EXPORT_FORMATS,
    report_csv,
    report_json,
    report_xlsx,
    result_json,
    results_from_json,
)
from intune_assistant.reports.model import Report
from intune_assistant.reports.reducers import (
    BASELINE_REPORT,
    DRIFT,
    REPORTS,
    UnknownReportError,
    baseline_names,
    report_named,
)

from .. import api_models
from ..context import UserContext, web_state
from ..csrf import check_csrf
from ..csv_export import content_disposition, export_filename
from ..customers.routes import partner_context
from ..errors import Link, ProblemPage, api_error, problem_json
from ..identity_api import ConsentRequired, Principal
from ..templating import render
from .service import GoldenUnavailable, golden_report, report_customers, tenant_report

router = APIRouter()
api_router = APIRouter()
"""The reports' JSON API routes (mounted under ``/api/v1`` by ``api_v1``)."""

# The largest export a page may post back (a few hundred customers' rows).
MAX_EXPORT_BYTES = 8 * 1024 * 1024
_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def _report(name: str, baseline: str) -> Report:
    try:
        return report_named(name, baseline=baseline or None)
    except (UnknownReportError, KeyError) as exc:
        raise ProblemPage(
            400,
            "Unknown report",
            str(exc).strip("'\""),
            links=[Link("Cross-tenant reports", "/reports", primary=True)],
        ) from None


@router.get("/reports", name="reports")
async def reports_page(
    request: Request,
    ctx: Annotated[UserContext, Depends(partner_context)],
    report: Annotated[str, Query(max_length=40)] = "",
    baseline: Annotated[str, Query(max_length=80)] = "",
    tenant: Annotated[list[str] | None, Query(max_length=100)] = None,
    golden: Annotated[str, Query(max_length=100)] = "",
    run: Annotated[str, Query(max_length=5)] = "",
) -> Response:
    """Pick customers and a report; with ``run`` the page fans out one request per customer."""
    chosen_report = _report(report, baseline) if report else None
    try:
        customers = await report_customers(request, ctx.principal, ctx.session.api_token)
    except ConsentRequired:
        raise ProblemPage(
            403,
            "Your partner tenant has not consented to reading its GDAP relationships",
            "Cross-tenant reports run over the customers of your partner tenant's GDAP relationships.",
            links=[Link("Customers", "/customers", primary=True)],
        ) from None
    except GdapUnreadable as exc:
        raise ProblemPage(502, "The GDAP relationships could not be read", exc.error.describe()) from None
    wanted = {t.lower() for t in tenant or []}
    if not wanted:
        # By default the customers the user can report on: onboarded and usable.
        wanted = {c.tenant_id for c in customers if c.onboarded and c.usable}
    running = [c for c in customers if c.tenant_id in wanted] if chosen_report is not None and run else []
    return render(
        request,
        "reports.html",
        {
            "reports": REPORTS,
            "baseline_report": BASELINE_REPORT,
            "baselines": baseline_names(),
            "chosen": chosen_report,
            "report_name": report,
            "baseline": baseline or baseline_names()[0],
            "customers": customers,
            "wanted": wanted,
            "running": running,
            "drift_report": DRIFT.name,
            "golden": golden,
            "goldens": [c for c in customers if c.onboarded and c.usable],
            "nav": "reports",
        },
    )


@router.get("/reports/tenant", name="reports_tenant")
async def reports_tenant(
    request: Request,
    ctx: Annotated[UserContext, Depends(partner_context)],
    report: Annotated[str, Query(max_length=40)],
    tenant: Annotated[str, Query(max_length=100)],
    baseline: Annotated[str, Query(max_length=80)] = "",
    golden: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """One customer's rows of a report (JSON), for the page's fan-out."""
    return await _tenant_answer(request, ctx.principal, ctx.session.api_token, report, tenant, baseline, golden)


async def _tenant_answer(
    request: Request, principal: Principal, api_token: str, name: str, tenant: str, baseline: str, golden: str
) -> Response:
    try:
        chosen = report_named(name, baseline=baseline or None)
    except (UnknownReportError, KeyError) as exc:
        return problem_json(request, 400, "unknown_report", "Unknown report", str(exc).strip("'\""))
    try:
        if chosen.name == DRIFT.name:
            if not golden:
                return problem_json(
                    request,
                    400,
                    "golden_required",
                    "A golden tenant is needed",
                    "Choose the golden tenant to compare with.",
                )
            chosen = await golden_report(request, principal, api_token, golden)
        result = await tenant_report(request, principal, api_token, chosen, tenant)
    except ConsentRequired:
        return problem_json(
            request,
            403,
            "partner_consent_required",
            "Consent is needed",
            "Your partner tenant has not consented to reading GDAP.",
        )
    except GdapUnreadable as exc:
        return problem_json(request, 502, exc.error.code, "GDAP could not be read", exc.error.describe())
    except GoldenUnavailable as exc:
        return problem_json(request, 409, "golden_unavailable", "The golden tenant cannot be read", str(exc))
    if result is None:
        return problem_json(
            request,
            404,
            "not_a_customer",
            "Not a customer",
            "That tenant is not a GDAP customer of your partner tenant.",
        )
    return JSONResponse(result_json(result))


@router.post("/reports/export", name="reports_export")
async def reports_export(request: Request, ctx: Annotated[UserContext, Depends(partner_context)]) -> Response:
    """The rows the page gathered, as CSV, XLSX or JSON (made from what was posted; nothing kept)."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_EXPORT_BYTES:
        raise ProblemPage(413, "The report is too large to export", "Export fewer customers at once.")
    await check_csrf(request, ctx.session)
    form = await request.form()
    fmt, name, baseline, posted = (form.get(k) for k in ("format", "report", "baseline", "results"))
    if fmt not in EXPORT_FORMATS or not isinstance(name, str) or not isinstance(posted, str):
        raise ProblemPage(400, "Nothing to export", "Run a report first, then choose CSV, Excel or JSON.")
    chosen = _report(name, baseline if isinstance(baseline, str) else "")
    try:
        results = results_from_json(chosen, json.loads(posted))
    except ValueError as exc:
        raise ProblemPage(400, "The report could not be exported", f"{exc}. Nothing was exported.") from None
    if fmt == "csv":
        body = report_csv(chosen, results)
    elif fmt == "xlsx":
        body = await asyncio.to_thread(report_xlsx, chosen, results)
    else:
        body = json.dumps(report_json(chosen, results), indent=2).encode("utf-8")
    record = getattr(request.state, "record", None)
    domain = record.domain if record is not None else ctx.principal.tenant_id
    filename = export_filename(domain, f"cross-tenant-{chosen.name}", datetime.now(UTC), str(fmt))
    return Response(body, media_type=_TYPES[str(fmt)], headers={"Content-Disposition": content_disposition(filename)})


async def _api_principal(request: Request) -> tuple[Principal, str]:
    state = web_state(request)
    token = bearer_token(request)
    principal: Principal = await state.validator.validate(token)
    if principal.is_partner_technician:
        raise api_error(403, "partner_tenant_only", "Reports run from your own (partner) tenant.")
    record = await asyncio.to_thread(state.registry.get, principal.tenant_id)
    if record is None or not record.enabled:
        raise api_error(403, "tenant_not_onboarded", "This tenant is not onboarded (or is disabled).")
    return principal, token


@api_router.get("/reports", name="api_reports", response_model=api_models.Reports)
async def api_reports(request: Request) -> Response:
    """The reports, their columns, the built-in baselines, and the partner's customers to run them over."""
    principal, token = await _api_principal(request)
    try:
        customers = await report_customers(request, principal, token)
    except GdapUnreadable as exc:
        raise api_error(502, exc.error.code, exc.error.describe()) from None
    return JSONResponse(
        {
            "reports": [
                {"name": r.name, "title": r.title, "description": r.description, "columns": list(r.columns)}
                for r in REPORTS
            ],
            "baselines": list(baseline_names()),
            "customers": [
                {"tenant_id": c.tenant_id, "name": c.name, "domain": c.domain, "onboarded": c.onboarded}
                for c in customers
            ],
        }
    )


@api_router.get("/reports/{name}", name="api_report_tenant", response_model=api_models.ReportTenant)
async def api_report_tenant(
    request: Request,
    name: str,
    tenant: Annotated[str, Query(max_length=100)],
    baseline: Annotated[str, Query(max_length=80)] = "",
    golden: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """One customer's rows of report ``name`` (bearer API token of a member of the partner tenant).

    ``golden``: the drift report's golden tenant (your own tenant or an onboarded customer).
    """
    principal, token = await _api_principal(request)
    return await _tenant_answer(request, principal, token, name, tenant, baseline, golden)
