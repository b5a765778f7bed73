"""Collecting one customer for a report: its own token, its own Graph client (and throttling window).

``collecting_reader`` turns "a token provider for this customer" and "a Graph client for a provider"
into the ``TenantReader`` the fan-out runs; the web app (On-Behalf-Of at the customer's authority),
the CLI's demo and the benchmark (tokens the emulator issues) only differ in those two functions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from intune_assistant.catalog import Catalog
from intune_assistant.collect.collector import collect
from intune_assistant.customers.model import Customer
from intune_assistant.customers.read import read_default_domain
from intune_assistant.graph import GraphClient, TokenProvider
from intune_assistant.snapshot import TenantInfo

from .fanout import Collected, TenantReader

__all__ = ["collecting_reader"]


def collecting_reader(
    provider_for: Callable[[Customer], Awaitable[TokenProvider]],
    client_for: Callable[[TokenProvider], GraphClient],
    catalog: Catalog,
) -> TenantReader:
    """A reader that collects a customer with a client of its own (``provider_for`` may raise ``TenantRefused``)."""

    async def read(customer: Customer) -> Collected:
        provider = await provider_for(customer)
        async with client_for(provider) as client:
            # The CLI's customer list has no domains (no token per customer was asked for it): one read.
            domain = customer.domain or await read_default_domain(client)
            snapshot = await collect(client, catalog, TenantInfo(customer.tenant_id, domain, customer.name))
            return Collected(snapshot, client.stats.http_requests, None if customer.domain else domain)

    return read
