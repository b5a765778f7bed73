"""Administrative templates (ADMX-backed group policy configurations) and their definition values.

Definition and presentation ids are the same in every tenant (as in Intune), so they come from
``stable_guid``; definition-value ids are per tenant.
"""

from __future__ import annotations

from random import Random
from typing import Any

from .context import GRAPH, Ctx, base_object
from .ids import guid, stable_guid

Obj = dict[str, Any]
_EDGE = r"\Microsoft Edge"
_WORD = r"\Microsoft Word 2016\Word Options\Security\Trust Center"
_EXCEL = r"\Microsoft Excel 2016\Excel Options\Security\Trust Center"
_RDS = r"\Windows Components\Remote Desktop Services"

# (classType, categoryPath, displayName, explain text (ours), presentations (kind, label, sample))
# kinds: text, decimal, check, list, multi, dropdown
POLICIES: tuple[tuple[str, str, str, str, tuple[tuple[str, str, Any], ...]], ...] = (
    (
        "machine",
        _EDGE + r"\Startup, home page and new tab page",
        "Configure the home page URL",
        "Sets the page Microsoft Edge opens as its home page.",
        (("text", "Home page URL", "https://intranet.{domain}"),),
    ),
    (
        "machine",
        _EDGE + r"\Password manager and protection",
        "Enable saving passwords to the password manager",
        "Lets users save passwords in Microsoft Edge.",
        (),
    ),
    (
        "machine",
        _EDGE + r"\SmartScreen settings",
        "Configure Microsoft Defender SmartScreen",
        "Turns SmartScreen reputation checks on or off.",
        (),
    ),
    (
        "machine",
        _EDGE + r"\Extensions",
        "Control which extensions are installed silently",
        "Installs listed extensions without user interaction.",
        (
            (
                "list",
                "Extension/App IDs and update URLs to be silently installed",
                ["odfafepnkmbhccpbejgmiehpchacaeak;https://edge.microsoft.com/extensionwebstorebase/v1/crx"],
            ),
        ),
    ),
    (
        "machine",
        _EDGE,
        "Block access to a list of URLs",
        "Prevents browsing to the listed addresses.",
        (("list", "Block access to a list of URLs", ["*.example-games.com", "ftp://*"]),),
    ),
    (
        "machine",
        r"\OneDrive",
        "Silently move Windows known folders to OneDrive",
        "Redirects Desktop, Documents and Pictures to OneDrive.",
        (("text", "Tenant ID:", "{tenant_id}"), ("check", "Desktop", True)),
    ),
    ("machine", r"\OneDrive", "Use OneDrive Files On-Demand", "Keeps files online until they are opened.", ()),
    (
        "machine",
        r"\OneDrive",
        "Silently sign in users to the OneDrive sync app with their Windows credentials",
        "Signs users in to OneDrive with their work account.",
        (),
    ),
    (
        "machine",
        r"\OneDrive",
        "Set the maximum size of a user's OneDrive that can download automatically",
        "Asks before downloading OneDrive content larger than this.",
        (("decimal", "Size (MB)", 5000),),
    ),
    (
        "user",
        r"\OneDrive",
        "Prevent users from syncing personal OneDrive accounts",
        "Blocks consumer OneDrive accounts in the sync app.",
        (),
    ),
    (
        "user",
        _EXCEL,
        "Block macros from running in Office files from the Internet",
        "Stops macros in files that came from the Internet (Excel).",
        (),
    ),
    (
        "user",
        _WORD,
        "Block macros from running in Office files from the Internet",
        "Stops macros in files that came from the Internet (Word).",
        (),
    ),
    (
        "user",
        _WORD,
        "VBA Macro Notification Settings",
        "Chooses how Word treats VBA macros.",
        (("dropdown", "VBA Macro Notification Settings", "3"),),
    ),
    (
        "machine",
        r"\Microsoft Office 2016 (Machine)\Updates",
        "Update Channel",
        "Selects the Microsoft 365 Apps update channel.",
        (("dropdown", "Channel Name:", "MonthlyEnterprise"),),
    ),
    (
        "machine",
        r"\Windows Components\Cloud Content",
        "Turn off Microsoft consumer experiences",
        "Stops suggested apps and consumer content on Windows.",
        (),
    ),
    (
        "machine",
        r"\Control Panel\Personalization",
        "Do not display the lock screen",
        "Skips the lock screen before sign-in.",
        (),
    ),
    (
        "machine",
        r"\Windows Components\Windows Update\Manage end user experience",
        "Configure Automatic Updates",
        "Controls how updates are downloaded and installed.",
        (("dropdown", "Configure automatic updating:", "4"), ("decimal", "Scheduled install time", 3)),
    ),
    (
        "machine",
        r"\Windows Components\Data Collection and Preview Builds",
        "Allow Diagnostic Data",
        "Sets the diagnostic data level sent to Microsoft.",
        (("dropdown", "Options", "1"),),
    ),
    (
        "user",
        r"\System",
        "Prevent access to registry editing tools",
        "Blocks regedit for the user.",
        (("dropdown", "Disable regedit from running silently?", "1"),),
    ),
    ("user", r"\Start Menu and Taskbar", "Remove Run menu from Start Menu", "Hides the Run command.", ()),
    (
        "user",
        r"\Control Panel",
        "Prohibit access to Control Panel and PC settings",
        "Blocks Control Panel and Settings for the user.",
        (),
    ),
    (
        "machine",
        _RDS + r"\Remote Desktop Session Host\Session Time Limits",
        "Set time limit for disconnected sessions",
        "Ends disconnected sessions after the chosen time.",
        (("dropdown", "End a disconnected session", "3600000"),),
    ),
    (
        "machine",
        _RDS + r"\Remote Desktop Connection Client",
        "Do not allow passwords to be saved",
        "Stops the RDP client from saving passwords.",
        (),
    ),
    (
        "machine",
        r"\System\Power Management\Sleep Settings",
        "Require a password when a computer wakes (plugged in)",
        "Asks for a password after sleep on AC power.",
        (),
    ),
    (
        "machine",
        r"\Windows Components\Windows Update\Manage updates offered from Windows Server Update Service",
        "Specify intranet Microsoft update service location",
        "Points devices to an internal update server.",
        (
            ("text", "Set the intranet update service for detecting updates:", "https://wsus.{domain}:8531"),
            ("multi", "Alternate download servers", ["https://dl1.{domain}", "https://dl2.{domain}"]),
        ),
    ),
)

_PRESENTATION = {
    "text": "TextBox",
    "decimal": "DecimalTextBox",
    "check": "CheckBox",
    "list": "ListBox",
    "multi": "MultiTextBox",
    "dropdown": "DropdownList",
}
_VALUE = {
    "text": "Text",
    "decimal": "Decimal",
    "check": "Boolean",
    "list": "List",
    "multi": "MultiText",
    "dropdown": "Text",
}
# Policy groups admins build: (name stem, indexes into POLICIES).
BUNDLES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("Microsoft Edge", (0, 1, 2, 3, 4)),
    ("OneDrive", (5, 6, 7, 8, 9)),
    ("Office Macros", (10, 11, 12, 13)),
    ("Windows Experience", (14, 15, 19, 20)),
    ("Windows Update", (16, 17, 24)),
    ("Remote Desktop", (21, 22, 23)),
    ("Lockdown", (18, 19, 20, 14)),
)


def _definition(index: int) -> Obj:
    class_type, path, name, explain, _ = POLICIES[index]
    return {
        "id": stable_guid("admx", class_type, path, name),
        "displayName": name,
        "classType": class_type,
        "categoryPath": path,
        "explainText": explain,
        "policyType": "admxBacked",
        "supportedOn": "At least Windows 10",
        "hasRelatedDefinitions": False,
        "version": "1.0",
    }


def _presentation_value(ctx: Ctx, rng: Random, index: int, kind: str, label: str, sample: Any) -> Obj:
    definition_id = _definition(index)["id"]
    value_type = _VALUE[kind]
    value: Obj = {
        "@odata.type": f"{GRAPH}groupPolicyPresentationValue{value_type}",
        "id": guid(rng),
        "presentation": {
            "@odata.type": f"{GRAPH}groupPolicyPresentation{_PRESENTATION[kind]}",
            "id": stable_guid("admx", definition_id, label),
            "label": label,
        },
    }
    if kind == "list":
        value["values"] = [{"name": ctx.text(v), "value": None} for v in sample]
    elif kind == "multi":
        value["values"] = [ctx.text(v) for v in sample]
    else:
        value["value"] = ctx.text(sample) if isinstance(sample, str) else sample
    return value


def administrative_template(ctx: Ctx, rng: Random, bundle: int, variant: str) -> Obj:
    """A group policy configuration with 2-6 definition values from one bundle."""
    stem, indexes = BUNDLES[bundle % len(BUNDLES)]
    obj = base_object(
        ctx,
        rng,
        "groupPolicyConfiguration",
        f"WIN - ADMX - {stem} - {variant}",
        f"Administrative template: {stem.lower()}.",
        key="administrativeTemplates",
    )
    obj["policyConfigurationIngestionType"] = "builtIn"
    picked = sorted(rng.sample(indexes, rng.randint(min(2, len(indexes)), len(indexes))))
    values = []
    for index in picked:
        enabled = rng.random() < 0.85
        presentations = [_presentation_value(ctx, rng, index, *p) for p in POLICIES[index][4]] if enabled else []
        values.append(
            {
                "id": guid(rng),
                "enabled": enabled,
                "configurationType": "policy",
                "createdDateTime": obj["createdDateTime"],
                "lastModifiedDateTime": obj["lastModifiedDateTime"],
                "definition": _definition(index),
                "presentationValues": presentations,
            }
        )
    obj["definitionValues"] = values
    return obj
