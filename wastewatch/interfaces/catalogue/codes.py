"""Code tables of the data interfaces, as data: one label per code, shown in the guide and enforced by the models.

Codes travel as strings. Where the provincial generator sent plain numbers (state, unitType, ...) an integer
is accepted too and normalised to its string form, so `1` and `"1"` mean the same.
"""
import json
from dataclasses import dataclass

from pydantic_core import PydanticCustomError, core_schema


def invalid(kind: str, message: str, field: str = "") -> PydanticCustomError:
    """A validation error whose message is the Chinese text itself; `field` names the culprit of a cross-field check."""
    return PydanticCustomError(kind, message, {"field": field} if field else None)


def shown(value) -> str:
    """A received value as it was written in the JSON body, for error messages."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


class Rule:
    """A value rule used as `Annotated` metadata: it validates, states its JSON schema and documents itself.

    Subclasses set `kind` (the type shown in the guide) and implement `check`, `json_schema` and `rule`.
    """

    kind = "字符串"

    def check(self, value):
        raise NotImplementedError

    def json_schema(self) -> dict:
        raise NotImplementedError

    def rule(self) -> str:
        """The constraint in Chinese, for the guide's field table."""
        raise NotImplementedError

    def __get_pydantic_core_schema__(self, source, handler):
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(self, schema, handler):
        return self.json_schema()


@dataclass(frozen=True, eq=False)
class CodeTable(Rule):
    name: str
    codes: dict[str, str]
    note: str = ""
    units: dict[str, str] | None = None  # unit of the measured value, per code (monitoring items, output kinds)

    kind = "代码"

    def label(self, code: str) -> str:
        return self.codes[code]

    def allowed(self) -> str:
        return "，".join(f"{code}={self.describe(code)}" for code in self.codes)

    def rows(self) -> list[tuple[str, str]]:
        return [(code, self.describe(code)) for code in self.codes]

    def describe(self, code: str) -> str:
        unit = (self.units or {}).get(code)
        return f"{self.codes[code]}（{unit}）" if unit else self.codes[code]

    def check(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value in self.codes:
            return value
        raise invalid("invalid_code", f"取值“{shown(value)}”不在代码表“{self.name}”中，允许的取值：{self.allowed()}")

    def json_schema(self) -> dict:
        return {"type": "string", "enum": list(self.codes), "x-code-table": self.name}

    def rule(self) -> str:
        return f"见代码表“{self.name}”"


def _numbered(*labels: str) -> dict[str, str]:
    """Codes "1", "2", ... in the order given."""
    return {str(i): label for i, label in enumerate(labels, start=1)}


def _two_digit(*labels: str) -> dict[str, str]:
    """Codes "01", "02", ... in the order given."""
    return {f"{i:02d}": label for i, label in enumerate(labels, start=1)}


FLAG = CodeTable("是否", {"0": "否", "1": "是"})

WASTE_CATEGORY = CodeTable(
    "垃圾大类",
    {"0100": "易腐垃圾", "0200": "其他垃圾", "0300": "有害垃圾", "0400": "可回收物"},
    note="四位分类代码的大类（0X00），与平台垃圾分类树一致；易腐垃圾即厨余垃圾。",
)

RECYCLABLE_KIND = CodeTable(
    "可回收物品类",
    {
        "0401": "纸类", "0402": "塑料", "0403": "金属", "0404": "玻璃", "0405": "织物",
        "0406": "家电", "0407": "电子产品", "0408": "木制品", "0409": "其他可回收物",
    },
    note="可回收物（0400）的下级品类，参照 GB/T 19095-2019。",
)

# The two-digit waste type and the node of the platform's four-digit tree it is booked under.
WASTE_TYPE_TO_CATEGORY = {
    "01": "0100", "02": "0200", "03": "0300", "04": "0400",
    "05": "0501", "06": "0502", "07": "0503", "08": "0102", "09": "0200",
}
WASTE_TYPE = CodeTable(
    "垃圾类别（两位）",
    _two_digit("易腐垃圾", "其他垃圾", "有害垃圾", "可回收物", "大件垃圾", "装修垃圾", "园林垃圾", "餐厨垃圾", "混合垃圾（未分类）"),
    note="两位代码在平台内按四位分类记账：" + "，".join(f"{k}→{v}" for k, v in WASTE_TYPE_TO_CATEGORY.items())
         + "。08 餐厨垃圾属易腐垃圾；09 未分类的混合垃圾按其他垃圾计。",
)

SITE_STATE = CodeTable("运行状态", _numbered("运行", "停运", "在建", "规划"))

UNIT_TYPE = CodeTable(
    "产生单位类型",
    _numbered(
        "住宅小区", "机关事业单位", "学校", "医院", "商场", "农贸市场", "宾馆酒店", "餐饮单位", "企业",
        "公园景区", "交通枢纽", "农村", "沿街商铺", "写字楼", "部队", "宗教场所", "其他",
    ),
)

DUMP_TYPE = CodeTable(
    "投放点类型",
    _numbered("四分类投放亭（房）", "四分类露天桶站", "二分类投放亭（房）", "二分类露天桶站", "误时投放点"),
)

PROCESS_TYPE = CodeTable("处置类型", _numbered("焚烧", "填埋", "易腐垃圾处理", "危险废物处置", "资源化利用"))

NATURE = CodeTable("设施性质", _numbered("政府投资运营", "政府投资、委托运营", "特许经营（BOT/PPP）", "企业自建自营"))

CAR_TYPE = CodeTable(
    "车辆类型",
    _numbered(
        "压缩式垃圾车", "桶装垃圾车", "餐厨/易腐垃圾车", "车厢可卸式垃圾车", "厢式货车", "危险废物运输车", "自卸车", "电动收集车",
    ),
)

FUEL_TYPE = CodeTable("能源类型", _numbered("柴油", "汽油", "纯电动", "混合动力", "天然气", "氢燃料"))

LOCATE_TYPE = CodeTable("定位方式", _numbered("GPS", "北斗", "GPS+北斗", "基站"))

VEHICLE_ALERT = CodeTable(
    "车辆预警类型",
    _two_digit("超速", "怠速过长", "离线", "偏离路线", "漏收", "混装混运", "称重缺失", "紧急报警", "终端拆除", "断电"),
)

ALERT_LEVEL = CodeTable("预警等级", _numbered("一般", "较重", "严重"))

STAGING_JOB_TYPE = CodeTable(
    "集置点作业类型", _numbered("收集存放（填 collectTime）", "清运转出（填 transferTime 和 carNo）"),
)

STATION_JOB_TYPE = CodeTable("中转站作业类型", _numbered("进站卸料", "压缩出站"))

STATION_TYPE = CodeTable(
    "中转站规模类型",
    _numbered("Ⅰ类（1000–3000 吨/日）", "Ⅱ类（450–1000 吨/日）", "Ⅲ类（150–450 吨/日）", "Ⅳ类（50–150 吨/日）", "Ⅴ类（50 吨/日以下）"),
    note="按 CJJ/T 47《生活垃圾转运站技术规范》的设计规模分类。",
)

STATION_WAY = CodeTable("转运工艺", _numbered("水平压缩", "垂直压缩", "直接转运", "其他"))

DISCHARGE_DIRECTION = CodeTable(
    "渗滤液去向", _numbered("纳管排放", "运至污水处理厂", "站内处理达标排放", "运至处置设施处理"),
)

RUN_STATE = CodeTable("设施运行状态", _numbered("正常运行", "计划检修", "故障停机", "停运"))

MONITOR_ITEM = CodeTable(
    "监测指标",
    {
        "SO2": "二氧化硫", "NOX": "氮氧化物", "PM": "颗粒物", "HCL": "氯化氢", "CO": "一氧化碳",
        "TEMP": "炉膛温度", "LEACHATE": "渗滤液产生量",
    },
    units={"SO2": "mg/m³", "NOX": "mg/m³", "PM": "mg/m³", "HCL": "mg/m³", "CO": "mg/m³", "TEMP": "℃", "LEACHATE": "吨"},
    note="烟气指标为标准状态、11% 含氧量折算后的小时均值（mg/m³）；炉膛温度为 ℃；渗滤液为本时段产生量（吨）。",
)

OUTPUT_KIND = CodeTable(
    "产物类型",
    _two_digit("飞灰", "炉渣", "沼气", "油脂", "堆肥（有机肥）", "电", "渗滤液"),
    units={"01": "吨", "02": "吨", "03": "立方米", "04": "吨", "05": "吨", "06": "千瓦时", "07": "吨"},
)

DESTINATION_TYPE = CodeTable(
    "产物去向类型",
    _numbered("安全填埋", "综合利用", "协同处置", "外售", "厂内自用", "上网（电力）", "送污水处理厂"),
)

VIDEO_TYPE = CodeTable("监控设备类型", _numbered("枪机", "球机", "AI 智能摄像机", "车载摄像机", "其他"))

PROTOCOL_TYPE = CodeTable("视频协议", _numbered("HLS", "RTMP", "RTSP", "HTTP-FLV", "GB/T 28181", "WebRTC"))

GRADE = CodeTable("分类质量等级", _numbered("优", "良", "中", "差"))

COLLECTION_POINT_TYPE = CodeTable(
    "收集点类型", _numbered("撤桶并点集中收集点", "定时定点收集点", "误时收集点", "其他"),
)

TRANSFER_TARGET = CodeTable(
    "转运去向类型",
    _numbered("集置点", "中转站", "处置设施"),
    note="决定 transferPointCode 填写哪类编码：1 集置点编码（code），2 中转站编码（stationCode），3 处置设施编码（processCode）。",
)

OUTLET_TYPE = CodeTable("回收网点类型", _numbered("固定回收站点", "智能回收设备"))

RURAL_PROCESS = CodeTable("农村易腐垃圾处理工艺", _numbered("机械快速成肥", "阳光房堆肥", "微生物发酵", "其他"))

TABLES = (
    FLAG, WASTE_CATEGORY, RECYCLABLE_KIND, WASTE_TYPE, SITE_STATE, UNIT_TYPE, DUMP_TYPE, PROCESS_TYPE, NATURE,
    CAR_TYPE, FUEL_TYPE, LOCATE_TYPE, VEHICLE_ALERT, ALERT_LEVEL, STAGING_JOB_TYPE, STATION_JOB_TYPE, STATION_TYPE,
    STATION_WAY, DISCHARGE_DIRECTION, RUN_STATE, MONITOR_ITEM, OUTPUT_KIND, DESTINATION_TYPE, VIDEO_TYPE,
    PROTOCOL_TYPE, GRADE, COLLECTION_POINT_TYPE, TRANSFER_TARGET, OUTLET_TYPE, RURAL_PROCESS,
)
