"""Every read of the ledger, scoped (DESIGN rule 2): a movement belongs to where it happened and where it came from,
so a county sees what its plants received and what its waste became elsewhere."""
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.http import Http404

from wastewatch.core.selectors import region_scoped

from .models import Movement

MOVEMENT_ORG_LOOKUPS = ("vehicle__hauler_id", "to_site__operator_id", "from_site__operator_id", "from_org_id", "to_org_id")


def movements_visible(*, user):
    return region_scoped(Movement.objects.all(), user=user, lookups=("region_code", "origin_code"),
                         organisation_lookups=MOVEMENT_ORG_LOOKUPS)


def movement_list(*, user, day_from: date | None = None, day_to: date | None = None, stage: str = "", category: str = "",
                  site: str = "", plate: str = "", region: str = "", flagged: bool | None = None, source_interface: str = ""):
    qs = movements_visible(user=user).select_related("category", "from_site", "from_estate", "from_org", "to_site", "to_org", "vehicle")
    if day_from:
        qs = qs.filter(day__gte=day_from)
    if day_to:
        qs = qs.filter(day__lte=day_to)
    if stage:
        qs = qs.filter(stage=stage)
    if category:
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    if site:
        qs = qs.filter(Q(from_site__code=site) | Q(to_site__code=site))
    if plate:
        qs = qs.filter(plate=plate.strip().upper())
    if region:
        qs = qs.filter(Q(region_code__startswith=region) | Q(origin_code__startswith=region))
    if flagged is True:
        qs = qs.exclude(flags=[])
    elif flagged is False:
        qs = qs.filter(flags=[])
    if source_interface:
        qs = qs.filter(source_interface=source_interface)
    return qs


def movement_get(*, user, pk: int) -> Movement:
    movement = movement_list(user=user).filter(pk=pk).first()
    if movement is None:
        raise Http404("台账记录不存在或不在您的数据权限范围内")
    return movement


def movement_totals(*, user=None, region_prefix: str = "", day_from: date | None = None, day_to: date | None = None,
                    categories=(), stages=(), by=("stage",), attribute_to: str = "origin") -> list[dict]:
    """Tonnes and counts grouped by `by` (any of stage, category_id, day, region_code, origin_code) — the cheap read
    that indicators, rankings and the cockpit use. `attribute_to` picks whose figure it is: "origin" (the county the
    waste came from: cross-district treatment counts for the sender) or "region" (where it happened).
    With `user`, only what that user may see; without, the caller (a scheduled report) answers for the prefix."""
    field = "origin_code" if attribute_to == "origin" else "region_code"
    qs = Movement.objects.all() if user is None else movements_visible(user=user)
    if region_prefix:
        qs = qs.filter(**{f"{field}__startswith": region_prefix})
    if day_from:
        qs = qs.filter(day__gte=day_from)
    if day_to:
        qs = qs.filter(day__lte=day_to)
    if categories:
        qs = qs.filter(Q(category_id__in=list(categories)) | Q(category__parent_id__in=list(categories)))
    if stages:
        qs = qs.filter(stage__in=list(stages))
    rows = qs.values(*by).annotate(tonnes=Sum("net_t"), count=Count("id")).order_by(*by)
    return [{**r, "tonnes": r["tonnes"] or Decimal("0")} for r in rows]


# -- places, balance, traceability -------------------------------------------------------------------------------------

def sites_visible(*, user):
    from wastewatch.registry.models import Site

    return region_scoped(Site.objects.all(), user=user, lookups=("region__code",), organisation_lookups=("operator_id",))


def site_get(*, user, code: str):
    site = sites_visible(user=user).filter(code=code).first()
    if site is None:
        raise Http404(f"点位设施“{code}”不存在或不在您的数据权限范围内")
    return site


def estate_get(*, user, code: str):
    from wastewatch.registry.models import Estate

    estate = region_scoped(Estate.objects.all(), user=user, lookups=("region__code",),
                           organisation_lookups=("property_company_id",)).filter(code=code).first()
    if estate is None:
        raise Http404(f"小区“{code}”不存在或不在您的数据权限范围内")
    return estate


def balance_list(*, user, day_from: date, day_to: date, region: str = "", site: str = "", flagged_only: bool = False):
    """Site balances of the caller's sites (their in and out come from wherever they were sent), with county and
    city totals. Flows from other counties count at the site that received them."""
    from .balance import region_totals, site_balances

    sites = sites_visible(user=user)
    if region:
        sites = sites.filter(region__code__startswith=region)
    if site:
        sites = sites.filter(code=site)
    rows = site_balances(movements=Movement.objects.all(), sites=sites, day_from=day_from, day_to=day_to)
    shown = [r for r in rows if r.flagged] if flagged_only else rows
    return {"sites": [r.as_dict() for r in shown], "counties": region_totals(rows, digits=6),
            "city": region_totals(rows, digits=4)}


def trace_forward_from(*, user, estate: str = "", site: str = "", day_from: date, day_to: date) -> dict:
    """The start must be in the caller's scope; downstream the whole chain shows, since waste crosses county lines."""
    from .trace import trace_forward

    if estate:
        return trace_forward(movements=Movement.objects.all(), estate=estate_get(user=user, code=estate), day_from=day_from, day_to=day_to)
    return trace_forward(movements=Movement.objects.all(), site=site_get(user=user, code=site), day_from=day_from, day_to=day_to)


def trace_backward_to(*, user, site: str, day_from: date, day_to: date) -> dict:
    from .trace import trace_backward

    return trace_backward(movements=Movement.objects.all(), site=site_get(user=user, code=site), day_from=day_from, day_to=day_to)


# -- manifests -----------------------------------------------------------------------------------------------------

MANIFEST_ORG_LOOKUPS = ("generator__operator_id", "generator_org_id", "hauler_id", "receiver__operator_id")


def manifests_visible(*, user):
    from .models import Manifest

    return region_scoped(Manifest.objects.all(), user=user, lookups=("region_code", "receiver_region_code"),
                         organisation_lookups=MANIFEST_ORG_LOOKUPS)


def manifest_list(*, user, status: str = "", category: str = "", discrepancy: bool | None = None, generator: str = ""):
    qs = manifests_visible(user=user).select_related("category", "generator", "hauler", "receiver", "vehicle")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    if discrepancy is not None:
        qs = qs.filter(discrepancy=discrepancy)
    if generator:
        qs = qs.filter(generator__code=generator)
    return qs


def manifest_get(*, user, number: str):
    manifest = manifest_list(user=user).filter(number=number).first()
    if manifest is None:
        raise Http404(f"联单“{number}”不存在或不在您的数据权限范围内")
    return manifest
