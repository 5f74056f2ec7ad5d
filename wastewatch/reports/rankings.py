"""Estate assessment: each rubric item scores an indicator linearly between its zero-point and full-point values,
weighted (the weights add up to 100); an item without data scores its weight × 0.6 (a pass, neither rewarded nor
punished), and is shown as such. Ranks are within the street and within the county."""
from dataclasses import dataclass

from wastewatch.registry.models import Estate

from . import catalogue
from .models import RubricItem
from .selectors import Window, context, rate_factors

NO_DATA_SHARE = 0.6


def item_score(item: RubricItem, value) -> float:
    weight = float(item.weight)
    if value is None:
        return weight * NO_DATA_SHARE
    best, worst = item.best, item.worst
    if best == worst:
        return weight if (value >= best if item.higher_is_better else value <= best) else 0.0
    share = (value - worst) / (best - worst)
    return weight * max(0.0, min(1.0, share))


@dataclass
class Assessment:
    estate: Estate
    score: float
    items: list[dict]
    street_rank: int = 0
    county_rank: int = 0


def assess(*, estates, w: Window, rubric=None) -> list[Assessment]:
    rubric = list(rubric if rubric is not None else RubricItem.objects.all())
    factors = rate_factors()
    out = []
    for estate in estates:
        values = catalogue.evaluate(context(w, estate=estate, factors=factors))
        items = [{"code": i.code, "name": i.name, "value": values.get(i.indicator), "score": round(item_score(i, values.get(i.indicator)), 2),
                  "weight": float(i.weight)} for i in rubric]
        out.append(Assessment(estate=estate, score=round(sum(i["score"] for i in items), 2), items=items))
    _rank(out, lambda a: a.estate.region_id[:9], "street_rank")
    _rank(out, lambda a: a.estate.region_id[:6], "county_rank")
    return sorted(out, key=lambda a: (-a.score, a.estate.code))


def _rank(assessments, group_key, attr):
    groups = {}
    for a in assessments:
        groups.setdefault(group_key(a), []).append(a)
    for members in groups.values():
        for rank, a in enumerate(sorted(members, key=lambda a: (-a.score, a.estate.code)), start=1):
            setattr(a, attr, rank)


def estates_in(region) -> list[Estate]:
    return list(Estate.objects.filter(region__code__startswith=region.prefix, is_active=True).select_related("region").order_by("code"))
