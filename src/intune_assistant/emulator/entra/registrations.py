"""The product's app registrations as the emulated Entra ID knows them.

Three multi-tenant registrations (DESIGN §2):

* ``FrontendApp`` — signs the user in (OpenID Connect) and may obtain a token for the API's
  ``access_as_user`` scope only. It holds no Microsoft Graph permission.
* ``ApiApp`` — the "Downstream API": exposes ``access_as_user``, lists the frontend in
  ``knownClientApplications``, pre-authorizes the frontend and the CLI for ``access_as_user``
  (``preAuthorizedApplications``: "Authorized client applications" in the portal), and holds
  the delegated Graph permissions it uses through
  On-Behalf-Of: the catalog's read scopes plus write scopes per write module.
* ``PublicClientApp`` — the CLI, a public client using the device-code flow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from intune_assistant.catalog.modules import write_scopes as write_scopes_by_module

from ...catalog import Catalog, default_catalog
from ..tokens import DEMO_API_CLIENT_ID

__all__ = [
    "DEMO_CLI_CLIENT_ID",
    "DEMO_FRONTEND_CLIENT_ID",
    "ApiApp",
    "AppRegistrations",
    "FrontendApp",
    "PublicClientApp",
]

DEMO_FRONTEND_CLIENT_ID = "3f2a9c1e-7b4d-4e8a-a1c5-6d9e0f1b2c3d"
DEMO_CLI_CLIENT_ID = "8d7c6b5a-4e3f-4a2b-9c1d-0e9f8a7b6c5d"
# Demo secrets: the emulator is a demo and test bed; these never protect anything real.
DEMO_FRONTEND_SECRET = "demo-frontend-secret-emulator-only"
DEMO_API_SECRET = "demo-api-secret-emulator-only"
DEMO_REDIRECT_URIS = ("http://localhost:8000/auth/callback", "https://localhost:8000/auth/callback")
DEMO_CONSENT_REDIRECT_URIS = ("http://localhost:8000/onboarding/consent", "https://localhost:8000/onboarding/consent")
DEMO_POST_LOGOUT_URIS = ("http://localhost:8000/", "https://localhost:8000/")


def _dedupe(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


@dataclass(frozen=True)
class FrontendApp:
    """The sign-in app. ``client_secret`` None makes it a public client (PKCE only)."""

    client_id: str
    redirect_uris: tuple[str, ...]
    client_secret: str | None = None
    post_logout_redirect_uris: tuple[str, ...] = ()
    display_name: str = "Intune Assistant"


@dataclass(frozen=True)
class ApiApp:
    """The API app: exposes ``access_as_user`` and calls Graph on behalf of the user.

    ``redirect_uris`` are where ``/adminconsent`` may send the administrator back (incremental
    admin consent for write scopes goes to this app, see graph-entra.md §4).
    """

    client_id: str
    client_secret: str
    known_client_applications: tuple[str, ...]
    read_scopes: tuple[str, ...]
    write_scopes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    redirect_uris: tuple[str, ...] = ()
    exposed_scope: str = "access_as_user"
    display_name: str = "Intune Assistant API"
    # preAuthorizedApplications: the clients that get ``exposed_scope`` without a consent of their own.
    pre_authorized_applications: tuple[str, ...] = ()

    @property
    def identifier_uri(self) -> str:
        """The Application ID URI, ``api://{client_id}``."""
        return f"api://{self.client_id}"

    def graph_permissions(self) -> tuple[str, ...]:
        """Every delegated Graph permission configured on the app (read, then each module's writes)."""
        return _dedupe([*self.read_scopes, *(s for scopes in self.write_scopes.values() for s in scopes)])


@dataclass(frozen=True)
class PublicClientApp:
    """The CLI: a public client (no secret) using the device-code flow.

    ``graph_scopes`` are its configured delegated Graph permissions: the read scopes, and the
    bulk-assign and bulk-edit modules' write scopes for ``assign apply`` and ``bulk apply`` (a tenant
    consents to those separately).
    """

    client_id: str
    graph_scopes: tuple[str, ...]
    display_name: str = "Intune Assistant CLI"


@dataclass(frozen=True)
class AppRegistrations:
    """The registrations the emulated Entra ID knows, in every tenant (they are multi-tenant)."""

    frontend: FrontendApp
    api: ApiApp
    cli: PublicClientApp

    @classmethod
    def demo(
        cls,
        *,
        redirect_uris: Iterable[str] = DEMO_REDIRECT_URIS,
        consent_redirect_uris: Iterable[str] = DEMO_CONSENT_REDIRECT_URIS,
        post_logout_redirect_uris: Iterable[str] = DEMO_POST_LOGOUT_URIS,
        catalog: Catalog | None = None,
    ) -> AppRegistrations:
        """The demo registrations with fixed GUIDs and secrets; redirect URIs are configurable."""
        catalog = catalog or default_catalog()
        # The partner scope is configured on the apps (a partner consents to it); it is asked of
        # a partner's own tenant only, never of a customer's.
        read_scopes = (*catalog.read_scopes(), *catalog.partner_scopes())
        write_scopes = write_scopes_by_module(catalog)
        frontend = FrontendApp(
            client_id=DEMO_FRONTEND_CLIENT_ID,
            redirect_uris=tuple(redirect_uris),
            client_secret=DEMO_FRONTEND_SECRET,
            post_logout_redirect_uris=tuple(post_logout_redirect_uris),
        )
        api = ApiApp(
            client_id=DEMO_API_CLIENT_ID,
            client_secret=DEMO_API_SECRET,
            known_client_applications=(DEMO_FRONTEND_CLIENT_ID,),
            read_scopes=read_scopes,
            write_scopes=write_scopes,
            redirect_uris=tuple(consent_redirect_uris),
            # The web app's sign-in and the CLI's --server mode call the API as the user.
            pre_authorized_applications=(DEMO_FRONTEND_CLIENT_ID, DEMO_CLI_CLIENT_ID),
        )
        cli_writes = (*write_scopes.get("bulk-assign", ()), *write_scopes.get("bulk-edit", ()))
        cli_scopes = tuple(dict.fromkeys([*read_scopes, *cli_writes]))
        cli = PublicClientApp(client_id=DEMO_CLI_CLIENT_ID, graph_scopes=cli_scopes)
        return cls(frontend=frontend, api=api, cli=cli)

    def client(self, client_id: str) -> FrontendApp | ApiApp | PublicClientApp | None:
        """The registration with ``client_id`` (case-insensitive, as Entra treats GUIDs)."""
        wanted = client_id.strip().lower()
        for app in (self.frontend, self.api, self.cli):
            if app.client_id.lower() == wanted:
                return app
        return None
