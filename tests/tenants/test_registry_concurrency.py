"""Racing writers on each backend: the second onboarding or activation sees the first, no duplicates."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine

from intune_assistant.tenants import Registry, TenantRecord, upgrade_database

if TYPE_CHECKING:
    from conftest import Backend

T = TypeVar("T")
CONTOSO = "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"
WORKERS = 8


def race(action: Callable[[], T], workers: int = WORKERS) -> list[T]:
    """Run ``action`` in ``workers`` threads released together; re-raise the first failure."""
    start = threading.Barrier(workers)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        try:
            result = action()
        except BaseException as error:  # handed to the test's thread below
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append(result)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar_one())


def test_concurrent_onboarding_of_one_tenant_creates_one_row(backend: Backend) -> None:
    upgrade_database(backend.url)
    # Separate engines, as separate web replicas would have.
    registries = iter([Registry(backend.engine()) for _ in range(WORKERS)])
    lock = threading.Lock()

    def onboard() -> TenantRecord:
        with lock:
            registry = next(registries)
        return registry.onboard(CONTOSO, "contoso.com", "self-hosted")

    records = race(onboard)

    assert len(records) == WORKERS
    assert len({(r.tenant_id, r.domain, r.plan, r.onboarded_at) for r in records}) == 1
    assert count(backend.engine(), "tenant") == 1


def test_concurrent_activation_of_one_module_creates_one_row(registry: Registry, engine: Engine) -> None:
    registry.onboard(CONTOSO, "contoso.com", "self-hosted")

    records = race(lambda: registry.activate_module(CONTOSO, "restore"))

    assert all(r.module_names == {"restore"} for r in records)
    assert count(engine, "tenant_module") == 1


def test_concurrent_activation_of_different_modules_keeps_them_all(registry: Registry) -> None:
    registry.onboard(CONTOSO, "contoso.com", "self-hosted")
    modules = iter(["restore", "bulk-assign", "deploy-baseline"])
    lock = threading.Lock()

    def activate() -> TenantRecord:
        with lock:
            module = next(modules)
        return registry.activate_module(CONTOSO, module)

    race(activate, workers=3)

    assert registry.get(CONTOSO).module_names == {"restore", "bulk-assign", "deploy-baseline"}  # type: ignore[union-attr]
