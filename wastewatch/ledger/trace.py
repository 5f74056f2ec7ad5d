"""Traceability both ways (来源可查、去向可追), read from the ledger.

A pickup's load goes where its vehicle is next weighed in; a site passes on what it received in proportion to
what came in (a station's outflow carries every estate's share of its inflow); a plant's outputs carry the share of
its intake. Forward from an estate or a generator: to the stations, the plant, its outputs and their destinations.
Backward from a site: to the stations, streets, estates and counties that fed it. Both answer a Sankey graph:
nodes and links in tonnes."""
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Sum

from wastewatch.registry.models import Estate, Region, Site, WasteCategory

from .choices import Stage
from .models import Movement
from .services.movements import INTAKE_STAGES

ROUTE_WINDOW = timedelta(hours=12)
MAX_DEPTH = 5
LOADING_STAGES = [Stage.PICKUP, Stage.TRANSFER_OUT, Stage.SORTING_OUT, Stage.OUTLET_OUT, Stage.GENERATOR_OUT]
MIN_T = 0.001


@dataclass
class Graph:
    nodes: dict = field(default_factory=dict)  # id → {"id", "name", "kind"}
    links: dict = field(default_factory=lambda: defaultdict(float))  # (source, target) → tonnes

    def node(self, node_id, name, kind):
        self.nodes.setdefault(node_id, {"id": node_id, "name": name, "kind": kind})
        return node_id

    def link(self, source, target, tonnes):
        if tonnes > MIN_T and source != target:
            self.links[(source, target)] += tonnes

    def _acyclic(self):
        """ECharts draws a Sankey only without cycles (a truck shuttling between two stations makes one): the
        smallest link closing a cycle is left out."""
        kept, succ = {}, defaultdict(set)

        def reaches(a, b):
            stack, seen = [a], set()
            while stack:
                n = stack.pop()
                if n == b:
                    return True
                if n not in seen:
                    seen.add(n)
                    stack.extend(succ[n])
            return False

        for (s, t), v in sorted(self.links.items(), key=lambda kv: -kv[1]):
            if not reaches(t, s):
                kept[(s, t)] = v
                succ[s].add(t)
        self.links = defaultdict(float, kept)

    def as_dict(self, root):
        self._acyclic()
        used = {n for pair in self.links for n in pair} | {root}
        # ECharts' Sankey wants unique names: a name shared by two nodes gets its code appended.
        names = defaultdict(int)
        for n in used:
            names[self.nodes[n]["name"]] += 1
        nodes = [{**self.nodes[n], "label": self.nodes[n]["name"] if names[self.nodes[n]["name"]] == 1 else
                  f"{self.nodes[n]['name']}（{n.split(':', 1)[1][-6:]}）"} for n in used]
        label = {n["id"]: n["label"] for n in nodes}
        links = [{"source": label[s], "target": label[t], "source_id": s, "target_id": t, "tonnes": round(v, 3)}
                 for (s, t), v in sorted(self.links.items(), key=lambda kv: -kv[1])]
        return {"root": root, "nodes": nodes, "links": links}


def _site_node(g, site):
    return g.node(f"site:{site.code}", site.name, site.kind)


def _place_node(g, m, side):
    """The node of a movement's sender or receiver."""
    if side == "from":
        if m.from_estate_id:
            return g.node(f"estate:{m.from_estate.code}", m.from_estate.name, "estate")
        if m.from_site_id:
            return _site_node(g, m.from_site)
        if m.from_org_id:
            return g.node(f"org:{m.from_org.code}", m.from_org.name, "org")
        if m.from_label:
            return g.node(f"label:{m.from_label}", m.from_label, "label")
        return g.node(f"region:{m.origin_code}", m.origin_code, "region")
    if m.to_site_id:
        return _site_node(g, m.to_site)
    if m.to_org_id:
        return g.node(f"org:{m.to_org.code}", m.to_org.name, "org")
    return g.node(f"label:{m.to_label or '未知去向'}", m.to_label or "未知去向", "label")


class _Intakes:
    """Where each vehicle was weighed in, to follow a load from where it was picked up (ids and times only: a year
    of a fleet's weigh-ins is read here)."""

    def __init__(self, vehicle_ids, start, end):
        self.by_vehicle = defaultdict(list)
        for vehicle, when, site in (Movement.objects.filter(vehicle_id__in=vehicle_ids, stage__in=list(INTAKE_STAGES),
                                                            occurred_at__range=(start, end + ROUTE_WINDOW))
                                    .order_by("occurred_at").values_list("vehicle_id", "occurred_at", "to_site_id")):
            self.by_vehicle[vehicle].append((when, site))
        self.times = {v: [when for when, _ in ms] for v, ms in self.by_vehicle.items()}

    def next_site(self, vehicle_id, moment):
        """The site id of the vehicle's next weigh-in within the route window, or None."""
        times = self.times.get(vehicle_id)
        if not times:
            return None
        i = bisect_right(times, moment)
        if i < len(times) and times[i] - moment <= ROUTE_WINDOW:
            return self.by_vehicle[vehicle_id][i][1]
        return None


def _downstream_edges(g, outgoing, start, end):
    """(target node, tonnes) for each outgoing movement: a loaded vehicle's next weigh-in, else the named receiver."""
    intakes = _Intakes({m.vehicle_id for m in outgoing if m.vehicle_id}, start, end)
    targets = {m.pk: intakes.next_site(m.vehicle_id, m.occurred_at) if m.vehicle_id else None for m in outgoing}
    sites = {s.pk: s for s in Site.objects.filter(pk__in={t for t in targets.values() if t})}
    edges = defaultdict(float)
    for m in outgoing:
        target = sites.get(targets[m.pk])
        node = _site_node(g, target) if target is not None else _place_node(g, m, "to")
        edges[node] += float(m.net_t)
    return edges


def _moments(day_from, day_to):
    from django.utils import timezone
    from datetime import datetime, time

    return (timezone.make_aware(datetime.combine(day_from, time.min)), timezone.make_aware(datetime.combine(day_to, time.max)))


SELECT = ("from_site", "from_estate", "from_org", "to_site", "to_org", "vehicle")


def trace_forward(*, movements, estate: Estate | None = None, site: Site | None = None, day_from: date, day_to: date) -> dict:
    """Where the waste of an estate or a generator (a site) went, and what it became."""
    g = Graph()
    start, end = _moments(day_from, day_to)
    window = movements.filter(day__range=(day_from, day_to))
    if estate is not None:
        root = g.node(f"estate:{estate.code}", estate.name, "estate")
        first = list(window.filter(from_estate=estate, stage__in=LOADING_STAGES).select_related(*SELECT))
    else:
        root = _site_node(g, site)
        first = list(window.filter(from_site=site, stage__in=LOADING_STAGES).select_related(*SELECT))
    frontier = {root: (1.0, first)}
    for _ in range(MAX_DEPTH):
        following = {}
        for node, (share, outgoing) in frontier.items():
            for target, tonnes in _downstream_edges(g, outgoing, start, end).items():
                g.link(node, target, tonnes * share)
                following.setdefault(target, 0.0)
                following[target] += tonnes * share
        frontier = {}
        for target, tonnes in following.items():
            kind, _, code = target.partition(":")
            if kind != "site":
                continue
            passed = _passed_on(g, window, target, code, tonnes)
            if passed is not None:
                frontier[target] = passed
        if not frontier:
            break
    return g.as_dict(root)


def _passed_on(g, window, node, code, tonnes):
    """What a site sends on, as (share of its inflow that is ours, its outgoing movements); a plant's outputs too."""
    site_id = Site.objects.filter(code=code).values_list("pk", flat=True).first()  # by id: the (site, day) indexes serve
    inflow = float(window.filter(to_site_id=site_id).aggregate(t=Sum("net_t"))["t"] or 0)
    if inflow <= 0:
        return None
    share = min(1.0, tonnes / inflow)
    names = dict(WasteCategory.objects.values_list("code", "name"))
    for category, produced in (window.filter(from_site_id=site_id, stage=Stage.OUTPUT).order_by()
                               .values_list("category_id").annotate(t=Sum("net_t"))):
        # The plant's products: our share of each, and where each went.
        product = g.node(f"output:{code}:{category}", f"{g.nodes[node]['name']}·{names.get(category, category)}", "output")
        g.link(node, product, float(produced) * share)
        for m in window.filter(from_site_id=site_id, stage=Stage.OUTPUT_OUT, category_id=category).select_related(*SELECT):
            g.link(product, _place_node(g, m, "to"), float(m.net_t) * share)
    outgoing = list(window.filter(from_site_id=site_id, stage__in=LOADING_STAGES).select_related(*SELECT))
    return (share, outgoing) if outgoing else None


def trace_backward(*, movements, site: Site, day_from: date, day_to: date, estates_limit: int = 25) -> dict:
    """Where a site's intake came from: stations that fed it, the estates and generators whose pickups made the loads,
    their streets and counties (the Sankey reads county → street → estate → station → plant)."""
    g = Graph()
    root = _site_node(g, site)
    window = movements.filter(day__range=(day_from, day_to))
    found = _Origins()
    _feed(window, site.pk, 1.0, ("site", site.pk), found, depth=0)
    for (source, target), tonnes in found.links.items():
        g.link(found.node(g, source), found.node(g, target) if target != ("site", site.pk) else root, tonnes)
    regions = {found.node(g, leaf): found.region(leaf) for leaf in found.sources}
    sources = defaultdict(float)
    for leaf, tonnes in found.sources.items():
        sources[found.node(g, leaf)] += tonnes
    _add_regions(g, sources, regions, estates_limit)
    return g.as_dict(root)


PASSING_KINDS = ("transfer", "sorting", "staging", "collection")


class _Origins:
    """The backward walk works on ids and tuples (a year of a plant's loads is tens of thousands of rows); names
    are read once at the end for the places that appear."""

    def __init__(self):
        self.links = defaultdict(float)  # ((kind, id), (kind, id)) → tonnes
        self.sources = defaultdict(float)  # leaf (kind, id) → tonnes
        self._sites, self._estates = {}, {}

    def load(self):
        site_ids = {i for key in self._keys() for k, i in [key] if k == "site"}
        estate_ids = {i for key in self._keys() for k, i in [key] if k == "estate"}
        self._sites = {s.pk: s for s in Site.objects.filter(pk__in=site_ids)}
        self._estates = {e.pk: e for e in Estate.objects.filter(pk__in=estate_ids)}

    def _keys(self):
        for source, target in self.links:
            yield source
            yield target

    def node(self, g, key):
        if not self._sites and not self._estates:
            self.load()
        kind, ident = key
        if kind == "site":
            return _site_node(g, self._sites[ident])
        if kind == "estate":
            e = self._estates[ident]
            return g.node(f"estate:{e.code}", e.name, "estate")
        return g.node(f"region:{ident}", ident, "region")

    def region(self, key):
        kind, ident = key
        if kind == "site":
            return self._sites[ident].region_id
        if kind == "estate":
            return self._estates[ident].region_id
        return ident


def _feed(window, site_id, factor, node, found: _Origins, depth):
    """Credit `factor` of the site's intake to its origins, recursing into the stations that fed it."""
    intakes = list(window.filter(to_site_id=site_id).values_list("pk", "vehicle_id", "occurred_at", "net_t", "from_site_id",
                                                                 "origin_code"))
    loads = _loads_before([i for i in intakes if i[1]])
    kinds = dict(Site.objects.filter(pk__in={o for parts in loads.values() for k, o, _ in parts if k == "site"} |
                                     {i[4] for i in intakes if i[4]}).values_list("pk", "kind"))
    upstream = defaultdict(float)
    for pk, _, _, net, from_site, origin in intakes:
        parts = loads.get(pk) or ([("site", from_site, 1.0)] if from_site and from_site != site_id else [("region", origin, 1.0)])
        total = sum(t for _, _, t in parts) or 1.0
        for kind, ident, tonnes in parts:
            amount = float(net) * factor * tonnes / total  # the weighbridge is the truth; the loads give the split
            if kind == "site" and kinds.get(ident) in PASSING_KINDS and depth < MAX_DEPTH:
                upstream[ident] += amount
                continue
            found.links[((kind, ident), node)] += amount
            found.sources[(kind, ident)] += amount
    for origin, amount in upstream.items():
        up = ("site", origin)
        found.links[(up, node)] += amount
        inflow = float(window.filter(to_site_id=origin).aggregate(t=Sum("net_t"))["t"] or 0)
        if inflow > 0:
            _feed(window, origin, min(1.0, amount / inflow), up, found, depth + 1)
        else:
            found.sources[up] += amount


def _loads_before(intakes):
    """For each weigh-in, the loads its vehicle took on since its previous weigh-in (within the route window):
    [(kind "estate" or "site", id, tonnes)]."""
    if not intakes:
        return {}
    vehicles = {i[1] for i in intakes}
    start = min(i[2] for i in intakes) - ROUTE_WINDOW
    end = max(i[2] for i in intakes)
    history = defaultdict(list)
    intake_stages = set(INTAKE_STAGES)
    for vehicle, when_, stage, net, estate, site in (
            Movement.objects.filter(vehicle_id__in=vehicles, occurred_at__range=(start, end),
                                    stage__in=[*LOADING_STAGES, *INTAKE_STAGES])
            .order_by("occurred_at").values_list("vehicle_id", "occurred_at", "stage", "net_t", "from_estate_id", "from_site_id")):
        history[vehicle].append((when_, stage, net, estate, site))
    times = {v: [e[0] for e in events] for v, events in history.items()}
    found = {}
    for pk, vehicle, moment, _, _, _ in intakes:
        events = history[vehicle]
        parts = []
        for j in range(bisect_left(times[vehicle], moment) - 1, -1, -1):
            when_, stage, net, estate, site = events[j]
            if moment - when_ > ROUTE_WINDOW or stage in intake_stages:
                break
            if estate:
                parts.append(("estate", estate, float(net)))
            elif site:
                parts.append(("site", site, float(net)))
        found[pk] = parts
    return found


def _add_regions(g, sources, regions, estates_limit):
    """Leaves hang under their street and county; beyond the limit, a street's smaller estates are grouped."""
    names = {}

    def region_name(code):
        if code not in names:
            names[code] = Region.objects.filter(code=code).values_list("name", flat=True).first() or code
        return names[code]

    ranked = sorted(sources.items(), key=lambda kv: -kv[1])
    for rank, (leaf, tonnes) in enumerate(ranked):
        region = regions.get(leaf, "")
        if len(region) != 12:
            continue
        node = leaf
        if leaf.startswith("estate:") and rank >= estates_limit:
            node = g.node(f"others:{region[:9]}", "其他小区", "estate")
            _relink(g, leaf, node)
        elif leaf.startswith("region:"):
            g.nodes[leaf]["name"] = region_name(region)
        county = g.node(f"region:{region[:6]}000000", region_name(region[:6] + "000000"), "county")
        if node == county:
            continue
        if region[6:9] != "000":
            street = g.node(f"region:{region[:9]}000", region_name(region[:9] + "000"), "street")
            g.link(street, node, tonnes)
            g.link(county, street, tonnes)
        else:
            g.link(county, node, tonnes)


def _relink(g, old, new):
    for (s, t), v in list(g.links.items()):
        if old in (s, t):
            del g.links[(s, t)]
            g.links[(new if s == old else s, new if t == old else t)] += v
