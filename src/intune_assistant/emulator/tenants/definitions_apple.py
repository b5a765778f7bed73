"""macOS and iOS/iPadOS settings-catalog definitions (real ids, our own text). Row format: definitions.py."""

from __future__ import annotations

from .definitions import Area

_MAC = "macOS"
_IOS = "iOS"
_APPLE_TECH = "mdm,appleRemoteManagement"


def _payload(
    key: str,
    payload: str,
    platform: str,
    category: str,
    rows: tuple[tuple[object, ...], ...],
    technologies: str = _APPLE_TECH,
    wrapped: bool = True,
) -> Area:
    """An Apple payload; ``wrapped`` adds the one-item group Intune puts around payload keys."""
    if wrapped:
        top = ",".join(str(r[0]) for r in rows if not str(r[0]).startswith("_"))
        rows = ((payload, category, "w", top), *((str(r[0]).lstrip("_"), *r[1:]) for r in rows))
    return Area(key, f"{payload}_", payload, "", platform, technologies, category, rows)


FILEVAULT = _payload(
    "filevault",
    "com.apple.mcx.filevault2",
    _MAC,
    "FileVault",
    (
        ("Enable", "Enable", "c", "0=On|1=Off"),
        ("Defer", "Defer", "tf", None, "true>DeferForceAtUserLoginMaxBypassAttempts,DeferDontAskAtUserLogout"),
        ("_DeferForceAtUserLoginMaxBypassAttempts", "Defer Force At User Login Max Bypass Attempts", "i", (-1, 10)),
        ("_DeferDontAskAtUserLogout", "Defer Dont Ask At User Logout", "tf"),
        ("ShowRecoveryKey", "Show Recovery Key", "tf"),
        ("UseRecoveryKey", "Use Recovery Key", "tf"),
        ("ForceEnableInSetupAssistant", "Force Enable In Setup Assistant", "tf"),
        (
            "RecoveryKeyRotationInMonths",
            "Recovery Key Rotation In Months",
            "c",
            "0=Not configured|1=1 month|3=3 months|6=6 months|12=12 months",
        ),
    ),
)

RECOVERY_ESCROW = _payload(
    "filevault_escrow",
    "com.apple.security.fderecoverykeyescrow",
    _MAC,
    "FileVault Recovery Key Escrow",
    (("Location", "Location", "s", "Company Portal|Contact IT at it@{domain}"),),
)

LOGIN_WINDOW = _payload(
    "loginwindow",
    "com.apple.loginwindow",
    _MAC,
    "Login Window",
    (
        ("SHOWFULLNAME", "Show Full Name", "tf"),
        ("DisableConsoleAccess", "Disable Console Access", "tf"),
        ("LoginwindowText", "Login Window Text", "s", "Property of {tenant}. Authorized users only."),
        ("GuestEnabled", "Guest Enabled", "tf"),
        ("HideAdminUsers", "Hide Admin Users", "tf"),
    ),
)

SCREENSAVER = _payload(
    "screensaver",
    "com.apple.screensaver",
    _MAC,
    "Screensaver",
    (
        ("askForPassword", "Ask For Password", "tf"),
        ("askForPasswordDelay", "Ask For Password Delay", "i", (0, 86400)),
        ("idleTime", "Idle Time", "i", (60, 7200)),
    ),
)

AUTOUPDATE = _payload(
    "autoupdate",
    "com.microsoft.autoupdate2",
    _MAC,
    "Microsoft AutoUpdate (MAU)",
    (
        ("HowToCheck", "How To Check", "c", "0=Manual check|1=Automatic check|2=Automatic download"),
        ("ChannelName", "Channel Name", "c", "0=Current|1=Current (Preview)|2=Beta"),
        ("UpdateDeadline.DaysBeforeForcedQuit", "Days before forced quit", "i", (0, 30)),
        ("EnableCheckForUpdatesButton", "Enable Check For Updates Button", "tf"),
    ),
    technologies=_APPLE_TECH,
)

DEFENDER_MAC = _payload(
    "defender_mac",
    "com.apple.managedclient.preferences",
    _MAC,
    "Microsoft Defender",
    (
        ("enforcementLevel", "Enforcement level", "c", "0=Real time|1=On demand|2=Passive"),
        ("enableRealTimeProtection", "Enable real-time protection", "tf"),
        ("automaticSampleSubmission", "Enable automatic sample submissions", "tf"),
        ("diagnosticLevel", "Diagnostic collection level", "c", "0=Optional|1=Required"),
        ("automaticDefinitionUpdateEnabled", "Automatic security intelligence updates", "tf"),
    ),
    technologies="mdm,microsoftSense",
    wrapped=False,
)

WIFI = _payload(
    "wifi_mac",
    "com.apple.wifi.managed",
    _MAC,
    "Wi-Fi",
    (
        ("SSID_STR", "SSID", "s", "{short}-Corp|{short}-Guest"),
        ("HIDDEN_NETWORK", "Hidden Network", "tf"),
        ("AutoJoin", "Auto Join", "tf"),
        ("EncryptionType", "Encryption Type", "c", "0=WEP|1=WPA|2=WPA2|3=WPA3|4=Any|5=None"),
        ("Password", "Password", "x"),
    ),
)

GATEKEEPER = _payload(
    "gatekeeper",
    "com.apple.systempolicy.control",
    _MAC,
    "System Policy Control",
    (
        ("EnableAssessment", "Enable Assessment", "tf"),
        ("AllowIdentifiedDevelopers", "Allow Identified Developers", "tf"),
    ),
)

SOFTWARE_UPDATE = _payload(
    "softwareupdate",
    "com.apple.softwareupdate",
    _MAC,
    "Software Update",
    (
        ("AutomaticCheckEnabled", "Automatic Check Enabled", "tf"),
        ("AutomaticDownload", "Automatic Download", "tf"),
        ("CriticalUpdateInstall", "Critical Update Install", "tf"),
    ),
)

_NS = "NotificationSettings_item_"
NOTIFICATIONS = _payload(
    "notifications",
    "com.apple.notificationsettings",
    _MAC,
    "Notifications",
    (
        (
            "NotificationSettings",
            "Notification Settings",
            "g",
            ",".join(_NS + n for n in ("BundleIdentifier", "NotificationsEnabled", "AlertType", "BadgesEnabled")),
        ),
        (
            f"_{_NS}BundleIdentifier",
            "Bundle Identifier",
            "s",
            "com.microsoft.teams2|com.microsoft.Outlook|com.microsoft.wdav.tray|com.microsoft.CompanyPortalMac",
        ),
        (f"_{_NS}NotificationsEnabled", "Notifications Enabled", "tf"),
        (f"_{_NS}AlertType", "Alert Type", "c", "0=None|1=Temporary Banner|2=Persistent Banner"),
        (f"_{_NS}BadgesEnabled", "Badges Enabled", "tf"),
    ),
)

RESTRICTIONS_IOS = _payload(
    "restrictions_ios",
    "com.apple.applicationaccess",
    _IOS,
    "Restrictions",
    (
        ("allowCamera", "Allow Camera", "tf"),
        ("allowScreenShot", "Allow Screen Shot", "tf"),
        ("allowAppInstallation", "Allow App Installation", "tf"),
        ("allowCloudBackup", "Allow Cloud Backup", "tf"),
        ("allowAirDrop", "Allow AirDrop", "tf"),
        ("allowExplicitContent", "Allow Explicit Content", "tf"),
        ("allowSafari", "Allow Safari", "tf"),
        ("forceEncryptedBackup", "Force Encrypted Backup", "tf"),
        ("allowAccountModification", "Allow Account Modification", "tf"),
        ("allowBluetoothModification", "Allow Bluetooth Modification", "tf"),
        ("allowOpenFromManagedToUnmanaged", "Allow Open From Managed To Unmanaged", "tf"),
        ("allowPasscodeModification", "Allow Passcode Modification", "tf"),
    ),
    wrapped=False,
)

PASSCODE_IOS = _payload(
    "passcode_ios",
    "com.apple.mobiledevice.passwordpolicy",
    _IOS,
    "Passcode",
    (
        ("forcePIN", "Require Passcode on Device", "tf"),
        ("allowSimple", "Allow Simple Passcode", "tf"),
        ("minLength", "Minimum Passcode Length", "i", (0, 16)),
        ("maxFailedAttempts", "Maximum Number of Failed Attempts", "i", (2, 11)),
        ("maxInactivity", "Maximum Inactivity Time (minutes)", "i", (1, 15)),
        ("maxPINAgeInDays", "Maximum Passcode Age In Days", "i", (1, 730)),
        ("pinHistory", "Passcode History", "i", (1, 50)),
        ("requireAlphanumeric", "Require Alphanumeric Passcode", "tf"),
    ),
    wrapped=False,
)

APPLE_AREAS = (
    FILEVAULT,
    RECOVERY_ESCROW,
    LOGIN_WINDOW,
    SCREENSAVER,
    AUTOUPDATE,
    DEFENDER_MAC,
    WIFI,
    GATEKEEPER,
    SOFTWARE_UPDATE,
    NOTIFICATIONS,
    RESTRICTIONS_IOS,
    PASSCODE_IOS,
)
