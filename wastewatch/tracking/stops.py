"""Stops and trips of a vehicle's track.

A stop is a run of consecutive fixes that lasts at least `stop_s` seconds (default 120) while every fix of it lies
within a diameter of `stop_m` metres (default 50; the diameter is the diagonal of the run's extent). This is the
definition of movingpandas' TrajectoryStopDetector(max_diameter, min_duration), computed in one pass: the run
grows while it stays within the diameter, so a moving truck (10 s between fixes, 80 m apart at 30 km/h) costs one
comparison per fix. A trip is the movement between two stops (or from the first fix to the first stop, and from
the last stop to the last fix).
"""
from dataclasses import dataclass
from datetime import datetime

from .geometry import M_PER_DEG_LAT, m_per_deg_lon, metres


@dataclass(frozen=True)
class Stop:
    start: datetime
    end: datetime
    lon: float
    lat: float
    first: int  # index of the first and last fix of the stop in the track
    last: int

    @property
    def duration_s(self) -> int:
        return int((self.end - self.start).total_seconds())


@dataclass(frozen=True)
class Trip:
    start: datetime
    end: datetime
    distance_km: float
    max_speed: float


def detect_stops(track, *, max_diameter_m: float, min_duration_s: float) -> list[Stop]:
    """track: (at, lon, lat, …) tuples in time order."""
    stops: list[Stop] = []
    n = len(track)
    i = 0
    while i < n:
        lat0 = track[i][2]
        kx = m_per_deg_lon(lat0)
        minx = maxx = track[i][1]
        miny = maxy = track[i][2]
        j = i + 1
        while j < n:
            lon, lat = track[j][1], track[j][2]
            nminx, nmaxx, nminy, nmaxy = min(minx, lon), max(maxx, lon), min(miny, lat), max(maxy, lat)
            if ((nmaxx - nminx) * kx) ** 2 + ((nmaxy - nminy) * M_PER_DEG_LAT) ** 2 > max_diameter_m ** 2:
                break
            minx, maxx, miny, maxy = nminx, nmaxx, nminy, nmaxy
            j += 1
        last = j - 1
        if last > i and (track[last][0] - track[i][0]).total_seconds() >= min_duration_s:
            members = track[i:last + 1]
            stops.append(Stop(track[i][0], track[last][0], sum(p[1] for p in members) / len(members),
                              sum(p[2] for p in members) / len(members), i, last))
            i = last + 1
        else:
            i += 1
    return stops


def split_trips(track, stops: list[Stop]) -> list[Trip]:
    """The movements between the stops: distance along the fixes and top speed."""
    bounds, previous = [], 0
    for s in stops:
        if s.first > previous:
            bounds.append((previous, s.first))
        previous = s.last
    if track and previous < len(track) - 1:
        bounds.append((previous, len(track) - 1))
    trips = []
    for a, b in bounds:
        part = track[a:b + 1]
        distance = sum(metres(p[1], p[2], q[1], q[2]) for p, q in zip(part, part[1:]))
        if distance < 1:
            continue
        trips.append(Trip(part[0][0], part[-1][0], round(distance / 1000, 2), max((p[3] for p in part), default=0)))
    return trips
