"""Mass balance (物料平衡) per site and day: what came in, what went out, what stayed; a gap beyond the tolerance is
a leak, an unweighed load or a double ticket, and is flagged.

in  = every movement whose destination is the site;
out = every movement leaving it (pickups, station and centre outflows), or, at a treatment plant, the day's treated
      amount from its running data (outputs are products of what was treated, not a second outflow);
stock change = the plant's waste-pit stock at the end of the day minus the day before, where reported."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from wastewatch.registry.choices import TREATMENT_KINDS
from wastewatch.registry.models import Site

from .choices import Stage
from .models import FacilityOperation, Movement

# Waste loses water between weighings (leachate at a compacting station, drying in a pit): a few percent is normal.
TOLERANCE_RATIO = Decimal("0.08")
TOLERANCE_T = Decimal("0.5")
BALANCED_KINDS = {"staging", "collection", "transfer", "sorting", *TREATMENT_KINDS}
OUT_STAGES = [Stage.PICKUP, Stage.TRANSFER_OUT, Stage.SORTING_OUT, Stage.OUTLET_OUT, Stage.GENERATOR_OUT]


@dataclass
class SiteBalance:
    site: Site
    day: date
    in_t: Decimal = Decimal("0")
    out_t: Decimal | None = Decimal("0")
    stock_change_t: Decimal = Decimal("0")
    notes: list = field(default_factory=list)

    @property
    def gap_t(self) -> Decimal | None:
        return None if self.out_t is None else self.in_t - self.out_t - self.stock_change_t

    @property
    def tolerance_t(self) -> Decimal:
        return max(TOLERANCE_T, max(self.in_t, self.out_t or 0) * TOLERANCE_RATIO)

    @property
    def flagged(self) -> bool:
        return self.gap_t is not None and abs(self.gap_t) > self.tolerance_t

    def as_dict(self) -> dict:
        gap = self.gap_t
        return {"site": self.site.code, "site_name": self.site.name, "site_kind": self.site.kind,
                "region_code": self.site.region_id, "day": self.day, "in_t": float(self.in_t),
                "out_t": None if self.out_t is None else float(self.out_t), "stock_change_t": float(self.stock_change_t),
                "gap_t": None if gap is None else float(gap), "tolerance_t": float(self.tolerance_t),
                "flagged": self.flagged, "notes": self.notes}


def site_balances(*, movements, sites, day_from: date, day_to: date) -> list[SiteBalance]:
    """Balances of the given sites (a queryset) over the days, read from `movements` (already scoped)."""
    sites = {s.pk: s for s in sites.filter(kind__in=BALANCED_KINDS)}
    if not sites:
        return []
    window = movements.filter(day__range=(day_from, day_to))
    rows: dict[tuple, SiteBalance] = {}

    def row(site_id, day):
        key = (site_id, day)
        if key not in rows:
            rows[key] = SiteBalance(site=sites[site_id], day=day)
        return rows[key]

    for r in window.filter(to_site_id__in=sites).values("to_site_id", "day").annotate(t=Sum("net_t")):
        row(r["to_site_id"], r["day"]).in_t = r["t"]
    for r in window.filter(from_site_id__in=sites, stage__in=OUT_STAGES).values("from_site_id", "day").annotate(t=Sum("net_t")):
        if sites[r["from_site_id"]].kind not in TREATMENT_KINDS:
            row(r["from_site_id"], r["day"]).out_t = r["t"]
    plants = [pk for pk, s in sites.items() if s.kind in TREATMENT_KINDS]
    if plants:
        _plant_figures(plants, day_from, day_to, row, rows)
    return sorted(rows.values(), key=lambda b: (b.day, b.site.code))


def _plant_figures(plants, day_from, day_to, row, rows):
    """A plant's out is what it treated (its last cumulative figure of the day); its stock is the waste pit."""
    last = {}
    for op in (FacilityOperation.objects.filter(site_id__in=plants, day__range=(day_from - timedelta(days=1), day_to))
               .order_by("site_id", "at").only("site_id", "day", "treated_t", "stock_t")):
        last[(op.site_id, op.day)] = op  # ordered by time: the day's last figure wins
    for (site_id, day), balance in list(rows.items()):
        if site_id not in plants:
            continue
        op = last.get((site_id, day))
        if op is None:
            balance.out_t = None
            balance.notes.append("无当日运行数据，无法核算")
            continue
        balance.out_t = op.treated_t
        before = last.get((site_id, day - timedelta(days=1)))
        if op.stock_t is not None and before is not None and before.stock_t is not None:
            balance.stock_change_t = op.stock_t - before.stock_t
    for (site_id, day), op in last.items():  # a plant that treated without any weighed intake is unbalanced too
        if day_from <= day <= day_to and (site_id, day) not in rows:
            balance = row(site_id, day)
            balance.out_t = op.treated_t


def region_totals(balances: list[SiteBalance], *, digits: int) -> list[dict]:
    """Balances summed by region prefix (6 digits: county; 4: city), flagged where any site is."""
    totals = defaultdict(lambda: {"in_t": Decimal("0"), "out_t": Decimal("0"), "stock_change_t": Decimal("0"),
                                  "sites": 0, "flagged_sites": 0})
    for b in balances:
        t = totals[(b.site.region_id[:digits], b.day)]
        t["in_t"] += b.in_t
        t["out_t"] += b.out_t or 0
        t["stock_change_t"] += b.stock_change_t
        t["sites"] += 1
        t["flagged_sites"] += int(b.flagged)
    return [{"region_code": code.ljust(12, "0"), "day": day, **{k: float(v) if isinstance(v, Decimal) else v for k, v in t.items()},
             "gap_t": float(t["in_t"] - t["out_t"] - t["stock_change_t"])}
            for (code, day), t in sorted(totals.items())]


def balance_check(*, actor, day: date, sites=None) -> list[SiteBalance]:
    """Judge every site's balance of the day and raise mass_imbalance for those beyond tolerance."""
    from wastewatch.events.choices import AlertKind, AlertSource
    from wastewatch.events.services import alert_raise
    from django.utils import timezone
    from datetime import datetime, time

    balances = site_balances(movements=Movement.objects.all(), sites=sites if sites is not None else Site.objects.all(),
                             day_from=day, day_to=day)
    at = timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
    for b in balances:
        if b.flagged:
            alert_raise(actor=actor, kind=AlertKind.MASS_IMBALANCE, source=AlertSource.LEDGER, at=at, site=b.site,
                        region_code=b.site.region_id,
                        title=f"{b.site.name} {day:%m-%d} 物料不平衡：进 {b.in_t} 吨，出 {b.out_t} 吨，差 {b.gap_t} 吨",
                        evidence=b.as_dict() | {"day": day.isoformat()}, source_ref=f"balance:{b.site.pk}:{day.isoformat()}")
    return balances
