"""Facility data: running figures, monitoring readings and outputs, upserted by their natural keys, with the rules
that turn them into alerts — a reading over its limit, a furnace below its minimum temperature, a plant over its
design capacity, an output that leaves no trace of where it went."""
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from wastewatch.core.audit import audit_write
from wastewatch.core.models import AuditRecord
from wastewatch.events.choices import AlertKind, AlertSource
from wastewatch.registry.models import Site

from ..choices import Stage
from ..limits import OUTPUT_UNIT, limits_load
from ..models import FacilityOperation, FacilityOutput, MonitoringLimit, MonitoringReading, Movement

OUTPUT_TOLERANCE_T = Decimal("1")  # below a tonne over three days is rounding on the weighbridge
OUTPUT_TOLERANCE_RATIO = Decimal("0.10")
OUTPUT_WINDOW_DAYS = 3


def _alert(actor, **kwargs):
    from wastewatch.events.services import alert_raise

    return alert_raise(actor=actor, source=AlertSource.FACILITY, **kwargs)


def _audit_many(actor, source, rows, action="create", snapshot=None):
    AuditRecord.objects.bulk_create([
        audit_write.prepare(actor=actor, source=source, action=action, obj=r, region_code=r.region_code,
                            after=snapshot(r) if snapshot else None) for r in rows
    ])


def _upsert(model, rows, key_fields, update_fields):
    """Insert new rows, update the existing ones by their natural key; returns (created, updated)."""
    if not rows:
        return [], []
    sites = {r.site_id for r in rows}
    existing = {tuple(getattr(e, f) for f in key_fields): e
                for e in model.objects.filter(site_id__in=sites, at__range=(min(r.at for r in rows), max(r.at for r in rows)))}
    latest = {tuple(getattr(r, f) for f in key_fields): r for r in rows}
    created, updated = [], []
    for key, row in latest.items():
        old = existing.get(key)
        if old is None:
            created.append(row)
        elif any(getattr(old, f) != getattr(row, f) for f in update_fields):
            row.pk = old.pk
            updated.append(row)
    model.objects.bulk_create(created, batch_size=500)
    if updated:
        model.objects.bulk_update(updated, update_fields, batch_size=500)
    return created, updated


# -- operation ----------------------------------------------------------------------------------------------------

def operation_record_many(*, actor, rows: list[FacilityOperation], audit_source="interface"):
    fields = ["run_state", "treated_t", "out_t", "line_count", "running_lines", "power_kwh", "power_grid_kwh", "stock_t",
              "day", "region_code", "source_interface"]
    with transaction.atomic():
        created, updated = _upsert(FacilityOperation, rows, ("site_id", "at"), fields)
        _audit_many(actor, audit_source, created, snapshot=lambda r: {"at": r.at.isoformat(), "treated_t": str(r.treated_t)})
        for row in created + updated:
            capacity_check(actor=actor, site=row.site, day=row.day, treated_t=row.treated_t, at=row.at)
    return created + updated


def capacity_check(*, actor, site: Site, day, treated_t: Decimal, at: datetime):
    """A plant that treats more than its design capacity in a day is over capacity (重点关注超负荷运行)."""
    if not site.capacity_tpd or treated_t <= site.capacity_tpd:
        return None
    return _alert(actor, kind=AlertKind.OVER_CAPACITY, at=at, site=site, region_code=site.region_id,
                  title=f"{site.name} 超设计能力运行：{day:%m-%d} 处理 {treated_t} 吨，设计 {site.capacity_tpd} 吨/日",
                  evidence={"day": day.isoformat(), "treated_t": str(treated_t), "capacity_tpd": str(site.capacity_tpd)},
                  source_ref=f"capacity:{site.pk}:{day.isoformat()}")


# -- monitoring ---------------------------------------------------------------------------------------------------

def limits_for(site_kind: str) -> dict[str, MonitoringLimit]:
    """The 1-hour limits (a continuous monitor reports hourly averages) of a kind of facility, by item."""
    rows = list(MonitoringLimit.objects.filter(site_kind=site_kind))
    if not rows and not MonitoringLimit.objects.exists():  # a database flushed by a test: the standard again
        limits_load()
        rows = list(MonitoringLimit.objects.filter(site_kind=site_kind))
    by_item = {}
    for row in rows:  # the hourly limit where there is one, else the daily one
        if row.item not in by_item or row.averaging == "1h":
            by_item[row.item] = row
    return by_item


def reading_judge(reading: MonitoringReading, limits: dict[str, MonitoringLimit]) -> None:
    """Judge a reading against the configured limit of its facility kind, or the limit its sender stated."""
    limit = limits.get(reading.item)
    if limit is not None:
        reading.limit_value, reading.bound = limit.value, limit.bound
    elif reading.limit_value is not None:
        reading.bound = reading.bound or ("min" if reading.item == "TEMP" else "max")
    if reading.limit_value is None:
        reading.exceeded = reading.reported_exceeded
        return
    below = reading.value < reading.limit_value
    reading.exceeded = below if reading.bound == "min" else reading.value > reading.limit_value


def reading_record_many(*, actor, rows: list[MonitoringReading], audit_source="interface"):
    limits = {}
    for row in rows:
        kind = row.site.kind
        if kind not in limits:
            limits[kind] = limits_for(kind)
        reading_judge(row, limits[kind])
    fields = ["value", "limit_value", "bound", "reported_exceeded", "exceeded", "day", "region_code"]
    with transaction.atomic():
        created, updated = _upsert(MonitoringReading, rows, ("site_id", "point", "item", "at"), fields)
        _audit_many(actor, audit_source, created, snapshot=lambda r: {"point": r.point, "item": r.item, "value": str(r.value),
                                                                       "at": r.at.isoformat()})
        for row in created + updated:
            if row.exceeded:
                _reading_alert(actor, row)
    return created + updated


def _reading_alert(actor, r: MonitoringReading):
    furnace = r.item == "TEMP"
    name = MonitoringLimit.objects.filter(item=r.item).values_list("name", flat=True).first() or r.item
    relation = "低于下限" if r.bound == "min" else "超过限值"
    return _alert(
        actor, kind=AlertKind.FURNACE_TEMPERATURE if furnace else AlertKind.EMISSION_EXCEEDED, at=r.at, site=r.site,
        region_code=r.site.region_id,
        title=f"{r.site.name} {r.point} {name} {r.value}{relation} {r.limit_value}",
        message=f"监测点 {r.point}，{timezone.localtime(r.at):%Y-%m-%d %H:%M} 小时均值 {r.value}，限值 {r.limit_value}",
        evidence={"point": r.point, "item": r.item, "value": str(r.value), "limit": str(r.limit_value), "bound": r.bound},
        source_ref=f"reading:{r.site_id}:{r.point}:{r.item}:{r.at.isoformat()}:{r.value}",
    )


# -- outputs ------------------------------------------------------------------------------------------------------

def output_record_many(*, actor, rows: list[FacilityOutput], audit_source="interface"):
    for row in rows:
        row.unit = row.unit or OUTPUT_UNIT.get(row.kind, "")
    with transaction.atomic():
        created, updated = _upsert(FacilityOutput, rows, ("site_id", "kind", "at"), ["amount", "stock", "day", "region_code", "unit"])
        _audit_many(actor, audit_source, created, snapshot=lambda r: {"kind": r.kind, "amount": str(r.amount), "at": r.at.isoformat()})
    return created + updated


def output_enter(*, actor, site: Site, kind: str, at: datetime, amount: Decimal, stock: Decimal | None = None,
                 dispatched_t: Decimal | None = None, destination: str = "", destination_code: str = "", plate: str = "",
                 source: str = "page") -> FacilityOutput:
    """An output entered by the plant (a page or an import): the amount produced and, when some of it left, that
    dispatch with its destination — the same records the interfaces make (facility-output, output-destination)."""
    from ..limits import OUTPUT_CATEGORY
    from .movements import movement_record, movement_record_by_codes

    category = OUTPUT_CATEGORY.get(kind)
    row = FacilityOutput(site=site, region_code=site.region_id, kind=kind, at=at, day=timezone.localdate(at), amount=amount,
                         stock=stock)
    key = f"{site.code}|{kind}|{at.isoformat()}"
    with transaction.atomic():
        saved = output_record_many(actor=actor, rows=[row], audit_source=source)
        if category:
            movement_record(actor=actor, stage=Stage.OUTPUT, occurred_at=at, from_site=site, to_label=f"{site.name}（厂内暂存）",
                            category=category, net_t=amount, source=source, source_interface=f"{source}:output", source_key=key)
        if dispatched_t:
            movement_record_by_codes(actor=actor, source=source, data=dict(
                stage=Stage.OUTPUT_OUT, occurred_at=at, from_site=site.code, to_org=destination_code, to_label=destination,
                plate=plate, category=category, net_t=dispatched_t, note=f"去向 {destination}"))
    return saved[0] if saved else FacilityOutput.objects.get(site=site, kind=kind, at=at)


def outputs_check(*, actor, day, site: Site | None = None) -> list:
    """Outputs of the last days that neither left with a destination nor stayed in the plant's stock are unaccounted:
    produced − dispatched − stock increase beyond a tolerance raises output_unaccounted."""
    from ..limits import OUTPUT_CATEGORY

    start = day - timedelta(days=OUTPUT_WINDOW_DAYS - 1)
    produced = FacilityOutput.objects.filter(day__range=(start, day), kind__in=[k for k, c in OUTPUT_CATEGORY.items() if c])
    if site is not None:
        produced = produced.filter(site=site)
    alerts = []
    for row in produced.values("site_id", "kind").annotate(total=Sum("amount")):
        plant = Site.objects.get(pk=row["site_id"])
        category = OUTPUT_CATEGORY[row["kind"]]
        dispatched = Movement.objects.filter(from_site=plant, stage=Stage.OUTPUT_OUT, category_id=category,
                                             day__range=(start, day)).aggregate(t=Sum("net_t"))["t"] or Decimal("0")
        stocks = list(FacilityOutput.objects.filter(site=plant, kind=row["kind"], day__range=(start - timedelta(days=1), day))
                      .exclude(stock=None).order_by("at").values_list("stock", flat=True))
        stock_rise = (stocks[-1] - stocks[0]) if len(stocks) >= 2 else Decimal("0")
        missing = row["total"] - dispatched - stock_rise
        if missing > max(OUTPUT_TOLERANCE_T, row["total"] * OUTPUT_TOLERANCE_RATIO):
            label = FacilityOutput.Kind(row["kind"]).label
            alerts.append(_alert(
                actor, kind=AlertKind.OUTPUT_UNACCOUNTED, at=timezone.make_aware(datetime.combine(day, datetime.max.time())),
                site=plant, region_code=plant.region_id,
                title=f"{plant.name} {label}去向不明：近 {OUTPUT_WINDOW_DAYS} 日产生 {row['total']} 吨，出厂 {dispatched} 吨",
                evidence={"kind": row["kind"], "produced_t": str(row["total"]), "dispatched_t": str(dispatched),
                          "stock_rise_t": str(stock_rise), "missing_t": str(missing)},
                source_ref=f"output:{plant.pk}:{row['kind']}:{day.isoformat()}",
            ))
    return alerts
