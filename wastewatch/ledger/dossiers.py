"""一源一档 / 一厂一档: everything the platform knows about one generator or one plant, read with the caller's scope;
and the overview of the plants' running state for a day."""
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum

from wastewatch.registry.choices import GENERATOR_KINDS, TREATMENT_KINDS
from wastewatch.registry.models import Declaration, DisposalPermit, Site

from .balance import site_balances
from .choices import Stage
from .manifest_presenter import manifest_dict
from .models import FacilityOperation, FacilityOutput, MonitoringReading, Movement
from .presenters import movement_dict
from .selectors import manifests_visible, sites_visible


def _alerts(user, site, limit=20):
    from wastewatch.events.selectors import alerts_visible

    return list(alerts_visible(user=user).filter(site=site).order_by("-last_at")[:limit])


def site_dossier(*, user, site: Site, day_from: date, day_to: date) -> dict:
    moves = Movement.objects.filter(Q(from_site=site) | Q(to_site=site), day__range=(day_from, day_to))
    totals = [{"stage": Stage(r["stage"]).label, "category": r["category__name"], "tonnes": r["t"], "count": r["n"],
               "direction": "进" if r["to_site"] == site.pk else "出"}
              for r in moves.values("stage", "category__name", "to_site").annotate(t=Sum("net_t"), n=Count("id")).order_by("stage")]
    recent = [movement_dict(m, user=user) for m in moves.select_related(
        "category", "from_site", "from_estate", "from_org", "to_site", "to_org", "vehicle").order_by("-occurred_at")[:30]]
    manifests = [manifest_dict(m) for m in manifests_visible(user=user).filter(Q(generator=site) | Q(receiver=site))
                 .select_related("category", "generator", "hauler", "receiver", "vehicle").order_by("-created_at")[:30]]
    body = {"site": site, "is_plant": site.kind in TREATMENT_KINDS, "is_generator": site.kind in GENERATOR_KINDS,
            "totals": totals, "recent": recent, "manifests": manifests, "alerts": _alerts(user, site),
            "categories": list(site.categories.order_by("code"))}
    if body["is_generator"]:
        year = day_to.year
        declared = list(Declaration.objects.filter(site=site, year=year).select_related("category"))
        shipped = dict(Movement.objects.filter(from_site=site, day__year=year).values_list("category_id").annotate(t=Sum("net_t")))
        body["declarations"] = [{"category": d.category, "declared_t": d.declared_t, "shipped_t": shipped.get(d.category_id, Decimal("0")),
                                 "share": (shipped.get(d.category_id, Decimal("0")) / d.declared_t * 100) if d.declared_t else None}
                                for d in declared]
        body["permits"] = list(DisposalPermit.objects.filter(site=site).select_related("destination"))
    if body["is_plant"]:
        body["operations"] = list(FacilityOperation.objects.filter(site=site, day__range=(day_from, day_to)).order_by("-at")[:24])
        readings = MonitoringReading.objects.filter(site=site, day__range=(day_from, day_to))
        body["monitoring"] = list(readings.values("item").annotate(n=Count("id"), exceeded=Count("id", filter=Q(exceeded=True)),
                                                                  last=Max("at")).order_by("item"))
        body["exceedances"] = list(readings.filter(exceeded=True).order_by("-at")[:20])
        produced = FacilityOutput.objects.filter(site=site, day__range=(day_from, day_to)).values("kind", "unit").annotate(t=Sum("amount"))
        body["outputs"] = [{"kind": FacilityOutput.Kind(r["kind"]).label, "unit": r["unit"], "produced": r["t"]} for r in produced]
        body["destinations"] = list(Movement.objects.filter(from_site=site, stage=Stage.OUTPUT_OUT, day__range=(day_from, day_to))
                                    .values("category__name", "to_label").annotate(t=Sum("net_t")).order_by("-t"))
        body["balance"] = [b.as_dict() for b in site_balances(movements=Movement.objects.all(), sites=Site.objects.filter(pk=site.pk),
                                                              day_from=day_from, day_to=day_to)]
    return body


def facility_overview(*, user, day: date) -> list[dict]:
    """Each visible plant's day: intake, treated, capacity use, power, exceedances, outputs without destination."""
    plants = list(sites_visible(user=user).filter(kind__in=TREATMENT_KINDS).order_by("region_id", "code"))
    ids = [p.pk for p in plants]
    intake = dict(Movement.objects.filter(to_site_id__in=ids, day=day).values_list("to_site_id").annotate(t=Sum("net_t")))
    last = {}
    for op in FacilityOperation.objects.filter(site_id__in=ids, day=day).order_by("at"):
        last[op.site_id] = op
    exceeded = dict(MonitoringReading.objects.filter(site_id__in=ids, day=day, exceeded=True).values_list("site_id").annotate(n=Count("id")))
    rows = []
    for p in plants:
        op = last.get(p.pk)
        treated = op.treated_t if op else None
        rows.append({"site": p, "intake_t": intake.get(p.pk, Decimal("0")), "treated_t": treated,
                     "load": (treated / p.capacity_tpd * 100) if treated is not None and p.capacity_tpd else None,
                     "run_state": {"1": "正常运行", "2": "计划检修", "3": "故障停机", "4": "停运"}.get(op.run_state, "—") if op else "无数据",
                     "power_kwh": op.power_kwh if op else None, "exceeded": exceeded.get(p.pk, 0)})
    return rows
