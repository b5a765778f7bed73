"""The CLI's kept sign-in: MSAL's token cache persisted on the admin's own machine, opt-in only.

Only ``--keep-sign-in`` builds one. The cache is encrypted by the operating system (DPAPI on
Windows, the Keychain on macOS, libsecret on Linux) through ``msal-extensions``. Where no keyring
is available the cache is kept in a plain file only when the user explicitly allows it: that file
holds a refresh token, readable by anyone who can read the user's files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import msal
from msal_extensions import FilePersistence, PersistedTokenCache, build_encrypted_persistence


class KeyringUnavailableError(RuntimeError):
    """The operating system's keyring cannot encrypt the cache and a plain file was not allowed."""


@dataclass(frozen=True)
class KeptSignIn:
    """A persisted MSAL token cache and where and how it is kept."""

    cache: msal.TokenCache
    location: Path
    encrypted: bool


def default_cache_location() -> Path:
    """Where the kept sign-in lives by default: in the user's own profile, never a shared folder."""
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "intune-assistant" / "msal-token-cache.bin"


def kept_sign_in(location: Path, *, allow_plaintext: bool) -> KeptSignIn:
    """The persisted token cache at ``location``, encrypted with the OS keyring where available.

    Raises ``KeyringUnavailableError`` (naming the reason) when encryption is not available and
    ``allow_plaintext`` is false; nothing is written in that case.
    """
    try:
        persistence = build_encrypted_persistence(str(location))
    except Exception as exc:  # msal-extensions raises ImportError, RuntimeError or OS errors per platform
        if not allow_plaintext:
            raise KeyringUnavailableError(
                f"the operating system's keyring cannot encrypt the kept sign-in here ({_reason(exc)}). "
                "Install and unlock one (on Linux: libsecret and PyGObject with a running Secret Service), "
                "or add --allow-plaintext-cache to keep it in a plain file that anyone who can read your "
                "files can use to sign in as you, or leave out --keep-sign-in."
            ) from None
        persistence = FilePersistence(str(location))
    return KeptSignIn(
        cache=PersistedTokenCache(persistence), location=location, encrypted=bool(persistence.is_encrypted)
    )


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
