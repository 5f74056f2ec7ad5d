"""Where the vehicle interfaces land: fixes of vehicle-gps go through the pipeline like the gateway's; the
cumulative figures of vehicle-operation keep the latest value per vehicle and day. Push has already checked that
each plate is a registered vehicle; a record whose vehicle has gone since is skipped, never refused."""
from decimal import Decimal

from wastewatch.registry.models import Vehicle

from .choices import FixSource
from .geometry import parse_local
from .models import Position, VehicleDay
from .pipeline import Fix, positions_ingest


def _vehicles(records) -> dict[str, int]:
    plates = {r.data.get("code") for r in records}
    return dict(Vehicle.objects.filter(plate__in=plates).values_list("plate", "pk"))


def land_gps(*, client, spec, batch, records):
    vehicles = _vehicles(records)
    fixes, gone = [], []
    for r in records:
        vid = vehicles.get(r.data.get("code"))
        if vid is None:
            continue
        at = parse_local(r.data["locateTime"])
        if r.deleted:
            gone.append((vid, at))
            continue
        fixes.append(Fix(vid, at, float(r.data["lon"]), float(r.data["lat"]), float(r.data.get("speed") or 0),
                         int(r.data.get("direction") or 0)))
    for vid, at in gone:
        Position.objects.filter(vehicle_id=vid, at=at).delete()
    positions_ingest(actor=client, fixes=fixes, source=FixSource.INTERFACE)


def land_vehicle_day(*, client, spec, batch, records):
    vehicles = _vehicles(records)
    regions = dict(Vehicle.objects.filter(pk__in=vehicles.values()).values_list("pk", "region_id"))
    for r in records:
        vid = vehicles.get(r.data.get("code"))
        if vid is None:
            continue
        day = r.data["workDate"]
        if r.deleted:
            VehicleDay.objects.filter(vehicle_id=vid, day=day).delete()
            continue
        VehicleDay.objects.update_or_create(vehicle_id=vid, day=day, defaults={
            "region_code": regions[vid], "trips": r.data["tripCount"], "weight_t": Decimal(str(r.data["weight"])),
            "mileage_km": Decimal(str(r.data["mileage"])), "work_hours": Decimal(str(r.data["workDuration"])),
            "points": r.data.get("pointCount"), "source_interface": spec.code,
        })
