"""The Conditional Access page: every policy in words, the gaps found, and a what-if for a sign-in.

Read from the tenant's one collection like every page. The policy list searches, filters by state,
sorts and exports on the server with its state in the URL; the what-if form is a GET, so a
what-if can be bookmarked and shared. JSON beside: ``/api/v1/conditional-access`` and
``/api/v1/conditional-access/whatif``. Troubleshoot loads the policies that cover its user from
``/conditional-access/user``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import APIRouter, Request
from starlette.datastructures import QueryParams
from starlette.responses import HTMLResponse, JSONResponse, Response

from intune_assistant.analyses.conditional_access import (
    CaOverview,
    PolicyOverview,
    PolicyVerdict,
    SignIn,
    WhatIf,
    WhatIfError,
    ca_overview,
    overview_json,
    user_policies,
    what_if,
    what_if_json,
)
from intune_assistant.analyses.settings.context import ENTRA_ROLES
from intune_assistant.analyses.troubleshoot import SubjectError
from intune_assistant.catalog import condition_platform_label
from intune_assistant.catalog.conditional_access import CLIENT_APP_TYPES, FIRST_PARTY_APPS

from . import api_models
from .analyses import TARGETING
from .derived import Analysis, Derived
from .errors import api_error
from .listing import Column, Facet, Listing, Table
from .templating import render
from .tenant_data import ApiData, FileData, PageData

router = APIRouter()
api_router = APIRouter()
"""This feature's JSON API routes (mounted under ``/api/v1`` by ``api_v1``)."""

_STATE_ORDER = {"On": 0, "Report-only": 1, "Off": 2}
PLATFORMS = ("android", "iOS", "windows", "macOS", "linux", "windowsPhone")
CLIENT_APPS = ("browser", "mobileAppsAndDesktopClients", "exchangeActiveSync", "other")
RISKS = ("none", "low", "medium", "high")

POLICIES: Listing[PolicyOverview] = Listing(
    view="conditional-access",
    path="/conditional-access",
    columns=(
        Column("policy", "Policy", lambda p: p.name),
        Column("state", "State", lambda p: p.state_label, lambda p: (_STATE_ORDER.get(p.state_label, 3), p.name)),
        Column("users", "Users", lambda p: p.users, sortable=False),
        Column("resources", "Target resources", lambda p: p.resources, sortable=False),
        Column("conditions", "Conditions", lambda p: p.conditions, sortable=False),
        Column("grant", "Grant", lambda p: p.grant),
        Column("session", "Session", lambda p: p.session, sortable=False),
        Column("modified", "Last modified", lambda p: (p.modified or "")[:10]),
    ),
    default_sort="policy",
    facets=(Facet("state", "State", lambda p: (p.state_label,), any_label="All states"),),
    noun="policies",
)


def _overview(derived: Derived) -> tuple[CaOverview, Table[PolicyOverview]]:
    directory = derived.value(TARGETING).directory
    overview = ca_overview(derived.snapshot, derived.catalog, directory)
    return overview, Table(POLICIES, list(overview.policies))


CA_OVERVIEW: Analysis[tuple[CaOverview, Table[PolicyOverview]]] = Analysis("conditional access", _overview)
"""Every CA policy in words, the gaps found, and the types the snapshot lacks."""


@dataclass(frozen=True)
class WhatIfQuery:
    """The what-if form, from the query string (values trimmed and bounded)."""

    user: str = ""
    app: str = ""
    platform: str = ""
    location: str = ""
    client_app: str = ""
    roles: tuple[str, ...] = ()
    user_risk: str = ""
    sign_in_risk: str = ""

    @classmethod
    def parse(cls, params: QueryParams | Mapping[str, str]) -> WhatIfQuery:
        """Read the query string; ``role`` may repeat (``none`` = holds no directory role)."""

        def text(key: str) -> str:
            return (params.get(key) or "").strip()[:300]

        roles = params.getlist("role") if isinstance(params, QueryParams) else [params.get("role", "")]
        return cls(
            user=text("user"),
            app=text("app"),
            platform=text("platform"),
            location=text("location"),
            client_app=text("client_app"),
            roles=tuple(r.strip()[:100] for r in roles if r.strip())[:20],
            user_risk=text("user_risk"),
            sign_in_risk=text("sign_in_risk"),
        )

    def sign_in(self) -> SignIn:
        """The sign-in to evaluate (empty fields are "not said")."""
        roles: tuple[str, ...] | None = None
        if "none" in self.roles:
            roles = ()
        elif self.roles:
            roles = self.roles
        return SignIn(
            user=self.user,
            app=self.app or None,
            platform=self.platform or None,
            location=self.location or None,
            client_app=self.client_app or None,
            roles=roles,
            user_risk=self.user_risk or None,
            sign_in_risk=self.sign_in_risk or None,
        )


@dataclass(frozen=True)
class WhatIfAnswer:
    """The what-if's result, or why it couldn't be computed."""

    result: WhatIf | None = None
    error: str | None = None


async def _what_if(data: PageData | ApiData, query: WhatIfQuery) -> WhatIfAnswer:
    tenant = await data.analysis(TARGETING)
    overview, _ = await data.analysis(CA_OVERVIEW)

    def compute() -> WhatIfAnswer:
        try:
            sign_in = query.sign_in()
            return WhatIfAnswer(what_if(tenant.snapshot, tenant.catalog, sign_in, tenant.directory, overview))
        except (SubjectError, WhatIfError) as exc:
            return WhatIfAnswer(error=str(exc))

    return await data.answer("ca-whatif", query, compute)


@router.get("/conditional-access", name="conditional_access", response_class=HTMLResponse)
async def ca_page(request: Request, data: PageData) -> Response:
    """Conditional Access: the gaps found, then every policy in words."""
    overview, table = await data.analysis(CA_OVERVIEW)
    page = table.page(table.listing.state(request.query_params))
    context = {"domain": data.domain, "overview": overview, "table": table, "page": page, "nav": "conditional-access"}
    return render(request, "conditional_access.html", context)


@router.get("/conditional-access.csv", name="conditional_access_csv")
async def ca_export(request: Request, data: FileData) -> Response:
    """Every policy matching the search and state menu, every visible column."""
    _, table = await data.analysis(CA_OVERVIEW)
    return table.csv(table.listing.state(request.query_params), data.domain)


@router.get("/conditional-access/whatif", name="conditional_access_whatif", response_class=HTMLResponse)
async def ca_what_if_page(request: Request, data: PageData) -> Response:
    """What-if: which policies apply to a sign-in and what they do together, with the reasons."""
    query = WhatIfQuery.parse(request.query_params)
    tenant = await data.analysis(TARGETING)
    answer = await _what_if(data, query) if query.user else WhatIfAnswer()
    named = sorted(
        str(loc.get("displayName") or loc.get("id")) for loc in tenant.snapshot.read_objects("namedLocations") or ()
    )
    context = {
        "domain": data.domain,
        "query": query,
        "answer": answer,
        "apps": sorted(FIRST_PARTY_APPS.values()),
        "platforms": [(p, condition_platform_label(p)) for p in PLATFORMS],
        "client_apps": [(c, CLIENT_APP_TYPES[c]) for c in CLIENT_APPS],
        "roles": sorted(ENTRA_ROLES.values()),
        "risks": RISKS,
        "locations": named,
        "nav": "conditional-access",
    }
    return render(request, "conditional_access_whatif.html", context)


@router.get("/conditional-access/user", name="conditional_access_user", response_class=HTMLResponse)
async def ca_for_user(request: Request, data: PageData) -> Response:
    """The CA policies that cover one user (Troubleshoot shows this fragment under its verdicts)."""
    user = (request.query_params.get("user") or "").strip()[:300]
    tenant = await data.analysis(TARGETING)
    overview, _ = await data.analysis(CA_OVERVIEW)

    def compute() -> tuple[tuple[PolicyVerdict, ...], str | None]:
        try:
            return user_policies(tenant.snapshot, tenant.catalog, user, tenant.directory, None, overview), None
        except (SubjectError, WhatIfError) as exc:
            return (), str(exc)

    verdicts, error = await data.answer("ca-user", user, compute) if user else ((), "Give a user.")
    return render(request, "_conditional_access_user.html", {"user": user, "verdicts": verdicts, "error": error})


@api_router.get("/conditional-access", response_model=api_models.ConditionalAccess)
async def api_ca(data: ApiData) -> JSONResponse:
    """Every CA policy in words and the gaps found (Bearer token; 202 while collecting)."""
    overview, _ = await data.analysis(CA_OVERVIEW)
    return JSONResponse({"status": "ready", **overview_json(overview, data.domain)})


@api_router.get("/conditional-access/whatif", response_model=api_models.WhatIf)
async def api_ca_what_if(request: Request, data: ApiData) -> JSONResponse:
    """The what-if for ``user`` (and ``app``, ``platform``, ``location``, ``client_app``, ``role``...)."""
    query = WhatIfQuery.parse(request.query_params)
    if not query.user:
        raise api_error(400, "user_missing", "Give user=UPN (and app, platform, location, client_app, role).")
    answer = await _what_if(data, query)
    if answer.result is None:
        raise api_error(400, "what_if_input", answer.error or "The what-if couldn't be computed.")
    return JSONResponse({"status": "ready", **what_if_json(answer.result, data.domain)})
