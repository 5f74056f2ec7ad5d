"""Which site's fence a fix lies in. Every site with coordinates has a fence: its Geofence (radius or polygon) or
the default circle of its kind. The fences sit in a grid of about 1 km cells, so a lookup tests a handful of
fences; the grid is rebuilt when sites or fences change (a cheap fingerprint query per batch)."""
import threading
from dataclasses import dataclass, field

from django.db.models import Count, Max
from shapely.geometry import Point, Polygon
from shapely.prepared import prep

from wastewatch.registry.models import Site

from .geometry import M_PER_DEG_LAT, metres, m_per_deg_lon
from .models import Geofence
from .rules import DEFAULT_RADIUS_M

CELL_DEG = 0.01


@dataclass(eq=False)
class Fence:
    site_id: int
    site_kind: str
    region_code: str
    lon: float
    lat: float
    radius_m: float = 0.0
    polygon: object = None  # a prepared shapely polygon
    categories: frozenset = field(default_factory=frozenset)  # top-level category codes the site takes

    def contains(self, lon: float, lat: float) -> bool:
        if self.polygon is not None:
            return self.polygon.contains(Point(lon, lat))
        return metres(lon, lat, self.lon, self.lat) <= self.radius_m


class FenceIndex:
    def __init__(self, fences: list[Fence]):
        self.fences = {f.site_id: f for f in fences}
        self.cells: dict[tuple[int, int], list[Fence]] = {}
        for f in fences:
            if f.polygon is not None:
                minx, miny, maxx, maxy = f.bounds
            else:
                dx, dy = f.radius_m / m_per_deg_lon(f.lat), f.radius_m / M_PER_DEG_LAT
                minx, miny, maxx, maxy = f.lon - dx, f.lat - dy, f.lon + dx, f.lat + dy
            for cx in range(int(minx // CELL_DEG), int(maxx // CELL_DEG) + 1):
                for cy in range(int(miny // CELL_DEG), int(maxy // CELL_DEG) + 1):
                    self.cells.setdefault((cx, cy), []).append(f)

    def find(self, lon: float, lat: float) -> Fence | None:
        """The fence containing the point; of several, the one whose centre is nearest."""
        hits = [f for f in self.cells.get((int(lon // CELL_DEG), int(lat // CELL_DEG)), ()) if f.contains(lon, lat)]
        if not hits:
            return None
        return min(hits, key=lambda f: metres(lon, lat, f.lon, f.lat))


def _build() -> FenceIndex:
    custom = {g.site_id: g for g in Geofence.objects.all()}
    cats: dict[int, set] = {}
    for site_id, code in Site.categories.through.objects.values_list("site_id", "wastecategory_id"):
        cats.setdefault(site_id, set()).add(code[:2] + "00")
    fences = []
    rows = Site.objects.filter(is_active=True, lon__isnull=False, lat__isnull=False, kind__in=list(DEFAULT_RADIUS_M))
    for site_id, kind, region, lon, lat in rows.values_list("pk", "kind", "region_id", "lon", "lat"):
        fence = Fence(site_id, kind, region, float(lon), float(lat), float(DEFAULT_RADIUS_M[kind]),
                      categories=frozenset(cats.get(site_id, ())))
        g = custom.get(site_id)
        if g is not None and g.shape == "polygon" and len(g.polygon) >= 3:
            shape = Polygon(g.polygon)
            fence.polygon, fence.bounds = prep(shape), shape.bounds
        elif g is not None and g.radius_m:
            fence.radius_m = float(g.radius_m)
        fences.append(fence)
    return FenceIndex(fences)


_cache: dict = {}
_lock = threading.Lock()


def fingerprint() -> tuple:
    sites = Site.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    fences = Geofence.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    return sites["n"], sites["at"], fences["n"], fences["at"]


def fence_index() -> FenceIndex:
    key = fingerprint()
    with _lock:
        if _cache.get("key") != key:
            _cache["index"], _cache["key"] = _build(), key
        return _cache["index"]
