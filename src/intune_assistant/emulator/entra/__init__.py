"""The Entra ID emulator: OIDC discovery, JWKS, authorize with a demo sign-in page, the token
endpoint (auth code + PKCE, refresh, On-Behalf-Of, device code), admin consent and GDAP.

``create_entra_app(tenants, registrations=AppRegistrations.demo())`` builds it; the
``EntraEmulator`` on ``app.state.entra`` holds its state and the helpers tests and the demo use
(``graph_verifier()`` plugs it into the Graph emulator). See ``docs/emulator-entra.md``.
"""

from .app import EntraEmulator, create_entra_app
from .browser import DemoBrowser, SignInFailed, redirect_params
from .directory import Principal
from .errors import EntraError
from .mount import entra_and_graph
from .options import EntraOptions
from .registrations import (
    DEMO_CLI_CLIENT_ID,
    DEMO_FRONTEND_CLIENT_ID,
    ApiApp,
    AppRegistrations,
    FrontendApp,
    PublicClientApp,
)
from .state import TokenLogEntry
from .verifier import GraphTokenVerifier

__all__ = [
    "DEMO_CLI_CLIENT_ID",
    "DEMO_FRONTEND_CLIENT_ID",
    "ApiApp",
    "AppRegistrations",
    "DemoBrowser",
    "EntraEmulator",
    "EntraError",
    "EntraOptions",
    "FrontendApp",
    "GraphTokenVerifier",
    "Principal",
    "PublicClientApp",
    "SignInFailed",
    "TokenLogEntry",
    "create_entra_app",
    "entra_and_graph",
    "redirect_params",
]
