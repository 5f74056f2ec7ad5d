"""What a county system knows about its county: read once from the registry, plus stand-ins for what is missing.

The county system is the source of its own registry data, so a county that has, say, no sorting centre in the
demo city still has one in its own system; the simulator makes one up (a stand-in) so that every county can push
every interface. Stand-ins have serials 900000–999999 (a range the demo city never uses), are derived from the
county's first community, and come back identical on every run, so they land once and are updated afterwards.
"""
import hashlib
import random
from dataclasses import dataclass, field

from wastewatch.registry.choices import TREATMENT_KINDS, OrganisationKind
from wastewatch.registry.models import Building, Device, Dwelling, Estate, Organisation, Region, Site, Vehicle
from wastewatch.simulator import names

STAND_IN = r"^\d{12}9\d{5}$"
# Slot of each stand-in kind in its serial: 9 + slot (2 digits) + number (3 digits).
SLOTS = {"staging": 1, "collection": 2, "sorting": 3, "facility": 4, "outlet": 5, "rural": 6, "school": 7, "office": 8,
         "transfer": 9}
RESIDENTS_PER_COUNTY = 200
COLLECTION_POINTS = 3


@dataclass
class Place:
    """A site as the county system describes it: a registry Site or a stand-in."""

    code: str
    name: str
    kind: str
    region_code: str
    lon: float
    lat: float
    address: str
    contact_name: str = ""
    contact_phone: str = ""
    capacity: float = 0.0
    has_video: bool = True
    has_weighing: bool = True
    hours: str = ""
    status: str = "running"
    operator: str = ""
    estate_code: str = ""
    categories: tuple[str, ...] = ()
    site_kind: str = ""  # the registry's kind: incineration, landfill, ... for the "facility" group
    stand_in: bool = False


@dataclass
class Camera:
    code: str
    name: str
    place: Place


@dataclass
class Resident:
    code: str
    name: str
    mobile: str
    room_code: str
    region_code: str
    estate_code: str


@dataclass
class CountyData:
    code6: str
    name: str
    communities: list = field(default_factory=list)  # Region rows, by code
    estates: list = field(default_factory=list)
    buildings: list = field(default_factory=list)
    dwellings: list = field(default_factory=list)
    places: dict[str, list[Place]] = field(default_factory=dict)  # by kind; "facility" holds every treatment kind
    cameras: list[Camera] = field(default_factory=list)
    vehicles: list = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    canteens: dict[str, Place] = field(default_factory=dict)  # "school", "office"
    organisations: dict[str, list[str]] = field(default_factory=dict)  # kind -> names
    smart: set[str] = field(default_factory=set)  # drop-off points with a smart bin

    @property
    def region_code(self) -> str:
        return self.code6 + "000000"

    def sites(self, kind: str) -> list[Place]:
        return self.places.get(kind, [])

    def organisation(self, *kinds: str) -> str:
        """The first organisation of the first kind the county has one of: names an operator the registry knows."""
        for kind in (*kinds, OrganisationKind.HAULER, OrganisationKind.FACILITY_OPERATOR, OrganisationKind.RECYCLER):
            if self.organisations.get(kind):
                return self.organisations[kind][0]
        return f"{self.name}环境卫生管理处"

    @property
    def is_empty(self) -> bool:
        return not (self.estates or self.vehicles)


def stable_rng(*parts) -> random.Random:
    """A generator seeded by the parts, the same on every run: generated data stays identical, pushes idempotent."""
    return random.Random(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest())


def person(rng) -> str:
    return rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng) -> str:
    return rng.choice(["138", "139", "135", "137", "150", "158", "187", "189"]) + f"{rng.randrange(10**8):08d}"


def road_address(county_name: str, code: str) -> str:
    rng = stable_rng("address", code)
    return f"台州市{county_name}{rng.choice(names.ROADS)}{rng.randrange(1, 600)}号"


def _place(site: Site, county_name: str) -> Place:
    kind = "facility" if site.kind in TREATMENT_KINDS else site.kind
    return Place(
        code=site.code, name=site.name, kind=kind, site_kind=site.kind, region_code=site.region_id,
        lon=float(site.lon or 0), lat=float(site.lat or 0), address=site.address or road_address(county_name, site.code),
        contact_name=site.contact_name or "",
        contact_phone=site.contact_phone or "", capacity=float(site.capacity_tpd or 0), has_video=site.has_video,
        has_weighing=site.has_weighing, hours=site.hours, status=site.status,
        operator=site.operator.name if site.operator_id else "",
        estate_code=site.estate.code if site.estate_id else "", categories=tuple(c.code for c in site.categories.all()),
    )


def _active(model, county6: str):
    """The county's active rows: a disabled one is not pushed (landing it again would enable it)."""
    return model.objects.filter(region__code__startswith=county6, is_active=True)


def load(county6: str, *, seed: int = 0) -> CountyData:
    """The county's registry rows (stand-ins excluded) and stand-ins for every kind it lacks."""
    county = Region.objects.get(code=county6 + "000000")
    data = CountyData(code6=county6, name=county.name)
    data.communities = list(Region.objects.filter(code__startswith=county6, level="community").select_related("parent").order_by("code"))
    data.estates = list(_active(Estate, county6).select_related("region", "property_company").order_by("code"))
    data.buildings = list(_active(Building, county6).select_related("estate").order_by("code"))
    data.dwellings = list(_active(Dwelling, county6).select_related("building__estate").order_by("code"))
    sites = (_active(Site, county6).exclude(code__regex=STAND_IN)
             .select_related("operator", "estate").prefetch_related("categories").order_by("code"))
    for site in sites:
        place = _place(site, county.name)
        data.places.setdefault(place.kind, []).append(place)
    for kind, org_name in Organisation.objects.filter(region__code__startswith=county6).order_by("code").values_list("kind", "name"):
        data.organisations.setdefault(kind, []).append(org_name)
    data.vehicles = list(_active(Vehicle, county6).select_related("hauler").order_by("plate"))
    _add_stand_ins(data)
    _add_cameras(data)
    _add_residents(data, seed)
    return data


def _stand_in_code(data: CountyData, slot: str, number: int = 1, community=None) -> tuple[str, object]:
    community = community or (data.communities[0] if data.communities else None)
    region = community.code if community else data.region_code
    return f"{region}9{SLOTS[slot]:02d}{number:03d}", community


def near(lon: float, lat: float, rng, metres: float = 300) -> tuple[float, float]:
    """A point within a few hundred metres of a registry location. The demo city put that location inside its
    county, so the point is too (short of a site on the very shore): no boundary test needed, which would cost a
    second of loading the country's district boundaries on every start."""
    step = metres / 111_000
    return round(lon + rng.uniform(-step, step), 6), round(lat + rng.uniform(-step, step), 6)


def _near_estate(data: CountyData, index: int, rng) -> tuple[float, float]:
    """A point near one of the county's estates, or near one of its sites."""
    anchors = [(float(e.lon), float(e.lat)) for e in data.estates if e.lon is not None] or \
              [(p.lon, p.lat) for ps in data.places.values() for p in ps]
    if not anchors:
        return 121.42, 28.66
    return near(*anchors[index % len(anchors)], rng)


def _stand_in(data: CountyData, slot: str, kind: str, name: str, *, number=1, community=None, **extra) -> Place:
    code, community = _stand_in_code(data, slot, number, community)
    rng = stable_rng("stand-in", code)
    lon, lat = _near_estate(data, SLOTS[slot] + number, rng)
    street = community.parent.name if community is not None and community.parent_id else ""
    return Place(code=code, name=name, kind=kind, region_code=code[:12], lon=lon, lat=lat,
                 address=f"台州市{data.name}{street}{rng.choice(names.ROADS)}{rng.randrange(1, 600)}号",
                 contact_name=person(rng), contact_phone=mobile(rng), stand_in=True, **extra)


def _add_stand_ins(data: CountyData) -> None:
    short = data.name[:2]
    hauler = data.organisation(OrganisationKind.HAULER)
    recycler = data.organisation(OrganisationKind.RECYCLER)
    wanted = {
        "staging": lambda: [_stand_in(data, "staging", "staging", f"{short}城区垃圾集置点", capacity=8, operator=hauler)],
        "transfer": lambda: [_stand_in(data, "transfer", "transfer", f"{short}城区垃圾中转站", capacity=200, operator=hauler,
                                       hours="05:00-22:00")],
        "sorting": lambda: [_stand_in(data, "sorting", "sorting", f"{data.name}再生资源分拣中心", capacity=60, operator=recycler)],
        "facility": lambda: [_stand_in(data, "facility", "facility", f"{data.name}易腐垃圾处理厂", capacity=150,
                                       operator=data.organisation(OrganisationKind.FACILITY_OPERATOR), hours="00:00-24:00",
                                       site_kind="perishable")],
        "collection": lambda: [
            _stand_in(data, "collection", "collection", f"{c.name}撤桶并点收集点", community=c, capacity=3,
                      operator=hauler, hours="06:30-09:00,18:00-20:30",
                      estate_code=next((e.code for e in data.estates if e.region_id == c.code), ""))
            for c in data.communities[:COLLECTION_POINTS]
        ],
        "outlet": lambda: [_stand_in(data, "outlet", "outlet", f"{short}城区再生资源回收站", operator=recycler, hours="08:00-17:30")],
    }
    for kind, make in wanted.items():
        if not data.sites(kind):
            data.places[kind] = make()
    villages = [c for c in data.communities if c.name.endswith("村")] or data.communities
    town = villages[0].parent.name if villages and villages[0].parent_id else data.name
    data.places["rural"] = [_stand_in(data, "rural", "rural", f"{data.name}{town}易腐垃圾资源化处理站",
                                      community=villages[0] if villages else None, capacity=5, operator=hauler,
                                      site_kind="perishable")]
    data.canteens = {
        "school": _stand_in(data, "school", "canteen", f"{short}实验小学食堂"),
        "office": _stand_in(data, "office", "canteen", f"{data.name}人民政府机关食堂"),
    }


VIDEO_KINDS = ("dropoff", "staging", "collection", "transfer", "sorting", "facility")


def _add_cameras(data: CountyData) -> None:
    """The registry's cameras at the county's sites, and one at every stand-in site; the sites with a smart bin."""
    by_code = {p.code: p for kind in VIDEO_KINDS for p in data.sites(kind)}
    devices = Device.objects.filter(is_active=True, site__code__in=list(by_code)).select_related("site").order_by("code")
    data.smart = {d.site.code for d in devices if d.kind == "smart_bin"}
    cameras = {d.code: Camera(d.code, d.name, by_code[d.site.code]) for d in devices if d.kind == "camera"}
    for p in by_code.values():
        if p.stand_in:
            cameras.setdefault("C" + p.code, Camera("C" + p.code, f"{p.name}摄像头", p))
    data.cameras = list(cameras.values())


def room_code(dwelling) -> str:
    """The interface's 27-digit room code: building (21) + unit (2) + room (4), as the demo city codes its dwellings."""
    return dwelling.code


def _add_residents(data: CountyData, seed: int) -> None:
    """One resident per dwelling, up to a cap: the registry has no residents, so the county system makes them up."""
    seen = set()
    for dwelling in data.dwellings:
        code = room_code(dwelling)
        if code in seen or len(data.residents) >= RESIDENTS_PER_COUNTY:
            continue
        seen.add(code)
        rng = stable_rng("resident", seed, code)
        data.residents.append(Resident(code="R" + code, name=person(rng), mobile=mobile(rng), room_code=code,
                                       region_code=dwelling.region_id, estate_code=dwelling.building.estate.code))

