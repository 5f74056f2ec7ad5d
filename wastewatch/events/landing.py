"""The lander of the vehicle-alert interface (spec `vehicle-alert`, lands_in "events:alert"): each accepted record
becomes an alert occurrence, merged per vehicle and kind; a retry of the same record (same business key) is a no-op."""
from datetime import datetime
from zoneinfo import ZoneInfo

from wastewatch.registry.models import Vehicle

from .choices import AlertKind, AlertSource, Severity
from .services.alerts import alert_raise

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The provincial code table 车辆预警类型 (01–10) to the platform's kinds.
KIND_OF_CODE = {
    "01": AlertKind.OVERSPEED, "02": AlertKind.IDLE, "03": AlertKind.OFFLINE, "04": AlertKind.OFF_ROUTE, "05": AlertKind.MISSED_POINT,
    "06": AlertKind.MIXED_HAULING, "07": AlertKind.WEIGHING_MISSING, "08": AlertKind.TERMINAL_ALARM, "09": AlertKind.TERMINAL_ALARM,
    "10": AlertKind.TERMINAL_ALARM,
}
SEVERITY_OF_LEVEL = {"1": Severity.LOW, "2": Severity.MEDIUM, "3": Severity.HIGH}


def land_vehicle_alerts(*, client, spec, batch, records) -> None:
    plates = {r.data.get("code") for r in records}
    vehicles = {v.plate: v for v in Vehicle.objects.filter(plate__in=plates)}
    for record in records:
        if record.deleted:
            continue  # a county withdrawing an alert does not unsee it: the alert stays, for the office to judge
        data = record.data
        kind = KIND_OF_CODE.get(data.get("alertType"), AlertKind.OTHER)
        vehicle = vehicles.get(data.get("code"))
        at = datetime.strptime(data["alertTime"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
        evidence = {"interface": spec.code, "batch": batch.pk, "uid": record.uid, "alertType": data.get("alertType"),
                    "speed": str(data["speed"]) if data.get("speed") is not None else None, "photo": data.get("photo")}
        alert_raise(
            actor=client, kind=kind, source=AlertSource.INTERFACE, at=at, region_code=record.region_code,
            severity=SEVERITY_OF_LEVEL.get(str(data.get("alertLevel")), ""), vehicle=vehicle,
            lon=float(data["lon"]) if data.get("lon") is not None else None, lat=float(data["lat"]) if data.get("lat") is not None else None,
            title=f"{data.get('code')} {AlertKind(kind).label}", message=str(data.get("content") or ""),
            evidence={k: v for k, v in evidence.items() if v is not None}, source_ref=f"{spec.code}:{record.key}",
        )
