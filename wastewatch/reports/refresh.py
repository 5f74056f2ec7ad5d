"""The incremental refresh of the prepared aggregates.

Refresh model:
1. What changed is found by time, not by id. Every write to movements, work orders and inspections leaves an
   AuditRecord in its own transaction (DESIGN rule 1; creates, updates and deletes alike, with the movement's time
   before and after); a merged repeat of an alert moves Alert.updated_at; tracking stamps PointResult.evaluated_at.
   Each pass reads the rows stamped at or after (start of the previous pass − MARGIN). A transaction that began
   before a pass and commits after it is invisible to that pass, but its stamps are no older than its start, so the
   next pass reads it as long as it ran for less than MARGIN (15 minutes by default, REPORTS_REFRESH_MARGIN_S; it also
   covers clock differences between servers). An id watermark could not do this: on PostgreSQL ids are taken at
   insert, not at commit, so a late commit lands below the watermark. The keys of the rows already handled inside the
   window are kept (RefreshState.seen), so overlapping reads do not recompute the same days again and again.
   The days those rows touched are marked in DirtyDay.
2. Each dirty day is recomputed from the sources: a handful of GROUP BY queries over that day's movements, alert
   occurrences, alerts, inspections, work orders and planned-point results, rolled up in Python to every level
   (city, county, street, community, estate) and written as that day's Aggregate rows, one per place (zeros not kept).
3. The month and the year of the day are adjusted by the difference between the day's new and old rows, so a pass
   costs one day's rows, not a month's. `refresh_days(..., rebuild=True)` (manage.py reports_refresh --from/--to)
   re-sums months from days and years from months instead.
One pass at a time: a lease on the RefreshState row (a compare-and-set UPDATE) keeps a manual refresh from running
beside the periodic one. The Huey task runs a pass every minute (tasks.py), so figures are a minute or two behind a
write; pages and the cockpit only read Aggregate."""
import bisect
import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from wastewatch.core.models import AuditRecord
from wastewatch.ledger.choices import Stage
from wastewatch.ledger.models import Movement

from .models import Aggregate, DirtyDay, Level, Period, RefreshState

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOSED_ALERT = ("resolved", "false_positive")
SOURCE_STAGES = (Stage.COLLECTION, Stage.PICKUP)
# The facility usage rate counts drop-off points on both sides of its ratio (catalogue: 在用投放点数).
POINT_KINDS = ("dropoff",)
DAYS_PER_RUN = 400
STATE = "changes"
LEASE = timedelta(minutes=30)
CHUNK = 2000


def margin() -> timedelta:
    return timedelta(seconds=getattr(settings, "REPORTS_REFRESH_MARGIN_S", 900))


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def region_levels(code: str) -> list[tuple[str, str]]:
    """(level, 12-digit code) of every region a 12-digit code lies in, from the city down to itself."""
    if not code or len(code) != 12:
        return []
    out = [(Level.CITY, code[:4] + "0" * 8)]
    if code[4:6] != "00":
        out.append((Level.COUNTY, code[:6] + "0" * 6))
    if code[6:9] != "000":
        out.append((Level.STREET, code[:9] + "000"))
    if code[9:] != "000":
        out.append((Level.COMMUNITY, code))
    return out


class _Sums:
    """Day values: (level, region_code, estate_id) → {measure: value}."""

    def __init__(self):
        self.places = defaultdict(lambda: defaultdict(float))

    def add(self, region_code, estate_id, estate_region, measure, value):
        if not value:
            return
        for level, code in region_levels(region_code):
            self.places[(level, code, None)][measure] += value
        if estate_id:
            self.places[(Level.ESTATE, estate_region or region_code, estate_id)][measure] += value


def _day_sums(day: date) -> _Sums:
    sums = _Sums()
    moves = (
        Movement.objects.filter(day=day)
        .values("origin_code", "stage", "to_site__kind", "from_site__kind", "category_id", "from_estate_id", "from_estate__region_id",
                "from_site__estate_id", "from_site__estate__region_id")
        .annotate(tonnes=Sum("net_t"), records=Count("id")).order_by()
    )
    for r in moves:
        estate = r["from_estate_id"] or r["from_site__estate_id"]
        estate_region = r["from_estate__region_id"] or r["from_site__estate__region_id"]
        key = f"t|{r['stage']}|{r['to_site__kind'] or ''}|{r['from_site__kind'] or ''}|{r['category_id']}"
        sums.add(r["origin_code"], estate, estate_region, key, float(r["tonnes"] or 0))
        sums.add(r["origin_code"], estate, estate_region, f"n|{r['stage']}", r["records"])
    points = (
        Movement.objects.filter(day=day, stage__in=SOURCE_STAGES, from_site__kind__in=POINT_KINDS)
        .values("from_site_id", "from_site__region_id", "from_site__estate_id", "from_site__estate__region_id").distinct().order_by()
    )
    for r in points:
        sums.add(r["from_site__region_id"], r["from_site__estate_id"], r["from_site__estate__region_id"], "pts", 1)
    start, end = day_bounds(day)
    _alerts(start, end, sums)
    _inspections(start, end, sums)
    _work_orders(start, end, sums)
    _plan_results(day, sums)
    return sums


def _alerts(start, end, sums: _Sums) -> None:
    from wastewatch.events.models import Alert, AlertOccurrence

    occurrences = (
        AlertOccurrence.objects.filter(at__gte=start, at__lt=end)
        .values("alert__kind", "alert__region_code", "alert__site__estate_id", "alert__site__estate__region_id")
        .annotate(n=Count("id")).order_by()
    )
    for r in occurrences:
        sums.add(r["alert__region_code"], r["alert__site__estate_id"], r["alert__site__estate__region_id"], f"alert|{r['alert__kind']}", r["n"])
    alerts = (
        Alert.objects.filter(first_at__gte=start, first_at__lt=end)
        .values("region_code", "site__estate_id", "site__estate__region_id")
        .annotate(n=Count("id"), closed=Count("id", filter=Q(status__in=CLOSED_ALERT))).order_by()
    )
    for r in alerts:
        sums.add(r["region_code"], r["site__estate_id"], r["site__estate__region_id"], "alerts", r["n"])
        sums.add(r["region_code"], r["site__estate_id"], r["site__estate__region_id"], "alerts_closed", r["closed"])


def _inspections(start, end, sums: _Sums) -> None:
    """The patrol check-ins of the events app: the same rows its estate_scores selector averages."""
    from wastewatch.events.models import Inspection

    rows = (
        Inspection.objects.filter(at__gte=start, at__lt=end).values("region_code", "estate_id", "estate__region_id")
        .annotate(n=Count("id"), score=Sum("score"), ok=Count("id", filter=Q(problems=0))).order_by()
    )
    for r in rows:
        for measure, value in (("insp_n", r["n"]), ("insp_score", float(r["score"] or 0)), ("insp_ok", r["ok"])):
            sums.add(r["region_code"], r["estate_id"], r["estate__region_id"], measure, value)


def _work_orders(start, end, sums: _Sums) -> None:
    """Work orders by the day they were dispatched, drills left out, done = approved or closed: the definition of
    the events app's work_order_stats, so the closure rate here and its figures there agree."""
    from wastewatch.events.choices import DONE_STATUSES
    from wastewatch.events.models import WorkOrder

    rows = (
        WorkOrder.objects.filter(is_drill=False, dispatched_at__gte=start, dispatched_at__lt=end).values("region_code", "kind", "status")
        .annotate(n=Count("id"), in_time=Count("id", filter=Q(on_time=True)), reported=Count("id", filter=Q(on_time__isnull=False)))
        .order_by()
    )
    for r in rows:
        sums.add(r["region_code"], None, None, "wo_n", r["n"])
        sums.add(r["region_code"], None, None, f"wo|{r['kind']}|{r['status']}", r["n"])
        if r["status"] in DONE_STATUSES:
            sums.add(r["region_code"], None, None, "wo_closed", r["n"])
        sums.add(r["region_code"], None, None, "wo_on_time", r["in_time"])
        sums.add(r["region_code"], None, None, "wo_reported", r["reported"])


def _plan_results(day: date, sums: _Sums) -> None:
    """Tracking's decided planned points (collection plan compliance), by the point's region and estate."""
    from wastewatch.tracking.models import PointResult

    rows = (
        PointResult.objects.filter(day=day).values("region_code", "status", "point__site__estate_id", "point__site__estate__region_id")
        .annotate(n=Count("id")).order_by()
    )
    for r in rows:
        sums.add(r["region_code"], r["point__site__estate_id"], r["point__site__estate__region_id"], "plan_n", r["n"])
        sums.add(r["region_code"], r["point__site__estate_id"], r["point__site__estate__region_id"], f"plan|{r['status']}", r["n"])


# -- writing the rows ---------------------------------------------------------------------------------------------

def _key(row: Aggregate):
    return row.level, row.region_code, row.estate_id


def _diff(new: dict, old: dict) -> dict:
    """new − old, place by place and measure by measure."""
    out = defaultdict(lambda: defaultdict(float))
    for key in new.keys() | old.keys():
        n, o = new.get(key, {}), old.get(key, {})
        for measure in n.keys() | o.keys():
            d = n.get(measure, 0.0) - o.get(measure, 0.0)
            if d:
                out[key][measure] += d
    return out


def _adjust(period: str, start: date, delta: dict) -> None:
    """Add a difference to the rows of one month or year (creating, updating, and dropping rows that sum to zero)."""
    if not delta:
        return
    existing = {_key(r): r for r in Aggregate.objects.filter(period=period, start=start)}
    changed, created, emptied = [], [], []
    for key, measures in delta.items():
        row = existing.get(key)
        values = dict(row.values) if row is not None else {}
        for measure, d in measures.items():
            v = values.get(measure, 0.0) + d
            if abs(v) < 1e-9:
                values.pop(measure, None)
            else:
                values[measure] = v
        if row is None:
            if values:
                created.append(Aggregate(period=period, start=start, level=key[0], region_code=key[1], estate_id=key[2], values=values))
        elif values:
            row.values = values
            changed.append(row)
        else:
            emptied.append(row.pk)
    Aggregate.objects.bulk_update(changed, ["values"], batch_size=CHUNK)
    Aggregate.objects.bulk_create(created, batch_size=CHUNK)
    Aggregate.objects.filter(pk__in=emptied).delete()


def refresh_day(day: date) -> tuple[int, dict]:
    """Recompute a day's rows; returns their number and the difference to the rows they replace."""
    new = {key: dict(m) for key, m in _day_sums(day).places.items() if m}
    rows = [Aggregate(period=Period.DAY, start=day, level=level, region_code=code, estate_id=estate, values=values)
            for (level, code, estate), values in new.items()]
    with transaction.atomic():
        old_rows = Aggregate.objects.filter(period=Period.DAY, start=day)
        old = {_key(r): r.values for r in old_rows}
        old_rows.delete()
        Aggregate.objects.bulk_create(rows, batch_size=CHUNK)
    return len(rows), _diff(new, old)


def _resum(period: str, start: date, end: date, from_period: str) -> int:
    totals = defaultdict(lambda: defaultdict(float))
    for r in Aggregate.objects.filter(period=from_period, start__gte=start, start__lt=end).iterator(chunk_size=CHUNK):
        place = totals[_key(r)]
        for measure, v in r.values.items():
            place[measure] += v
    rows = [Aggregate(period=period, start=start, level=k[0], region_code=k[1], estate_id=k[2],
                      values={m: v for m, v in values.items() if abs(v) >= 1e-9}) for k, values in totals.items()]
    with transaction.atomic():
        Aggregate.objects.filter(period=period, start=start).delete()
        Aggregate.objects.bulk_create([r for r in rows if r.values], batch_size=CHUNK)
    return len(rows)


def refresh_days(days, *, rebuild: bool = False) -> dict:
    """Recompute the given days, then adjust their months and years by the difference (or, rebuild: re-sum them)."""
    days = sorted(set(days))
    deltas = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
    rows = 0
    for d in days:
        with transaction.atomic():  # the day's mark goes with its recomputation: a failure leaves both undone
            DirtyDay.objects.filter(day=d).delete()
            n, delta = refresh_day(d)
            rows += n
            if not rebuild:
                for period, start in ((Period.MONTH, month_start(d)), (Period.YEAR, date(d.year, 1, 1))):
                    _adjust(period, start, delta)
    months = sorted({month_start(d) for d in days})
    if rebuild:
        for m in months:
            _resum(Period.MONTH, m, next_month(m), Period.DAY)
        for y in sorted({m.year for m in months}):
            _resum(Period.YEAR, date(y, 1, 1), date(y + 1, 1, 1), Period.MONTH)
    return {"days": len(days), "months": len(months), "day_rows": rows}


# -- finding what changed -----------------------------------------------------------------------------------------

def _snapshot_day(snapshot) -> date | None:
    value = (snapshot or {}).get("occurred_at") or (snapshot or {}).get("at")
    if not value:
        return None
    try:
        return local_day(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return None


def _ranges(numbers) -> list[list[int]]:
    """Sorted integers as [first, last] runs: the audit ids of a window are mostly consecutive."""
    out = []
    for n in sorted(numbers):
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


def _in_ranges(ranges, n) -> bool:
    i = bisect.bisect_right(ranges, [n, float("inf")]) - 1
    return i >= 0 and ranges[i][0] <= n <= ranges[i][1]


def _audited_days(since, seen: list) -> tuple[set[date], list]:
    """Days touched by audited writes to movements, work orders and inspections stamped at or after `since`."""
    from wastewatch.events.models import Inspection, WorkOrder

    tracked = {ContentType.objects.get_for_model(Movement).pk: None,
               ContentType.objects.get_for_model(WorkOrder).pk: (WorkOrder, ("dispatched_at", "created_at")),
               ContentType.objects.get_for_model(Inspection).pk: (Inspection, ("at",))}
    window = AuditRecord.objects.filter(content_type_id__in=list(tracked))
    if since is not None:
        window = window.filter(at__gte=since)
    in_window = list(window.values_list("pk", flat=True))
    fresh = [pk for pk in in_window if not _in_ranges(seen, pk)]
    days, lookups = set(), defaultdict(set)
    for n in range(0, len(fresh), CHUNK):
        for r in AuditRecord.objects.filter(pk__in=fresh[n:n + CHUNK]).values("content_type_id", "object_pk", "before", "after"):
            model_fields = tracked[r["content_type_id"]]
            if model_fields is None:
                days |= {d for d in (_snapshot_day(r["before"]), _snapshot_day(r["after"])) if d}
            else:
                lookups[model_fields].add(r["object_pk"])
    for (model, fields), pks in lookups.items():
        for values in model.objects.filter(pk__in=list(pks)).values_list(*fields):
            moment = next((v for v in values if v), None)
            if moment:
                days.add(local_day(moment))
    return days, _ranges(in_window)


def _alert_days(since, seen: list) -> tuple[set[date], list]:
    """Days of alerts raised or repeated (updated_at moves on each merge) at or after `since`."""
    from wastewatch.events.models import Alert

    qs = Alert.objects.all() if since is None else Alert.objects.filter(updated_at__gte=since)
    done, keys, days = set(seen), [], set()
    for pk, first_at, last_at, updated_at in qs.values_list("pk", "first_at", "last_at", "updated_at"):
        key = f"{pk}@{updated_at.isoformat()}"
        keys.append(key)
        if key in done:
            continue
        d, last = local_day(first_at), local_day(last_at)
        while d <= last:
            days.add(d)
            d += timedelta(days=1)
    return days, keys


def _plan_days(since, seen: list) -> tuple[set[date], list]:
    """Days of planned points tracking decided (or decided again) at or after `since`."""
    from wastewatch.tracking.models import PointResult

    qs = PointResult.objects.all() if since is None else PointResult.objects.filter(evaluated_at__gte=since)
    done, keys, days = set(seen), [], set()
    for pk, day, evaluated_at in qs.values_list("pk", "day", "evaluated_at"):
        key = f"{pk}@{evaluated_at.isoformat()}"
        keys.append(key)
        if key not in done:
            days.add(day)
    return days, keys


SOURCES = {"audit": _audited_days, "alerts": _alert_days, "plans": _plan_days}


def days_mark_dirty(days) -> None:
    DirtyDay.objects.bulk_create([DirtyDay(day=d) for d in set(days)], ignore_conflicts=True)


def changes_scan() -> set[date]:
    """Mark the days of the writes since the previous scan (minus the margin) that were not handled yet."""
    started = timezone.now()
    with transaction.atomic():
        state, _ = RefreshState.objects.select_for_update().get_or_create(source=STATE)
        since = state.scanned_at - margin() if state.scanned_at else None
        days, seen = set(), {}
        for name, read in SOURCES.items():
            touched, seen[name] = read(since, state.seen.get(name, []))
            days |= touched
        days_mark_dirty(days)
        state.scanned_at, state.seen = started, seen
        state.save(update_fields=["scanned_at", "seen"])
    return days


def _lease() -> bool:
    RefreshState.objects.get_or_create(source=STATE)
    now = timezone.now()
    return bool(RefreshState.objects.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now), source=STATE)
                .update(lease_until=now + LEASE))


def aggregates_refresh() -> dict:
    """One pass of the refresh: mark what changed, recompute the dirty days (skipped while another pass runs)."""
    if not _lease():
        return {"days": 0, "months": 0, "day_rows": 0, "busy": True}
    try:
        changes_scan()
        dirty = list(DirtyDay.objects.order_by("day").values_list("day", flat=True)[:DAYS_PER_RUN])
        if not dirty:
            return {"days": 0, "months": 0, "day_rows": 0}
        result = refresh_days(dirty)
        RefreshState.objects.filter(source=STATE).update(refreshed_at=timezone.now())
        return result
    finally:
        RefreshState.objects.filter(source=STATE).update(lease_until=None)


def last_refreshed_at():
    return RefreshState.objects.filter(source=STATE).values_list("refreshed_at", flat=True).first()
