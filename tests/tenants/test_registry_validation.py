"""Tenant ID and domain checks, including property tests over generated inputs."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intune_assistant.tenants import RegistryError
from intune_assistant.tenants.validation import normalise_domain, normalise_tenant_id

LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)


@given(st.uuids())
def test_every_guid_is_accepted_in_lower_case(value: uuid.UUID) -> None:
    assert normalise_tenant_id(str(value).upper()) == str(value)
    assert normalise_tenant_id(f"  {value}\n") == str(value)


@given(st.text(max_size=40))
def test_text_that_is_not_a_canonical_guid_is_refused(text: str) -> None:
    try:
        is_guid = str(uuid.UUID(text.strip())) == text.strip().lower()
    except ValueError:
        is_guid = False
    if is_guid:
        assert normalise_tenant_id(text) == text.strip().lower()
    else:
        with pytest.raises(RegistryError, match="is not a GUID"):
            normalise_tenant_id(text)


@given(st.lists(LABEL, min_size=1, max_size=4), st.from_regex(r"[a-z][a-z0-9]{1,10}", fullmatch=True))
def test_dns_names_are_accepted_and_lower_cased(labels: list[str], tld: str) -> None:
    name = ".".join([*labels, tld])
    assert normalise_domain(name.upper() + ".") == name


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("contoso.onmicrosoft.com", "contoso.onmicrosoft.com"),
        ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
        ("a-b.c-d.example", "a-b.c-d.example"),
    ],
)
def test_examples_of_valid_domains(domain: str, expected: str) -> None:
    assert normalise_domain(domain) == expected


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("", "Domain is empty"),
        ("localhost", "not a DNS domain name"),
        ("münchen.de", "not a DNS domain name"),
        ("contoso_corp.com", "not a DNS domain name"),
        ("192.168.1.10", "looks like an IP address"),
        ("a." * 127 + "com", "longer than 253 characters"),
        ("contoso-.com", "not a DNS domain name"),
    ],
)
def test_examples_of_invalid_domains(domain: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message) as raised:
        normalise_domain(domain)
    assert "e.g. contoso.onmicrosoft.com" in str(raised.value)
