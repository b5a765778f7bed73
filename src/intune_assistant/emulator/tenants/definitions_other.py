"""Linux settings-catalog definitions (configuration and compliance) and the deprecated-setting list."""

from __future__ import annotations

from .definitions import Area

_AV = "antivirusEngine_exclusions_item_"
LINUX_DEFENDER = Area(
    "defender_linux",
    "linux_mdatp_managed_",
    "",
    "",
    "linux",
    "linuxMdm,microsoftSense",
    "Microsoft Defender for Endpoint (Linux)",
    (
        ("antivirusEngine_enforcementLevel", "Enforcement level", "c", "0=Real time|1=On demand|2=Passive"),
        ("antivirusEngine_enableRealTimeProtection", "Enable real-time protection", "tf"),
        ("antivirusEngine_passiveMode", "Enable passive mode", "tf"),
        ("antivirusEngine_scanArchives", "Scan archives", "tf"),
        (
            "antivirusEngine_exclusions",
            "Scan exclusions",
            "g",
            ",".join(_AV + n for n in ("$type", "path", "isDirectory")),
        ),
        (f"{_AV}$type", "Type", "c", "0=Path|1=File extension|2=Process name"),
        (f"{_AV}path", "Path", "s", "/var/log|/opt/app/cache|/home/build"),
        (f"{_AV}isDirectory", "Is directory", "tf"),
        ("cloudService_enabled", "Enable cloud delivered protection", "tf"),
    ),
)

LINUX_CUSTOM = Area(
    "custom_linux",
    "linux_customconfig_",
    "",
    "",
    "linux",
    "linuxMdm",
    "Custom Configuration",
    (
        ("script", "Execution script", "s", "IyEvYmluL2Jhc2gKZWNobyAiY29uZmlndXJlZCIK"),
        ("executionContext", "Execution context", "c", "root=Root|user=User"),
        ("executionFrequency", "Execution frequency", "c", "15=Every 15 minutes|60=Every 1 hour|1440=Every 1 day"),
        ("executionRetries", "Execution retries", "c", "0=No retries|1=1 time|3=3 times"),
    ),
)

_DISTRO = "AllowedDistros_item_"
LINUX_COMPLIANCE = Area(
    "compliance_linux",
    "linux_",
    "",
    "",
    "linux",
    "linuxMdm",
    "Linux compliance",
    (
        (
            "distribution_AllowedDistros",
            "Allowed Distributions",
            "g",
            ",".join("distribution_" + _DISTRO + n for n in ("$type", "minimumVersion", "maximumVersion")),
        ),
        (f"distribution_{_DISTRO}$type", "Type", "c", "ubuntu=Ubuntu|rhel=Red Hat Enterprise Linux"),
        (f"distribution_{_DISTRO}minimumVersion", "Minimum OS version", "s", "20.04|22.04|8.6"),
        (f"distribution_{_DISTRO}maximumVersion", "Maximum OS version", "s", "24.04|9.4"),
        ("deviceEncryption_required", "Require Device Encryption", "tf"),
        ("passwordPolicy_minimumLength", "Minimum Password Length", "i", (8, 64)),
        ("passwordPolicy_minimumDigits", "Minimum Digits", "i", (0, 10)),
        ("customCompliance_required", "Require Custom Compliance", "tf"),
    ),
    usage="compliance",
)

OTHER_AREAS = (LINUX_DEFENDER, LINUX_CUSTOM, LINUX_COMPLIANCE)

# Settings Intune marks deprecated, with the setting that replaces them (policies still carry them).
DEPRECATED: dict[str, str] = {
    "device_vendor_msft_policy_config_defender_allowintrusionpreventionsystem": "Enable Network Protection",
    "device_vendor_msft_policy_config_update_deferupdateperiod": "Defer Quality Updates Period (Days)",
    "device_vendor_msft_policy_config_experience_allowcortana": "Allow Windows Consumer Features",
    "linux_mdatp_managed_antivirusengine_passivemode": "Enforcement level",
    "com.apple.mcx.filevault2_userecoverykey": "Show Recovery Key",
}
