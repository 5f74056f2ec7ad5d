"""Reference data every installation starts with: Zhejiang, Taizhou and its counties, and the waste-category tree."""
from django.db import transaction

from .models import Region, WasteCategory

PROVINCE = ("330000000000", "浙江省")
CITY = ("331000000000", "台州市")
# GB/T 2260 codes; 台州湾新区 is a functional area without one, so it gets a local code in an unused range.
COUNTIES = [
    ("331002", "椒江区", True), ("331003", "黄岩区", True), ("331004", "路桥区", True),
    ("331022", "三门县", True), ("331023", "天台县", True), ("331024", "仙居县", True),
    ("331081", "温岭市", True), ("331082", "临海市", True), ("331083", "玉环市", True),
    ("331099", "台州湾新区", False),
]
LOCAL_COUNTY_NOTE = "331099 为本平台编制的本地代码，非 GB/T 2260 代码"

HOUSEHOLD = [
    ("0100", "易腐垃圾", None, "浙江称易腐垃圾，即厨余垃圾"),
    ("0101", "家庭易腐垃圾", "0100", ""), ("0102", "餐厨垃圾", "0100", ""), ("0103", "其他易腐垃圾", "0100", "农贸市场、果蔬等"),
    ("0200", "其他垃圾", None, ""),
    ("0300", "有害垃圾", None, ""),
    ("0301", "灯管", "0300", ""), ("0302", "家用化学品", "0300", ""), ("0303", "电池", "0300", ""),
    ("0400", "可回收物", None, ""),
    ("0401", "纸类", "0400", ""), ("0402", "塑料", "0400", ""), ("0403", "金属", "0400", ""),
    ("0404", "玻璃", "0400", ""), ("0405", "织物", "0400", ""), ("0406", "家电", "0400", ""),
    ("0407", "电子产品", "0400", ""), ("0408", "木制品", "0400", ""), ("0409", "其他可回收物", "0400", ""),
]
SPECIAL = [
    ("0500", "特殊生活垃圾", None, "预约收运"),
    ("0501", "大件垃圾", "0500", ""), ("0502", "装修垃圾", "0500", ""), ("0503", "园林垃圾", "0500", ""),
]
ZERO_WASTE = [
    ("1000", "一般工业固废", None, ""),
    ("1001", "冶炼废渣", "1000", ""), ("1002", "粉煤灰", "1000", ""), ("1003", "炉渣", "1000", ""),
    ("1004", "脱硫石膏", "1000", ""), ("1009", "其他工业固废", "1000", ""),
    ("1100", "危险废物", None, "按《国家危险废物名录》HW 代码"),
    ("1200", "建筑垃圾", None, ""),
    ("1201", "工程渣土", "1200", ""), ("1202", "工程泥浆", "1200", ""), ("1203", "工程垃圾", "1200", ""),
    ("1204", "拆除垃圾", "1200", ""), ("1205", "装修垃圾（建筑）", "1200", ""),
    ("1300", "农业废弃物", None, ""),
    ("1301", "农药包装废弃物", "1300", ""), ("1302", "废旧农膜", "1300", ""), ("1303", "秸秆", "1300", ""), ("1304", "畜禽粪污", "1300", ""),
    ("1400", "医疗废物", None, ""),
    ("1401", "感染性废物", "1400", ""), ("1402", "损伤性废物", "1400", ""), ("1403", "病理性废物", "1400", ""),
    ("1404", "药物性废物", "1400", ""), ("1405", "化学性废物", "1400", ""),
    ("1500", "污泥", None, ""),
    # What treatment leaves behind, booked in the ledger so that a tonne can be followed past the plant gate
    # (fly ash is hazardous waste HW18, bottom ash general industrial waste 1003).
    ("1600", "处置产物", None, "焚烧、填埋、易腐垃圾处理等设施的产物"),
    ("1601", "堆肥（有机肥）", "1600", ""), ("1602", "废弃油脂", "1600", ""), ("1603", "渗滤液", "1600", ""),
]
HW = [
    (1, "医疗废物"), (2, "医药废物"), (3, "废药物、药品"), (4, "农药废物"), (5, "木材防腐剂废物"),
    (6, "废有机溶剂与含有机溶剂废物"), (7, "热处理含氰废物"), (8, "废矿物油与含矿物油废物"),
    (9, "油/水、烃/水混合物或乳化液"), (10, "多氯（溴）联苯类废物"), (11, "精（蒸）馏残渣"), (12, "染料、涂料废物"),
    (13, "有机树脂类废物"), (14, "新化学物质废物"), (15, "爆炸性废物"), (16, "感光材料废物"), (17, "表面处理废物"),
    (18, "焚烧处置残渣"), (19, "含金属羰基化合物废物"), (20, "含铍废物"), (21, "含铬废物"), (22, "含铜废物"),
    (23, "含锌废物"), (24, "含砷废物"), (25, "含硒废物"), (26, "含镉废物"), (27, "含锑废物"), (28, "含碲废物"),
    (29, "含汞废物"), (30, "含铊废物"), (31, "含铅废物"), (32, "无机氟化物废物"), (33, "无机氰化物废物"),
    (34, "废酸"), (35, "废碱"), (36, "石棉废物"), (37, "有机磷化合物废物"), (38, "有机氰化物废物"), (39, "含酚废物"),
    (40, "含醚废物"), (45, "含有机卤化物废物"), (46, "含镍废物"), (47, "含钡废物"), (48, "有色金属采选和冶炼废物"),
    (49, "其他废物"), (50, "废催化剂"),
]


def _categories():
    for group, rows in (("household", HOUSEHOLD), ("special", SPECIAL), ("zero_waste", ZERO_WASTE)):
        for code, name, parent, note in rows:
            yield code, name, parent, group, note
    for number, name in HW:
        yield f"HW{number:02d}", name, "1100", "zero_waste", "国家危险废物名录（2021 年版）"


@transaction.atomic
def load_reference():
    """Idempotent: creates what is missing, leaves what an office has edited."""
    province, _ = Region.objects.get_or_create(code=PROVINCE[0], defaults={"name": PROVINCE[1], "level": "province"})
    city, _ = Region.objects.get_or_create(code=CITY[0], defaults={"name": CITY[1], "level": "city", "parent": province})
    for code6, name, official in COUNTIES:
        Region.objects.get_or_create(
            code=code6 + "000000", defaults={"name": name, "level": "county", "parent": city, "is_official": official}
        )
    for code, name, parent, group, note in _categories():
        WasteCategory.objects.get_or_create(code=code, defaults={"name": name, "parent_id": parent, "group": group, "note": note})
