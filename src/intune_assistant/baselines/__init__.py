"""Baselines: the built-in Windows security baseline, and downloading public ones.

A baseline is just a snapshot (or any folder the importers read); ``analyses.compare``
compares a tenant with it. The built-in one works offline and in the demo.
"""

from .builtin import BUILTIN, UnknownBaselineError, builtin_baseline, builtin_definitions
from .download import DEFAULT_BASELINE_URL, BaselineDownloadError, DownloadLimits, download_baseline, extract_zip

__all__ = [
    "BUILTIN",
    "DEFAULT_BASELINE_URL",
    "BaselineDownloadError",
    "DownloadLimits",
    "UnknownBaselineError",
    "builtin_baseline",
    "builtin_definitions",
    "download_baseline",
    "extract_zip",
]
