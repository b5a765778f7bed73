"""Windows settings-catalog definitions (real ids, our own display text). Row format: definitions.py."""

from __future__ import annotations

from .definitions import Area

_POLICY = "./Device/Vendor/MSFT/Policy"
_USER_POLICY = "./User/Vendor/MSFT/Policy"
_W = "windows10"


def _policy_area(
    key: str, csp_area: str, category: str, rows: tuple[tuple[object, ...], ...], technologies: str = "mdm"
) -> Area:
    """An area under ``./Device/Vendor/MSFT/Policy/Config/<csp_area>``."""
    prefix = f"device_vendor_msft_policy_config_{csp_area.lower()}_"
    return Area(key, prefix, _POLICY, f"/Config/{csp_area}/", _W, technologies, category, rows)


_ASR_RULES = (
    ("BlockExecutionOfPotentiallyObfuscatedScripts", "Block execution of potentially obfuscated scripts"),
    ("BlockWin32APICallsFromOfficeMacros", "Block Win32 API calls from Office macros"),
    (
        "BlockExecutableFilesRunningUnlessMeetCriteria",
        "Block executable files from running unless they meet a prevalence, age, or trusted list criterion",
    ),
    (
        "BlockOfficeCommunicationAppFromCreatingChildProcesses",
        "Block Office communication application from creating child processes",
    ),
    (
        "BlockAllOfficeApplicationsFromCreatingChildProcesses",
        "Block all Office applications from creating child processes",
    ),
    ("BlockAdobeReaderFromCreatingChildProcesses", "Block Adobe Reader from creating child processes"),
    (
        "BlockCredentialStealingFromWindowsLocalSecurityAuthoritySubsystem",
        "Block credential stealing from the Windows local security authority subsystem",
    ),
    (
        "BlockJavaScriptOrVBScriptFromLaunchingDownloadedExecutableContent",
        "Block JavaScript or VBScript from launching downloaded executable content",
    ),
    ("BlockUntrustedUnsignedProcessesThatRunFromUSB", "Block untrusted and unsigned processes that run from USB"),
    ("BlockPersistenceThroughWMIEventSubscription", "Block persistence through WMI event subscription"),
    ("UseAdvancedProtectionAgainstRansomware", "Use advanced protection against ransomware"),
    (
        "BlockProcessCreationsFromPSExecAndWMICommands",
        "Block process creations originating from PSExec and WMI commands",
    ),
    (
        "BlockOfficeApplicationsFromCreatingExecutableContent",
        "Block Office applications from creating executable content",
    ),
    (
        "BlockOfficeApplicationsFromInjectingCodeIntoOtherProcesses",
        "Block Office applications from injecting code into other processes",
    ),
    ("BlockExecutableContentFromEmailClientAndWebmail", "Block executable content from email client and webmail"),
    ("BlockAbuseOfExploitedVulnerableSignedDrivers", "Block abuse of exploited vulnerable signed drivers"),
)
_ASR_CHILDREN = ",".join(f"AttackSurfaceReductionRules_{n}" for n, _ in _ASR_RULES)

DEFENDER = _policy_area(
    "defender",
    "Defender",
    "Microsoft Defender Antivirus",
    (
        ("AllowRealtimeMonitoring", "Allow Realtime Monitoring", "allow"),
        ("AllowBehaviorMonitoring", "Allow Behavior Monitoring", "allow"),
        ("AllowCloudProtection", "Allow Cloud Protection", "allow"),
        ("AllowIOAVProtection", "Allow scanning of downloaded files and attachments", "allow"),
        ("AllowScriptScanning", "Allow Script Scanning", "allow"),
        ("AllowArchiveScanning", "Allow Archive Scanning", "allow"),
        ("AllowEmailScanning", "Allow Email Scanning", "allow"),
        ("AllowFullScanRemovableDriveScanning", "Allow Full Scan Removable Drive Scanning", "allow"),
        ("AllowOnAccessProtection", "Allow On Access Protection", "allow"),
        ("AllowUserUIAccess", "Allow User UI Access", "allow"),
        ("AllowIntrusionPreventionSystem", "Allow Intrusion Prevention System", "allow"),
        ("CloudBlockLevel", "Cloud Block Level", "c", "0=Default State|2=High|4=High Plus|6=Zero Tolerance"),
        ("CloudExtendedTimeout", "Cloud Extended Timeout", "i", (0, 50)),
        ("PUAProtection", "PUA Protection", "c", "0=PUA protection off|1=PUA protection on|2=Audit mode"),
        (
            "SubmitSamplesConsent",
            "Submit Samples Consent",
            "c",
            "0=Always prompt|1=Send safe samples automatically|2=Never send|3=Send all samples automatically",
        ),
        (
            "ScheduleScanDay",
            "Schedule Scan Day",
            "c",
            "0=Every day|1=Sunday|2=Monday|3=Tuesday|4=Wednesday|5=Thursday|6=Friday|7=Saturday|8=No scheduled scan",
        ),
        ("ScheduleScanTime", "Schedule Scan Time", "i", (0, 1380)),
        ("ScanParameter", "Scan Parameter", "c", "1=Quick scan|2=Full scan"),
        ("SignatureUpdateInterval", "Signature Update Interval", "i", (0, 24)),
        ("AvgCPULoadFactor", "Average CPU Load Factor", "i", (0, 100)),
        (
            "EnableNetworkProtection",
            "Enable Network Protection",
            "c",
            "0=Disabled|1=Enabled (block mode)|2=Enabled (audit mode)",
        ),
        ("EnableControlledFolderAccess", "Enable Controlled Folder Access", "c", "0=Disabled|1=Enabled|2=Audit Mode"),
        ("ExcludedPaths", "Excluded Paths", "ss", r"C:\Temp\Build|D:\SQLData|C:\ProgramData\LOB"),
        ("ExcludedExtensions", "Excluded Extensions", "ss", ".log|.ldf|.mdf|.vhdx"),
        ("ExcludedProcesses", "Excluded Processes", "ss", "sqlservr.exe|msbuild.exe|devenv.exe"),
        ("AttackSurfaceReductionRules", "Attack Surface Reduction Rules", "g", _ASR_CHILDREN),
        *((f"AttackSurfaceReductionRules_{n}", label, "asr") for n, label in _ASR_RULES),
    ),
    "mdm,microsoftSense",
)

BITLOCKER = Area(
    "bitlocker",
    "device_vendor_msft_bitlocker_",
    "./Device/Vendor/MSFT/BitLocker",
    "/",
    _W,
    "mdm",
    "BitLocker",
    (
        ("RequireDeviceEncryption", "Require Device Encryption", "enable"),
        (
            "AllowWarningForOtherDiskEncryption",
            "Allow Warning For Other Disk Encryption",
            "enable",
            None,
            "0>AllowStandardUserEncryption",
        ),
        ("AllowStandardUserEncryption", "Allow Standard User Encryption", "enable"),
        (
            "ConfigureRecoveryPasswordRotation",
            "Configure Recovery Password Rotation",
            "c",
            "0=Refresh off|1=Refresh on for Azure AD-joined devices|"
            "2=Refresh on for Azure AD-joined and hybrid-joined devices",
        ),
        (
            "EncryptionMethodByDriveType",
            "Choose drive encryption method and cipher strength",
            "enable",
            None,
            "1>EncryptionMethodByDriveType_EncryptionMethodWithXtsOsDropDown_Name,"
            "EncryptionMethodByDriveType_EncryptionMethodWithXtsFdvDropDown_Name,"
            "EncryptionMethodByDriveType_EncryptionMethodWithXtsRdvDropDown_Name",
        ),
        (
            "EncryptionMethodByDriveType_EncryptionMethodWithXtsOsDropDown_Name",
            "Select the encryption method for operating system drives",
            "c",
            "3=AES-CBC 128-bit|4=AES-CBC 256-bit|6=XTS-AES 128-bit|7=XTS-AES 256-bit",
        ),
        (
            "EncryptionMethodByDriveType_EncryptionMethodWithXtsFdvDropDown_Name",
            "Select the encryption method for fixed data drives",
            "c",
            "3=AES-CBC 128-bit|4=AES-CBC 256-bit|6=XTS-AES 128-bit|7=XTS-AES 256-bit",
        ),
        (
            "EncryptionMethodByDriveType_EncryptionMethodWithXtsRdvDropDown_Name",
            "Select the encryption method for removable data drives",
            "c",
            "3=AES-CBC 128-bit|4=AES-CBC 256-bit|6=XTS-AES 128-bit|7=XTS-AES 256-bit",
        ),
        (
            "SystemDrivesRequireStartupAuthentication",
            "Require additional authentication at startup",
            "enable",
            None,
            "1>SystemDrivesRequireStartupAuthentication_ConfigureTPMStartupPINUsageDropDown_Name,"
            "SystemDrivesRequireStartupAuthentication_ConfigureNonTPMStartupKeyUsage_Name",
        ),
        (
            "SystemDrivesRequireStartupAuthentication_ConfigureTPMStartupPINUsageDropDown_Name",
            "Configure TPM startup PIN",
            "c",
            "2=Allow startup PIN with TPM|1=Require startup PIN with TPM|0=Do not allow startup PIN with TPM",
        ),
        (
            "SystemDrivesRequireStartupAuthentication_ConfigureNonTPMStartupKeyUsage_Name",
            "Allow BitLocker without a compatible TPM",
            "c",
            # An ADMX check box: Intune's options end in _0/_1 (as real exports show), not _false/_true.
            "0=False|1=True",
        ),
        (
            "SystemDrivesMinimumPINLength",
            "Configure minimum PIN length for startup",
            "enable",
            None,
            "1>SystemDrivesMinimumPINLength_MinPINLength",
        ),
        ("SystemDrivesMinimumPINLength_MinPINLength", "Minimum characters", "i", (4, 20)),
        ("FixedDrivesRequireEncryption", "Deny write access to fixed drives not protected by BitLocker", "enable"),
        (
            "RemovableDrivesRequireEncryption",
            "Deny write access to removable drives not protected by BitLocker",
            "enable",
        ),
    ),
)

_FW = "FirewallRules_{FirewallRuleName}"
FIREWALL = Area(
    "firewall",
    "vendor_msft_firewall_mdmstore_",
    "./Vendor/MSFT/Firewall",
    "/MdmStore/",
    _W,
    "mdm,microsoftSense",
    "Firewall",
    (
        ("DomainProfile/EnableFirewall", "Enable Domain Network Firewall", "tf"),
        ("PrivateProfile/EnableFirewall", "Enable Private Network Firewall", "tf"),
        ("PublicProfile/EnableFirewall", "Enable Public Network Firewall", "tf"),
        (
            "DomainProfile/DefaultInboundAction",
            "Default Inbound Action for Domain Profile",
            "c",
            "0=Allow Inbound By Default|1=Block Inbound By Default",
        ),
        (
            "PrivateProfile/DefaultInboundAction",
            "Default Inbound Action for Private Profile",
            "c",
            "0=Allow Inbound By Default|1=Block Inbound By Default",
        ),
        (
            "PublicProfile/DefaultInboundAction",
            "Default Inbound Action for Public Profile",
            "c",
            "0=Allow Inbound By Default|1=Block Inbound By Default",
        ),
        ("PublicProfile/DisableStealthMode", "Disable Stealth Mode (Public)", "tf"),
        ("PublicProfile/AllowLocalPolicyMerge", "Allow Local Policy Merge (Public)", "tf"),
        ("Global/CRLcheck", "Certificate revocation list verification", "c", "0=None|1=Attempt|2=Require"),
        (
            "FirewallRules/{FirewallRuleName}",
            "Firewall Rules",
            "g",
            ",".join(
                f"{_FW}/{n}"
                for n in (
                    "Name",
                    "Direction",
                    "Action/Type",
                    "Protocol",
                    "LocalPortRanges",
                    "InterfaceTypes",
                    "Enabled",
                    "App/FilePath",
                )
            ),
        ),
        (f"{_FW}/Name", "Name", "s", "Allow RDP from jump hosts|Block SMB outbound|Allow LOB agent|Allow Teams media"),
        (
            f"{_FW}/Direction",
            "Direction",
            "c",
            "in=The rule applies to inbound traffic.|out=The rule applies to outbound traffic.",
        ),
        (f"{_FW}/Action/Type", "Action", "c", "0=Block|1=Allow"),
        (f"{_FW}/Protocol", "Protocol", "i", (0, 255)),
        (f"{_FW}/LocalPortRanges", "Local Port Ranges", "ss", "3389|445|443|50000-50059"),
        (
            f"{_FW}/InterfaceTypes",
            "Interface Types",
            "cc",
            "all=All|lan=LAN|wireless=Wireless|remoteaccess=Remote access",
        ),
        (f"{_FW}/Enabled", "Enabled", "c", "0=Disabled|1=Enabled"),
        (f"{_FW}/App/FilePath", "File Path", "s", r"C:\Program Files\LOB\agent.exe|%SystemRoot%\System32\svchost.exe"),
    ),
)

UPDATE = _policy_area(
    "update",
    "Update",
    "Windows Update for Business",
    (
        (
            "AllowAutoUpdate",
            "Allow Auto Update",
            "c",
            "0=Notify the user before downloading the update|1=Auto install the update and then notify the user to "
            "schedule a device restart|2=Auto install and restart|3=Auto install and restart at a specified time|"
            "4=Auto install and restart without end-user control|5=Turn off automatic updates",
        ),
        ("ActiveHoursStart", "Active Hours Start", "i", (0, 23)),
        ("ActiveHoursEnd", "Active Hours End", "i", (0, 23)),
        ("ActiveHoursMaxRange", "Active Hours Max Range", "i", (8, 18)),
        ("DeferFeatureUpdatesPeriodInDays", "Defer Feature Updates Period (Days)", "i", (0, 365)),
        ("DeferQualityUpdatesPeriodInDays", "Defer Quality Updates Period (Days)", "i", (0, 30)),
        ("DeferUpdatePeriod", "Defer Update Period", "i", (0, 4)),
        ("ConfigureDeadlineForFeatureUpdates", "Deadline for Feature Updates", "i", (0, 30)),
        ("ConfigureDeadlineForQualityUpdates", "Deadline for Quality Updates", "i", (0, 30)),
        ("ConfigureDeadlineGracePeriod", "Deadline Grace Period", "i", (0, 7)),
        ("AllowMUUpdateService", "Allow Microsoft Update Service", "allow"),
        (
            "ExcludeWUDriversInQualityUpdate",
            "Exclude drivers from quality updates",
            "c",
            "0=Allow Windows Update drivers|1=Exclude Windows Update drivers",
        ),
        (
            "ManagePreviewBuilds",
            "Manage Preview Builds",
            "c",
            "0=Disable Preview builds|1=Disable Preview builds once the next release is public|2=Enable Preview builds",
        ),
        ("SetDisablePauseUXAccess", "Block 'Pause updates' for users", "enable"),
        ("TargetReleaseVersion", "Target Release Version", "s", "23H2|24H2"),
        ("ProductVersion", "Product Version", "s", "Windows 11|Windows 10"),
    ),
)

DEVICE_LOCK = _policy_area(
    "devicelock",
    "DeviceLock",
    "Device Lock",
    (
        ("DevicePasswordEnabled", "Device Password Enabled", "c", "0=Enabled|1=Disabled"),
        ("MinDevicePasswordLength", "Min Device Password Length", "i", (4, 16)),
        (
            "AlphanumericDevicePasswordRequired",
            "Alphanumeric Device Password Required",
            "c",
            "0=Password or Alphanumeric PIN required|1=Password or Numeric PIN required|"
            "2=Password, Numeric PIN, or Alphanumeric PIN required",
        ),
        ("MaxInactivityTimeDeviceLock", "Max Inactivity Time Device Lock (minutes)", "i", (0, 999)),
        ("DevicePasswordExpiration", "Device Password Expiration (days)", "i", (0, 730)),
        ("DevicePasswordHistory", "Device Password History", "i", (0, 50)),
        ("MaxDevicePasswordFailedAttempts", "Max Device Password Failed Attempts", "i", (0, 999)),
        # A choice in Intune (the DDF's enum), not a number: a baseline's "_2" is never the integer 2.
        (
            "MinDevicePasswordComplexCharacters",
            "Min Device Password Complex Characters",
            "c",
            "1=Digits only|2=Digits and lowercase letters are required|"
            "3=Digits lowercase letters and uppercase letters are required|"
            "4=Digits lowercase letters uppercase letters and special characters are required",
        ),
        ("AllowSimpleDevicePassword", "Allow Simple Device Password", "allow"),
    ),
)

_EDGE = "microsoft_edge~Policy~microsoft_edge"
EDGE = Area(
    "edge",
    "device_vendor_msft_policy_config_",
    _POLICY,
    "/Config/",
    _W,
    "mdm",
    "Microsoft Edge",
    (
        (
            f"{_EDGE}~Startup/HomepageLocation",
            "Configure the home page URL",
            "enable",
            None,
            f"1>{_EDGE}~Startup/HomepageLocation_HomepageLocation",
        ),
        (
            f"{_EDGE}~Startup/HomepageLocation_HomepageLocation",
            "Home page URL (Device)",
            "s",
            "https://intranet.{domain}|https://www.office.com",
        ),
        (
            f"{_EDGE}~Startup/NewTabPageLocation",
            "Configure the new tab page URL",
            "enable",
            None,
            f"1>{_EDGE}~Startup/NewTabPageLocation_NewTabPageLocation",
        ),
        (
            f"{_EDGE}~Startup/NewTabPageLocation_NewTabPageLocation",
            "New tab page URL (Device)",
            "s",
            "https://www.office.com|https://intranet.{domain}/news",
        ),
        (f"{_EDGE}~Startup/HomepageIsNewTabPage", "Use the New Tab page as the home page", "enable"),
        (f"{_EDGE}~SmartScreen/SmartScreenEnabled", "Configure Microsoft Defender SmartScreen", "enable"),
        (
            f"{_EDGE}~SmartScreen/PreventSmartScreenPromptOverride",
            "Prevent bypassing Microsoft Defender SmartScreen prompts for sites",
            "enable",
        ),
        (
            f"{_EDGE}~Extensions/ExtensionInstallForcelist",
            "Control which extensions are installed silently",
            "enable",
            None,
            f"1>{_EDGE}~Extensions/ExtensionInstallForcelist_ExtensionInstallForcelistDesc",
        ),
        (
            f"{_EDGE}~Extensions/ExtensionInstallForcelist_ExtensionInstallForcelistDesc",
            "Extension/App IDs and update URLs to be silently installed (Device)",
            "ss",
            "odfafepnkmbhccpbejgmiehpchacaeak;https://edge.microsoft.com/extensionwebstorebase/v1/crx|"
            "ghbmnnjooekpmoecnnnilnnbdlolhkhi;https://clients2.google.com/service/update2/crx",
        ),
        (
            f"{_EDGE}~Extensions/ExtensionInstallBlocklist",
            "Control which extensions cannot be installed",
            "enable",
            None,
            f"1>{_EDGE}~Extensions/ExtensionInstallBlocklist_ExtensionInstallBlocklistDesc",
        ),
        (
            f"{_EDGE}~Extensions/ExtensionInstallBlocklist_ExtensionInstallBlocklistDesc",
            "Extension IDs the user should be prevented from installing (Device)",
            "ss",
            "*",
        ),
        (
            f"{_EDGE}~PasswordManager/PasswordManagerEnabled",
            "Enable saving passwords to the password manager",
            "enable",
        ),
        (f"{_EDGE}/SyncDisabled", "Disable synchronization of data using Microsoft sync services", "enable"),
        (
            f"{_EDGE}/InPrivateModeAvailability",
            "Configure InPrivate mode availability",
            "enable",
            None,
            f"1>{_EDGE}/InPrivateModeAvailability_InPrivateModeAvailability",
        ),
        (
            f"{_EDGE}/InPrivateModeAvailability_InPrivateModeAvailability",
            "InPrivate mode availability (Device)",
            "c",
            "0=InPrivate mode available|1=InPrivate mode disabled|2=InPrivate mode forced",
        ),
        (
            f"{_EDGE}/BrowserSignin",
            "Browser sign-in settings",
            "enable",
            None,
            f"1>{_EDGE}/BrowserSignin_BrowserSignin",
        ),
        (
            f"{_EDGE}/BrowserSignin_BrowserSignin",
            "Browser sign-in settings (Device)",
            "c",
            "0=Disable browser sign-in|1=Enable browser sign-in|2=Force users to sign-in to use the browser",
        ),
        (f"{_EDGE}/AutofillCreditCardEnabled", "Enable AutoFill for payment instruments", "enable"),
        (f"{_EDGE}/EdgeShoppingAssistantEnabled", "Shopping in Microsoft Edge Enabled", "enable"),
        (f"{_EDGE}/HideFirstRunExperience", "Hide the First-run experience and splash screen", "enable"),
    ),
)

_OD = "OneDriveNGSCv2~Policy~OneDriveNGSC"
ONEDRIVE = Area(
    "onedrive",
    "device_vendor_msft_policy_config_",
    _POLICY,
    "/Config/",
    _W,
    "mdm",
    "OneDrive",
    (
        (
            f"{_OD}/KFMSilentOptIn",
            "Silently move Windows known folders to OneDrive",
            "enable",
            None,
            f"1>{_OD}/KFMSilentOptIn_KFMSilentOptIn_TextBox",
        ),
        (f"{_OD}/KFMSilentOptIn_KFMSilentOptIn_TextBox", "Tenant ID: (Device)", "s", "{tenant_id}"),
        (f"{_OD}/KFMBlockOptOut", "Prevent users from redirecting their Windows known folders to their PC", "enable"),
        (f"{_OD}/FilesOnDemandEnabled", "Use OneDrive Files On-Demand", "enable"),
        (
            f"{_OD}/SilentAccountConfig",
            "Silently sign in users to the OneDrive sync app with their Windows credentials",
            "enable",
        ),
        (f"{_OD}/DisablePersonalSync", "Prevent users from syncing personal OneDrive accounts", "enable"),
        (
            f"{_OD}/BlockExternalSync",
            "Prevent users from syncing libraries and folders shared from other organizations",
            "enable",
        ),
    ),
)

HELLO = Area(
    "hello",
    "device_vendor_msft_passportforwork_",
    "./Device/Vendor/MSFT/PassportForWork",
    "/",
    _W,
    "mdm",
    "Windows Hello For Business",
    (
        ("{TenantId}/Policies/UsePassportForWork", "Use Windows Hello For Business (Device)", "tf"),
        ("{TenantId}/Policies/RequireSecurityDevice", "Require Security Device", "tf"),
        ("{TenantId}/Policies/PINComplexity/MinimumPINLength", "Minimum PIN Length", "i", (4, 127)),
        ("{TenantId}/Policies/PINComplexity/MaximumPINLength", "Maximum PIN Length", "i", (4, 127)),
        (
            "{TenantId}/Policies/PINComplexity/UppercaseLetters",
            "Uppercase Letters",
            "c",
            "0=Allows the use of uppercase letters in PIN.|"
            "1=Requires the use of at least one uppercase letters in PIN.|"
            "2=Does not allow the use of uppercase letters in PIN.",
        ),
        ("{TenantId}/Policies/PINComplexity/Expiration", "Expiration (days)", "i", (0, 730)),
        ("{TenantId}/Policies/EnablePinRecovery", "Enable Pin Recovery", "tf"),
        ("{TenantId}/Policies/UseCertificateForOnPremAuth", "Use Certificate For On Prem Auth", "tf"),
    ),
)

LAPS = Area(
    "laps",
    "device_vendor_msft_laps_policies_",
    "./Device/Vendor/MSFT/LAPS",
    "/Policies/",
    _W,
    "mdm",
    "Local Administrator Password Solution (Windows LAPS)",
    (
        (
            "BackupDirectory",
            "Backup Directory",
            "c",
            "0=Disabled (password will not be backed up)|1=Backup the password to Azure AD only|"
            "2=Backup the password to Active Directory only",
            "1>PasswordAgeDays_AAD;2>PasswordAgeDays",
        ),
        ("PasswordAgeDays_AAD", "Password Age Days", "i", (7, 365)),
        ("PasswordAgeDays", "Password Age Days", "i", (1, 365)),
        (
            "PasswordComplexity",
            "Password Complexity",
            "c",
            "1=Large letters|2=Large letters + small letters|3=Large letters + small letters + numbers|"
            "4=Large letters + small letters + numbers + special characters|"
            "5=Large letters + small letters + numbers + special characters (improved readability)|"
            "6=Passphrase (long words)|7=Passphrase (short words)|8=Passphrase (short words with unique prefixes)",
        ),
        ("PasswordLength", "Password Length", "i", (8, 64)),
        (
            "PostAuthenticationActions",
            "Post Authentication Actions",
            "c",
            "1=Reset password|3=Reset the password and logoff the managed account|5=Reset the password and reboot",
        ),
        ("PostAuthenticationResetDelay", "Post Authentication Reset Delay (hours)", "i", (0, 24)),
        ("AdministratorAccountName", "Administrator Account Name", "s", "lapsadmin|localsupport"),
    ),
)

START = _policy_area(
    "start",
    "Start",
    "Start",
    (
        ("HideRecentlyAddedApps", "Hide Recently Added Apps", "enable"),
        ("HideRecommendedSection", "Hide Recommended Section", "enable"),
        (
            "AllowPinnedFolderDocuments",
            "Allow Pinned Folder Documents",
            "c",
            "0=The Documents shortcut is hidden|1=The Documents shortcut is visible|65535=Not configured",
        ),
        (
            "ConfigureStartPins",
            "Configure Start Pins",
            "s",
            '{"pinnedList":[{"packagedAppId":"Microsoft.WindowsTerminal_8wekyb3d8bbwe!App"}]}',
        ),
    ),
)

PRIVACY = _policy_area(
    "privacy",
    "Privacy",
    "Privacy",
    (
        ("LetAppsAccessCamera", "Let Apps Access Camera", "c", "0=User in control|1=Force allow|2=Force deny"),
        ("LetAppsAccessLocation", "Let Apps Access Location", "c", "0=User in control|1=Force allow|2=Force deny"),
        ("DisableAdvertisingId", "Disable Advertising ID", "c", "0=Disabled|1=Enabled|65535=Not configured"),
        ("AllowInputPersonalization", "Allow Input Personalization", "allow"),
    ),
)

SYSTEM = _policy_area(
    "system",
    "System",
    "System",
    (
        ("AllowTelemetry", "Allow Telemetry", "c", "0=Security|1=Basic|3=Full"),
        ("AllowBuildPreview", "Allow Build Preview", "c", "0=Not allowed|1=Allowed|2=Not configured"),
    ),
)

EXPERIENCE = _policy_area(
    "experience",
    "Experience",
    "Experience",
    (
        ("AllowCortana", "Allow Cortana", "allow"),
        ("AllowWindowsConsumerFeatures", "Allow Windows Consumer Features", "allow"),
        ("AllowWindowsSpotlight", "Allow Windows Spotlight (User)", "allow"),
        (
            "DoNotShowFeedbackNotifications",
            "Do Not Show Feedback Notifications",
            "c",
            "0=Feedback notifications are not disabled|1=Feedback notifications are disabled",
        ),
    ),
)

SECURITY_OPTIONS = _policy_area(
    "localpolicies",
    "LocalPoliciesSecurityOptions",
    "Local Policies Security Options",
    (
        ("Accounts_RenameAdministratorAccount", "Accounts Rename Administrator Account", "s", "corpadmin|ladmin"),
        (
            "InteractiveLogon_MessageTitleForUsersAttemptingToLogOn",
            "Interactive Logon Message Title For Users Attempting To Log On",
            "s",
            "Authorized use only",
        ),
        (
            "InteractiveLogon_MessageTextForUsersAttemptingToLogOn",
            "Interactive Logon Message Text For Users Attempting To Log On",
            "ss",
            "This device is the property of the company. Activity may be monitored.",
        ),
        (
            "UserAccountControl_BehaviorOfTheElevationPromptForAdministrators",
            "User Account Control Behavior Of The Elevation Prompt For Administrators",
            "c",
            "0=Elevate without prompting|1=Prompt for credentials on the secure desktop|"
            "2=Prompt for consent on the secure desktop|3=Prompt for credentials|4=Prompt for consent|"
            "5=Prompt for consent for non-Windows binaries",
        ),
    ),
)

DEFENDER_ATP = Area(
    "atp",
    "device_vendor_msft_windowsadvancedthreatprotection_",
    "./Device/Vendor/MSFT/WindowsAdvancedThreatProtection",
    "/",
    _W,
    "mdm,microsoftSense",
    "Microsoft Defender for Endpoint",
    (
        ("Configuration/SampleSharing", "Sample Sharing", "c", "0=None|1=All"),
        ("Configuration/TelemetryReportingFrequency", "Telemetry Reporting Frequency", "c", "1=Normal|2=Expedite"),
        (
            "ConfigurationType",
            "Microsoft Defender for Endpoint client configuration package type",
            "c",
            "autofromconnector=Auto from connector|onboard=Onboard|offboard=Offboard",
        ),
        ("Onboarding", "Onboarding (Device)", "x"),
    ),
)

_OFFICE_TRUST = (
    "~policy~L_MicrosoftOffice{app}~L_{short}Options~L_Security~L_TrustCenter/L_BlockMacroExecutionFromInternet"
)
OFFICE = Area(
    "office",
    "user_vendor_msft_policy_config_",
    _USER_POLICY,
    "/Config/",
    _W,
    "mdm",
    "Microsoft Office",
    (
        (
            "excel16v2" + _OFFICE_TRUST.format(app="Excel", short="Excel"),
            "Block macros from running in Office files from the Internet (Excel) (User)",
            "enable",
        ),
        (
            "word16v2" + _OFFICE_TRUST.format(app="Word", short="Word"),
            "Block macros from running in Office files from the Internet (Word) (User)",
            "enable",
        ),
        (
            "ppt16v2" + _OFFICE_TRUST.format(app="PowerPoint", short="PowerPoint"),
            "Block macros from running in Office files from the Internet (PowerPoint) (User)",
            "enable",
        ),
    ),
)

WINDOWS_AREAS = (
    DEFENDER,
    BITLOCKER,
    FIREWALL,
    UPDATE,
    DEVICE_LOCK,
    EDGE,
    ONEDRIVE,
    HELLO,
    LAPS,
    START,
    PRIVACY,
    SYSTEM,
    EXPERIENCE,
    SECURITY_OPTIONS,
    DEFENDER_ATP,
    OFFICE,
)
