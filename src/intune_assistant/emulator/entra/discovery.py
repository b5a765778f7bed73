"""OpenID Connect discovery and the JWKS, per tenant and for ``common``/``organizations``.

For a tenant (by id or domain) the issuer and endpoints carry its id, as Entra resolves a
domain to the GUID. For ``common``/``organizations`` the issuer is the template
``https://{host}/{tenantid}/v2.0`` and endpoints keep the alias (graph-entra.md §4). Each JWKS
key carries the same ``issuer`` (template or concrete). An unknown tenant is a 400 AADSTS90002.
"""

from __future__ import annotations

from typing import Any

from .directory import Authority
from .keys import KeySet
from .minting import v2_issuer

__all__ = ["jwks", "openid_configuration"]


def issuer_for(authority: Authority, base: str) -> str:
    """The issuer (or issuer template) an authority advertises."""
    return v2_issuer(base, authority.tenant_id or "{tenantid}")


def openid_configuration(authority: Authority, base: str) -> dict[str, Any]:
    """The discovery document (what MSAL and token validators read; support less: code flow only)."""
    root = f"{base}/{authority.path}"
    return {
        "token_endpoint": f"{root}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "jwks_uri": f"{root}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": issuer_for(authority, base),
        "request_uri_parameter_supported": False,
        "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{root}/oauth2/v2.0/logout",
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "preferred_username",
            "name",
            "tid",
            "ver",
            "oid",
            "sid",
        ],
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
    }


def jwks(authority: Authority, base: str, keys: KeySet) -> dict[str, Any]:
    """The published signing keys, each with the authority's issuer (template or concrete)."""
    issuer = issuer_for(authority, base)
    return {"keys": [key.jwk(issuer) for key in keys.published()]}
