"""Which weigh-in each load ended in (Movement.delivered_in), kept when movements are written so a trace is a join.

A load (a pickup at an estate, a station's outgoing container) is delivered in its vehicle's next weigh-in strictly
after it, within the route window; a load without one stays unlinked. Writes touch (vehicle, moment) pairs; the loads
whose next weigh-in may have changed are those of the vehicle from a window before the earliest touched moment to
the latest, so only those are recomputed (data arriving out of order, a weigh-in moved or removed)."""
from bisect import bisect_right
from datetime import timedelta

from .choices import Stage

ROUTE_WINDOW = timedelta(hours=12)
LOADING_STAGES = (Stage.PICKUP, Stage.TRANSFER_OUT, Stage.SORTING_OUT, Stage.OUTLET_OUT, Stage.GENERATOR_OUT)
INTAKE_STAGES = (Stage.TRANSFER_IN, Stage.SORTING_IN, Stage.FACILITY_IN)
ROUTED_STAGES = (*LOADING_STAGES, *INTAKE_STAGES)
VEHICLES_PER_QUERY = 200


def delivery_links(events):
    """{load pk: intake pk or None} for one vehicle's events [(moment, pk, is_intake)] sorted by (moment, pk)."""
    links, pending = {}, []
    for moment, pk, is_intake in events:
        if not is_intake:
            pending.append((moment, pk))
            continue
        waiting = []
        for when, load in pending:
            if when == moment:
                waiting.append((when, load))  # the next weigh-in is strictly after the load
            else:
                links[load] = pk if moment - when <= ROUTE_WINDOW else None
        pending = waiting
    for _, load in pending:
        links[load] = None
    return links


def routes_link_new(model, movements) -> None:
    """Set delivered_in on unsaved loads from the weigh-ins already stored (a batch writes its weigh-ins first), so
    a day pushed in order is linked on insert rather than updated after it."""
    loads = [m for m in movements if m.vehicle_id and m.stage in LOADING_STAGES]
    if not loads:
        return
    intakes = {}
    for pk, vehicle_id, moment in (model.objects.filter(vehicle_id__in={m.vehicle_id for m in loads}, stage__in=INTAKE_STAGES,
                                                        occurred_at__range=(min(m.occurred_at for m in loads),
                                                                            max(m.occurred_at for m in loads) + ROUTE_WINDOW))
                                   .order_by("occurred_at", "pk").values_list("pk", "vehicle_id", "occurred_at")):
        intakes.setdefault(vehicle_id, ([], []))
        intakes[vehicle_id][0].append(moment)
        intakes[vehicle_id][1].append(pk)
    for m in loads:
        times, pks = intakes.get(m.vehicle_id, ((), ()))
        i = bisect_right(times, m.occurred_at)
        m.delivered_in_id = pks[i] if i < len(times) and times[i] - m.occurred_at <= ROUTE_WINDOW else None


def routes_relink(model, touched) -> int:
    """Recompute delivered_in for the loads that (vehicle id, moment) writes may have changed; returns rows updated."""
    spans = {}
    for vehicle_id, moment in touched:
        if vehicle_id and moment is not None:
            lo, hi = spans.get(vehicle_id, (moment, moment))
            spans[vehicle_id] = (min(lo, moment), max(hi, moment))
    vehicles, changed = sorted(spans), []
    for i in range(0, len(vehicles), VEHICLES_PER_QUERY):
        chunk = vehicles[i:i + VEHICLES_PER_QUERY]
        # One range over the chunk (a batch is mostly one day of a fleet) keeps the query a plain IN on the
        # (vehicle, occurred_at) index; rows outside a vehicle's own span are dropped here.
        lo = min(spans[v][0] for v in chunk) - ROUTE_WINDOW
        hi = max(spans[v][1] for v in chunk) + ROUTE_WINDOW
        by_vehicle = {}
        for pk, vehicle_id, moment, stage, current in (model.objects.filter(vehicle_id__in=chunk, occurred_at__range=(lo, hi),
                                                                            stage__in=ROUTED_STAGES).order_by()
                                                       .values_list("pk", "vehicle_id", "occurred_at", "stage", "delivered_in_id")):
            first, last = spans[vehicle_id]
            if first - ROUTE_WINDOW <= moment <= last + ROUTE_WINDOW:
                by_vehicle.setdefault(vehicle_id, []).append((moment, pk, stage in INTAKE_STAGES, current))
        for vehicle_id, rows in by_vehicle.items():
            rows.sort(key=lambda r: (r[0], r[1]))
            # A load after the latest touched moment may be delivered beyond what was read: it was not touched anyway.
            last = spans[vehicle_id][1]
            links = delivery_links([(m, pk, intake) for m, pk, intake, _ in rows])
            for moment, pk, intake, current in rows:
                if not intake and moment <= last and links[pk] != current:
                    changed.append(model(pk=pk, delivered_in_id=links[pk]))
    if changed:
        model.objects.bulk_update(changed, ["delivered_in"], batch_size=500)
    return len(changed)


def routes_backfill(model, chunk_size=20000) -> int:
    """Link every load of the ledger, one vehicle at a time, reading its movements in chunks (the migration's pass)."""
    updated = 0
    for vehicle_id in model.objects.exclude(vehicle=None).order_by().values_list("vehicle_id", flat=True).distinct():
        events = (model.objects.filter(vehicle_id=vehicle_id, stage__in=ROUTED_STAGES).order_by("occurred_at", "pk")
                  .values_list("occurred_at", "pk", "stage").iterator(chunk_size=chunk_size))
        links = delivery_links((m, pk, stage in INTAKE_STAGES) for m, pk, stage in events)
        rows = [model(pk=load, delivered_in_id=intake) for load, intake in links.items() if intake is not None]
        for i in range(0, len(rows), chunk_size):
            model.objects.bulk_update(rows[i:i + chunk_size], ["delivered_in"], batch_size=500)
        updated += len(rows)
    return updated
