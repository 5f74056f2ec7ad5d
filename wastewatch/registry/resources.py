"""The registry types, each described once for pages, API, import, export and tests."""
from wastewatch.core.resources import ListFilter, Resource

from . import choices
from .models import Building, Device, Dwelling, Estate, Organisation, Region, Site, Staff, Vehicle, WasteCategory
from .validation import check_entity_code, check_region_parent, check_vehicle

ACTIVE = ListFilter("is_active", "状态", "is_active", [("1", "启用"), ("0", "停用")])


def _county_choices():
    return [(r.code[:6], r.name) for r in Region.objects.filter(level="county").order_by("code")]


COUNTY = ListFilter("county", "县（市、区）", "region__code__startswith", _county_choices)
REGION = ListFilter("region", "区划代码", "region__code__startswith")

regions = Resource(
    slug="regions", model=Region, natural_key="code",
    fields=["code", "name", "level", "parent", "is_official"],
    list_columns=["code", "name", "level", "parent", "is_official"],
    search_fields=["code", "name"],
    filters=[ListFilter("level", "层级", "level", choices.RegionLevel.choices),
             ListFilter("parent", "上级区划代码", "parent_id"), ACTIVE],
    region_field="code", organisation_field="", ordering=("code",), select_related=("parent",),
    clean_hook=check_region_parent,
)
waste_categories = Resource(
    slug="waste-categories", model=WasteCategory, natural_key="code",
    fields=["code", "name", "parent", "group", "note"],
    list_columns=["code", "name", "parent", "group"],
    search_fields=["code", "name"],
    filters=[ListFilter("group", "大类", "group", WasteCategory.Group.choices), ACTIVE],
    region_field=None, organisation_field="", ordering=("code",), select_related=("parent",),
)
organisations = Resource(
    slug="organisations", model=Organisation,
    fields=["code", "name", "kind", "region", "address", "contact_name", "contact_phone", "licence_no"],
    list_columns=["code", "name", "kind", "region", "contact_name", "contact_phone"],
    search_fields=["code", "name", "address"],
    filters=[ListFilter("kind", "单位类型", "kind", choices.OrganisationKind.choices), COUNTY, REGION, ACTIVE],
    organisation_field="id", select_related=("region",),
)
estates = Resource(
    slug="estates", model=Estate,
    fields=["code", "name", "region", "address", "lon", "lat", "property_company", "contact_name", "contact_phone",
            "households", "population", "sorting_mode", "is_high_rise"],
    list_columns=["code", "name", "region", "address", "households", "sorting_mode", "contact_name", "contact_phone"],
    search_fields=["code", "name", "address"],
    filters=[COUNTY, REGION, ListFilter("sorting_mode", "分类模式", "sorting_mode", choices.SortingMode.choices), ACTIVE],
    organisation_field="property_company_id", select_related=("region",), clean_hook=check_entity_code,
)
buildings = Resource(
    slug="buildings", model=Building,
    fields=["code", "name", "estate", "floors", "households"],
    list_columns=["code", "name", "estate", "floors", "households"],
    search_fields=["code", "name", "estate__name"],
    filters=[COUNTY, REGION, ListFilter("estate", "小区编码", "estate__code"), ACTIVE],
    organisation_field="estate__property_company_id", select_related=("estate",),
)
dwellings = Resource(
    slug="dwellings", model=Dwelling,
    fields=["code", "building", "room_no", "area_m2", "population"],
    list_columns=["code", "building", "room_no", "area_m2", "population"],
    search_fields=["code", "room_no", "building__code"],
    filters=[COUNTY, REGION, ListFilter("building", "建筑物编码", "building__code"), ACTIVE],
    organisation_field="building__estate__property_company_id", select_related=("building",),
)
sites = Resource(
    slug="sites", model=Site,
    fields=["code", "name", "kind", "region", "address", "lon", "lat", "estate", "operator", "capacity_tpd",
            "categories", "hours", "status", "contact_name", "contact_phone", "has_video", "has_weighing",
            "declared_annual_t"],
    list_columns=["code", "name", "kind", "region", "operator", "capacity_tpd", "status"],
    search_fields=["code", "name", "address"],
    filters=[ListFilter("kind", "点位类型", "kind", choices.SiteKind.choices), COUNTY, REGION,
             ListFilter("status", "运行状态", "status", choices.SiteStatus.choices),
             ListFilter("category", "接收类别代码", "categories__code"), ACTIVE],
    organisation_field="operator_id", select_related=("region", "operator"), multi_fields=("categories",),
    clean_hook=check_entity_code,
)
vehicles = Resource(
    slug="vehicles", model=Vehicle, natural_key="plate",
    fields=["plate", "vehicle_type", "fuel_type", "category", "capacity_t", "tare_t", "hauler", "region",
            "terminal_id", "terminal_phone", "has_video", "bought_on"],
    list_columns=["plate", "vehicle_type", "category", "capacity_t", "hauler", "region", "terminal_id"],
    search_fields=["plate", "terminal_id", "terminal_phone", "hauler__name"],
    filters=[ListFilter("vehicle_type", "车辆类型", "vehicle_type", choices.VehicleType.choices),
             ListFilter("category", "垃圾类别代码", "category__code__startswith"), COUNTY, REGION, ACTIVE],
    organisation_field="hauler_id", select_related=("region", "hauler", "category"), clean_hook=check_vehicle,
)
devices = Resource(
    slug="devices", model=Device,
    fields=["code", "name", "kind", "site", "stream_url", "status"],
    list_columns=["code", "name", "kind", "site", "status"],
    search_fields=["code", "name", "site__name"],
    filters=[ListFilter("kind", "设备类型", "kind", choices.DeviceKind.choices),
             ListFilter("status", "设备状态", "status", choices.DeviceStatus.choices), COUNTY, REGION, ACTIVE],
    organisation_field="site__operator_id", select_related=("site",),
)
staff = Resource(
    slug="staff", model=Staff,
    fields=["code", "name", "phone", "id_number", "role", "organisation", "site", "region"],
    list_columns=["code", "name", "phone", "role", "organisation", "region"],
    search_fields=["code"],
    filters=[ListFilter("role", "岗位", "role", choices.StaffRole.choices), COUNTY, REGION, ACTIVE],
    organisation_field="organisation_id", select_related=("organisation", "region"),
)
