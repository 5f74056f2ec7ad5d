"""Every write to alerts. Any app's rule raises through alert_raise; what follows (dispatch, notices, the
cockpit's live stream) listens to signals.alert_raised, sent once the alert is committed."""
import re
from datetime import datetime, timedelta

from django.db import transaction

from wastewatch.core.audit import audit_write
from wastewatch.core.errors import ServiceError

from ..choices import OPEN_STATUSES, AlertKind, AlertSource, AlertStatus, Severity
from ..models import Alert, AlertOccurrence
from ..signals import alert_raised

# Repeats of one kind at one place within this window are one alert (issue 6). Vehicle kinds merge per vehicle
# and trip; a camera's littering repeats all evening at a busy point.
MERGE_WINDOW = timedelta(minutes=30)
MERGE_WINDOWS = {
    AlertKind.OFFLINE: timedelta(hours=4),
    AlertKind.DEVICE_OFFLINE: timedelta(hours=24),
    AlertKind.OVER_CAPACITY: timedelta(hours=24),
    AlertKind.MASS_IMBALANCE: timedelta(hours=24),
}
DEFAULT_SEVERITY = {
    AlertKind.FIRE: Severity.CRITICAL,
    AlertKind.ILLEGAL_DUMPING: Severity.HIGH,
    AlertKind.EMISSION_EXCEEDED: Severity.HIGH,
    AlertKind.FURNACE_TEMPERATURE: Severity.HIGH,
    AlertKind.MANIFEST_DISCREPANCY: Severity.HIGH,
    AlertKind.TERMINAL_ALARM: Severity.HIGH,
    AlertKind.MIXED_HAULING: Severity.HIGH,
    AlertKind.LITTERING: Severity.LOW,
    AlertKind.BAG_OUTSIDE: Severity.LOW,
    AlertKind.OFF_HOURS: Severity.LOW,
}
GRID_DEGREES = 0.001  # about 100 m: alerts without a registered place merge by this grid


def place_key(*, site=None, vehicle=None, device=None, lon=None, lat=None) -> str:
    if site is not None:
        return f"site:{site.pk}"
    if device is not None:
        return f"device:{device.pk}"
    if vehicle is not None:
        return f"vehicle:{vehicle.pk}"
    if lon is not None and lat is not None:
        return f"grid:{round(float(lon) / GRID_DEGREES)}:{round(float(lat) / GRID_DEGREES)}"
    return "nowhere"


def _region_of(region_code, site, vehicle, device) -> str:
    code = region_code or next((o.region_id for o in (site, device, vehicle) if o is not None), "")
    if not re.fullmatch(r"\d{12}", code or ""):
        raise ServiceError("告警缺少区划代码", details=[{"field": "region_code", "reason": f"应为 12 位区划代码，收到“{code}”"}])
    return code


def alert_raise(*, actor, kind: str, source: str, at: datetime, title: str, region_code: str = "", severity: str = "",
                site=None, vehicle=None, device=None, lon=None, lat=None, message: str = "", evidence: dict | None = None,
                source_ref: str = "", place: str = "") -> Alert:
    """Raise an alert, or add an occurrence to the open one of the same kind at the same place.

    `source_ref` makes a source's retry harmless: an occurrence already recorded under it returns its alert.
    `place` names the place for merging where no site, device, vehicle or position does (a resident's estate)."""
    if kind not in AlertKind.values:
        raise ServiceError("告警类型无效", details=[{"field": "kind", "reason": f"不支持的告警类型“{kind}”"}])
    if source not in AlertSource.values:
        raise ServiceError("告警来源无效", details=[{"field": "source", "reason": f"不支持的告警来源“{source}”"}])
    if source_ref:
        seen = AlertOccurrence.objects.filter(source_ref=source_ref).select_related("alert").first()
        if seen is not None:
            return seen.alert
    region = _region_of(region_code, site, vehicle, device)
    key = place or place_key(site=site, vehicle=vehicle, device=device, lon=lon, lat=lat)
    window = MERGE_WINDOWS.get(kind, MERGE_WINDOW)
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .filter(kind=kind, place_key=key, status__in=OPEN_STATUSES, last_at__gte=at - window, first_at__lte=at + window)
            .order_by("-last_at").first()
        )
        merged = alert is not None
        if merged:
            alert.count += 1
            alert.first_at, alert.last_at = min(alert.first_at, at), max(alert.last_at, at)
            alert.save(update_fields=["count", "first_at", "last_at", "updated_at"])
        else:
            alert = Alert.objects.create(
                kind=kind, source=source, severity=severity or DEFAULT_SEVERITY.get(kind, Severity.MEDIUM), region_code=region,
                site=site, vehicle=vehicle, device=device, lon=lon, lat=lat, title=title[:200], place_key=key,
                first_at=at, last_at=at,
            )
            audit_write(actor=actor, source="system", action="create", obj=alert, region_code=region,
                        after={"kind": kind, "source": source, "title": alert.title, "at": at.isoformat()})
        occurrence = AlertOccurrence.objects.create(alert=alert, at=at, source_ref=source_ref, message=message[:500],
                                                    evidence=evidence or {})
        transaction.on_commit(lambda: alert_raised.send(sender=Alert, alert=alert, merged=merged, occurrence=occurrence))
    return alert


# Who may move an alert where by hand; dispatching and resolving go through its work orders.
MANUAL_MOVES = {
    AlertStatus.CONFIRMED: (AlertStatus.NEW,),
    AlertStatus.FALSE_POSITIVE: (AlertStatus.NEW, AlertStatus.CONFIRMED),
}


def alert_set_status(*, actor, alert: Alert, status: str, note: str = "", source: str = "page") -> Alert:
    """Confirm an alert or mark it a false positive (a false positive leaves the merge pool: the next one is new)."""
    allowed = MANUAL_MOVES.get(status)
    if allowed is None:
        raise ServiceError("不能手工设置为该状态", details=[{"field": "status", "reason": f"可选：{'、'.join(AlertStatus(s).label for s in MANUAL_MOVES)}"}])
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status not in allowed:
            raise ServiceError(f"告警当前为“{alert.get_status_display()}”，不能改为“{AlertStatus(status).label}”", code="invalid_state",
                               details=[{"field": "status", "reason": "状态不允许此操作"}], status=409)
        before = alert.status
        alert.status = status
        alert.save(update_fields=["status", "updated_at"])
        audit_write(actor=actor, source=source, action="update", obj=alert, region_code=alert.region_code,
                    before={"status": before}, after={"status": status, "note": note[:200]})
    return alert


def alert_resolve_if_done(*, actor, alert: Alert) -> None:
    """Resolve the alert once none of its work orders is still open."""
    from ..choices import DONE_STATUSES

    if alert.status in (AlertStatus.RESOLVED, AlertStatus.FALSE_POSITIVE):
        return
    if alert.work_orders.exclude(status__in=DONE_STATUSES).exists():
        return
    before = alert.status
    alert.status = AlertStatus.RESOLVED
    alert.save(update_fields=["status", "updated_at"])
    audit_write(actor=actor, source="system", action="update", obj=alert, region_code=alert.region_code,
                before={"status": before}, after={"status": AlertStatus.RESOLVED})
