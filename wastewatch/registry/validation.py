"""Cross-field rules of the registry, in Chinese, reported against the field at fault."""
from wastewatch.core.scope import LEVEL_DIGITS

from .choices import OrganisationKind, RegionLevel

LEVEL_ORDER = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.STREET, RegionLevel.COMMUNITY]


def check_entity_code(cleaned, instance, actor):
    """Provincial convention: an entity code is its region's 12-digit code plus a 6-digit serial."""
    code, region = cleaned.get("code"), cleaned.get("region")
    if code and region and not code.startswith(region.code):
        return {"code": f"编码应以所在区划代码 {region.code} 开头"}
    return {}


def check_region_parent(cleaned, instance, actor):
    code, level, parent = cleaned.get("code"), cleaned.get("level"), cleaned.get("parent")
    if not code or not level:
        return {}
    level = RegionLevel(level)
    depth = LEVEL_ORDER.index(level)
    if depth == 0:
        return {"parent": "省级区划不应有上级"} if parent else {}
    if parent is None:
        return {"parent": "请填写上级区划"}
    if parent.level != LEVEL_ORDER[depth - 1]:
        return {"parent": f"上级区划应为{LEVEL_ORDER[depth - 1].label}级"}
    if not code.startswith(parent.code[: LEVEL_DIGITS[parent.level]]):
        return {"code": f"区划代码应以上级代码 {parent.code[: LEVEL_DIGITS[parent.level]]} 开头"}
    if code[LEVEL_DIGITS[level]:].strip("0"):
        return {"code": f"{level.label}级区划代码第 {LEVEL_DIGITS[level] + 1} 位起应为 0"}
    return {}


def check_vehicle(cleaned, instance, actor):
    problems = {}
    hauler = cleaned.get("hauler")
    if hauler and hauler.kind not in (OrganisationKind.HAULER, OrganisationKind.HAZARDOUS_RECYCLER, OrganisationKind.RECYCLER):
        problems["hauler"] = "所属单位应为收运企业或回收企业"
    capacity, tare = cleaned.get("capacity_t"), cleaned.get("tare_t")
    if capacity and tare and tare > capacity * 3:
        problems["tare_t"] = "皮重超过核定载重的 3 倍，请核对"
    return problems
