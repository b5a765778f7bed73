"""Identity: delegated sign-in and token handling (tokens live in memory only).

* ``config`` — ``IdentityConfig``: the frontend and API app registrations and the authority.
* ``validation`` — ``ApiTokenValidator`` (API access tokens → ``Principal``), ``AuthError``,
  ``bearer_principal`` (FastAPI dependency) and ``install_auth_error_handler``.
* ``tenant_check`` — ``registry_tenant_check``: onboarded and enabled tenants only.
* ``obo`` — ``OboClient`` (Graph tokens On-Behalf-Of the user), ``OboTokenProvider`` (for
  ``GraphClient``), ``ConsentRequired``/``InteractionRequired``/``SignInRequired``, ``scopes_for``.
* ``device_code`` — the CLI's device-code sign-in.

Nothing is re-exported here, so importing one part (the CLI's device code) loads no other.
"""
