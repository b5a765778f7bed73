"""Finding the user and device to explain: by UPN, name, id or serial; ambiguity is an error."""

from __future__ import annotations

import pytest
from tests.analyses.troubleshoot.builder import Tenant

from intune_assistant.analyses.assignments import Directory
from intune_assistant.analyses.troubleshoot import SubjectError, resolve_subject


def _tenant() -> tuple[Directory, str, str, str, str]:
    t = Tenant()
    ana, bob = t.user("Ana@Test.example"), t.user("bob@test.example")
    ana_phone, _ = t.device("iPhone", user=ana, os="iOS", serialNumber="SER-ANA")
    bob_phone, _ = t.device("iPhone", user=bob, os="iOS")
    return Directory(t.snapshot()), ana, bob, ana_phone, bob_phone


def test_troubleshoot_subject_by_upn_is_case_insensitive() -> None:
    directory, ana, *_ = _tenant()
    assert resolve_subject(directory, user="ana@test.EXAMPLE").user_id == ana


def test_troubleshoot_subject_ambiguous_device_name_lists_the_devices() -> None:
    directory, *_ = _tenant()
    with pytest.raises(SubjectError, match="2 devices are named 'iphone'") as raised:
        resolve_subject(directory, device="iphone")
    assert "Ana@Test.example" in str(raised.value) and "bob@test.example" in str(raised.value)


def test_troubleshoot_subject_user_narrows_a_shared_device_name() -> None:
    directory, _, bob, _, bob_phone = _tenant()
    subject = resolve_subject(directory, user="bob@test.example", device="iPhone")
    assert (subject.user_id, subject.device_id) == (bob, bob_phone)


def test_troubleshoot_subject_device_alone_brings_its_primary_user() -> None:
    directory, ana, _, ana_phone, _ = _tenant()
    subject = resolve_subject(directory, device="SER-ANA")
    assert (subject.user_id, subject.device_id) == (ana, ana_phone)
    assert "primary user" in subject.notes[0]
    alone = resolve_subject(directory, device=ana_phone, primary_user=False)
    assert alone.user_id is None and "Device only" in alone.notes[0]


def test_troubleshoot_subject_errors_say_what_to_do() -> None:
    directory, *_ = _tenant()
    with pytest.raises(SubjectError, match=r"no user 'carol@test\.example'"):
        resolve_subject(directory, user="carol@test.example")
    with pytest.raises(SubjectError, match="give a user"):
        resolve_subject(directory)
    failed = Directory(Tenant().snapshot(failed={"users": "403: needs User.Read.All"}))
    with pytest.raises(SubjectError, match="users weren't read"):
        resolve_subject(failed, user="ana@test.example")
