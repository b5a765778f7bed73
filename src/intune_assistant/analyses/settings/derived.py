"""Readable names derived from settings-catalog ids, for when no definition is at hand.

Ids follow the CSP or payload they configure: ``device_vendor_msft_policy_config_defender_
allowrealtimemonitoring`` is the Defender area's AllowRealtimeMonitoring, ADMX-backed ids carry
their category path between ``~``, Apple ids start with the payload type. Structural parts are
dropped, the rest is split into words: category "Defender", name "Allow realtime monitoring".
An id that ends in a bare element name (``..._fdvrecoverykeyusagedropdown_name``, ``..._enum``,
``l_empty4``) takes its name from the segment before it, so no setting is named just "Name".
"""

from __future__ import annotations

import re
from functools import lru_cache

from .words import readable_words

__all__ = [
    "CATEGORY_SEPARATOR",
    "derived_category",
    "derived_name",
    "derived_option",
    "derived_unit",
    "is_admx_backed",
    "is_generic_name",
]

CATEGORY_SEPARATOR = " > "

# Id tokens that say where a CSP lives, not what it configures.
_STRUCTURAL = frozenset({"device", "vendor", "msft", "policy", "config", "mdmstore", "managed", "item", "policies"})
# CSP and payload areas whose name is not the words of their id.
_KNOWN_AREAS = {
    "passportforwork": "Windows Hello for Business",
    "windowsadvancedthreatprotection": "Microsoft Defender for Endpoint",
    "mdatp": "Microsoft Defender for Endpoint",
    "laps": "Windows LAPS",
    "admx": "ADMX",
    "ddm": "Declarative device management",
    "update": "Windows Update",
    "devicelock": "Device Lock",
    "deviceguard": "Device Guard",
    "localpoliciessecurityoptions": "Local Policies Security Options",
    "windowsdefendersecuritycenter": "Windows Security",
    "experience": "Experience",
    "onedrivengsc": "OneDrive",
    "googlechrome": "Google Chrome",
}
_VERSION = re.compile(r"v\d+")
# Last id segments that name an ADMX element's kind, not the setting: the segment before names it.
_ELEMENT_ARTIFACT = re.compile(r"name|enum|chk|edit|desc|dropdown|dropid|list|text|empty\d*|partname\w*|part|options?")
# Prefixes of ADMX element names that say nothing about the setting.
_ELEMENT_PREFIXES = frozenset({"pol", "iz", "part", "cat", "l"})
# Names too generic to stand alone in a report.
_GENERIC_NAMES = frozenset({"name", "value", "key", "enum", "list", "id", "data", "text"})
# Units of integer settings, by the end of the id's last segment.
_UNITS = (
    ("milliseconds", "ms"),
    ("seconds", "seconds"),
    ("minutes", "minutes"),
    ("hours", "hours"),
    ("days", "days"),
    ("weeks", "weeks"),
    ("months", "months"),
    ("inms", "ms"),
    ("inmb", "MB"),
    ("ingb", "GB"),
    ("inkb", "KB"),
)
# Labels of Apple payload types that say nothing about the payload.
_PAYLOAD_NOISE = frozenset({"com", "apple", "mcx", "managed", "microsoft", "mdm", "configuration"})


def _area(token: str) -> str:
    known = _KNOWN_AREAS.get(token.lower())
    if known:
        return known
    return _payload_name(token) if "." in token else _words(token)


def _words(token: str) -> str:
    return readable_words(token.strip("{}$"))


def _payload_name(token: str) -> str:
    labels = [label for label in token.split(".") if label and label not in _PAYLOAD_NOISE]
    return " ".join(_words(label) for label in labels) or _words(token)


@lru_cache(maxsize=16384)
def _parse(definition_id: str) -> tuple[tuple[str, ...], str]:
    """(category parts, name) for a settings-catalog definition id."""
    user = definition_id.startswith("user_")
    if "~" in definition_id:
        # ADMX-backed: <admx file>~policy~<category>~...~<category>_<setting>[_<part>]; Office
        # ADMX ids mark their names with "l_" and separate them with "_l_".
        segments = [s for s in definition_id.split("~")[1:] if s != "policy"] or [definition_id]
        last = segments[-1]
        if "_l_" in last:
            pieces = [p.removeprefix("l_") for p in last.split("_l_")]
            pieces = _named_element(_with_versions(pieces))
            categories, setting = [*segments[:-1], *pieces[:-1]], pieces[-1]
        else:
            pieces = _named_element(last.split("_"))
            setting = pieces[-1]
            category = "_".join(pieces[:-1])
            categories = [*segments[:-1], category] if category else segments[:-1]
        parts = tuple(_area(c.removeprefix("l_").removeprefix("cat_")) for c in categories if c)
        name = _words(setting)
    else:
        tokens = [t for t in definition_id.split("_") if t and t.lower() not in _STRUCTURAL and t != "user"]
        if not tokens:
            return (), _words(definition_id)
        # Placeholders such as {firewallrulename} name an instance, not a setting.
        tokens = _named_element(_with_versions(tokens))
        categories = [t for t in tokens[:-1] if not t.startswith("{")]
        parts = tuple(dict.fromkeys(_area(t) for t in categories))
        name = _area(tokens[-1]) if "." in tokens[-1] else _words(tokens[-1])
    if user and parts:
        parts = (*parts[:-1], f"{parts[-1]} (User)")
    return parts, name


def _named_element(tokens: list[str]) -> list[str]:
    """Tokens whose last one names what the setting is: an element artifact ("name", "enum") gives
    way to the one before, and ADMX element prefixes ("pol_", "iz_") go."""
    while len(tokens) > 1 and _ELEMENT_ARTIFACT.fullmatch(tokens[-1].lower().removeprefix("l_")):
        tokens = tokens[:-1]
    return [t for t in tokens[:-1] if t.lower() not in _ELEMENT_PREFIXES] + tokens[-1:]


def _with_versions(tokens: list[str]) -> list[str]:
    """Tokens with a trailing version marker ("v2") kept with the name before it."""
    if len(tokens) > 1 and _VERSION.fullmatch(tokens[-1]):
        return [*tokens[:-2], f"{tokens[-2]} ({tokens[-1]})"]
    return tokens


def derived_name(definition_id: str) -> str:
    """A readable setting name from the id alone."""
    return _parse(definition_id)[1]


def derived_category(definition_id: str) -> str:
    """The category path the id names (areas joined with " > "), "" when it names none."""
    return CATEGORY_SEPARATOR.join(_parse(definition_id)[0])


def is_admx_backed(definition_id: str, parent_id: str = "") -> bool:
    """True for an ADMX-backed policy itself (not one of its elements): its options ``_0``/``_1`` are
    Disabled/Enabled. Its elements are children whose ids extend the policy's id."""
    if "~policy~" not in definition_id and "_admx_" not in definition_id:
        return False
    return not (parent_id and definition_id.startswith(f"{parent_id}_"))


def derived_option(definition_id: str, item_id: str, *, admx_policy: bool = False) -> str:
    """A readable option label from an option id (``<definition id>_<option>``).

    ``admx_policy``: the definition is an ADMX-backed policy (see ``is_admx_backed``).
    """
    suffix = (
        item_id[len(definition_id) + 1 :] if item_id.startswith(f"{definition_id}_") else item_id.rsplit("_", 1)[-1]
    )
    if not suffix:
        # Some options are the definition id plus "_" alone: there is nothing more to read.
        return "(empty option)"
    if admx_policy and suffix in ("0", "1"):
        return "Enabled" if suffix == "1" else "Disabled"
    if suffix.lower() in ("true", "false"):
        return suffix.capitalize()
    return suffix if suffix.lstrip("-").isdigit() else _words(suffix)


def is_generic_name(name: str) -> bool:
    """True for a name that says nothing on its own ("Name", "Value"): report it with its parent's."""
    return name.strip().lower() in _GENERIC_NAMES or not name.strip()


def derived_unit(definition_id: str) -> str | None:
    """The unit an integer setting's id names ("...graceperiodinminutes" → "minutes"), or None."""
    last = definition_id.rsplit("_", 1)[-1].lower()
    return next((unit for ending, unit in _UNITS if last.endswith(ending)), None)
