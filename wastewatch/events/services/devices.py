"""Devices that the county systems report offline or faulty (video-device interface → registry) become alerts: the
check runs periodically and raises at most one occurrence per device, status and day, so an outage that lasts shows
as one alert with a count of days, dispatched by rule like any other."""
from datetime import datetime

from django.utils import timezone

from wastewatch.registry.choices import DeviceStatus
from wastewatch.registry.models import Device

from ..choices import AlertKind, AlertSource
from .alerts import alert_raise

KINDS = {DeviceStatus.OFFLINE: AlertKind.DEVICE_OFFLINE, DeviceStatus.FAULT: AlertKind.DEVICE_FAULT}


def devices_check(*, now: datetime | None = None) -> int:
    """Raise (or add to) an alert for every active device that is offline or faulty; returns how many it looked at."""
    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    down = Device.objects.filter(is_active=True, status__in=list(KINDS)).select_related("site")
    for device in down.iterator(chunk_size=500):
        kind = KINDS[device.status]
        site = device.site
        alert_raise(
            actor=None, kind=kind, source=AlertSource.DEVICE, at=now, device=device, region_code=device.region_id,
            lon=float(site.lon) if site.lon is not None else None, lat=float(site.lat) if site.lat is not None else None,
            title=f"{site.name}{device.name}{AlertKind(kind).label}", message=f"设备 {device.code} 状态：{device.get_status_display()}",
            source_ref=f"device:{device.code}:{device.status}:{day}",
        )
    return down.count()
