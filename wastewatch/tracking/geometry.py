"""Distances in metres on WGS-84 fixes. A county is a few tens of kilometres across, so a local equirectangular
projection is within a fraction of a percent of the geodesic distance and a hundred times cheaper."""
import math
from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
M_PER_DEG_LAT = 111_320.0


def m_per_deg_lon(lat: float) -> float:
    return M_PER_DEG_LAT * math.cos(math.radians(lat))


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    dx = (lon2 - lon1) * m_per_deg_lon((lat1 + lat2) / 2)
    dy = (lat2 - lat1) * M_PER_DEG_LAT
    return math.hypot(dx, dy)


def to_segment_m(lon: float, lat: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance from a point to the segment a–b, in metres."""
    kx = m_per_deg_lon(lat)
    px, py = (lon - a[0]) * kx, (lat - a[1]) * M_PER_DEG_LAT
    bx, by = (b[0] - a[0]) * kx, (b[1] - a[1]) * M_PER_DEG_LAT
    length2 = bx * bx + by * by
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, (px * bx + py * by) / length2))
    return math.hypot(px - t * bx, py - t * by)


def to_polyline_m(lon: float, lat: float, line: list[tuple[float, float]]) -> float:
    if len(line) == 1:
        return metres(lon, lat, *line[0])
    return min(to_segment_m(lon, lat, line[i], line[i + 1]) for i in range(len(line) - 1))


def local_day(at: datetime):
    return at.astimezone(SHANGHAI).date()


def local_text(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def parse_local(text: str) -> datetime:
    """An interface time ("yyyy-MM-dd HH:mm:ss", Beijing time) as an aware moment."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
