"""The admin center area a baseline setting belongs to, in words: what a baseline score is grouped by.

A baseline of a few thousand settings scored per full category path gives hundreds of "areas",
many named from abbreviations a word splitter cannot read ("credui", "w32time", "lync16v2").
An area is coarser: the configuration service provider or ADMX file a setting comes from
("BitLocker", "Microsoft Edge", "Credential user interface"), or the Apple payload, named as the
admin center and Microsoft's documentation name it. Ids this table does not know fall back to the
first part of the setting's category; settings of profile types without definition ids are
grouped by their type.
"""

from __future__ import annotations

__all__ = ["area_of"]

# Office and browser ADMX files ingested into the settings catalog ("<file>~policy~..."), by prefix.
_ADMX_FILES = (
    ("access16", "Microsoft Access"),
    ("excel16", "Microsoft Excel"),
    ("lync16", "Skype for Business"),
    ("office16", "Microsoft Office"),
    ("outlk16", "Microsoft Outlook"),
    ("ppt16", "Microsoft PowerPoint"),
    ("proj16", "Microsoft Project"),
    ("pub16", "Microsoft Publisher"),
    ("visio16", "Microsoft Visio"),
    ("word16", "Microsoft Word"),
    ("onent16", "Microsoft OneNote"),
    ("teams", "Microsoft Teams"),
    ("secguide", "MS Security Guide"),
    ("microsoft_edgeupdate", "Microsoft Edge Update"),
    ("microsoft_edgewebview", "Microsoft Edge WebView2"),
    ("microsoft_edge", "Microsoft Edge"),
    ("chromeintune", "Google Chrome"),
    ("googlechrome", "Google Chrome"),
    ("update", "Google Update"),
    ("onedrivengsc", "OneDrive"),
)
# Windows ADMX-backed policy areas (``policy_config_admx_<file>_``) by their file name.
_WINDOWS_ADMX = {
    "auditsettings": "Audit process creation",
    "credssp": "Credentials delegation",
    "credui": "Credential user interface",
    "dnsclient": "DNS client",
    "eventlog": "Event log",
    "grouppolicy": "Group Policy",
    "logon": "Logon",
    "microsoftdefenderantivirus": "Microsoft Defender Antivirus",
    "msapolicy": "Microsoft account",
    "mss-legacy": "MSS (legacy)",
    "networkconnections": "Network connections",
    "printing": "Printers",
    "printing2": "Printers",
    "removablestorage": "Removable storage access",
    "sharing": "Sharing",
    "terminalserver": "Remote Desktop Services",
    "w32time": "Windows Time service",
    "wcm": "Windows Connection Manager",
    "windowsexplorer": "File Explorer",
    "windowsstore": "Microsoft Store",
    "wpn": "Notifications",
}
# Policy CSP areas (``policy_config_<area>_``) whose words a splitter gets wrong or Microsoft spells otherwise.
_POLICY_AREAS = {
    "abovelock": "Above lock",
    "admx": "Administrative templates",
    "appruntime": "App runtime",
    "autoplay": "AutoPlay",
    "browser": "Microsoft Edge (legacy)",
    "controlpolicyconflict": "Control policy conflict",
    "credentialproviders": "Credential providers",
    "credentialsdelegation": "Credentials delegation",
    "credentialsui": "Credential user interface",
    "defender": "Defender",
    "deviceguard": "Device Guard",
    "devicelock": "Device lock",
    "dmaguard": "DMA Guard",
    "eventlogservice": "Event log service",
    "fileexplorer": "File Explorer",
    "internetexplorer": "Internet Explorer",
    "lanmanserver": "LAN Manager server",
    "lanmanworkstation": "LAN Manager workstation",
    "localpoliciessecurityoptions": "Local policies security options",
    "localsecurityauthority": "Local Security Authority",
    "localusersandgroups": "Local users and groups",
    "mssecurityguide": "MS Security Guide",
    "msslegacy": "MSS (legacy)",
    "newsandinterests": "News and interests",
    "remotedesktopservices": "Remote Desktop Services",
    "smartscreen": "SmartScreen",
    "systemservices": "System services",
    "update": "Windows Update",
    "userrights": "User rights",
    "virtualizationbasedtechnology": "Virtualization-based technology",
    "webthreatdefense": "Web threat defense",
    "windowsconnectionmanager": "Windows Connection Manager",
    "windowsdefendersecuritycenter": "Windows Security",
    "windowsinkworkspace": "Windows Ink Workspace",
    "windowslogon": "Windows logon",
    "windowspowershell": "Windows PowerShell",
    "windowssandbox": "Windows Sandbox",
    "wifi": "Wi-Fi",
}
# Other Windows CSPs (``device_vendor_msft_<csp>_`` or ``vendor_msft_<csp>_``).
_CSPS = {
    "bitlocker": "BitLocker",
    "defender": "Defender",
    "dmclient": "MDM client",
    "firewall": "Firewall",
    "laps": "Windows LAPS",
    "passportforwork": "Windows Hello for Business",
    "windowsadvancedthreatprotection": "Microsoft Defender for Endpoint",
    "windowsdefenderapplicationguard": "Microsoft Defender Application Guard",
    "applicationcontrol": "Application Control",
    "personalization": "Personalization",
    "sharedpc": "Shared PC",
}
# Apple payloads (``com.apple.<payload>_``) and declarations (``<declaration>_``).
_APPLE = (
    ("com.apple.applicationaccess", "Restrictions"),
    ("com.apple.extensiblesso", "Extensible single sign-on"),
    ("com.apple.managedclient.preferences", "Managed preferences"),
    ("com.apple.mcx.filevault2", "FileVault"),
    ("com.apple.mcx", "Login and energy (MCX)"),
    ("com.apple.screensaver", "Screen saver"),
    ("com.apple.security.fderecoverykeyescrow", "FileVault"),
    ("com.apple.security.firewall", "Firewall"),
    ("com.apple.systempolicy", "Gatekeeper"),
    ("com.apple.loginwindow", "Login window"),
    ("com.apple.dock", "Dock"),
    ("com.apple.softwareupdate", "Software update"),
    ("ddm-latestsoftwareupdate", "Software update"),
    ("softwareupdate", "Software update"),
    ("passcode", "Passcode"),
)
_SCOPES = ("device_vendor_msft_", "user_vendor_msft_", "vendor_msft_")


def _admx_file(setting_id: str) -> str | None:
    head = setting_id.split("~policy~", 1)[0]
    for scope in _SCOPES:
        head = head.removeprefix(scope)
    head = head.removeprefix("policy_config_")
    return next((words for prefix, words in _ADMX_FILES if head.startswith(prefix)), None)


def _windows(setting_id: str) -> str | None:
    rest = setting_id
    for scope in _SCOPES:
        if rest.startswith(scope):
            rest = rest.removeprefix(scope)
            break
    else:
        return None
    if rest.startswith("policy_config_admx_"):
        file = rest.removeprefix("policy_config_admx_")
        return next((words for name, words in _WINDOWS_ADMX.items() if file.startswith(name + "_")), None)
    if rest.startswith("policy_config_"):
        area = rest.removeprefix("policy_config_").split("_", 1)[0]
        return _POLICY_AREAS.get(area)
    return _CSPS.get(rest.split("_", 1)[0])


def _apple(setting_id: str) -> str | None:
    lowered = setting_id.casefold()
    return next((words for prefix, words in _APPLE if lowered.startswith(prefix)), None)


def area_of(setting_id: str, category: str, fallback: str, *, definition_id: bool) -> str:
    """The area of one setting: a known CSP, ADMX file or payload by its id, else its category's first part.

    ``definition_id``: the setting id is a settings-catalog (or endpoint security, or
    administrative template) definition id; other settings are grouped under ``fallback``
    (their profile type), since a property path names no area.
    """
    if not definition_id:
        return fallback
    known = _admx_file(setting_id) if "~policy~" in setting_id else _windows(setting_id) or _apple(setting_id)
    if known:
        return known
    parts = [p.strip() for p in category.split(" > ") if p.strip()]
    if parts and parts[0] == "ADMX" and len(parts) > 1:
        parts = parts[1:]
    return parts[0].removesuffix(" (User)") if parts else fallback
