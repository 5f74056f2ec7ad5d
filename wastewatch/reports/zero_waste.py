"""The zero-waste index (无废指数) over the configurable tree of IndexNode.

A second-level node scores 0–1 from its indicator:
- target: higher-is-better value ÷ target, lower-is-better target ÷ value, capped at 1;
- linear: 0 at the zero-point (floor), 1 at the target, linear between, clipped.
A node without data is left out and its siblings' weights are renormalised (it is listed as 无数据).
A first-level score is the weighted mean of its children; the index = 100 × the weighted mean of the first level.
Drivers: each second-level node's points lost (its share of 100 × (1 − score)), largest first."""
from .models import IndexNode
from .selectors import Window, indicator_values


def node_score(node: IndexNode, value) -> float | None:
    if value is None or node.target is None:
        return None
    target = node.target
    if node.normalisation == IndexNode.Normalisation.LINEAR and node.floor is not None and node.floor != target:
        share = (value - node.floor) / (target - node.floor)
        return max(0.0, min(1.0, share))
    if node.higher_is_better:
        return 1.0 if target <= 0 else max(0.0, min(1.0, value / target))
    if value <= target:
        return 1.0
    return max(0.0, min(1.0, target / value)) if value else 1.0


def index_compute(*, user, region, w: Window, values=None) -> dict:
    values = values or indicator_values(user=user, region=region, w=w)["values"]
    nodes = list(IndexNode.objects.all())
    top = [n for n in nodes if n.parent_id is None]
    firsts, drivers = [], []
    for first in top:
        children = [n for n in nodes if n.parent_id == first.pk]
        scored = [(c, node_score(c, values.get(c.indicator))) for c in children]
        present = [(c, s) for c, s in scored if s is not None]
        weight = sum(float(c.weight) for c, _ in present)
        score = sum(float(c.weight) * s for c, s in present) / weight if weight else None
        firsts.append({"code": first.code, "name": first.name, "weight": float(first.weight), "score": None if score is None else round(score * 100, 1),
                       "children": [{"code": c.code, "name": c.name, "stream": c.stream, "indicator": c.indicator,
                                     "value": values.get(c.indicator), "target": c.target,
                                     "score": None if s is None else round(s * 100, 1)} for c, s in scored]})
        for c, s in present:
            drivers.append({"code": c.code, "name": c.name, "first": first.name, "score": round(s * 100, 1),
                            "_share": float(first.weight) * float(c.weight) / weight, "_lost": 1 - s})
    present_first = [f for f in firsts if f["score"] is not None]
    total_weight = sum(f["weight"] for f in present_first)
    index = round(sum(f["weight"] * f["score"] for f in present_first) / total_weight, 1) if total_weight else None
    for d in drivers:
        d["points_lost"] = round(100 * d.pop("_share") / total_weight * d.pop("_lost"), 2) if total_weight else None
    drivers.sort(key=lambda d: -(d["points_lost"] or 0))
    return {"region": region.code, "name": region.name, "period": w.label, "index": index, "first_level": firsts, "drivers": drivers[:5]}
