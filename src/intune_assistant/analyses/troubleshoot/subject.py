"""Who to explain: a user by UPN, a device by name (or id/serial), or a user on a device.

Look-ups refuse to guess: a device name shared by several devices is an error that lists them,
narrowed to the user's devices when a user is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intune_assistant.analyses.assignments import Directory, is_usable

__all__ = ["Subject", "SubjectError", "find_device", "find_user", "resolve_subject"]


class SubjectError(LookupError):
    """A user or device that can't be found (or not told apart); the message says what to do."""


@dataclass(frozen=True)
class Subject:
    """The ids of the user and/or managed device to evaluate, and how they were chosen."""

    user_id: str | None
    device_id: str | None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.user_id is None and self.device_id is None:
            raise ValueError("a subject needs a user, a device, or both")


def _reason(directory: Directory, key: str) -> str:
    result = directory.snapshot.results.get(key)
    return result.error if result is not None and result.error else "not in this snapshot"


def find_user(directory: Directory, text: str) -> str:
    """The id of the user with UPN (or id) ``text``.

    Raises:
        SubjectError: the user isn't in the snapshot, or users weren't read.
    """
    if not is_usable(directory.snapshot, "users"):
        raise SubjectError(f"users weren't read ({_reason(directory, 'users')}), so no user can be looked up")
    key = text.strip().casefold()
    user = directory.users_by_upn.get(key) or directory.users.get(text.strip())
    if user is None:
        raise SubjectError(f"no user {text!r} in this snapshot; give the user principal name (UPN)")
    return str(user["id"])


def find_device(directory: Directory, text: str, user_id: str | None = None) -> str:
    """The id of the managed device named ``text`` (or with that id or serial number).

    ``user_id`` narrows a name several devices share to that user's devices.

    Raises:
        SubjectError: no such device, several with that name, or devices weren't read.
    """
    if not is_usable(directory.snapshot, "managedDevices"):
        raise SubjectError(
            f"managed devices weren't read ({_reason(directory, 'managedDevices')}), so no device can be looked up"
        )
    wanted = text.strip()
    if wanted in directory.devices:
        return wanted
    key = wanted.casefold()
    found = list(directory.devices_by_name.get(key, ()))
    if not found:
        found = [d for d in directory.devices.values() if str(d.get("serialNumber") or "").casefold() == key]
    if not found:
        raise SubjectError(f"no managed device named {text!r} in this snapshot")
    if len(found) > 1 and user_id is not None:
        found = [d for d in found if d.get("userId") == user_id] or found
    if len(found) > 1:

        def owner(device: Mapping[str, Any]) -> str:
            user_id = device.get("userId")
            return directory.user_label(user_id) if isinstance(user_id, str) and user_id else "no user"

        listed = "; ".join(
            f"{d.get('deviceName')} ({d.get('operatingSystem')}, {owner(d)}, id {d.get('id')})" for d in found[:10]
        )
        raise SubjectError(f"{len(found)} devices are named {text!r}: {listed}. Give the device id, or --user.")
    return str(found[0]["id"])


def resolve_subject(
    directory: Directory, *, user: str | None = None, device: str | None = None, primary_user: bool = True
) -> Subject:
    """The subject for a UPN and/or a device name.

    With only a device and ``primary_user``, the device's primary user (if any) is added, since
    user-targeted policies reach a device through the user who signs in; the subject's notes say
    so.

    Raises:
        SubjectError: when the user or device can't be found, or neither is given.
    """
    if user is None and device is None:
        raise SubjectError("give a user (UPN), a device name, or both")
    user_id = find_user(directory, user) if user is not None else None
    device_id = find_device(directory, device, user_id) if device is not None else None
    notes: list[str] = []
    if device_id is not None:
        owner = directory.devices[device_id].get("userId")
        owner = owner if isinstance(owner, str) and owner else None
        if user_id is None and primary_user and owner is not None:
            if owner in directory.users:
                user_id = owner
                notes.append(
                    f"User: {directory.user_label(owner)}, the device's primary user "
                    "(user-targeted assignments reach the device through the user who signs in)."
                )
            else:
                notes.append("The device's primary user isn't in the snapshot: user-targeted assignments are left out.")
        elif user_id is None:
            notes.append("Device only: user-targeted assignments are left out.")
        elif owner is not None and owner != user_id:
            notes.append(
                f"{directory.user_label(user_id)} isn't the device's primary user "
                f"({directory.user_label(owner)}); evaluated as if they signed in on it."
            )
    else:
        notes.append("User only: filters (which read device properties) and platforms can't be evaluated.")
    return Subject(user_id, device_id, tuple(notes))
