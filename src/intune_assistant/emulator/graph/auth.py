"""Bearer-token authentication: who is calling, in which tenant, with which role.

Only delegated tokens are accepted (the product never uses application permissions): a verified
token without ``scp`` is refused with 403. The tenant is the token's ``tid``; a tenant the emulator
does not serve is a 401. The role comes from the tenant's demo operators by ``oid``; a user who is
not an operator gets a role from the token's ``wids`` (Global/Intune Administrator → admin, Global
Reader → readOnly, else none). An operator's time-bound roles (PIM) count while active.
Error messages never contain the token.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from ..tenants.model import GLOBAL_ADMINISTRATOR, GLOBAL_READER, INTUNE_ADMINISTRATOR, OperatorRole
from ..tenants.pim import effective_role
from ..tokens import ClaimsChallenge, InvalidToken, TokenVerifier
from .errors import GraphError
from .protocol import Caller
from .store import TenantStore

__all__ = ["authenticate"]


def _unauthorized(message: str) -> GraphError:
    return GraphError(401, "InvalidAuthenticationToken", message, headers={"WWW-Authenticate": 'Bearer realm=""'})


def _claims_challenge(nbf: float) -> GraphError:
    # What Graph answers a CAE token after a critical event (learn.microsoft.com: claims-challenge,
    # app-resilience-continuous-access-evaluation): 401, insufficient_claims, claims asking nbf.
    wanted = {"access_token": {"nbf": {"essential": True, "value": str(int(nbf))}}}
    encoded = base64.b64encode(json.dumps(wanted, separators=(",", ":")).encode()).decode("ascii")
    header = (
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
        f'client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="{encoded}"'
    )
    message = (
        "Continuous access evaluation resulted in challenge with result: InteractionRequired "
        "and code: TokenIssuedBeforeRevocationTimestamp"
    )
    return GraphError(401, "InvalidAuthenticationToken", message, headers={"WWW-Authenticate": header})


def _role_from_wids(wids: Any) -> OperatorRole:
    roles = set(wids) if isinstance(wids, list) else set()
    if roles & {GLOBAL_ADMINISTRATOR, INTUNE_ADMINISTRATOR}:
        return "admin"
    if GLOBAL_READER in roles:
        return "readOnly"
    return "none"


def _claim(claims: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = claims.get(name)
        if isinstance(value, str) and value:
            return value
    return ""


def authenticate(
    headers: Mapping[str, str], verifier: TokenVerifier, stores: Mapping[str, TenantStore], *, now: float
) -> tuple[Caller, TenantStore]:
    """The caller and their tenant, or the 401/403 Graph would answer. ``now`` (Unix seconds) decides
    which time-bound (PIM) roles are active: Intune checks the roles held at each request."""
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Access token is empty.")
    try:
        claims = verifier.verify(token.strip())
    except ClaimsChallenge as exc:
        raise _claims_challenge(exc.nbf) from None
    except InvalidToken as exc:
        raise _unauthorized(f"Access token validation failure: {exc.reason}.") from None
    tenant_id = _claim(claims, "tid")
    store = stores.get(tenant_id)
    if store is None:
        raise _unauthorized("Access token validation failure: the token's tenant is not served here.")
    scp = claims.get("scp")
    if not isinstance(scp, str) or not scp.strip():
        raise GraphError(
            403,
            "Forbidden",
            "App-only tokens are not accepted: the emulator serves delegated tokens only "
            "(the token has no 'scp' claim).",
        )
    user_id = _claim(claims, "oid")
    operator = store.operator(user_id)
    if operator is not None and not operator.enabled:
        raise _unauthorized("Access token has been revoked: the user account is disabled.")
    role: OperatorRole = (
        effective_role(store.tenant, operator, now) if operator is not None else _role_from_wids(claims.get("wids"))
    )
    caller = Caller(
        tenant_id=tenant_id,
        user_id=user_id,
        upn=_claim(claims, "upn", "unique_name", "preferred_username"),
        name=_claim(claims, "name"),
        app_id=_claim(claims, "appid", "azp"),
        scopes=frozenset(scp.split()),
        role=role,
    )
    return caller, store
