"""PowerShell and shell scripts, remediations and macOS custom attributes (short, realistic content)."""

from __future__ import annotations

import base64
from random import Random
from typing import Any

from .context import Ctx, base_object

Obj = dict[str, Any]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# (display name, file name, run as, script)
POWERSHELL: tuple[tuple[str, str, str, str], ...] = (
    ("Set time zone", "Set-TimeZone.ps1", "system", 'Set-TimeZone -Id "W. Europe Standard Time"\n'),
    (
        "Remove consumer apps",
        "Remove-ConsumerApps.ps1",
        "system",
        '$apps = "Microsoft.XboxApp","Microsoft.BingNews","Microsoft.GamingApp"\n'
        "foreach ($a in $apps) { Get-AppxPackage -AllUsers -Name $a | Remove-AppxPackage -AllUsers }\n",
    ),
    (
        "Map network drives",
        "Map-NetworkDrives.ps1",
        "user",
        'New-PSDrive -Name "S" -PSProvider FileSystem -Root "\\\\files.{domain}\\shared" -Persist\n',
    ),
    (
        "Back up BitLocker key to Entra ID",
        "Backup-BitLockerKey.ps1",
        "system",
        "$kp = (Get-BitLockerVolume -MountPoint $env:SystemDrive).KeyProtector |"
        " Where-Object KeyProtectorType -eq 'RecoveryPassword'\n"
        "BackupToAAD-BitLockerKeyProtector -MountPoint $env:SystemDrive -KeyProtectorId $kp.KeyProtectorId\n",
    ),
    ("Set power plan to balanced", "Set-PowerPlan.ps1", "system", "powercfg /setactive SCHEME_BALANCED\n"),
    (
        "Install corporate fonts",
        "Install-Fonts.ps1",
        "system",
        'Get-ChildItem "$PSScriptRoot\\fonts\\*.ttf" | ForEach-Object { Copy-Item $_ "$env:WINDIR\\Fonts" }\n',
    ),
    (
        "Configure OEM information",
        "Set-OemInfo.ps1",
        "system",
        'Set-ItemProperty "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\OEMInformation" '
        '-Name SupportURL -Value "https://support.{domain}"\n',
    ),
)

SHELL: tuple[tuple[str, str, str, str], ...] = (
    (
        "Install Rosetta 2",
        "install-rosetta.sh",
        "system",
        '#!/bin/bash\nif [[ $(uname -m) == "arm64" ]]; then softwareupdate --install-rosetta --agree-to-license; fi\n',
    ),
    (
        "Rename Mac to serial number",
        "rename-mac.sh",
        "system",
        "#!/bin/zsh\nserial=$(ioreg -l | awk -F'\"' '/IOPlatformSerialNumber/{print $4}')\n"
        'scutil --set ComputerName "MAC-$serial"\n',
    ),
    (
        "Configure Dock",
        "configure-dock.sh",
        "user",
        "#!/bin/zsh\ndefaults write com.apple.dock show-recents -bool false\nkillall Dock\n",
    ),
    ("Enable SSH for IT", "enable-ssh.sh", "system", "#!/bin/bash\nsystemsetup -setremotelogin on\n"),
)

# (display name, publisher, detection, remediation)
REMEDIATIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "Restart stopped Print Spooler",
        "{tenant} IT",
        'if ((Get-Service Spooler).Status -ne "Running") { Write-Output "Stopped"; exit 1 }\nexit 0\n',
        "Start-Service Spooler\n",
    ),
    (
        "Clear stale Teams cache",
        "{tenant} IT",
        '$c = "$env:LOCALAPPDATA\\Packages\\MSTeams_8wekyb3d8bbwe\\LocalCache"\n'
        "if ((Get-ChildItem $c -Recurse | Measure-Object Length -Sum).Sum -gt 2GB) { exit 1 }\nexit 0\n",
        'Remove-Item "$env:LOCALAPPDATA\\Packages\\MSTeams_8wekyb3d8bbwe\\LocalCache\\*" -Recurse -Force\n',
    ),
    (
        "Ensure Windows Time service runs",
        "{tenant} IT",
        'if ((Get-Service W32Time).Status -ne "Running") { exit 1 }\nexit 0\n',
        "Set-Service W32Time -StartupType Automatic; Start-Service W32Time; w32tm /resync\n",
    ),
    (
        "Detect low disk space",
        "{tenant} IT",
        '$free = (Get-PSDrive C).Free / 1GB\nif ($free -lt 10) { Write-Output "$free GB free"; exit 1 }\nexit 0\n',
        "Start-Process cleanmgr.exe -ArgumentList '/sagerun:1' -Wait\n",
    ),
    (
        "Remove unexpected local admins",
        "{tenant} Security",
        "$m = Get-LocalGroupMember Administrators | Where-Object Name -notmatch 'Administrator|lapsadmin'\n"
        "if ($m) { exit 1 }\nexit 0\n",
        "Get-LocalGroupMember Administrators | Where-Object Name -notmatch 'Administrator|lapsadmin' |"
        " ForEach-Object { Remove-LocalGroupMember Administrators -Member $_ }\n",
    ),
)

# (display name, attribute name, type, script)
CUSTOM_ATTRIBUTES: tuple[tuple[str, str, str, str], ...] = (
    ("Processor architecture", "CPUArchitecture", "string", "#!/bin/zsh\nuname -m\n"),
    (
        "Battery cycle count",
        "BatteryCycleCount",
        "integer",
        "#!/bin/zsh\nioreg -r -c AppleSmartBattery | awk '/\"CycleCount\" =/{print $3}'\n",
    ),
    ("FileVault status", "FileVaultStatus", "string", "#!/bin/zsh\nfdesetup status | head -1\n"),
    (
        "Last reboot",
        "LastReboot",
        "dateTime",
        "#!/bin/zsh\ndate -r $(sysctl -n kern.boottime | awk '{print $4}' | tr -d ,) -u +%Y-%m-%dT%H:%M:%SZ\n",
    ),
)


def script(ctx: Ctx, rng: Random, key: str, index: int, variant: str) -> Obj:
    """A script object of catalog type ``key`` (the ``index``-th row of its table, cycling)."""
    if key == "remediations":
        name, publisher, detect, fix = REMEDIATIONS[index % len(REMEDIATIONS)]
        obj = base_object(
            ctx, rng, "deviceHealthScript", _name(name, variant), f"Remediation: {name.lower()}.", key=key
        )
        obj.update(
            {
                "publisher": ctx.text(publisher),
                "version": "1",
                "runAsAccount": "system",
                "runAs32Bit": False,
                "enforceSignatureCheck": False,
                "isGlobalScript": False,
                "deviceHealthScriptType": "deviceHealthScript",
                "highestAvailableVersion": None,
                "detectionScriptContent": _b64(ctx.text(detect)),
                "remediationScriptContent": _b64(ctx.text(fix)),
                "detectionScriptParameters": [],
                "remediationScriptParameters": [],
            }
        )
        return obj
    if key == "customAttributeScripts":
        name, attribute, kind, content = CUSTOM_ATTRIBUTES[index % len(CUSTOM_ATTRIBUTES)]
        obj = base_object(
            ctx, rng, "deviceCustomAttributeShellScript", _name(name, variant), f"Reports {name.lower()}.", key=key
        )
        obj.update(
            {
                "customAttributeName": attribute + (variant.replace(" ", "") if variant else ""),
                "customAttributeType": kind,
                "fileName": f"{attribute.lower()}.sh",
                "runAsAccount": "system",
                "scriptContent": _b64(content),
            }
        )
        return obj
    table, odata = (
        (POWERSHELL, "deviceManagementScript") if key == "powershellScripts" else (SHELL, "deviceShellScript")
    )
    name, file_name, run_as, content = table[index % len(table)]
    obj = base_object(ctx, rng, odata, _name(name, variant), f"Script: {name.lower()}.", key=key)
    obj.update({"fileName": file_name, "runAsAccount": run_as, "scriptContent": _b64(ctx.text(content))})
    if key == "powershellScripts":
        obj.update({"enforceSignatureCheck": rng.random() < 0.2, "runAs32Bit": False})
    else:
        obj.update(
            {
                "blockExecutionNotifications": True,
                "executionFrequency": rng.choice(("PT0S", "P1D", "P1W")),
                "retryCount": 3,
            }
        )
    return obj


def _name(name: str, variant: str) -> str:
    return f"{name} - {variant}" if variant else name


# Custom compliance discovery scripts: (display name, publisher, detection script). Each prints one
# line of compressed JSON that the compliance policy's rules file reads ("Custom compliance
# settings", learn.microsoft.com/intune/intune-service/protect/compliance-use-custom-settings).
COMPLIANCE: tuple[tuple[str, str, str], ...] = (
    (
        "BitLocker recovery key escrowed",
        "{tenant} Security",
        "$kp = (Get-BitLockerVolume -MountPoint $env:SystemDrive).KeyProtector |"
        " Where-Object KeyProtectorType -eq 'RecoveryPassword'\n"
        "@{ RecoveryKeyEscrowed = [bool]$kp } | ConvertTo-Json -Compress\n",
    ),
    (
        "Local administrators",
        "{tenant} Security",
        "$count = (Get-LocalGroupMember Administrators).Count\n"
        "@{ LocalAdminCount = $count } | ConvertTo-Json -Compress\n",
    ),
    (
        "Defender for Endpoint onboarded",
        "{tenant} IT",
        "$state = (Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows Advanced Threat Protection\\Status')"
        ".OnboardingState\n@{ MdeOnboarded = ($state -eq 1) } | ConvertTo-Json -Compress\n",
    ),
)


def compliance_script(ctx: Ctx, rng: Random, index: int, variant: str) -> Obj:
    """A deviceComplianceScript (intune-devices-devicecompliancescript-list.md)."""
    name, publisher, detect = COMPLIANCE[index % len(COMPLIANCE)]
    obj = base_object(
        ctx,
        rng,
        "deviceComplianceScript",
        _name(name, variant),
        f"Compliance check: {name.lower()}.",
        key="complianceScripts",
    )
    obj.update(
        {
            "publisher": ctx.text(publisher),
            "version": "1",
            "detectionScriptContent": _b64(ctx.text(detect)),
            "runAsAccount": "system",
            "enforceSignatureCheck": False,
            "runAs32Bit": False,
        }
    )
    return obj
