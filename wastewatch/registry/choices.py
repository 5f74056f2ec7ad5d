from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    STREET = "street", "镇街"
    COMMUNITY = "community", "社区/村"


class OrganisationKind(models.TextChoices):
    PROPERTY = "property", "物业公司"
    HAULER = "hauler", "收运企业"
    RECYCLER = "recycler", "再生资源回收企业"
    HAZARDOUS_RECYCLER = "hazardous_recycler", "危废经营单位"
    FACILITY_OPERATOR = "facility_operator", "设施运营单位"
    GENERATOR = "generator", "产生单位"


class SortingMode(models.TextChoices):
    SCHEDULED = "scheduled", "定时定点"
    BIN_CONSOLIDATION = "consolidated", "撤桶并点"
    DOOR_TO_DOOR = "door", "上门收集"
    SMART = "smart", "智能回收"
    NONE = "none", "未实行分类"


class SiteKind(models.TextChoices):
    DROPOFF = "dropoff", "投放点"
    STAGING = "staging", "集置点"
    COLLECTION = "collection", "收集点"
    TRANSFER = "transfer", "中转站"
    SORTING = "sorting", "分拣中心"
    INCINERATION = "incineration", "焚烧厂"
    LANDFILL = "landfill", "填埋场"
    PERISHABLE = "perishable", "易腐垃圾处理厂"
    HAZARDOUS = "hazardous", "危险废物处置设施"
    RECYCLING = "recycling", "资源化利用设施"
    OUTLET = "outlet", "可回收物网点"
    INDUSTRIAL = "industrial", "工业企业"
    HOSPITAL = "hospital", "医疗机构"
    CONSTRUCTION = "construction", "建筑工地"
    FARM = "farm", "农业生产主体"


TREATMENT_KINDS = {SiteKind.INCINERATION, SiteKind.LANDFILL, SiteKind.PERISHABLE, SiteKind.HAZARDOUS, SiteKind.RECYCLING}
GENERATOR_KINDS = {SiteKind.INDUSTRIAL, SiteKind.HOSPITAL, SiteKind.CONSTRUCTION, SiteKind.FARM}


class SiteStatus(models.TextChoices):
    PLANNED = "planned", "规划中"
    BUILDING = "building", "在建"
    RUNNING = "running", "运行中"
    SUSPENDED = "suspended", "停运"


class VehicleType(models.TextChoices):
    COMPRESSOR = "compressor", "压缩式垃圾车"
    BUCKET = "bucket", "桶装垃圾车"
    PERISHABLE = "perishable", "餐厨/易腐垃圾车"
    HOOKLIFT = "hooklift", "车厢可卸式垃圾车"
    VAN = "van", "厢式货车"
    HAZARDOUS = "hazardous", "危险废物运输车"
    TIPPER = "tipper", "自卸车"
    ELECTRIC_TRICYCLE = "tricycle", "电动收集车"


class FuelType(models.TextChoices):
    DIESEL = "diesel", "柴油"
    GASOLINE = "gasoline", "汽油"
    ELECTRIC = "electric", "纯电动"
    HYBRID = "hybrid", "混合动力"
    GAS = "gas", "天然气"
    HYDROGEN = "hydrogen", "氢燃料"


class DeviceKind(models.TextChoices):
    CAMERA = "camera", "视频监控"
    SMART_BIN = "smart_bin", "智能垃圾桶"
    SPEAKER = "speaker", "语音播报"
    FENCE = "fence", "电子围栏"
    SCALE = "scale", "称重设备"


class DeviceStatus(models.TextChoices):
    ONLINE = "online", "在线"
    OFFLINE = "offline", "离线"
    FAULT = "fault", "故障"


class StaffRole(models.TextChoices):
    DRIVER = "driver", "驾驶员"
    SUPERVISOR = "supervisor", "桶边督导员"
    INSPECTOR = "inspector", "专管员"
    COLLECTOR = "collector", "收集员"
    OPERATOR = "operator", "设施操作员"
