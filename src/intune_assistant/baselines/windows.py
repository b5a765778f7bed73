"""The built-in Windows security baseline: setting facts, in this project's own words.

The values follow the choices Microsoft publishes in its security baseline for Windows (Intune
settings catalog): real-time and cloud protection on, attack surface reduction rules blocking,
BitLocker with XTS-AES 256 on system and fixed drives, the firewall on with inbound traffic
blocked by default on every profile, UAC asking for consent on the secure desktop, SmartScreen
enforced in Microsoft Edge. The ids are Intune's setting definition ids; names, descriptions and
option labels are written here.

Each policy is ``(name, description, technologies, settings)``; a setting is
``(definition id, display name, value)`` where the value is one of:

- ``Choice(item suffix, label, children)``: a choice setting, the option id being
  ``<definition id>_<item suffix>``;
- ``Integer(value)``: a whole number;
- ``Group(children)``: a group collection with one item (how attack surface reduction rules
  are configured).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NAME", "POLICIES", "Choice", "Group", "Integer", "Policy", "Spec"]

NAME = "windows-security"


@dataclass(frozen=True)
class Choice:
    """A choice setting's option, and settings that apply once it is chosen."""

    suffix: str
    label: str
    children: tuple[Spec, ...] = ()


@dataclass(frozen=True)
class Integer:
    """A whole-number setting."""

    value: int


@dataclass(frozen=True)
class Group:
    """A group collection holding one item of child settings."""

    children: tuple[Spec, ...]


Spec = tuple[str, str, Choice | Integer | Group]


@dataclass(frozen=True)
class Policy:
    """One settings-catalog policy of the baseline."""

    name: str
    description: str
    technologies: str
    settings: tuple[Spec, ...]


_DEFENDER = "device_vendor_msft_policy_config_defender_"
_ASR = f"{_DEFENDER}attacksurfacereductionrules"
_BITLOCKER = "device_vendor_msft_bitlocker_"
_FIREWALL = "vendor_msft_firewall_mdmstore_"
_EDGE = "device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge~smartscreen_"
_SECURITY_OPTIONS = "device_vendor_msft_policy_config_localpoliciessecurityoptions_"

_ALLOWED = Choice("1", "Allowed")
_ENABLED = Choice("1", "Enabled")
_TRUE = Choice("true", "True")
_BLOCK_INBOUND = Choice("1", "Block inbound connections by default")
_BLOCK = Choice("block", "Block")


def _asr_rule(rule: str, label: str) -> Spec:
    return (f"{_ASR}_{rule}", label, _BLOCK)


POLICIES: tuple[Policy, ...] = (
    Policy(
        "Baseline - Windows - Microsoft Defender Antivirus",
        "Real-time, behaviour, cloud and script protection on; potentially unwanted apps blocked.",
        "mdm,microsoftSense",
        (
            (f"{_DEFENDER}allowrealtimemonitoring", "Real-time monitoring", _ALLOWED),
            (f"{_DEFENDER}allowbehaviormonitoring", "Behaviour monitoring", _ALLOWED),
            (f"{_DEFENDER}allowcloudprotection", "Cloud-delivered protection", _ALLOWED),
            (f"{_DEFENDER}allowioavprotection", "Scan downloaded files and attachments", _ALLOWED),
            (f"{_DEFENDER}allowscriptscanning", "Script scanning", _ALLOWED),
            (f"{_DEFENDER}allowarchivescanning", "Archive scanning", _ALLOWED),
            (f"{_DEFENDER}allowemailscanning", "E-mail scanning", _ALLOWED),
            (f"{_DEFENDER}allowfullscanremovabledrivescanning", "Scan removable drives in full scans", _ALLOWED),
            (f"{_DEFENDER}allowonaccessprotection", "On-access protection", _ALLOWED),
            (f"{_DEFENDER}cloudblocklevel", "Cloud block level", Choice("2", "High")),
            (f"{_DEFENDER}cloudextendedtimeout", "Extra seconds for cloud checks", Integer(50)),
            (f"{_DEFENDER}puaprotection", "Potentially unwanted app protection", Choice("1", "Block")),
            (
                f"{_DEFENDER}submitsamplesconsent",
                "Sample submission",
                Choice("1", "Send safe samples automatically"),
            ),
            (f"{_DEFENDER}enablenetworkprotection", "Network protection", Choice("1", "Block mode")),
        ),
    ),
    Policy(
        "Baseline - Windows - Attack Surface Reduction",
        "Attack surface reduction rules that stop common malware techniques, in block mode.",
        "mdm,microsoftSense",
        (
            (
                _ASR,
                "Attack surface reduction rules",
                Group(
                    (
                        _asr_rule("blockexecutionofpotentiallyobfuscatedscripts", "Obfuscated scripts"),
                        _asr_rule("blockwin32apicallsfromofficemacros", "Win32 API calls from Office macros"),
                        _asr_rule(
                            "blockofficecommunicationappfromcreatingchildprocesses",
                            "Child processes of Office communication apps",
                        ),
                        _asr_rule(
                            "blockallofficeapplicationsfromcreatingchildprocesses",
                            "Child processes of Office apps",
                        ),
                        _asr_rule("blockadobereaderfromcreatingchildprocesses", "Child processes of Adobe Reader"),
                        _asr_rule(
                            "blockcredentialstealingfromwindowslocalsecurityauthoritysubsystem",
                            "Credential theft from LSASS",
                        ),
                        _asr_rule(
                            "blockjavascriptorvbscriptfromlaunchingdownloadedexecutablecontent",
                            "Scripts launching downloaded executables",
                        ),
                        _asr_rule("blockuntrustedunsignedprocessesthatrunfromusb", "Untrusted programs from USB"),
                        _asr_rule("blockpersistencethroughwmieventsubscription", "Persistence through WMI"),
                        _asr_rule(
                            "blockofficeapplicationsfromcreatingexecutablecontent",
                            "Executable content created by Office apps",
                        ),
                        _asr_rule(
                            "blockofficeapplicationsfrominjectingcodeintootherprocesses",
                            "Code injection by Office apps",
                        ),
                        _asr_rule(
                            "blockexecutablecontentfromemailclientandwebmail",
                            "Executable content from e-mail",
                        ),
                        _asr_rule("blockabuseofexploitedvulnerablesigneddrivers", "Vulnerable signed drivers"),
                    )
                ),
            ),
        ),
    ),
    Policy(
        "Baseline - Windows - BitLocker",
        "Devices encrypted with XTS-AES 256 on system and fixed drives; unprotected removable drives read-only.",
        "mdm",
        (
            (f"{_BITLOCKER}requiredeviceencryption", "Require device encryption", _ENABLED),
            (
                f"{_BITLOCKER}encryptionmethodbydrivetype",
                "Choose the encryption method per drive type",
                Choice(
                    "1",
                    "Enabled",
                    (
                        (
                            f"{_BITLOCKER}encryptionmethodbydrivetype_encryptionmethodwithxtsosdropdown_name",
                            "Operating system drives",
                            Choice("7", "XTS-AES 256-bit"),
                        ),
                        (
                            f"{_BITLOCKER}encryptionmethodbydrivetype_encryptionmethodwithxtsfdvdropdown_name",
                            "Fixed data drives",
                            Choice("7", "XTS-AES 256-bit"),
                        ),
                        (
                            f"{_BITLOCKER}encryptionmethodbydrivetype_encryptionmethodwithxtsrdvdropdown_name",
                            "Removable data drives",
                            Choice("4", "AES-CBC 256-bit"),
                        ),
                    ),
                ),
            ),
            (
                f"{_BITLOCKER}removabledrivesrequireencryption",
                "Block writing to removable drives without BitLocker",
                _ENABLED,
            ),
        ),
    ),
    Policy(
        "Baseline - Windows - Firewall",
        "Windows Firewall on for every network profile, blocking unsolicited inbound traffic.",
        "mdm,microsoftSense",
        (
            (f"{_FIREWALL}domainprofile_enablefirewall", "Firewall on (domain networks)", _TRUE),
            (f"{_FIREWALL}privateprofile_enablefirewall", "Firewall on (private networks)", _TRUE),
            (f"{_FIREWALL}publicprofile_enablefirewall", "Firewall on (public networks)", _TRUE),
            (f"{_FIREWALL}domainprofile_defaultinboundaction", "Inbound default (domain networks)", _BLOCK_INBOUND),
            (f"{_FIREWALL}privateprofile_defaultinboundaction", "Inbound default (private networks)", _BLOCK_INBOUND),
            (f"{_FIREWALL}publicprofile_defaultinboundaction", "Inbound default (public networks)", _BLOCK_INBOUND),
        ),
    ),
    Policy(
        "Baseline - Windows - Security Options",
        "Administrators confirm elevation on the secure desktop.",
        "mdm",
        (
            (
                f"{_SECURITY_OPTIONS}useraccountcontrol_behavioroftheelevationpromptforadministrators",
                "Elevation prompt for administrators",
                Choice("2", "Ask for consent on the secure desktop"),
            ),
        ),
    ),
    Policy(
        "Baseline - Windows - Microsoft Edge SmartScreen",
        "Microsoft Defender SmartScreen on in Microsoft Edge, and its warnings cannot be bypassed.",
        "mdm",
        (
            (f"{_EDGE}smartscreenenabled", "SmartScreen in Microsoft Edge", _ENABLED),
            (f"{_EDGE}preventsmartscreenpromptoverride", "No bypassing SmartScreen warnings for sites", _ENABLED),
        ),
    ),
)
