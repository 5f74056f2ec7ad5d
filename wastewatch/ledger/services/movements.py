"""Recording movements (DESIGN rule 4): validated, checked like a weighbridge ticket, idempotent by source key, audited.

A doubtful weighing is kept and flagged (and raises a weighing_anomaly alert), never dropped: the office must see
what the scale said. Only what cannot be a movement at all (no category, no time, negative weight, no place) is
refused, with the field named in Chinese."""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wastewatch.core.audit import audit_write
from wastewatch.core.errors import ServiceError
from wastewatch.core.models import AuditRecord
from wastewatch.registry.models import Vehicle, WasteCategory

from ..choices import Flag, Source, Stage
from ..models import Movement
from ..routes import INTAKE_STAGES as ROUTE_INTAKES, LOADING_STAGES, ROUTE_WINDOW, ROUTED_STAGES, routes_link_new, routes_relink

INTAKE_STAGES = set(ROUTE_INTAKES)
REGION_RE = re.compile(r"^\d{12}$")
MAX_NET_T = Decimal("5000")  # a single movement above this is a typing error (a plant's whole day is far less)


@dataclass(frozen=True)
class WeighbridgeRules:
    """Tolerances of the weighbridge checks. A scale reads to 10-20 kg; a registered tare drifts with fuel and
    crew by a few hundred kilograms; a truck legally carries its rated load and in practice up to about 10% more."""

    net_tolerance_t: Decimal = Decimal("0.02")
    tare_tolerance_t: Decimal = Decimal("0.5")
    tare_tolerance_ratio: Decimal = Decimal("0.10")
    overload_ratio: Decimal = Decimal("1.10")
    duplicate_window: timedelta = timedelta(minutes=10)
    duplicate_net_t: Decimal = Decimal("0.02")


WEIGHBRIDGE = WeighbridgeRules()
# The audit trail names the path a write came by; a movement's source is finer (a scale, a manifest).
AUDIT_SOURCE = {Source.INTERFACE: "interface", Source.PAGE: "page", Source.IMPORT: "import", Source.DEVICE: "system",
                Source.MANIFEST: "page", Source.DEMO: "demo"}
FIELDS = ("stage", "occurred_at", "day", "region_code", "origin_code", "category_id", "net_t", "gross_t", "tare_t",
          "from_site_id", "from_estate_id", "from_org_id", "from_label", "to_site_id", "to_org_id", "to_label",
          "vehicle_id", "plate", "driver", "source", "source_interface", "source_key", "flags", "note")


def _decimal(value, field, label, problems, *, required=False):
    if value is None or value == "":
        if required:
            problems.append({"field": field, "reason": f"{label}不能为空"})
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        problems.append({"field": field, "reason": f"{label}应为数字（吨），收到“{value}”"})
        return None
    if number < 0:
        problems.append({"field": field, "reason": f"{label}不能为负数（收到 {value}）"})
        return None
    if number > MAX_NET_T:
        problems.append({"field": field, "reason": f"{label} {value} 吨超出合理范围（单次不超过 {MAX_NET_T} 吨）"})
        return None
    return number


class _Lookups:
    """Categories and vehicles by code and plate, loaded once per batch."""

    def __init__(self):
        self.categories = {}
        self.vehicles = {}

    def category(self, value):
        if isinstance(value, WasteCategory):
            return value
        code = str(value or "")
        if code not in self.categories:
            self.categories[code] = WasteCategory.objects.filter(code=code).first()
        return self.categories[code]

    def vehicle_by_plate(self, plate):
        if plate not in self.vehicles:
            self.vehicles[plate] = Vehicle.objects.filter(plate=plate).first()
        return self.vehicles[plate]

    def preload_plates(self, plates):
        missing = {p for p in plates if p and p not in self.vehicles}
        if missing:
            found = {v.plate: v for v in Vehicle.objects.filter(plate__in=missing)}
            for plate in missing:
                self.vehicles[plate] = found.get(plate)


def _place_region(stage, to_site, from_site, from_estate, from_org, to_org, vehicle):
    # Where it happened: the receiving site for a weigh-in, the sending place for everything else.
    order = (to_site, from_site, from_estate) if stage in INTAKE_STAGES else (from_site, from_estate, to_site)
    for place in (*order, from_org, to_org, vehicle):
        if place is not None:
            return place.region_id
    return ""


def _origin_region(from_estate, from_site, from_org, vehicle, region_code):
    # Where the waste came from: a plant serving several counties credits each county by sender, then vehicle.
    for place in (from_estate, from_site, from_org, vehicle):
        if place is not None:
            return place.region_id
    return region_code


def _build(lookups, *, stage, occurred_at, category, net_t, source, region_code="", origin_code="", from_site=None,
           from_estate=None, from_org=None, from_label="", to_site=None, to_org=None, to_label="", vehicle=None, plate="",
           driver="", gross_t=None, tare_t=None, source_interface="", source_key="", note=""):
    """An unsaved Movement and the problems that make it no movement at all."""
    problems = []
    if stage not in Stage.values:
        problems.append({"field": "stage", "reason": f"环节“{stage}”无效，应为：{'、'.join(Stage.values)}"})
    if source not in Source.values:
        problems.append({"field": "source", "reason": f"数据来源“{source}”无效"})
    if not isinstance(occurred_at, datetime):
        problems.append({"field": "occurred_at", "reason": "发生时间不能为空，应为日期时间"})
    elif timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)  # naive times are Beijing time (settings.TIME_ZONE)
    if isinstance(occurred_at, datetime) and occurred_at > timezone.now() + timedelta(hours=1):
        problems.append({"field": "occurred_at", "reason": f"发生时间 {timezone.localtime(occurred_at):%Y-%m-%d %H:%M} 晚于当前时间"})
    cat = lookups.category(category)
    if cat is None:
        problems.append({"field": "category", "reason": f"垃圾类别“{category or ''}”不存在" if category else "垃圾类别不能为空"})
    net = _decimal(net_t, "net_t", "净重", problems, required=True)
    gross = _decimal(gross_t, "gross_t", "毛重", problems)
    tare = _decimal(tare_t, "tare_t", "皮重", problems)
    plate = (plate or "").strip().upper()
    if vehicle is None and plate:
        vehicle = lookups.vehicle_by_plate(plate)
    if vehicle is not None and not plate:
        plate = vehicle.plate
    region_code = region_code or _place_region(stage, to_site, from_site, from_estate, from_org, to_org, vehicle)
    if not REGION_RE.match(region_code or ""):
        problems.append({"field": "region_code", "reason": "无法确定发生地区划：请填写点位设施、小区、单位或 12 位区划代码"})
    origin_given = origin_code
    origin_code = origin_code or _origin_region(from_estate, from_site, from_org, vehicle, region_code)
    if origin_code and not REGION_RE.match(origin_code):
        problems.append({"field": "origin_code", "reason": f"来源区划应为 12 位区划代码，收到“{origin_code}”"})
    if not any((from_site, from_estate, from_org, from_label, vehicle, plate)):
        problems.append({"field": "from_site", "reason": "来源不能为空：请填写来源点位、小区、单位、名称或车辆"})
    if stage not in (Stage.OUTPUT,) and not any((to_site, to_org, to_label, vehicle, plate)):
        problems.append({"field": "to_site", "reason": "去向不能为空：请填写去向点位、单位、名称或车辆"})
    if problems:
        return None, problems
    movement = Movement(
        stage=stage, occurred_at=occurred_at, day=timezone.localdate(occurred_at), region_code=region_code,
        origin_code=origin_code or region_code, category=cat, net_t=net, gross_t=gross, tare_t=tare,
        from_site=from_site, from_estate=from_estate, from_org=from_org, from_label=(from_label or "")[:100],
        to_site=to_site, to_org=to_org, to_label=(to_label or "")[:100], vehicle=vehicle, plate=plate[:10],
        driver=driver or "", source=source, source_interface=source_interface or "", source_key=(source_key or "")[:200],
        note=(note or "")[:200],
    )
    movement.flags = _weighbridge_flags(movement, had_plate=bool(plate))
    movement.origin_given = bool(origin_given)  # a sender's county named on the ticket bounds the route attribution
    return movement, []


def _weighbridge_flags(m: Movement, *, had_plate: bool) -> list[str]:
    rules, flags = WEIGHBRIDGE, []
    if m.gross_t is not None and m.tare_t is not None and abs(m.gross_t - m.tare_t - m.net_t) > rules.net_tolerance_t:
        flags.append(Flag.NET_MISMATCH.value)
    vehicle = m.vehicle
    if vehicle is None:
        if had_plate and m.stage in INTAKE_STAGES:
            flags.append(Flag.UNREGISTERED_VEHICLE.value)
        return flags
    if m.tare_t is not None and vehicle.tare_t:
        allowed = max(rules.tare_tolerance_t, vehicle.tare_t * rules.tare_tolerance_ratio)
        if abs(m.tare_t - vehicle.tare_t) > allowed:
            flags.append(Flag.TARE_MISMATCH.value)
    if m.stage in INTAKE_STAGES | {Stage.PICKUP} and m.net_t > vehicle.capacity_t * rules.overload_ratio:
        flags.append(Flag.OVERLOAD.value)
    return flags


def _mark_duplicates(movements: list[Movement]) -> None:
    """A second weighing of one vehicle at one site with the same net within minutes is a double ticket."""
    rules = WEIGHBRIDGE
    weighed = [m for m in movements if m.vehicle_id and m.stage in INTAKE_STAGES]
    if not weighed:
        return
    start = min(m.occurred_at for m in weighed) - rules.duplicate_window
    end = max(m.occurred_at for m in weighed) + rules.duplicate_window
    earlier = list(
        Movement.objects.filter(vehicle_id__in={m.vehicle_id for m in weighed}, occurred_at__range=(start, end),
                                stage__in=list(INTAKE_STAGES))
        .exclude(pk__in=[m.pk for m in weighed if m.pk])
        .only("pk", "vehicle_id", "to_site_id", "occurred_at", "net_t", "source_interface", "source_key")
    )
    seen = [*earlier]
    for m in sorted(weighed, key=lambda x: x.occurred_at):
        for other in seen:
            if (other.vehicle_id == m.vehicle_id and other.to_site_id == m.to_site_id
                    and abs(other.occurred_at - m.occurred_at) <= rules.duplicate_window
                    and abs(other.net_t - m.net_t) <= rules.duplicate_net_t
                    and (other.source_interface, other.source_key) != (m.source_interface, m.source_key)):
                if Flag.DUPLICATE.value not in m.flags:
                    m.flags = [*m.flags, Flag.DUPLICATE.value]
                break
        seen.append(m)


def _attribute_by_route(movements: list[Movement]) -> None:
    """Credit a weigh-in to where its load was taken on: the loads of the same vehicle since its previous weigh-in
    (within the route window), narrowed to the sender's county where the weighbridge named one. Their common region
    (community, street or county) becomes the origin, so a plant serving several counties splits its intake by county
    and street."""
    weighed = [m for m in movements if m.stage in INTAKE_STAGES and m.vehicle_id]
    if not weighed:
        return
    times = [m.occurred_at for m in weighed]
    history = {}
    for vehicle, when, stage, origin in (Movement.objects
                                         .filter(vehicle_id__in={m.vehicle_id for m in weighed},
                                                 occurred_at__range=(min(times) - ROUTE_WINDOW, max(times)),
                                                 stage__in=[*LOADING_STAGES, *INTAKE_STAGES])
                                         .exclude(pk__in=[m.pk for m in weighed if m.pk])
                                         .values_list("vehicle_id", "occurred_at", "stage", "origin_code")):
        history.setdefault(vehicle, []).append((when, stage, origin))
    for m in movements:  # the batch's own loads count too (a day pushed in one batch)
        if m.vehicle_id and m.stage in (*LOADING_STAGES, *INTAKE_STAGES) and m not in weighed:
            history.setdefault(m.vehicle_id, []).append((m.occurred_at, m.stage, m.origin_code))
    for m in weighed:
        county = m.origin_code[:6] if getattr(m, "origin_given", False) else ""
        loads = []
        for when, stage, origin in sorted(history.get(m.vehicle_id, ()), reverse=True):
            if when >= m.occurred_at:
                continue
            if m.occurred_at - when > ROUTE_WINDOW or stage in INTAKE_STAGES:
                break
            if not county or origin.startswith(county):
                loads.append(origin)
        if loads:
            m.origin_code = common_region(loads)


def common_region(codes) -> str:
    """The smallest region holding all the codes: community (12), street (9), county (6) or city (4 digits)."""
    for digits in (12, 9, 6, 4):
        if len({c[:digits] for c in codes}) == 1:
            return codes[0][:digits].ljust(12, "0")
    return codes[0][:2].ljust(12, "0")


def _snapshot(m: Movement) -> dict:
    return {
        "stage": m.stage, "occurred_at": m.occurred_at.isoformat(), "category": m.category_id, "net_t": str(m.net_t),
        "gross_t": None if m.gross_t is None else str(m.gross_t), "tare_t": None if m.tare_t is None else str(m.tare_t),
        "from": m.from_site_id or m.from_estate_id or m.from_org_id or m.from_label,
        "to": m.to_site_id or m.to_org_id or m.to_label, "plate": m.plate, "region_code": m.region_code,
        "origin_code": m.origin_code, "flags": list(m.flags), "source_key": m.source_key,
    }


def _same(a: Movement, b: Movement) -> bool:
    return all(getattr(a, f) == getattr(b, f) for f in FIELDS if f not in ("flags",))


def _raise_weighing_alerts(actor, movements):
    from wastewatch.events.choices import AlertKind, AlertSource
    from wastewatch.events.services import alert_raise

    for m in movements:
        doubts = [f for f in m.flags if f != Flag.UNREGISTERED_VEHICLE.value]
        if not doubts:
            continue
        labels = "、".join(Flag(f).label for f in doubts)
        alert_raise(
            actor=actor, kind=AlertKind.WEIGHING_ANOMALY, source=AlertSource.LEDGER, at=m.occurred_at,
            title=f"{m.plate or '车辆'} 称重异常：{labels}", region_code=m.region_code, site=m.to_site or m.from_site,
            vehicle=m.vehicle, message=f"净重 {m.net_t} 吨，毛重 {m.gross_t}，皮重 {m.tare_t}",
            evidence={"movement": m.pk, "flags": doubts}, source_ref=f"movement:{m.pk}:{','.join(doubts)}",
        )


def _check_scope(actor, m: Movement):
    scope = getattr(actor, "scope", None)
    if scope is None:
        return []
    if scope.nothing:
        return [{"field": "region_code", "reason": "超出您的数据权限范围"}]
    if scope.organisation_id is not None:
        orgs = {m.from_org_id, m.to_org_id, getattr(m.vehicle, "hauler_id", None),
                getattr(m.to_site, "operator_id", None), getattr(m.from_site, "operator_id", None)}
        if scope.organisation_id not in orgs:
            return [{"field": "vehicle", "reason": "超出您的数据权限范围（只能录入本单位车辆、设施或本单位收发的记录）"}]
        return []
    if not (scope.covers_region(m.region_code) or scope.covers_region(m.origin_code)):
        return [{"field": "region_code", "reason": f"超出您的数据权限范围（区划 {m.region_code}）"}]
    return []


def movement_record(*, actor, stage, occurred_at, category, net_t, source, region_code="", origin_code="", from_site=None,
                    from_estate=None, from_org=None, from_label="", to_site=None, to_org=None, to_label="", vehicle=None,
                    plate="", driver="", gross_t=None, tare_t=None, source_interface="", source_key="", note="",
                    check_scope=True, audit_source="") -> Movement:
    """Record one movement; a repeat of the same (source_interface, source_key) updates that movement in place."""
    movement, problems = _build(
        _Lookups(), stage=stage, occurred_at=occurred_at, category=category, net_t=net_t, source=source,
        region_code=region_code, origin_code=origin_code, from_site=from_site, from_estate=from_estate,
        from_org=from_org, from_label=from_label, to_site=to_site, to_org=to_org, to_label=to_label, vehicle=vehicle,
        plate=plate, driver=driver, gross_t=gross_t, tare_t=tare_t, source_interface=source_interface,
        source_key=source_key, note=note,
    )
    if not problems and check_scope:
        problems = _check_scope(actor, movement)
    if problems:
        raise ServiceError("台账记录有误，未保存", details=problems)
    with transaction.atomic():
        saved = _upsert(actor, [movement], audit_source=audit_source or AUDIT_SOURCE.get(source, "system"))
    return saved[0]


def movement_record_many(*, actor, items: list[dict], source: str, audit_source: str = "") -> tuple[list[Movement], list[dict]]:
    """Record a batch (an interface push, an import, the benchmark's year): invalid items are reported by index and
    the valid ones beside them are written, with their audit rows, in a few statements."""
    lookups = _Lookups()
    lookups.preload_plates({(i.get("plate") or "").strip().upper() for i in items})
    built, problems = [], []
    for index, item in enumerate(items):
        movement, item_problems = _build(lookups, source=source, **item)
        if item_problems:
            problems += [{"index": index, **p} for p in item_problems]
        else:
            built.append(movement)
    with transaction.atomic():
        saved = _upsert(actor, built, audit_source=audit_source or AUDIT_SOURCE.get(source, "system"))
    return saved, problems


def _upsert(actor, movements: list[Movement], *, audit_source: str) -> list[Movement]:
    keyed = [m for m in movements if m.source_key]
    existing = {}
    if keyed:
        by_interface = {}
        for m in keyed:
            by_interface.setdefault(m.source_interface, set()).add(m.source_key)
        query = Q()
        for interface, keys in by_interface.items():
            query |= Q(source_interface=interface, source_key__in=keys)
        # The explicit source_key <> '' lets SQLite use the partial unique index on (source_interface, source_key).
        existing = {(e.source_interface, e.source_key): e
                    for e in Movement.objects.filter(query).exclude(source_key="").select_related("vehicle").order_by()}
    to_create, to_update, result, audits = [], [], [], []
    latest = {}
    for m in movements:  # within one batch the last record of a key wins
        latest[(m.source_interface, m.source_key) if m.source_key else id(m)] = m
    for key, m in latest.items():
        old = existing.get(key) if m.source_key else None
        if old is None:
            to_create.append(m)
        elif _same(old, m):
            result.append(old)
        else:
            m.pk, m.created_at = old.pk, old.created_at
            to_update.append((old, m))
    _attribute_by_route(to_create + [m for _, m in to_update])
    _mark_duplicates(to_create + [m for _, m in to_update])
    if to_create:
        # Weigh-ins first, so the batch's loads carry their link when inserted (an update after would rewrite them).
        loads = [m for m in to_create if m.vehicle_id and m.stage in LOADING_STAGES]
        Movement.objects.bulk_create([m for m in to_create if not (m.vehicle_id and m.stage in LOADING_STAGES)])
        routes_link_new(Movement, loads)
        Movement.objects.bulk_create(loads)
        created = to_create
        if any(m.pk is None for m in created):  # backends without RETURNING: read the keys back
            raise ServiceError("数据库不支持批量返回主键", code="internal", status=500)
        result += created
        audits += [audit_write.prepare(actor=actor, source=audit_source, action="create", obj=m, region_code=m.region_code,
                                       after=_snapshot(m)) for m in created]
    if to_update:
        # delivered_in is cleared with the rest (a record that stopped being a load must not stay linked) and set
        # again by _relink_routes below.
        Movement.objects.bulk_update([m for _, m in to_update], [f for f in FIELDS if f != "day"] + ["day", "delivered_in"])
        result += [m for _, m in to_update]
        audits += [audit_write.prepare(actor=actor, source=audit_source, action="update", obj=m, region_code=m.region_code,
                                       before=_snapshot(old), after=_snapshot(m)) for old, m in to_update]
    if audits:
        AuditRecord.objects.bulk_create(audits)
    _relink_routes([*to_create, *(m for pair in to_update for m in pair)])
    _raise_weighing_alerts(actor, to_create + [m for old, m in to_update if set(m.flags) - set(old.flags)])
    return result


def movement_remove_many(*, actor, source_interface: str, source_keys, audit_source: str) -> int:
    """Remove the movements a source withdrew (an interface's delete of its record)."""
    rows = list(Movement.objects.filter(source_interface=source_interface, source_key__in=list(source_keys)))
    if not rows:
        return 0
    with transaction.atomic():
        AuditRecord.objects.bulk_create([
            audit_write.prepare(actor=actor, source=audit_source, action="delete", obj=m, region_code=m.region_code,
                                before=_snapshot(m)) for m in rows
        ])
        Movement.objects.filter(pk__in=[m.pk for m in rows]).delete()
        _relink_routes(rows)
    return len(rows)


def movement_remove(*, actor, movement: Movement, source: str = "page") -> None:
    with transaction.atomic():
        audit_write(actor=actor, source=source, action="delete", obj=movement, region_code=movement.region_code,
                    before=_snapshot(movement))
        movement.delete()
        _relink_routes([movement])


def _relink_routes(movements) -> None:
    """The loads whose weigh-in these written or removed movements (old and new versions) may have changed."""
    routes_relink(Movement, [(m.vehicle_id, m.occurred_at) for m in movements if m.vehicle_id and m.stage in ROUTED_STAGES])


def movement_record_by_codes(*, actor, data: dict, source: str, audit_source: str = "") -> Movement:
    """A movement entered on a page or through the API, naming places by their codes: an unknown code is refused
    with its field (a person chose it from the registry; an interface's unknown sender becomes a label instead)."""
    from ..refs import Refs

    refs, problems, values = Refs(), [], dict(data)
    for field, getter, label in (("from_site", refs.site, "来源点位设施"), ("from_estate", refs.estate, "来源小区"),
                                 ("from_org", refs.org, "发货单位"), ("to_site", refs.site, "去向点位设施"),
                                 ("to_org", refs.org, "接收单位")):
        code = str(values.get(field) or "").strip()
        values[field] = getter(code) if code else None
        if code and values[field] is None:
            problems.append({"field": field, "reason": f"{label}“{code}”不存在"})
    plate = str(values.get("plate") or "").strip().upper()
    if plate:
        values["vehicle"] = refs.vehicle(plate)
    if problems:
        raise ServiceError("台账记录有误，未保存", details=problems)
    return movement_record(actor=actor, source=source, audit_source=audit_source, **values)
