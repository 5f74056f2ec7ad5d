from django.utils import timezone


def _f(value):
    return None if value is None else float(value)


def manifest_dict(m, *, with_events=False) -> dict:
    body = {
        "number": m.number, "status": m.status, "status_label": m.get_status_display(), "category": m.category_id,
        "category_name": m.category.name, "waste_name": m.waste_name, "generator": m.generator.code,
        "generator_name": m.generator.name, "hauler": m.hauler.code, "hauler_name": m.hauler.name,
        "receiver": m.receiver.code, "receiver_name": m.receiver.name, "plate": m.vehicle.plate if m.vehicle_id else "",
        "region_code": m.region_code, "receiver_region_code": m.receiver_region_code,
        "planned_on": m.planned_on, "shipped_t": _f(m.shipped_t), "hauled_t": _f(m.hauled_t), "received_t": _f(m.received_t),
        "rejected_t": _f(m.rejected_t), "rejection_reason": m.rejection_reason, "discrepancy": m.discrepancy,
        "version": m.version,
    }
    if with_events:
        body["events"] = [{"action": e.action, "party": e.party, "actor": e.actor_label, "at": timezone.localtime(e.at),
                           "weight_t": _f(e.weight_t), "note": e.note, "before": e.before, "after": e.after}
                          for e in m.events.all()]
    return body
