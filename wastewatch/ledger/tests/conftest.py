"""The demo city's places a ledger test needs, picked by kind so the tests read as a chain."""
import pytest

from wastewatch.registry.models import Estate, Site, Vehicle


@pytest.fixture
def chain(db):
    """An estate in 椒江区, its drop-off, a transfer station, the incinerator and a residual-waste truck of 椒江."""
    class Chain:
        estate = Estate.objects.filter(region__code__startswith="331002").order_by("code").first()
        dropoff = Site.objects.filter(kind="dropoff", estate=estate).order_by("code").first()
        transfer = Site.objects.filter(kind="transfer", region__code__startswith="331002").order_by("code").first()
        incinerator = Site.objects.filter(kind="incineration").order_by("code").first()
        truck = Vehicle.objects.filter(category_id="0200", region__code__startswith="331002").order_by("plate").first()
        other_truck = Vehicle.objects.filter(category_id="0200", region__code__startswith="331003").order_by("plate").first()
    return Chain


BASE_SPEC = {"incineration": ("facility", "processCode", "processName"), "landfill": ("facility", "processCode", "processName"),
             "perishable": ("facility", "processCode", "processName"), "hazardous": ("facility", "processCode", "processName"),
             "transfer": ("transfer-station", "stationCode", "stationName"), "sorting": ("sorting-centre", "centerCode", "centerName"),
             "staging": ("staging-point", "code", "name")}
PROCESS_TYPE = {"incineration": "1", "landfill": "2", "perishable": "3", "hazardous": "4"}


@pytest.fixture
def county_system(city_admin):
    """A county system of 椒江区, with push() that signs like the real one, and register() that pushes the base record of
    demo-city sites and vehicles first (the ledger's interfaces reference them)."""
    import copy

    from wastewatch.interfaces import catalogue, clients
    from wastewatch.interfaces.tests.conftest import signed_push
    from wastewatch.registry.models import Region

    class System:
        keys = clients.api_client_create(actor=city_admin, name="椒江区垃圾分类系统", region=Region.objects.get(code="331002000000"))

        def push(self, code, records):
            response = signed_push(self.keys, code, records)
            assert response.status_code == 200, response.content
            body = response.json()
            assert body["rejected"] == 0, body["results"]
            return body

        def register(self, *objects):
            for obj in objects:
                if isinstance(obj, Vehicle):
                    record = {**copy.deepcopy(catalogue.get("vehicle").example), "uid": f"v-{obj.plate}", "code": obj.plate,
                              "orgCode": obj.region_id, "operationUnit": obj.hauler.name, "belongUnit": obj.hauler.name,
                              "loads": float(obj.capacity_t)}
                    self.push("vehicle", [record])
                    continue
                code, key, name = BASE_SPEC[obj.kind]
                record = {**copy.deepcopy(catalogue.get(code).example), "uid": f"s-{obj.code}", key: obj.code, name: obj.name,
                          "orgCode": obj.region_id, "lon": str(obj.lon), "lat": str(obj.lat),
                          "dailyDesignValue": float(obj.capacity_tpd or 100)}
                if code == "facility":
                    record["processType"] = PROCESS_TYPE[obj.kind]
                self.push(code, [record])

    return System()
