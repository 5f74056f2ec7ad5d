"""Every read of the reports app, scoped (DESIGN rule 2): a region or estate outside the caller's scope is 404.
Figures come from the prepared Aggregate rows, never from the ledger directly (except the records behind a figure)."""
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from wastewatch.core.errors import ServiceError
from wastewatch.core.scope import region_prefix
from wastewatch.registry.models import Estate, Region, Site

from . import catalogue
from .models import Aggregate, Factor, Level, ListPublication, Period, ReportFile
from .refresh import SHANGHAI, month_start, next_month

LEVEL_OF_REGION = {"city": Level.CITY, "county": Level.COUNTY, "street": Level.STREET, "community": Level.COMMUNITY}
CHILD_LEVEL = {"city": "county", "county": "street", "street": "community"}


@dataclass(frozen=True)
class Window:
    period: str
    start: date
    end: date  # exclusive

    @property
    def days(self) -> int:
        today = timezone.now().astimezone(SHANGHAI).date()
        return max(0, (min(self.end, today + timedelta(days=1)) - self.start).days)

    @property
    def label(self) -> str:
        return {"day": f"{self.start:%Y-%m-%d}", "month": f"{self.start:%Y年%m月}", "year": f"{self.start:%Y年}"}[self.period]

    def previous(self) -> "Window":
        if self.period == Period.DAY:
            return window(self.period, self.start - timedelta(days=1))
        if self.period == Period.MONTH:
            return window(self.period, (self.start - timedelta(days=1)).replace(day=1))
        return window(self.period, self.start.replace(year=self.start.year - 1))

    def year_before(self) -> "Window":
        try:
            return window(self.period, self.start.replace(year=self.start.year - 1))
        except ValueError:  # 29 February
            return window(self.period, self.start.replace(year=self.start.year - 1, day=28))


def window(period: str, start: date) -> Window:
    if period == Period.DAY:
        return Window(period, start, start + timedelta(days=1))
    if period == Period.MONTH:
        s = month_start(start)
        return Window(period, s, next_month(s))
    if period == Period.YEAR:
        return Window(period, date(start.year, 1, 1), date(start.year + 1, 1, 1))
    raise ServiceError("周期无效", details=[{"field": "period", "reason": f"应为 day、month 或 year，收到“{period}”"}])


def parse_window(period: str, at: str) -> Window:
    """`at`: 2025-03-14 (day), 2025-03 (month) or 2025 (year); empty: the current one."""
    today = timezone.now().astimezone(SHANGHAI).date()
    text = (at or "").strip()
    try:
        if not text:
            start = today
        elif period == Period.YEAR:
            start = date(int(text[:4]), 1, 1)
        elif period == Period.MONTH:
            start = date(int(text[:4]), int(text[5:7]), 1)
        else:
            start = date.fromisoformat(text)
    except (ValueError, IndexError):
        raise ServiceError("统计期无效", details=[{"field": "at", "reason": f"应为 2025、2025-03 或 2025-03-14 形式，收到“{at}”"}])
    return window(period, start)


def region_visible(*, user, code: str = "") -> Region:
    """The region by code, or the user's own (the city for the whole platform); 404 outside the scope."""
    scope = user.scope
    if scope.nothing or scope.organisation_id is not None:
        raise Http404("不在您的数据权限范围内")
    code = (code or "").strip()
    if not code:
        region = user.region if user.region_id else Region.objects.filter(level="city").first()
    else:
        region = Region.objects.filter(code=code).first()
    if region is None or region.level not in LEVEL_OF_REGION or not scope.covers_region(region.code):
        raise Http404(f"区划“{code}”不存在或不在您的数据权限范围内")
    return region


def estate_visible(*, user, pk) -> Estate:
    estate = Estate.objects.select_related("region").filter(pk=pk).first()
    if estate is None or not user.scope.covers_region(estate.region_id) or user.scope.organisation_id is not None:
        raise Http404("小区不存在或不在您的数据权限范围内")
    return estate


def rate_factors() -> dict[str, float]:
    return {f.code: float(f.value) for f in Factor.objects.filter(group=Factor.Group.RATE)}


def _measures(w: Window, *, region: Region | None = None, estate: Estate | None = None) -> dict[str, float]:
    qs = Aggregate.objects.filter(period=w.period, start=w.start)
    qs = qs.filter(level=Level.ESTATE, estate=estate) if estate is not None else qs.filter(level=LEVEL_OF_REGION[region.level], region_code=region.code)
    return qs.values_list("values", flat=True).first() or {}


def _registry_figures(*, region: Region | None = None, estate: Estate | None = None) -> tuple[int, int, int]:
    if estate is not None:
        return estate.population, estate.households, Site.objects.filter(estate=estate, kind="dropoff", is_active=True).count()
    prefix = region.prefix
    people = Estate.objects.filter(region__code__startswith=prefix, is_active=True).aggregate(p=Sum("population"), h=Sum("households"))
    points = Site.objects.filter(region__code__startswith=prefix, kind="dropoff", is_active=True).count()
    return people["p"] or 0, people["h"] or 0, points


def context(w: Window, *, region: Region | None = None, estate: Estate | None = None, factors=None, figures=None) -> catalogue.Context:
    population, households, points = figures or _registry_figures(region=region, estate=estate)
    return catalogue.Context(
        measures=catalogue.Measures(_measures(w, region=region, estate=estate)), days=w.days, population=population,
        households=households, points=points, factors=rate_factors() if factors is None else factors, is_estate=estate is not None,
    )


def _change(now, before):
    if now is None or before in (None, 0):
        return None
    return round((now - before) / before * 100, 2)


def indicator_values(*, user, region: Region | None = None, estate: Estate | None = None, w: Window) -> dict:
    """Every indicator of a place and period, with the source reduction (per-capita generation against the
    previous period and the same period a year before) and the data-flow score."""
    factors = rate_factors()
    figures = _registry_figures(region=region, estate=estate)
    values = catalogue.evaluate(context(w, region=region, estate=estate, factors=factors, figures=figures))
    prev = catalogue.evaluate(context(w.previous(), region=region, estate=estate, factors=factors, figures=figures))
    last_year = catalogue.evaluate(context(w.year_before(), region=region, estate=estate, factors=factors, figures=figures))
    values["data_flow_score"] = None if estate is not None else data_flow_score(region=region, w=w)
    return {
        "values": values,
        "reduction": {
            "generated_mom": _change(values["generated_t"], prev["generated_t"]),
            "generated_yoy": _change(values["generated_t"], last_year["generated_t"]),
            "per_capita_mom": _change(values["per_capita_kg"], prev["per_capita_kg"]),
            "per_capita_yoy": _change(values["per_capita_kg"], last_year["per_capita_kg"]),
        },
    }


def data_flow_score(*, region: Region, w: Window) -> float | None:
    """The interfaces app's county score over the period (the mean of the counties for the city); None below county."""
    from wastewatch.interfaces import health

    if region.level == "city":
        counties = list(Region.objects.filter(level="county", parent=region).values_list("code", flat=True))
    elif region.level == "county":
        counties = [region.code]
    else:
        return None
    until = min(w.end - timedelta(days=1), health.today())
    if until < w.start:
        return None
    flows = health.flows(counties=[c[:6] for c in counties], until=until, days=(until - w.start).days + 1)
    scores = [health.county_scores(flows, c[:6])["score"] for c in counties]
    return round(sum(scores) / len(scores), 1) if scores else None


def _figures_by_child(region: Region, digits: int) -> dict[str, tuple[int, int, int]]:
    """(population, households, drop-off points) of each child region, keyed by its first `digits` code digits: two
    grouped queries for all the children instead of three per child."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    out: dict[str, list[int]] = {}
    people = (Estate.objects.filter(region__code__startswith=region.prefix, is_active=True).annotate(child=Substr("region_id", 1, digits))
              .values("child").annotate(p=Sum("population"), h=Sum("households")).order_by())
    for r in people:
        out.setdefault(r["child"], [0, 0, 0])[:2] = [r["p"] or 0, r["h"] or 0]
    points = (Site.objects.filter(region__code__startswith=region.prefix, kind="dropoff", is_active=True)
              .annotate(child=Substr("region_id", 1, digits)).values("child").annotate(n=Count("pk")).order_by())
    for r in points:
        out.setdefault(r["child"], [0, 0, 0])[2] = r["n"]
    return {k: tuple(v) for k, v in out.items()}


def children_contexts(*, user, region: Region, w: Window, factors=None) -> list[tuple[Region, catalogue.Context]]:
    """Each child region (county > street > community) in the caller's scope with what its indicators need, read
    in a few queries whatever the number of children (the cockpit and the reports page draw every child)."""
    factors = rate_factors() if factors is None else factors
    children = [c for c in Region.objects.filter(parent=region, level=CHILD_LEVEL[region.level], is_active=True).order_by("code")
                if user.scope.covers_region(c.code)]
    if not children:
        return []
    level = LEVEL_OF_REGION[children[0].level]
    measures = dict(Aggregate.objects.filter(period=w.period, start=w.start, level=level, region_code__in=[c.code for c in children])
                    .values_list("region_code", "values"))
    digits = len(children[0].prefix)
    figures = _figures_by_child(region, digits)
    days = w.days
    return [(c, catalogue.Context(measures=catalogue.Measures(measures.get(c.code) or {}), days=days, population=f[0], households=f[1],
                                  points=f[2], factors=factors))
            for c in children for f in [figures.get(c.code[:digits], (0, 0, 0))]]


def children_values(*, user, region: Region, w: Window) -> list[dict]:
    """Each child region (county > street > community, or the estates of a community) with its indicators."""
    factors = rate_factors()
    if region.level == "community":
        estates = Estate.objects.filter(region=region, is_active=True).order_by("code")
        return [{"code": str(e.pk), "name": e.name, "kind": "estate",
                 "values": catalogue.evaluate(context(w, estate=e, factors=factors))} for e in estates]
    return [{"code": c.code, "name": c.name, "kind": c.level, "values": catalogue.evaluate(ctx)}
            for c, ctx in children_contexts(user=user, region=region, w=w, factors=factors)]


def indicator_series(*, user, region: Region | None = None, estate: Estate | None = None, period: str, end: date, count: int = 12) -> list[dict]:
    """The last `count` periods up to the one containing `end`, each with every indicator."""
    factors = rate_factors()
    figures = _registry_figures(region=region, estate=estate)
    windows = [window(period, end)]
    while len(windows) < count:
        windows.insert(0, windows[0].previous())
    return [{"period": w.label, "start": w.start.isoformat(),
             "values": catalogue.evaluate(context(w, region=region, estate=estate, factors=factors, figures=figures))} for w in windows]


def measure_totals(*, region: Region, w: Window, level: str | None = None, prefix: str = "") -> dict[str, float]:
    """Sums of measures starting with `prefix` for the region's children at `level` (or the region itself)."""
    qs = Aggregate.objects.filter(period=w.period, start=w.start)
    if level is None:
        qs = qs.filter(level=LEVEL_OF_REGION[region.level], region_code=region.code)
    else:
        qs = qs.filter(level=level, region_code__startswith=region.prefix)
    totals: dict[str, float] = {}
    for values in qs.values_list("values", flat=True):
        for measure, v in values.items():
            if measure.startswith(prefix):
                totals[measure] = totals.get(measure, 0.0) + v
    return totals


def measures_by_region(*, region: Region, w: Window, level: str, prefix: str) -> dict[str, float]:
    """Per region of `level` inside `region`: the sum of its measures starting with `prefix`."""
    rows = Aggregate.objects.filter(period=w.period, start=w.start, level=level, region_code__startswith=region.prefix)
    return {code: sum(v for m, v in values.items() if m.startswith(prefix)) for code, values in rows.values_list("region_code", "values")}


def records_behind(*, user, region: Region, w: Window, stage: str = "", category: str = "", limit: int = 200):
    """The ledger movements behind a figure: the place's (by origin) movements of the period, scoped by the ledger."""
    from wastewatch.ledger.selectors import movement_list

    qs = movement_list(user=user, day_from=w.start, day_to=w.end - timedelta(days=1), stage=stage, category=category)
    return qs.filter(origin_code__startswith=region_prefix(region.code, region.level))[:limit]


def publications_of(*, region: Region):
    """The red and black lists published for the region and the places under it, newest first."""
    return ListPublication.objects.filter(region_code__startswith=region.prefix)


def report_files_of(*, region: Region):
    return ReportFile.objects.filter(region_code__startswith=region.prefix).defer("content")


def report_file_get(*, user, pk: int) -> ReportFile:
    """A generated report the user may download: inside their region, and never to an organisation-bound user."""
    f = ReportFile.objects.filter(pk=pk).first()
    if f is None or not user.scope.covers_region(f.region_code) or user.scope.organisation_id is not None:
        raise Http404("报表不存在或不在您的数据权限范围内")
    return f
