"""Carbon reduction of sorting: tCO2e avoided = baseline (the same waste, mixed, to landfill and incineration as before
sorting began) − actual (each category by the route the ledger shows it took). Factors come from the editable table.

Per tonne of a category (tCO2e/t):
- landfill (IPCC 2006 Vol. 5 Ch. 3, Tier 1 mass balance): DOC · DOCf · MCF · F · 16/12 · (1 − R) · (1 − OX) · GWP_CH4
- incineration (Ch. 5, eq. 5.1): fossil CO2 − exported electricity (kWh/t) × grid factor
- perishable plant (Ch. 4): share s to anaerobic digestion 0.8 g CH4/kg, the rest composting 4 g CH4 + 0.24 g N2O per kg
- recycling: the credit of avoided virgin production (negative), per material
Estates have no route of their own (their waste is weighed at the point): their tonnage takes the routes its county's
waste of that category took in the same period."""
from dataclasses import dataclass

from . import catalogue
from .models import Factor
from .selectors import Window, _measures

CATEGORY_KIND = {"01": "food", "02": "residual", "03": "hazardous", "0401": "paper", "0402": "plastic", "0403": "metal",
                 "0404": "glass", "0405": "textile", "0408": "wood"}
KIND_NAMES = {"food": "易腐垃圾", "residual": "其他垃圾", "hazardous": "有害垃圾", "paper": "纸类", "plastic": "塑料", "metal": "金属",
              "glass": "玻璃", "textile": "织物", "wood": "木制品", "other": "其他可回收物"}
ROUTE_NAMES = {"landfill": "填埋", "incineration": "焚烧", "perishable": "易腐处理（厌氧消化/堆肥）", "recycling": "回收利用",
               "hazardous": "危废处置"}
DRY = ("paper", "plastic", "textile", "wood")


def kind_of(category: str) -> str:
    if category[:2] == "04":
        return CATEGORY_KIND.get(category, "other")
    return CATEGORY_KIND.get(category[:2], "other")


def carbon_factors() -> dict[str, float]:
    return {f.code: float(f.value) for f in Factor.objects.filter(group=Factor.Group.CARBON)}


def factor_per_tonne(kind: str, route: str, f: dict[str, float]) -> float:
    if route == "landfill":
        doc = f.get(f"doc_{kind}", 0.0)
        return doc * f["docf"] * f["mcf"] * f["f_ch4"] * 16 / 12 * (1 - f["lfg_recovery"]) * (1 - f["ox"]) * f["gwp_ch4"]
    if route == "incineration":
        kwh = f.get("kwh_dry", 0.0) if kind in DRY else f.get(f"kwh_{kind}", 0.0)
        return f.get(f"fossil_{kind}", 0.0) - kwh / 1000 * f["grid_ef"]
    if route == "perishable":
        share = f["perishable_ad_share"]
        digestion = f["ad_ch4"] / 1000 * f["gwp_ch4"]
        compost = f["compost_ch4"] / 1000 * f["gwp_ch4"] + f["compost_n2o"] / 1000 * f["gwp_n2o"]
        return share * digestion + (1 - share) * compost
    if route == "recycling":
        return f.get(f"rec_{kind}", 0.0)
    return 0.0  # hazardous waste treatment is not part of the sorting balance


@dataclass
class Line:
    kind: str
    route: str
    tonnes: float
    factor: float

    @property
    def tco2e(self):
        return self.tonnes * self.factor

    def as_dict(self):
        return {"category": KIND_NAMES.get(self.kind, self.kind), "route": ROUTE_NAMES.get(self.route, self.route),
                "tonnes": round(self.tonnes, 3), "factor": round(self.factor, 4), "tco2e": round(self.tco2e, 3)}


def _routed(measures: catalogue.Measures) -> dict[tuple[str, str], float]:
    """(kind, route) → tonnes of household waste as the ledger shows it treated."""
    out = {}
    for (_, stage, to_kind, from_kind, cat), tonnes in measures._parsed:
        if cat[:2] not in ("01", "02", "03", "04"):
            continue
        if cat[:2] == "04":
            if stage == "sorting_in" or (stage == "facility_in" and to_kind == "recycling" and from_kind != "sorting"):
                route = "recycling"
            else:
                continue
        elif stage == "facility_in" and to_kind in catalogue.TREATMENT:
            route = to_kind
        else:
            continue
        key = (kind_of(cat), route)
        out[key] = out.get(key, 0.0) + tonnes
    return out


def _estate_routed(measures: catalogue.Measures, county: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    by_kind = {}
    for (kind, route), t in county.items():
        by_kind.setdefault(kind, {})[route] = t
    out = {}
    for (_, stage, _, _, cat), tonnes in measures._parsed:
        if stage not in ("collection", "pickup") or cat[:2] not in ("01", "02", "03", "04"):
            continue
        kind = kind_of(cat)
        routes = by_kind.get(kind) or by_kind.get("other" if cat[:2] == "04" else kind) or {
            "recycling" if cat[:2] == "04" else ("perishable" if cat[:2] == "01" else "incineration"): 1.0}
        total = sum(routes.values())
        for route, t in routes.items():
            out[(kind, route)] = out.get((kind, route), 0.0) + tonnes * t / total
    return out


def carbon_balance(*, w: Window, region=None, estate=None, factors=None) -> dict:
    f = factors or carbon_factors()
    if estate is not None:
        from wastewatch.registry.models import Region

        county = Region.objects.get(code=estate.region_id[:6] + "000000")
        routed = _estate_routed(catalogue.Measures(_measures(w, estate=estate)), _routed(catalogue.Measures(_measures(w, region=county))))
    else:
        routed = _routed(catalogue.Measures(_measures(w, region=region)))
    actual = [Line(kind, route, t, factor_per_tonne(kind, route, f)) for (kind, route), t in sorted(routed.items()) if t]
    tonnes_by_kind = {}
    for line in actual:
        tonnes_by_kind[line.kind] = tonnes_by_kind.get(line.kind, 0.0) + line.tonnes
    share = f["baseline_landfill_share"]
    baseline = []
    for kind, t in sorted(tonnes_by_kind.items()):
        baseline.append(Line(kind, "landfill", t * share, factor_per_tonne(kind, "landfill", f)))
        baseline.append(Line(kind, "incineration", t * (1 - share), factor_per_tonne(kind, "incineration", f)))
    total_t = sum(tonnes_by_kind.values())
    actual_t, baseline_t = sum(l.tco2e for l in actual), sum(l.tco2e for l in baseline)
    return {
        "period": w.label, "tonnes": round(total_t, 3),
        "baseline_tco2e": round(baseline_t, 3), "actual_tco2e": round(actual_t, 3), "avoided_tco2e": round(baseline_t - actual_t, 3),
        "baseline_kg_per_t": round(baseline_t / total_t * 1000, 1) if total_t else None,
        "actual_kg_per_t": round(actual_t / total_t * 1000, 1) if total_t else None,
        "actual": [l.as_dict() for l in actual], "baseline": [l.as_dict() for l in baseline if l.tonnes],
        "estimated_routes": estate is not None,
    }


def carbon_by_child(*, region, w: Window, user) -> list[dict]:
    from wastewatch.registry.models import Region

    from .selectors import CHILD_LEVEL

    if region.level not in CHILD_LEVEL:
        return []
    f = carbon_factors()
    out = []
    for child in Region.objects.filter(parent=region, level=CHILD_LEVEL[region.level]).order_by("code"):
        if user.scope.covers_region(child.code):
            balance = carbon_balance(w=w, region=child, factors=f)
            out.append({"code": child.code, "name": child.name, "tonnes": balance["tonnes"], "avoided_tco2e": balance["avoided_tco2e"]})
    return out

