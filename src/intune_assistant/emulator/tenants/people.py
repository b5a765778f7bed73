"""Users, managed devices and their Entra device objects."""

from __future__ import annotations

import string
from random import Random
from typing import Any

from .context import GRAPH, Ctx
from .ids import created_modified, days_before, guid, recent

_FIRST = (  # noqa: SIM905 (a word list reads best as one string)
    "Aiko Amara Ben Carla Dario Elena Farid Greta Hana Ivan Jonas Kira Lars Maya Nico Olga Pavel "
    "Quinn Rosa Sami Tara Umar Vera Wim Xenia Yusuf Zoe Anton Bianca Cyril Dagny Emil Fleur Goran "
    "Hugo Ines Jasper Leila Milo Noor Oskar Priya Rafael Sofia Timo"
).split()
_LAST = (  # noqa: SIM905 (a word list reads best as one string)
    "Abbott Berger Castillo Dahl Eriksen Fontaine Gallo Hartmann Ito Jensen Kowalski Lindqvist "
    "Moreau Novak Okafor Petrov Quist Rossi Sato Tanaka Urbina Varga Weber Yilmaz Zimmer Achterberg "
    "Brandt Cortez Dubois Engel Falk Gruber Haas Ibsen Jovanovic Kern Lund Meyer Nilsen Ortega"
).split()
# Department -> job titles (the first title of IT is the tenant's Intune admin).
_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "IT": ("Endpoint Administrator", "Security Analyst", "Cloud Engineer", "Service Desk Technician"),
    "Sales": ("Account Executive", "Sales Manager", "Vice President of Sales", "Inside Sales Representative"),
    "Finance": ("Financial Analyst", "Controller", "Chief Financial Officer", "Accounts Payable Specialist"),
    "Engineering": ("Software Engineer", "Senior Software Engineer", "Engineering Manager", "QA Engineer"),
    "Marketing": ("Marketing Specialist", "Content Strategist", "Marketing Director"),
    "Human Resources": ("HR Generalist", "Recruiter", "HR Business Partner"),
    "Operations": ("Operations Coordinator", "Warehouse Associate", "Chief Operating Officer", "Store Associate"),
    "Legal": ("Legal Counsel", "Paralegal"),
}
_OFFICES = ("Amsterdam", "Seattle", "Singapore", "Munich", "Toronto")

# (operatingSystem, Entra deviceOSType, weight, models (manufacturer, model), versions)
_PLATFORMS: tuple[tuple[str, str, float, tuple[tuple[str, str], ...], tuple[str, ...]], ...] = (
    (
        "Windows",
        "Windows",
        0.6,
        (
            ("Microsoft Corporation", "Surface Laptop 5"),
            ("Microsoft Corporation", "Surface Pro 9"),
            ("Dell Inc.", "Latitude 7440"),
            ("HP", "HP EliteBook 840 G10"),
            ("LENOVO", "21HD003NUS"),
            ("Microsoft Corporation", "Cloud PC Enterprise 2vCPU/8GB/128GB"),
            ("Microsoft Corporation", "Virtual Machine"),
        ),
        ("10.0.22631.4460", "10.0.26100.2605", "10.0.19045.5247", "10.0.26100.3915"),
    ),
    (
        "iOS",
        "iOS",
        0.15,
        (
            ("Apple", "iPhone 14"),
            ("Apple", "iPhone 15 Pro"),
            ("Apple", "iPhone SE (3rd generation)"),
            ("Apple", "iPad Air (5th generation)"),
        ),
        ("17.6.1", "18.1", "18.4.1"),
    ),
    (
        "macOS",
        "MacMDM",
        0.12,
        (("Apple", "MacBook Pro (14-inch, 2023)"), ("Apple", "MacBook Air (M2, 2022)"), ("Apple", "Mac mini (2023)")),
        ("14.7.1", "15.3.2", "15.5"),
    ),
    (
        "Android",
        "AndroidForWork",
        0.13,
        (("samsung", "SM-S911B"), ("Google", "Pixel 8"), ("Zebra Technologies", "TC52"), ("samsung", "SM-X205")),
        ("13", "14", "15"),
    ),
)
DEVICE_CATEGORIES = ("Corporate Laptop", "Shared Device", "Kiosk", "Field Device", "Executive Device")


def _name(rng: Random, taken: set[tuple[str, str]]) -> tuple[str, str]:
    while True:
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        if (first, last) not in taken or len(taken) > len(_FIRST) * len(_LAST) // 2:
            taken.add((first, last))
            return first, last


def build_users(ctx: Ctx) -> list[dict[str, Any]]:
    """Users: the first four are the operators (admin, reader, MFA admin, disabled), then staff."""
    rng = ctx.rng("users")
    taken: set[tuple[str, str]] = set()
    fixed = [
        ("IT", "Endpoint Administrator"),
        ("IT", "Security Analyst"),
        ("IT", "Cloud Engineer"),
        ("IT", "Service Desk Technician"),
        ("IT", "Emergency Access Account"),
    ]
    users = []
    counts: dict[str, int] = {}
    for index in range(ctx.size.users):
        if index < len(fixed):
            department, title = fixed[index]
        else:
            department = rng.choice(list(_DEPARTMENTS))
            title = rng.choice(_DEPARTMENTS[department])
        first, last = ("Break", "Glass") if index == 4 else _name(rng, taken)
        local = f"{first}.{last}".lower()
        counts[local] = counts.get(local, 0) + 1
        if counts[local] > 1:
            local = f"{local}{counts[local]}"
        guest = index >= 8 and rng.random() < 0.04
        upn = f"{local}_fabrikam.example#EXT#@{ctx.domain}" if guest else f"{local}@{ctx.domain}"
        created, _ = created_modified(rng, 1500)
        users.append(
            {
                "@odata.type": GRAPH + "user",
                "id": guid(rng),
                "displayName": f"{first} {last}" if index != 4 else "Emergency Access (break glass)",
                "givenName": first,
                "surname": last,
                "userPrincipalName": upn,
                "mail": f"{local}@{'fabrikam.example' if guest else ctx.domain}",
                "jobTitle": None if guest else title,
                "department": None if guest else department,
                "officeLocation": rng.choice(_OFFICES),
                "accountEnabled": index != 3 and rng.random() > 0.03,
                "userType": "Guest" if guest else "Member",
                "createdDateTime": created,
            }
        )
    return users


def _serial(rng: Random, length: int = 10) -> str:
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(length))


def build_devices(ctx: Ctx, users: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Managed devices with the properties filters read, and the Entra device object of each."""
    rng = ctx.rng("devices")
    members = [u for u in users if u["userType"] == "Member"][5:] or users
    weights = [p[2] for p in _PLATFORMS]
    managed: list[dict[str, Any]] = []
    entra: list[dict[str, Any]] = []
    for _ in range(ctx.size.devices):
        os_name, entra_os, _w, models, versions = rng.choices(_PLATFORMS, weights)[0]
        manufacturer, model = rng.choice(models)
        corporate = rng.random() < (0.9 if os_name in ("Windows", "macOS") else 0.6)
        shared = os_name in ("Windows", "Android") and corporate and rng.random() < 0.1
        user = None if shared else rng.choice(members)
        first = user["givenName"] if user else "Shared"
        serial = _serial(rng, 12 if os_name in ("iOS", "macOS") else 10)
        enrollment, join, profile = _enrollment(rng, os_name, corporate, shared, ctx.name)
        if os_name == "Windows":
            name = f"{ctx.short.upper()[:4]}-{serial[-7:]}" if profile else f"DESKTOP-{serial[:7]}"
        elif os_name == "Android":
            name = f"{first}_AndroidEnterprise_{rng.randrange(1, 13)}/{rng.randrange(1, 29)}/2025"
        else:
            kind = "Mac" if os_name == "macOS" else ("iPad" if "iPad" in model else "iPhone")
            name = f"{first}'s {kind}"
        azure_id = guid(rng)
        state = rng.choices(("compliant", "noncompliant", "inGracePeriod", "unknown"), (0.8, 0.1, 0.05, 0.05))[0]
        version = rng.choice(versions)
        managed.append(
            {
                "@odata.type": GRAPH + "managedDevice",
                "id": guid(rng),
                "deviceName": name,
                "operatingSystem": os_name,
                "osVersion": version,
                "model": model,
                "manufacturer": manufacturer,
                "serialNumber": serial,
                "deviceEnrollmentType": enrollment,
                "managedDeviceOwnerType": "company" if corporate else "personal",
                "joinType": join,
                "enrollmentProfileName": profile,
                "azureADDeviceId": azure_id,
                "azureADRegistered": True,
                "userId": user["id"] if user else None,
                "userPrincipalName": user["userPrincipalName"] if user else None,
                "userDisplayName": user["displayName"] if user else None,
                "emailAddress": user["mail"] if user else None,
                "deviceCategoryDisplayName": _category(rng, os_name, shared),
                "complianceState": state,
                "managementAgent": "mdm",
                "isSupervised": os_name == "iOS" and corporate,
                "isEncrypted": rng.random() < 0.9,
                "enrolledDateTime": days_before(rng.randrange(10, 700)),
                "lastSyncDateTime": recent(rng, 30 if rng.random() < 0.1 else 3),
            }
        )
        entra.append(
            {
                "@odata.type": GRAPH + "device",
                "id": guid(rng),
                "deviceId": azure_id,
                "displayName": name,
                "operatingSystem": entra_os,
                "operatingSystemVersion": version,
                "trustType": {"azureADJoined": "AzureAd", "hybridAzureADJoined": "ServerAd"}.get(join, "Workplace"),
                "accountEnabled": True,
                "isManaged": True,
                "isCompliant": state == "compliant",
                "deviceOwnership": "Company" if corporate else "Personal",
                "enrollmentProfileName": profile,
                "manufacturer": manufacturer,
                "model": model,
                "physicalIds": [f"[ZTDID]:{serial}"] if profile and os_name == "Windows" else [],
                "approximateLastSignInDateTime": recent(rng, 7),
            }
        )
    return managed, entra


def _enrollment(rng: Random, os_name: str, corporate: bool, shared: bool, tenant: str) -> tuple[str, str, str | None]:
    """``(deviceEnrollmentType, joinType, enrollmentProfileName)`` for one device."""
    if os_name == "Windows":
        if shared:
            return "windowsAzureADJoin", "azureADJoined", "Kiosk Autopilot"
        if corporate and rng.random() < 0.7:
            return "windowsAzureADJoin", "azureADJoined", "Autopilot - User Driven"
        if corporate:
            return "windowsCoManagement", "hybridAzureADJoined", None
        return "windowsAutoEnrollment", "azureADRegistered", None
    if os_name == "iOS":
        if corporate:
            return "appleBulkWithUser", "azureADRegistered", f"ADE - {tenant} iPhone"
        return "userEnrollment", "azureADRegistered", None
    if os_name == "macOS":
        return (
            ("appleBulkWithUser", "azureADRegistered", "ADE - macOS")
            if corporate
            else ("userEnrollment", "azureADRegistered", None)
        )
    if shared:
        return "androidEnterpriseDedicatedDevice", "unknown", "Zebra Scanner Kiosk"
    if corporate:
        return "androidEnterpriseFullyManaged", "azureADRegistered", "Fully Managed - Corporate"
    return "userEnrollment", "azureADRegistered", None


def _category(rng: Random, os_name: str, shared: bool) -> str | None:
    if shared:
        return rng.choice(("Shared Device", "Kiosk"))
    if rng.random() < 0.25:
        return None
    return rng.choice(
        ("Corporate Laptop", "Executive Device")
        if os_name in ("Windows", "macOS")
        else ("Field Device", "Executive Device")
    )
