"""The tenant check the web app gives ``ApiTokenValidator``: onboarded and enabled, per the registry."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from .errors import AuthError

__all__ = ["registry_tenant_check"]


class _Record(Protocol):
    @property
    def enabled(self) -> bool: ...


class _Registry(Protocol):
    def get(self, tenant_id: str) -> _Record | None: ...


def registry_tenant_check(registry: _Registry) -> Callable[[str], Awaitable[None]]:
    """A tenant check over ``intune_assistant.tenants.Registry`` (or anything with ``get``).

    Not onboarded → 403 ``tenant_not_onboarded``; disabled → 403 ``tenant_disabled``. The registry
    is synchronous (a database), so it is asked from a worker thread.
    """

    async def check(tenant_id: str) -> None:
        record = await asyncio.to_thread(registry.get, tenant_id)
        if record is None:
            raise AuthError.forbidden(
                "tenant_not_onboarded",
                f"Your organisation (tenant {tenant_id}) is not onboarded to Intune Assistant. An "
                "administrator of the tenant must onboard it first.",
            )
        if not record.enabled:
            raise AuthError.forbidden(
                "tenant_disabled",
                f"Intune Assistant is disabled for your organisation (tenant {tenant_id}). Contact the "
                "service's operator to enable it again.",
            )

    return check
