"""The Taizhou demo city: deterministic, sized by a flag, loaded idempotently.

Every code is derived from the seed and the position in the tree, so a second
run finds every record already there and adds nothing.
"""
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.management import call_command
from django.db import transaction
from shapely.prepared import prep

from wastewatch.accounts.models import Role, User
from wastewatch.core.audit import audit_write
from wastewatch.core.geo import county_geometry, random_point_in
from wastewatch.core.models import AuditRecord
from wastewatch.core.resources import get_by_model
from wastewatch.core.records import audit_snapshot
from wastewatch.registry.models import (
    Building, Device, Dwelling, Estate, Organisation, Region, Site, Staff, Vehicle, WasteCategory,
)
from wastewatch.registry.reference import COUNTIES

from . import names
from .feed import fleet

DEMO_PASSWORD = "Demo@2026tz"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Size:
    streets: int
    communities_per_street: int
    estates: int
    dropoffs: int
    staging: int
    transfer: int
    sorting: int
    facilities: int
    vehicles: int
    haulers: int
    property_companies: int
    generators: int
    buildings_per_estate: int
    dwellings_per_building: int


SIZES = {
    "small": Size(streets=20, communities_per_street=2, estates=60, dropoffs=120, staging=10, transfer=10, sorting=3,
                  facilities=6, vehicles=30, haulers=10, property_companies=8, generators=12,
                  buildings_per_estate=1, dwellings_per_building=2),
    "full": Size(streets=130, communities_per_street=19, estates=4000, dropoffs=8000, staging=400, transfer=25, sorting=10,
                 facilities=15, vehicles=900, haulers=30, property_companies=200, generators=200,
                 buildings_per_estate=2, dwellings_per_building=4),
}

FACILITY_PLAN = [
    ("incineration", "垃圾焚烧发电厂", ["0200"], 1500), ("perishable", "易腐垃圾处理厂", ["0100"], 400),
    ("landfill", "生活垃圾填埋场", ["0200"], 800), ("hazardous", "危险废物处置中心", ["0300", "1100"], 200),
    ("recycling", "再生资源利用中心", ["0400"], 300),
]
GENERATOR_PLAN = [("industrial", "有限公司", ["1000", "1100"]), ("hospital", "医院", ["1400"]),
                  ("construction", "项目工地", ["1200"]), ("farm", "农业合作社", ["1300"])]
# What each kind of generator declares (动态申报), as shares of its declared annual amount.
GENERATOR_DECLARES = {
    "industrial": [("1009", 0.7), ("HW08", 0.2), ("HW17", 0.1)], "hospital": [("HW01", 1.0)],
    "construction": [("1201", 0.6), ("1203", 0.3), ("1204", 0.1)], "farm": [("1301", 0.4), ("1302", 0.6)],
}


class DemoCity:
    def __init__(self, size="small", seed=20221):
        self.rng_seed = seed
        self.size = SIZES[size]
        self.rng = random.Random(seed)
        self.geoms = {}
        self.audits = []

    # -- helpers ---------------------------------------------------------
    def person(self):
        return self.rng.choice(names.SURNAMES) + "".join(self.rng.choice(names.GIVEN) for _ in range(self.rng.choice((1, 2))))

    def mobile(self):
        return self.rng.choice(["138", "139", "135", "137", "150", "158", "187", "189", "133", "177"]) + f"{self.rng.randrange(10**8):08d}"

    def id_number(self, county6):
        body = county6 + f"{self.rng.randrange(1960, 2003)}{self.rng.randrange(1, 13):02d}{self.rng.randrange(1, 29):02d}{self.rng.randrange(1000):03d}"
        weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
        return body + check

    def point(self, county6, near=None, spread=0.02):
        geom = self.geoms[county6]
        if near is not None:
            for _ in range(50):
                lon = near[0] + self.rng.uniform(-spread, spread)
                lat = near[1] + self.rng.uniform(-spread, spread)
                from shapely.geometry import Point

                if geom[1].contains(Point(lon, lat)):
                    return round(lon, 6), round(lat, 6)
        return random_point_in(geom[0], self.rng, min_lon=121.45 if county6 == "331099" else None)

    def credit_code(self, county6, serial):
        return "91" + county6 + f"{serial:09d}" + CREDIT_CHARS[serial % len(CREDIT_CHARS)]

    def _bulk(self, model, objs, key):
        """Insert what is not there yet; return all wanted objects as stored, by key."""
        wanted = [getattr(o, key) for o in objs]
        existing = set()
        for start in range(0, len(wanted), 900):
            existing |= set(model.objects.filter(**{f"{key}__in": wanted[start:start + 900]}).values_list(key, flat=True))
        new = [o for o in objs if getattr(o, key) not in existing]
        model.objects.bulk_create(new, batch_size=500)
        stored = {}
        for start in range(0, len(wanted), 900):
            for o in model.objects.filter(**{f"{key}__in": wanted[start:start + 900]}):
                stored[getattr(o, key)] = o
        resource = get_by_model(model)
        new_keys = {getattr(o, key) for o in new}
        for k in new_keys:
            obj = stored[k]
            self.audits.append(audit_write.prepare(
                actor=None, source="demo", action="create", obj=obj,
                region_code=resource.region_code_of(obj) if resource else "", after=audit_snapshot(resource, obj) if resource and not resource.multi_fields else None,
            ))
        return stored

    # -- the city --------------------------------------------------------
    @transaction.atomic
    def load(self):
        call_command("load_reference", verbosity=0)
        counties = {c[0]: c for c in COUNTIES}
        for code6 in counties:
            geom = county_geometry(code6)
            self.geoms[code6] = (geom, prep(geom))
        cats = {c.code: c for c in WasteCategory.objects.all()}

        # Streets and communities, spread over the counties in turn.
        county_codes = list(counties)
        streets, communities, centres = [], [], {}
        place_names = list(dict.fromkeys(names.PLACE))
        for i in range(self.size.streets):
            county6 = county_codes[i % len(county_codes)]
            serial = i // len(county_codes) + 1
            name = place_names[i % len(place_names)] + ("街道" if serial <= 3 else "镇")
            code = f"{county6}{serial:03d}000"
            streets.append(Region(code=code, name=name, level="street", parent_id=county6 + "000000", is_official=counties[county6][2]))
            centres[code] = self.point(county6)
        streets = self._bulk(Region, streets, "code")
        for street in streets.values():
            for j in range(1, self.size.communities_per_street + 1):
                word = self.rng.choice(names.COMMUNITY_WORDS)
                name = word + ("社区" if j % 3 else "村")
                communities.append(Region(code=street.code[:9] + f"{j:03d}", name=name, level="community", parent=street,
                                          is_official=street.is_official))
        communities = list(self._bulk(Region, communities, "code").values())

        # Organisations.
        orgs = []
        serial = 0

        def org(kind, name, county6):
            nonlocal serial
            serial += 1
            orgs.append(Organisation(
                kind=kind, code=self.credit_code(county6, serial), name=name, region_id=county6 + "000000",
                address=f"{counties[county6][1]}{self.rng.choice(names.ROADS)}{self.rng.randrange(1, 999)}号",
                contact_name=self.person(), contact_phone=self.mobile(),
            ))
            return orgs[-1].code

        property_codes = [org("property", f"{self.rng.choice(names.COMPANY_A)}{self.rng.choice(['物业', '物业服务', '物业管理'])}有限公司{i + 1}分公司",
                              county_codes[i % len(county_codes)]) for i in range(self.size.property_companies)]
        hauler_codes = [org("hauler", f"{counties[county_codes[i % len(county_codes)]][1]}{self.rng.choice(names.COMPANY_A)}环境服务有限公司" + (str(i // len(county_codes) + 1) if i >= len(county_codes) else ""),
                            county_codes[i % len(county_codes)]) for i in range(self.size.haulers)]
        operator_codes = [org("facility_operator", f"{counties[county_codes[i % len(county_codes)]][1]}{kind_name}运营有限公司",
                              county_codes[i % len(county_codes)])
                          for i, (_, kind_name, _, _) in enumerate(FACILITY_PLAN * (self.size.facilities // len(FACILITY_PLAN) + 1))][: self.size.facilities]
        recycler_codes = [org("recycler", f"{counties[c][1]}再生资源回收有限公司", c) for c in county_codes]
        orgs = self._bulk(Organisation, orgs, "code")

        # Estates, buildings, dwellings.
        estates = []
        for i in range(self.size.estates):
            community = communities[i % len(communities)]
            county6 = community.code[:6]
            lon, lat = self.point(county6, near=centres[community.code[:9] + "000"])
            households = self.rng.randrange(80, 2400)
            estates.append(Estate(
                code=f"{community.code}{i + 1:06d}", name=self.rng.choice(names.ESTATE_A) + self.rng.choice(names.ESTATE_B) + ("" if i < 300 else f"{i % 9 + 1}期"),
                region=community, address=f"{community.parent.name if hasattr(community, 'parent') else ''}{self.rng.choice(names.ROADS)}{self.rng.randrange(1, 600)}号",
                lon=Decimal(str(lon)), lat=Decimal(str(lat)), property_company=orgs[property_codes[i % len(property_codes)]],
                contact_name=self.person(), contact_phone=self.mobile(), households=households,
                population=int(households * self.rng.uniform(2.3, 3.1)),
                sorting_mode=self.rng.choice(["scheduled", "scheduled", "consolidated", "door", "smart"]),
                is_high_rise=self.rng.random() < 0.4,
            ))
        estates = list(self._bulk(Estate, estates, "code").values())
        buildings = []
        for e in estates:
            for b in range(1, self.size.buildings_per_estate + 1):
                buildings.append(Building(code=f"{e.code}{b:03d}", name=f"{b}幢", estate=e, region_id=e.region_id,
                                          floors=self.rng.randrange(6, 33) if e.is_high_rise else self.rng.randrange(3, 7),
                                          households=self.rng.randrange(20, 200)))
        buildings = list(self._bulk(Building, buildings, "code").values())
        # Room code as the dwelling interface has it: building (21) + unit (2) + room (4) = 27 digits.
        dwellings = [Dwelling(code=f"{b.code}01{d:04d}", building=b, region_id=b.region_id, room_no=f"{(d - 1) // 2 + 1}0{(d - 1) % 2 + 1}",
                              area_m2=Decimal(self.rng.randrange(60, 160)), population=self.rng.randrange(1, 6))
                     for b in buildings for d in range(1, self.size.dwellings_per_building + 1)]
        self._bulk(Dwelling, dwellings, "code")

        # Sites.
        sites, site_cats = [], {}

        def site(kind, name, region_code, lonlat, categories, **extra):
            code = f"{region_code}{len(sites) + 1:06d}"
            sites.append(Site(code=code, kind=kind, name=name, region_id=region_code, lon=Decimal(str(lonlat[0])), lat=Decimal(str(lonlat[1])),
                              contact_name=self.person(), contact_phone=self.mobile(), **extra))
            site_cats[code] = categories
            return code

        household = ["0100", "0200", "0300", "0400"]
        for i in range(self.size.dropoffs):
            e = estates[i % len(estates)]
            site("dropoff", f"{e.name}{i // len(estates) + 1}号投放点", e.region_id,
                 self.point(e.region_id[:6], near=(float(e.lon), float(e.lat)), spread=0.002),
                 household if self.rng.random() < 0.7 else ["0100", "0200"], estate_id=e.pk, hours="06:30-09:00,18:00-20:30",
                 has_video=self.rng.random() < 0.45, address=e.address)
        for i in range(self.size.staging):
            c = communities[i % len(communities)]
            site("staging", f"{c.name}垃圾集置点", c.code, self.point(c.code[:6], near=centres[c.code[:9] + "000"]), household,
                 capacity_tpd=Decimal(self.rng.randrange(3, 20)), has_video=True, has_weighing=self.rng.random() < 0.5)
        for i in range(self.size.transfer):
            county6 = county_codes[i % len(county_codes)]
            site("transfer", f"{counties[county6][1]}{['城区', '东部', '西部'][i // len(county_codes) % 3]}垃圾中转站", county6 + "000000",
                 self.point(county6), ["0100", "0200"], capacity_tpd=Decimal(self.rng.choice([150, 200, 300, 500])),
                 operator_id=orgs[hauler_codes[i % len(hauler_codes)]].pk, has_video=True, has_weighing=True, hours="05:00-22:00")
        for i in range(self.size.sorting):
            county6 = county_codes[i % len(county_codes)]
            site("sorting", f"{counties[county6][1]}再生资源分拣中心", county6 + "000000", self.point(county6),
                 ["0400"] + [f"04{k:02d}" for k in range(1, 10)], capacity_tpd=Decimal(self.rng.choice([50, 80, 120])),
                 operator_id=orgs[recycler_codes[i % len(recycler_codes)]].pk, has_video=True, has_weighing=True)
        for i in range(self.size.facilities):
            county6 = county_codes[(i * 3) % len(county_codes)]
            kind, kind_name, categories, capacity = FACILITY_PLAN[i % len(FACILITY_PLAN)]
            county_name = counties[county6][1]
            place = county_name if county_name.startswith("台州") else f"台州{county_name[:2]}"  # 台州湾新区, not 台州台州
            site(kind, f"{place}{kind_name}", county6 + "000000", self.point(county6), categories,
                 capacity_tpd=Decimal(capacity), operator_id=orgs[operator_codes[i]].pk, has_video=True, has_weighing=True, hours="00:00-24:00")
        for i in range(self.size.generators):
            county6 = county_codes[i % len(county_codes)]
            kind, suffix, categories = GENERATOR_PLAN[i % len(GENERATOR_PLAN)]
            site(kind, f"{counties[county6][1][:2]}{self.rng.choice(names.COMPANY_A)}{suffix}", county6 + "000000", self.point(county6),
                 categories, declared_annual_t=Decimal(self.rng.randrange(50, 20000)))
        stored_sites = self._bulk(Site, sites, "code")
        through = Site.categories.through
        through.objects.bulk_create(
            [through(site_id=stored_sites[code].pk, wastecategory_id=c) for code, cs in site_cats.items() for c in cs if c in cats],
            ignore_conflicts=True, batch_size=1000,
        )

        # Vehicles and their drivers.
        vehicle_kinds = [("compressor", "0200", 8), ("perishable", "0100", 5), ("bucket", "0200", 3), ("van", "0400", 2),
                         ("hazardous", "0300", 2), ("hooklift", "0200", 10), ("tricycle", "0100", 1)]
        vehicles, staff = [], []
        for i in range(self.size.vehicles):
            hauler = orgs[hauler_codes[i % len(hauler_codes)]]
            vtype, cat, capacity = vehicle_kinds[i % len(vehicle_kinds)]
            electric = i % 5 == 0
            plate = "浙J" + ("D" + f"{i:05d}" if electric else PLATE_LETTERS[i % len(PLATE_LETTERS)] + f"{i:04d}")
            vehicles.append(Vehicle(
                plate=plate, vehicle_type=vtype, fuel_type="electric" if electric else "diesel", category_id=cat,
                capacity_t=Decimal(capacity), tare_t=Decimal(str(round(capacity * 1.2, 1))), hauler=hauler, region_id=hauler.region_id,
                terminal_id=f"T{i + 1:06d}", terminal_phone=f"0138{i + 1:08d}", has_video=i % 3 == 0,
            ))
            staff.append(Staff(code=f"D{i + 1:05d}", name=self.person(), phone=self.mobile(), id_number=self.id_number(hauler.region_id[:6]),
                               role="driver", organisation=hauler, region_id=hauler.region_id))
        self._bulk(Vehicle, vehicles, "plate")
        for i, street in enumerate(streets.values()):
            staff.append(Staff(code=f"I{i + 1:05d}", name=self.person(), phone=self.mobile(), id_number=self.id_number(street.code[:6]),
                               role="inspector", region=street))
        dropoffs = [s for s in stored_sites.values() if s.kind == "dropoff"]
        for i, s in enumerate(dropoffs[: len(dropoffs) // 4]):
            staff.append(Staff(code=f"S{i + 1:05d}", name=self.person(), phone=self.mobile(), id_number=self.id_number(s.region_id[:6]),
                               role="supervisor", site=s, region_id=s.region_id))
        self._bulk(Staff, staff, "code")

        # Devices: a camera at every site with video, a smart bin at some drop-off points.
        devices = []
        for s in stored_sites.values():
            if s.has_video:
                devices.append(Device(kind="camera", code=f"C{s.code}", name=f"{s.name}摄像头", site=s, region_id=s.region_id,
                                      stream_url=f"rtsp://video.demo.invalid/{s.code}/main"))
            if s.kind == "dropoff" and int(s.code[-6:]) % 10 == 0:
                devices.append(Device(kind="smart_bin", code=f"B{s.code}", name=f"{s.name}智能桶", site=s, region_id=s.region_id))
        self._bulk(Device, devices, "code")

        generator_orgs = self.load_zero_waste(stored_sites, cats, counties)
        users = self.load_users(orgs, hauler_codes, operator_codes, streets, communities, generator_orgs)
        AuditRecord.objects.bulk_create(self.audits, batch_size=1000)
        fleet.plans_create()  # the vehicles' collection plans, through the tracking services
        return users

    def load_zero_waste(self, sites, cats, counties):
        """The zero-waste streams: each generator is run by an organisation of its own (it signs its manifests),
        declares its annual amounts per category (动态申报), and a construction site holds a disposal permit.
        A separate random stream keeps the rest of the demo city as it was."""
        from datetime import date

        from wastewatch.registry.models import Declaration, DisposalPermit

        rng = random.Random(self.rng_seed + 1)
        generators = sorted((s for s in sites.values() if s.kind in GENERATOR_DECLARES), key=lambda s: s.code)
        wanted = [Organisation(kind="generator", code=self.credit_code(g.region_id[:6], 800_000 + i), name=g.name,
                               region_id=g.region_id, address=f"{counties[g.region_id[:6]][1]}{rng.choice(names.ROADS)}{rng.randrange(1, 999)}号",
                               contact_name=self.person_from(rng), contact_phone=self.mobile_from(rng))
                  for i, g in enumerate(generators)]
        stored = self._bulk(Organisation, wanted, "code")
        for g, org in zip(generators, wanted):
            if g.operator_id is None:
                g.operator_id = stored[org.code].pk
                Site.objects.filter(pk=g.pk).update(operator_id=g.operator_id)
        year = date.today().year
        declarations = []
        for g in generators:
            plan = GENERATOR_DECLARES[g.kind]
            for category, share in plan:
                if category in cats:
                    declarations.append(Declaration(site=g, region_id=g.region_id, year=year, category_id=category,
                                                    declared_t=(g.declared_annual_t or Decimal(100)) * Decimal(str(share))))
        existing = set(Declaration.objects.filter(year=year, site__in=generators).values_list("site_id", "category_id"))
        Declaration.objects.bulk_create([d for d in declarations if (d.site_id, d.category_id) not in existing])
        disposal = next((s for s in sites.values() if s.kind == "landfill"), None)
        permits = [DisposalPermit(permit_no=f"台建废核〔{year}〕{i + 1:03d}号", site=g, region_id=g.region_id, destination=disposal,
                                  destination_name=disposal.name if disposal else "建筑垃圾资源化利用厂",
                                  approved_t=(g.declared_annual_t or Decimal(1000)), valid_from=date(year, 1, 1), valid_to=date(year, 12, 31))
                   for i, g in enumerate(x for x in generators if x.kind == "construction")]
        self._bulk(DisposalPermit, permits, "permit_no")
        return [stored[o.code] for o in wanted]

    def person_from(self, rng):
        return rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(rng.choice((1, 2))))

    def mobile_from(self, rng):
        return rng.choice(["138", "139", "135", "137", "150"]) + f"{rng.randrange(10**8):08d}"

    def load_users(self, orgs, hauler_codes, operator_codes, streets, communities, generator_orgs=()):
        roles = {r.code: r for r in Role.objects.all()}
        first_street = sorted(streets.values(), key=lambda r: r.code)[0]
        first_community = sorted((c for c in communities if c.code.startswith(first_street.code[:9])), key=lambda r: r.code)[0]
        plan = [
            ("city_admin", "city_admin", "331000000000", None),
            ("jiaojiang_admin", "county_admin", "331002000000", None),
            ("huangyan_admin", "county_admin", "331003000000", None),
            ("street_staff", "street_staff", first_street.code, None),
            ("community_staff", "community_staff", first_community.code, None),
            ("inspector", "inspector", first_street.code, None),
            ("hauler", "hauler", None, orgs[hauler_codes[0]]),
            ("plant_operator", "facility_operator", None, orgs[operator_codes[0]]),
            # The receiver of hazardous and medical waste, and a hospital that ships it under manifests.
            ("hazardous_operator", "facility_operator", None, orgs[operator_codes[3 % len(operator_codes)]]),
            *([("generator", "generator", None, next(o for o in generator_orgs if "医院" in o.name))]
              if any("医院" in o.name for o in generator_orgs) else []),
            ("auditor", "auditor", "331000000000", None),
        ]
        out = []
        for username, role, region, org in plan:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, role=roles[role], region_id=region or (org.region_id if org else None), organisation=org,
                            real_name=self.person(), phone=self.mobile())
                user.set_password(DEMO_PASSWORD)
                user.save()
                self.audits.append(audit_write.prepare(actor=None, source="demo", action="create", obj=user, region_code=user.region_id or "",
                                                       after={"username": username, "role": role}))
            out.append((username, roles[role].name, user.region.name if user.region_id else ""))
        return out
