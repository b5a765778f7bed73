"""Readable words from the names Graph uses: camelCase properties, enum values and lower-case ids.

``passwordMinimumLength`` becomes "Password minimum length", ``wpa2Personal`` "WPA2 personal",
and the lower-case run ``allowrealtimemonitoring`` of a settings-catalog id "Allow realtime
monitoring" (split by word frequencies, ``wordninja``). Product names and acronyms keep the
spelling admins see in the Intune admin center (BitLocker, iCloud, Wi-Fi, PIN, OS).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["readable_enum", "readable_label", "readable_words", "sentence"]

# Tokens always written in capitals.
_ACRONYMS = frozenset(
    {
        "aad", "api", "apns", "asr", "atp", "ca", "cidr", "cpu", "crl", "csp", "dhcp", "dma", "dns", "eap", "edr",
        "esp", "ftp", "gps", "http", "https", "id", "ids", "imei", "ip", "ipsec", "ipv4", "ipv6", "kms",
        "lan", "laps", "lob", "lsa", "mam", "mdm", "mdatp", "mfa", "nat", "nfc", "ntlm", "oem", "oma", "os", "peap",
        "ocsp", "pfx", "pin", "pki", "pkcs", "ram", "rdp", "rtp", "scep", "sim", "smb", "sms", "ssid", "sso",
        "tls", "tpm", "ttls", "uac", "ui", "uri", "url", "urls", "usb", "utc", "uwp", "vbs", "vm", "vpn", "vpp",
        "wdac", "wip", "wlan", "wns", "wpa", "wpa2", "wpa3", "xml", "json", "upn", "sku", "guid", "ddm",
    }
)  # fmt: skip
_PLURAL_ACRONYMS = {"ids": "IDs", "urls": "URLs", "uris": "URIs"}

# Product names whose spelling is not plain capitalisation.
_BRANDS = {
    "airdrop": "AirDrop",
    "airplay": "AirPlay",
    "airprint": "AirPrint",
    "android": "Android",
    "apple": "Apple",
    "autopilot": "Autopilot",
    "azure": "Azure",
    "bitlocker": "BitLocker",
    "bluetooth": "Bluetooth",
    "cortana": "Cortana",
    "defender": "Defender",
    "entra": "Entra",
    "facetime": "FaceTime",
    "filevault": "FileVault",
    "gatekeeper": "Gatekeeper",
    "google": "Google",
    "icloud": "iCloud",
    "imessage": "iMessage",
    "intune": "Intune",
    "ios": "iOS",
    "ipad": "iPad",
    "ipados": "iPadOS",
    "iphone": "iPhone",
    "ipod": "iPod",
    "itunes": "iTunes",
    "kerberos": "Kerberos",
    "linux": "Linux",
    "macos": "macOS",
    "microsoft": "Microsoft",
    "office": "Office",
    "onedrive": "OneDrive",
    "outlook": "Outlook",
    "powershell": "PowerShell",
    "safetynet": "SafetyNet",
    "sharepoint": "SharePoint",
    "siri": "Siri",
    "smartscreen": "SmartScreen",
    "teams": "Teams",
    "wifi": "Wi-Fi",
    "windows": "Windows",
    "xbox": "Xbox",
    "visio": "Visio",
    "activex": "ActiveX",
    "excel": "Excel",
    "powerpoint": "PowerPoint",
    "onenote": "OneNote",
    "chrome": "Chrome",
    "youtube": "YouTube",
}
# Pairs a word splitter or camelCase leaves apart that admins read as one product name.
_JOINS = {
    ("air", "drop"): "airdrop",
    ("air", "play"): "airplay",
    ("air", "print"): "airprint",
    ("auto", "pilot"): "autopilot",
    ("bit", "locker"): "bitlocker",
    ("face", "time"): "facetime",
    ("file", "vault"): "filevault",
    ("gate", "keeper"): "gatekeeper",
    ("i", "cloud"): "icloud",
    ("i", "message"): "imessage",
    ("i", "os"): "ios",
    ("i", "pad"): "ipad",
    ("i", "phone"): "iphone",
    ("i", "pod"): "ipod",
    ("i", "tunes"): "itunes",
    ("ipad", "os"): "ipados",
    ("mac", "os"): "macos",
    ("one", "drive"): "onedrive",
    ("power", "shell"): "powershell",
    ("safety", "net"): "safetynet",
    ("share", "point"): "sharepoint",
    ("smart", "screen"): "smartscreen",
    ("wi", "fi"): "wifi",
    ("you", "tube"): "youtube",
    ("vi", "sio"): "visio",
    ("t", "pm"): "tpm",
    ("ipv", "4"): "ipv4",
    ("ipv", "6"): "ipv6",
    ("active", "x"): "activex",
    ("pass", "code"): "passcode",
}
# Phrases Microsoft capitalises as a name.
_PHRASES = {
    ("windows", "hello", "for", "business"): "Windows Hello for Business",
    ("windows", "hello"): "Windows Hello",
    ("microsoft", "edge"): "Microsoft Edge",
    ("company", "portal"): "Company Portal",
    ("app", "store"): "App Store",
    ("play", "store"): "Play Store",
    ("face", "id"): "Face ID",
    ("touch", "id"): "Touch ID",
    ("secure", "boot"): "Secure Boot",
}
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+")
_WORD_NUMBER = re.compile(r"([a-z]+)(\d+)")
_COMPACT = re.compile(r"[a-z]+|\d+|[A-Z]+")


def _join_pairs(words: list[str]) -> list[str]:
    result: list[str] = []
    for word in words:
        if result and (result[-1], word) in _JOINS:
            result[-1] = _JOINS[(result[-1], word)]
        else:
            result.append(word)
    return result


def _styled(word: str, first: bool, upper: bool) -> str:
    if word in _PLURAL_ACRONYMS:
        return _PLURAL_ACRONYMS[word]
    if word in _ACRONYMS or (upper and len(word) > 1):
        return word.upper()
    if word in _BRANDS:
        return _BRANDS[word]
    return word.capitalize() if first else word


def sentence(words: list[str], *, uppercase: frozenset[str] = frozenset()) -> str:
    """Words (lower case) as a sentence-case label, with product names and acronyms spelled right.

    ``uppercase`` names words that were written in capitals in the source (``FTP``).
    """
    joined = _join_pairs([w for w in words if w])
    parts: list[str] = []
    index = 0
    while index < len(joined):
        for size in (4, 2):
            phrase = tuple(joined[index : index + size])
            if phrase in _PHRASES:
                parts.append(_PHRASES[phrase])
                index += size
                break
        else:
            word = joined[index]
            parts.append(_styled(word, first=not parts, upper=word in uppercase))
            index += 1
    return " ".join(parts)


def readable_label(property_name: str) -> str:
    """A Graph property name as a label: ``passwordMinimumLength`` → "Password minimum length"."""
    tokens = _CAMEL.findall(property_name)
    if not tokens:
        return property_name
    upper = frozenset(t.lower() for t in tokens if t.isupper() and len(t) > 1)
    return sentence(_words_of(tokens), uppercase=upper)


def _words_of(tokens: list[str]) -> list[str]:
    words: list[str] = []
    for token in (t.lower() for t in tokens):
        match = _WORD_NUMBER.fullmatch(token)
        # "windows10" reads "Windows 10"; "wpa2" and "ipv6" are names of their own.
        if match and token not in _ACRONYMS:
            words.extend(match.groups())
        elif len(token) > 11 and token not in _BRANDS:
            # camelCase sometimes runs words together ("privatestealthMode"): split long runs.
            words.extend(_split_compact(token))
        else:
            words.append(token)
    return words


@lru_cache(maxsize=8192)
def _split_compact(run: str) -> tuple[str, ...]:
    if run in _BRANDS or run in _ACRONYMS or len(run) <= 3:
        return (run,)
    import wordninja  # type: ignore[import-untyped]  # imported on first use: it loads its word list

    words: list[str] = []
    for word in (str(w) for w in wordninja.split(run)):
        # The splitter cuts plurals ("exclusion", "s"): an "s" belongs to the word before it.
        if word == "s" and words:
            words[-1] += word
        else:
            words.append(word)
    return tuple(words)


def readable_words(text: str) -> str:
    """Lower-case runs (a settings-catalog id segment) as words: ``allowrealtimemonitoring`` →
    "Allow realtime monitoring". camelCase in ``text`` is honoured where it survives."""
    words: list[str] = []
    upper: set[str] = set()
    for token in _CAMEL.findall(text) if any(c.isupper() for c in text) else _COMPACT.findall(text):
        if token.isupper() and len(token) > 1:
            upper.add(token.lower())
            words.append(token.lower())
        elif token.isdigit():
            words.append(token)
        else:
            words.extend(_split_compact(token.lower()))
    return sentence(words, uppercase=frozenset(upper)) if words else text


def readable_enum(value: str) -> str:
    """An enum value as words: ``notConfigured`` → "Not configured", ``wpa2Personal`` → "WPA2 personal"."""
    return readable_label(value)
