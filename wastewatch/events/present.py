"""Alerts, evidence and work orders as the API and the pages hand them out."""

from wastewatch.core.masking import mask_phone

from .selectors import live_video_url


def evidence_dict(e) -> dict:
    return {
        "id": e.pk, "kind": e.kind, "sm3": e.sm3, "size": e.size, "captured_at": e.captured_at, "source": e.source,
        "device": e.device.code if e.device_id else None, "faces": len(e.faces or []), "removed": e.removed_at is not None,
        "url": e.url or f"/api/v1/events/evidence/{e.pk}/file",
    }


def alert_dict(a) -> dict:
    return {
        "id": a.pk, "kind": a.kind, "kind_label": a.get_kind_display(), "source": a.source, "severity": a.severity, "status": a.status,
        "region_code": a.region_code, "site": a.site.code if a.site_id else None, "vehicle": a.vehicle.plate if a.vehicle_id else None,
        "lon": a.lon, "lat": a.lat, "title": a.title, "first_at": a.first_at, "last_at": a.last_at, "count": a.count,
    }


def alert_detail_dict(a) -> dict:
    return {
        **alert_dict(a),
        "occurrences": [{"at": o.at, "source_ref": o.source_ref, "message": o.message, "evidence": o.evidence} for o in a.occurrences.all()],
        "evidence": [evidence_dict(e) for e in a.evidence_files.exclude(kind="raw").select_related("device")],
        "live_video_url": live_video_url(a), "work_orders": [o.number for o in a.work_orders.all()],
    }


def order_dict(o, *, steps=False) -> dict:
    out = {
        "number": o.number, "alert_id": o.alert_id, "kind": o.kind, "title": o.title, "unit_code": o.unit_id, "unit_name": o.unit.name,
        "status": o.status, "status_label": o.get_status_display(), "deadline": o.deadline, "dispatched_at": o.dispatched_at,
        "reported_at": o.reported_at, "closed_at": o.closed_at, "escalation_level": o.escalation_level,
        "escalated_to": o.escalated_to.name if o.escalated_to_id else None, "reopen_count": o.reopen_count, "on_time": o.on_time,
        "is_drill": o.is_drill,
    }
    if steps:
        out["steps"] = [{
            "at": s.at, "actor": s.actor_label, "action": s.action, "action_label": s.get_action_display(), "to_status": s.to_status,
            "comment": s.comment, "lon": s.lon, "lat": s.lat, "attachments": [e.pk for e in s.attachments.all()],
        } for s in o.steps.prefetch_related("attachments")]
    return out


def public_report_rows(alert, *, user) -> list[dict]:
    """The residents' reports behind an alert, for staff: the phone masked unless the viewer may see personal data."""
    clear = user.can("core.view_personal")
    return [{"receipt": r.receipt, "submitted_at": r.submitted_at, "description": r.description,
             "located_by": r.get_located_by_display(), "estate": r.estate.name if r.estate_id else "",
             "phone": (r.phone if clear else mask_phone(r.phone)) or "—"}
            for r in alert.public_reports.select_related("estate")]
