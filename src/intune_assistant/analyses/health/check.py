"""Tenant health: certificates, tokens and connectors that expire or stopped syncing.

Expired Apple push certificates, VPP and enrollment program tokens, and partner connectors that no
longer report are a common cause of Intune outages: nothing fails loudly, devices just stop
enrolling, syncing apps or reporting compliance. This reads the snapshot only; every verdict holds
for ``as_of`` (by default the moment the snapshot was taken, never the clock), so a saved snapshot
gives the same report on any day.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from intune_assistant.catalog import Catalog, HealthCheck, ResourceType, default_catalog, type_name_of
from intune_assistant.snapshot import Snapshot

from .model import SEVERITY, SOON_DAYS, HealthItem, HealthReport, Verdict

Obj = Mapping[str, Any]
_DAY_S = 86_400.0
# Graph writes "never" as the first day of year 1.
_NEVER_YEAR = 1
# Partner and connector states that mean the connection is set up and should be reporting; states
# that mean it stopped; everything else means it is not (yet) set up.
_CONNECTED = frozenset({"enabled"})
_BROKEN = frozenset({"unresponsive", "error", "terminated", "rejected"})


def parse_time(value: object) -> datetime | None:
    """A Graph timestamp as an aware datetime; ``None`` for null, unparsable or Graph's "never"."""
    if not isinstance(value, str) or not value:
        return None
    # Graph writes up to 7 fractional digits; Python reads at most 6.
    text = re.sub(r"(\.\d{6})\d+", r"\1", value.replace("Z", "+00:00"))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.year <= _NEVER_YEAR:
        return None
    return moment


def whole_days(delta: timedelta) -> int:
    """``delta`` in days, to the nearest day (9.6 days left reads "10 days")."""
    return math.floor(delta.total_seconds() / _DAY_S + 0.5)


def words(value: object) -> str:
    """A Graph enum value in words: ``boundAndValidated`` → "Bound and validated"."""
    if not isinstance(value, str) or not value:
        return ""
    parts = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", value).split()
    text = " ".join(p if p.isupper() and len(p) > 1 else p.lower() for p in parts)
    return text[:1].upper() + text[1:]


def _days(n: int) -> str:
    return f"{n} day" if abs(n) == 1 else f"{n} days"


class _Check:
    """The verdicts of one snapshot's objects, as of ``now``."""

    def __init__(self, snapshot: Snapshot, catalog: Catalog, now: datetime) -> None:
        self.snapshot = snapshot
        self.catalog = catalog
        self.now = now

    def item(self, key: str, obj: Obj, verdict: Verdict, reason: str, **fields: Any) -> HealthItem:
        return HealthItem(
            key=key,
            kind=type_name_of(key, obj),
            name=self.snapshot.display_name(key, dict(obj), self.catalog) or type_name_of(key, obj),
            verdict=verdict,
            reason=reason,
            object_id=str(obj["id"]) if isinstance(obj.get("id"), str) else None,
            **fields,
        )

    def expiring(
        self,
        key: str,
        obj: Obj,
        expires_field: str,
        *,
        state: str = "",
        last_sync: datetime | None = None,
        failure: str | None = None,
        renew: str = "",
    ) -> HealthItem:
        """An object that expires: expired beats a failed sync, which beats expiring soon."""
        expires = parse_time(obj.get(expires_field))
        days = whole_days(expires - self.now) if expires is not None else None
        common: dict[str, Any] = {"expires": expires, "days_left": days, "state": state, "last_sync": last_sync}
        advice = f" {renew}" if renew else ""
        if expires is None:
            return self.item(key, obj, Verdict.UNKNOWN, f"Graph gave no {expires_field}.", **common)
        if expires <= self.now:
            ago = -days if days is not None else 0
            when = "today" if ago == 0 else f"{_days(ago)} ago"
            return self.item(key, obj, Verdict.EXPIRED, f"Expired {when} ({expires:%Y-%m-%d}).{advice}", **common)
        if failure:
            return self.item(key, obj, Verdict.SYNC_FAILED, failure, **common)
        if days is not None and days <= SOON_DAYS:
            reason = f"Expires in {_days(days)} ({expires:%Y-%m-%d}).{advice}"
            return self.item(key, obj, Verdict.EXPIRES_SOON, reason, **common)
        return self.item(key, obj, Verdict.OK, f"{_days(days or 0)} left (expires {expires:%Y-%m-%d}).", **common)

    def push_certificate(self, key: str, obj: Obj) -> HealthItem:
        apple_id = obj.get("appleIdentifier") or "the Apple ID that created it"
        return self.expiring(
            key,
            obj,
            "expirationDateTime",
            state=words(obj.get("certificateUploadStatus")),
            renew=f"Renew it with the same Apple ID ({apple_id}), or every Apple device must re-enroll.",
        )

    def vpp_token(self, key: str, obj: Obj) -> HealthItem:
        state, sync = obj.get("state"), obj.get("lastSyncStatus")
        failure = None
        if sync == "failed":
            failure = "The last sync with Apple failed: apps and licences are not up to date."
        elif state in ("invalid", "assignedToExternalMDM", "duplicateLocationId"):
            failure = f"The token is {words(state).lower()}: Intune cannot sync it."
        item = self.expiring(
            key,
            obj,
            "expirationDateTime",
            state=words(state),
            last_sync=parse_time(obj.get("lastSyncDateTime")),
            failure=failure,
            renew="Download a new token in Apple Business Manager and upload it.",
        )
        if item.verdict is Verdict.OK and state == "expired":
            return self.item(key, obj, Verdict.EXPIRED, "Apple reports the token expired.", **_fields(item))
        return item

    def dep_token(self, key: str, obj: Obj) -> HealthItem:
        code = obj.get("lastSyncErrorCode")
        failed = isinstance(code, int) and code != 0
        failure = f"The last sync with Apple failed (error {code})." if failed else None
        return self.expiring(
            key,
            obj,
            "tokenExpirationDateTime",
            state=f"Sync error {code}" if failed else "Syncing",
            last_sync=parse_time(obj.get("lastSuccessfulSyncDateTime")),
            failure=failure,
            renew="Download a new server token in Apple Business Manager and upload it.",
        )

    def google_play(self, key: str, obj: Obj) -> HealthItem:
        bind, sync = obj.get("bindStatus"), obj.get("lastAppSyncStatus")
        common: dict[str, Any] = {"state": words(bind), "last_sync": parse_time(obj.get("lastAppSyncDateTime"))}
        if bind in (None, "notBound"):
            return self.item(key, obj, Verdict.NOT_SET_UP, "No Managed Google Play account is connected.", **common)
        if sync not in (None, "success", "none"):
            reason = f"The last app sync failed ({words(sync).lower()})."
            return self.item(key, obj, Verdict.SYNC_FAILED, reason, **common)
        return self.item(key, obj, Verdict.OK, "Connected; apps synced.", **common)

    def connector(self, key: str, obj: Obj, *, threshold_days: int | None = None) -> HealthItem:
        state = obj.get("partnerState")
        heartbeat = parse_time(obj.get("lastHeartbeatDateTime"))
        common: dict[str, Any] = {"state": words(state), "last_sync": heartbeat}
        if state in _BROKEN:
            return self.item(key, obj, Verdict.SYNC_FAILED, f"The partner is {words(state).lower()}.", **common)
        if state not in _CONNECTED:
            return self.item(key, obj, Verdict.NOT_SET_UP, f"Partner state: {words(state) or 'none'}.", **common)
        if threshold_days is not None and heartbeat is not None:
            silent = whole_days(self.now - heartbeat)
            if silent > threshold_days:
                reason = f"No heartbeat for {_days(silent)} (the connector's limit is {threshold_days})."
                return self.item(key, obj, Verdict.SYNC_FAILED, reason, **common)
        return self.item(key, obj, Verdict.OK, "Connected.", **common)

    def threat_defense(self, key: str, obj: Obj) -> HealthItem:
        limit = obj.get("partnerUnresponsivenessThresholdInDays")
        return self.connector(key, obj, threshold_days=limit if isinstance(limit, int) and limit > 0 else None)

    def remote_assistance(self, key: str, obj: Obj) -> HealthItem:
        status = obj.get("onboardingStatus")
        common: dict[str, Any] = {"state": words(status), "last_sync": parse_time(obj.get("lastConnectionDateTime"))}
        if status == "notOnboarded":
            return self.item(key, obj, Verdict.NOT_SET_UP, "Not onboarded.", **common)
        return self.item(key, obj, Verdict.OK, words(status) + ".", **common)


def _fields(item: HealthItem) -> dict[str, Any]:
    return {"expires": item.expires, "days_left": item.days_left, "state": item.state, "last_sync": item.last_sync}


_Rule = Callable[[_Check, str, Obj], HealthItem]
# How each kind the catalog declares (``ResourceType.health``) is judged.
RULES: Mapping[HealthCheck, _Rule] = {
    HealthCheck.PUSH_CERTIFICATE: _Check.push_certificate,
    HealthCheck.VPP_TOKEN: _Check.vpp_token,
    HealthCheck.ENROLLMENT_TOKEN: _Check.dep_token,
    HealthCheck.GOOGLE_PLAY: _Check.google_play,
    HealthCheck.THREAT_DEFENSE: _Check.threat_defense,
    HealthCheck.PARTNER: _Check.connector,
    HealthCheck.REMOTE_ASSISTANCE: _Check.remote_assistance,
}
# What an unset singleton means for the tenant.
_UNSET: Mapping[HealthCheck, str] = {
    HealthCheck.PUSH_CERTIFICATE: "No Apple MDM push certificate: iOS/iPadOS and macOS devices cannot enroll.",
    HealthCheck.GOOGLE_PLAY: "No Managed Google Play account: Android Enterprise devices cannot enroll.",
}


def health_types(catalog: Catalog) -> tuple[ResourceType, ...]:
    """The catalog types tenant health reads, in catalog order."""
    return tuple(r for r in catalog if r.health is not None)


def tenant_health(snapshot: Snapshot, catalog: Catalog | None = None, *, as_of: datetime | None = None) -> HealthReport:
    """Every certificate, token and connector of ``snapshot`` with its verdict as of ``as_of``
    (default: when the snapshot was taken), worst first. A type that could not be read is one
    ``UNKNOWN`` row with the reason, never an empty section."""
    catalog = catalog if catalog is not None else default_catalog()
    now = as_of if as_of is not None else snapshot.taken_at
    check = _Check(snapshot, catalog, now)
    items: list[HealthItem] = []
    records = health_types(catalog)
    for record in records:
        health = record.health
        if health is None:
            continue
        objects = snapshot.read_objects(record.key)
        if objects is None:
            result = snapshot.results.get(record.key)
            why = result.problem.advice() if result and result.problem else "It was not read."
            kind = type_name_of(record.key, {})
            items.append(HealthItem(record.key, kind, kind, Verdict.UNKNOWN, why))
            continue
        unset = _UNSET.get(health)
        if not objects and record.singleton and unset:
            kind = type_name_of(record.key, {})
            items.append(HealthItem(record.key, kind, kind, Verdict.NOT_SET_UP, unset))
        rule = RULES[health]
        items.extend(rule(check, record.key, obj) for obj in objects)
    order = [r.key for r in records]
    items.sort(
        key=lambda i: (SEVERITY[i.verdict], i.days_left if i.days_left is not None else math.inf, order.index(i.key))
    )
    return HealthReport(as_of=now, items=tuple(items))
