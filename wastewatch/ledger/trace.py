"""Traceability both ways (来源可查、去向可追), read from the ledger.

A pickup's load goes where its vehicle is next weighed in; a site passes on what it received in proportion to
what came in (a station's outflow carries every estate's share of its inflow); a plant's outputs carry the share of
its intake. Forward from an estate or a generator: to the stations, the plant, its outputs and their destinations.
Backward from a site: to the stations, streets, estates and counties that fed it. Both answer a Sankey graph:
nodes and links in tonnes."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, Sum

from wastewatch.registry.models import Estate, Organisation, Region, Site, WasteCategory

from .choices import Stage
from .models import Movement
from .routes import LOADING_STAGES

MAX_DEPTH = 5
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


def _receiver_nodes(g, rows):
    """{node: tonnes} from rows (weigh-in site, to_site, to_org, to_label, tonnes): a loaded vehicle's weigh-in, else
    the named receiver."""
    rows = list(rows)
    sites = Site.objects.in_bulk({i for r in rows for i in r[:2] if i})
    orgs = Organisation.objects.in_bulk({r[2] for r in rows if r[2]})
    edges = defaultdict(float)
    for delivered, to_site, to_org, label, tonnes in rows:
        if delivered or to_site:
            node = _site_node(g, sites[delivered or to_site])
        elif to_org:
            node = g.node(f"org:{orgs[to_org].code}", orgs[to_org].name, "org")
        else:
            node = g.node(f"label:{label or '未知去向'}", label or "未知去向", "label")
        edges[node] += float(tonnes)
    return edges


def _downstream_edges(g, outgoing):
    """(target node, tonnes) of outgoing movements, summed in SQL by where each was weighed in (the stored link)."""
    return _receiver_nodes(g, outgoing.order_by().values_list("delivered_in__to_site_id", "to_site_id", "to_org_id", "to_label")
                           .annotate(t=Sum("net_t")))


def trace_forward(*, movements, estate: Estate | None = None, site: Site | None = None, day_from: date, day_to: date) -> dict:
    """Where the waste of an estate or a generator (a site) went, and what it became."""
    g = Graph()
    window = movements.filter(day__range=(day_from, day_to))
    if estate is not None:
        root = g.node(f"estate:{estate.code}", estate.name, "estate")
        first = window.filter(from_estate=estate, stage__in=LOADING_STAGES)
    else:
        root = _site_node(g, site)
        first = window.filter(from_site=site, stage__in=LOADING_STAGES)
    frontier = {root: (1.0, first)}
    for _ in range(MAX_DEPTH):
        following = {}
        for node, (share, outgoing) in frontier.items():
            for target, tonnes in _downstream_edges(g, outgoing).items():
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
        sent = (window.filter(from_site_id=site_id, stage=Stage.OUTPUT_OUT, category_id=category).order_by()
                .values_list("to_site_id", "to_org_id", "to_label").annotate(t=Sum("net_t")))
        for target, tonnes in _receiver_nodes(g, ((None, *row) for row in sent)).items():
            g.link(product, target, tonnes * share)
    outgoing = window.filter(from_site_id=site_id, stage__in=LOADING_STAGES)
    return (share, outgoing) if outgoing.exists() else None


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
    received = window.filter(to_site_id=site_id)
    intakes = list(received.values_list("pk", "net_t", "from_site_id", "origin_code"))
    loads = _loads_in(received)
    kinds = dict(Site.objects.filter(pk__in={o for parts in loads.values() for k, o, _ in parts if k == "site"} |
                                     {i[2] for i in intakes if i[2]}).values_list("pk", "kind"))
    upstream = defaultdict(float)
    for pk, net, from_site, origin in intakes:
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


def _loads_in(intakes):
    """For each weigh-in, the loads delivered in it (the stored link), summed by estate or sending site:
    {intake pk: [(kind "estate" or "site", id, tonnes)]}."""
    found = defaultdict(list)
    for intake, estate, site, tonnes in (Movement.objects.filter(delivered_in__in=intakes.values("pk"))
                                         .filter(Q(from_estate__isnull=False) | Q(from_site__isnull=False)).order_by()
                                         .values_list("delivered_in_id", "from_estate_id", "from_site_id").annotate(t=Sum("net_t"))):
        found[intake].append(("estate", estate, float(tonnes)) if estate else ("site", site, float(tonnes)))
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
