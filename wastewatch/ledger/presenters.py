"""How ledger rows look to a reader: names beside codes, flags in Chinese, personal data masked unless permitted."""
from django.utils import timezone

from wastewatch.core.masking import mask_name

from .choices import Flag, Stage


def place(site=None, estate=None, org=None, label="", vehicle=None):
    for obj, code in ((site, "code"), (estate, "code"), (org, "code")):
        if obj is not None:
            return getattr(obj, code), obj.name
    if label:
        return "", label
    if vehicle is not None:
        return vehicle.plate, f"车辆 {vehicle.plate}"
    return "", ""


def movement_dict(m, *, user) -> dict:
    from_code, from_name = place(m.from_site, m.from_estate, m.from_org, m.from_label)
    to_code, to_name = place(m.to_site, None, m.to_org, m.to_label, m.vehicle if m.stage == Stage.PICKUP else None)
    return {
        "id": m.pk, "stage": m.stage, "stage_label": Stage(m.stage).label, "occurred_at": timezone.localtime(m.occurred_at),
        "day": m.day, "region_code": m.region_code, "origin_code": m.origin_code, "category": m.category_id,
        "category_name": m.category.name, "net_t": float(m.net_t),
        "gross_t": None if m.gross_t is None else float(m.gross_t), "tare_t": None if m.tare_t is None else float(m.tare_t),
        "from_code": from_code, "from_name": from_name, "to_code": to_code, "to_name": to_name, "plate": m.plate,
        "driver": m.driver if user.can("core.view_personal") else mask_name(m.driver), "source": m.source,
        "source_interface": m.source_interface, "source_key": m.source_key, "flags": list(m.flags),
        "flag_labels": [Flag(f).label if f in Flag.values else f for f in m.flags], "note": m.note,
    }
