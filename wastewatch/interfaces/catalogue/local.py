"""The 13 interfaces the Taizhou list adds to the provincial 22 (numbers 23–35), pushed to the city only.

Endpoint names and the few fields seen come from the same access spec (reference/provincial-interfaces.md);
the rest follows the provincial conventions.
"""
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from . import codes
from .provincial import CAR, CENTRE_CODE, DUMP_CODE, ESTATE_CODE, FACILITY_CODE, ORG, PHOTO, ROOM, demo_base
from .spec import (
    Designed, EntityCode, Flag, InterfaceSpec, Name, Officer, OpenTime, Operated, OwnCode, Person, Phone, Plate,
    Quantity, Record, Reference, Serial, Site, Time, Url, Date, count, digits, register, tonnes,
)


# --- 收集点 --------------------------------------------------------------------------------------------------------

class CollectionPointRecord(Officer, Site, Record):
    pointCode: OwnCode = Field(description="收集点编码")
    pointName: Name = Field(description="收集点名称")
    pointType: Annotated[str, codes.COLLECTION_POINT_TYPE] = Field(description="收集点类型")
    weightMonitor: Flag = Field(description="是否具备称重计量")
    unitCode: EntityCode | None = Field(None, description="服务的小区编码，须为小区信息接口已推送的 unitCode；服务多个小区的不填")
    openTime: OpenTime | None = Field(None, description="开放（收集）时段")


class CollectionDropRecord(Record):
    pointCode: EntityCode = Field(description="收集点编码，须为收集点信息接口已推送的 pointCode")
    type: Annotated[str, codes.WASTE_TYPE] = Field(description="垃圾类别")
    grade: Annotated[str, codes.GRADE] = Field(description="分类质量等级（督导员或设备评定）")
    weight: tonnes(10) = Field(description="投放重量（吨）")
    collectTime: Time = Field(description="投放时间")


class CollectionClearRecord(Record):
    pointCode: EntityCode = Field(description="收集点编码，须为收集点信息接口已推送的 pointCode")
    carCode: Plate = Field(description="清运车辆车牌号，须为运输车辆基础信息接口已推送的 code")
    rubbishType: Annotated[str, codes.WASTE_CATEGORY] = Field(description="垃圾大类")
    weight: tonnes(60) = Field(description="清运重量（吨）")
    clearTime: Time = Field(description="清运时间")


# --- 居民投放 ------------------------------------------------------------------------------------------------------

class ResidentRecord(Record):
    residentCode: Serial = Field(description="居民编码，报送方内唯一且保持不变；居民投放接口以此引用")
    residentName: Person = Field(description="居民姓名（个人信息，加密保存，页面脱敏显示）")
    residentMobile: Phone | None = Field(None, description="手机号（个人信息，加密保存，页面脱敏显示）")
    roomCode: digits(27, ROOM) = Field(description="所住房屋编码，须为房屋住宅信息接口已推送的 roomCode")
    cardNo: Serial | None = Field(None, description="投放卡号或二维码编号")


class ResidentDropRecord(Record):
    residentCode: Serial = Field(description="居民编码，须为居民信息接口已推送的 residentCode")
    dumpCode: EntityCode = Field(description="投放点编码，须为投放点信息接口已推送的 dumpCode")
    type: Annotated[str, codes.WASTE_TYPE] = Field(description="垃圾类别")
    weight: tonnes(1) = Field(description="投放重量（吨，如 2.35 千克填 0.00235）")
    dumpTime: Time = Field(description="投放时间")
    isRight: Flag | None = Field(None, description="分类是否正确（督导员或设备判定）")
    photo: Url | None = Field(None, description="投放照片地址")


class HaulAwayRecord(Record):
    dumpCode: EntityCode = Field(description="投放点编码，须为投放点信息接口已推送的 dumpCode")
    carCode: Plate = Field(description="清运车辆车牌号，须为运输车辆基础信息接口已推送的 code")
    rubbishType: Annotated[str, codes.WASTE_CATEGORY] = Field(description="垃圾大类")
    weight: tonnes(60) = Field(description="清运重量（吨）")
    transferTime: Time = Field(description="清运时间")
    transferType: Annotated[str, codes.TRANSFER_TARGET] = Field(description="转运去向类型")
    transferPointCode: EntityCode = Field(description="转运去向编码：按 transferType 填已推送的集置点、中转站或处置设施编码")


# --- 可回收物回收网点 -----------------------------------------------------------------------------------------------

class RecyclingOutletRecord(Officer, Operated, Site, Record):
    siteCode: OwnCode = Field(description="回收网点编码")
    siteName: Name = Field(description="回收网点名称")
    siteType: Annotated[str, codes.OUTLET_TYPE] = Field(description="回收网点类型")
    openTime: OpenTime | None = Field(None, description="营业时段")


class OutletIntakeRecord(Record):
    siteCode: EntityCode = Field(description="回收网点编码，须为回收网点信息接口已推送的 siteCode")
    type: Annotated[str, codes.RECYCLABLE_KIND] = Field(description="可回收物品类")
    weight: tonnes(10) = Field(description="收购重量（吨）")
    putTime: Time = Field(description="收购时间")
    price: Annotated[Decimal, Quantity("元/千克", 0, 1000)] | None = Field(None, description="收购单价")


class OutletOutputRecord(Record):
    siteCode: EntityCode = Field(description="回收网点编码，须为回收网点信息接口已推送的 siteCode")
    type: Annotated[str, codes.RECYCLABLE_KIND] = Field(description="可回收物品类")
    weight: tonnes(60) = Field(description="出货重量（吨）")
    outTime: Time = Field(description="出货时间")
    receiveUnit: Name = Field(description="接收单位名称")
    centerCode: EntityCode | None = Field(None, description="送往分拣中心时填其编码，须为分拣中心信息接口已推送的 centerCode")


# --- 食堂 ----------------------------------------------------------------------------------------------------------

class CanteenDailyRecord(Record):
    """One canteen's day: the school and the office canteen interfaces share it."""

    canteenCode: OwnCode = Field(description="食堂编码")
    canteenName: Name = Field(description="食堂名称（含所属单位）")
    recordDate: Date = Field(description="日期")
    dinerCount: count("人次", 100_000) = Field(description="当日就餐人次")
    perishableWeight: tonnes(50, gt=False) = Field(description="当日易腐垃圾（餐厨垃圾）产生量（吨）")
    oilWeight: tonnes(10, gt=False) | None = Field(None, description="当日废弃油脂量（吨）")
    carCode: Plate | None = Field(None, description="收运车辆车牌号，须为运输车辆基础信息接口已推送的 code")
    receiveUnit: Name | None = Field(None, description="收运单位名称")


# --- 农村易腐垃圾站点 -----------------------------------------------------------------------------------------------

class RuralStationRecord(Officer, Operated, Designed, Site, Record):
    ruralCode: OwnCode = Field(description="站点编码")
    ruralName: Name = Field(description="站点名称")
    processMode: Annotated[str, codes.RURAL_PROCESS] = Field(description="处理工艺")
    villageCount: count("个", 200) | None = Field(None, description="服务行政村数")


class RuralStationDailyRecord(Record):
    ruralCode: EntityCode = Field(description="站点编码，须为农村易腐垃圾站点信息接口已推送的 ruralCode")
    dayDate: Date = Field(description="日期")
    inAmount: tonnes(200, gt=False) = Field(description="当日进站易腐垃圾量（吨）")
    outAmount: tonnes(200, gt=False) = Field(description="当日出料（肥料、残渣）量（吨）")
    inAverageAmount: tonnes(200, gt=False) | None = Field(None, description="近 30 日日均进站量（吨）")


# --- the specs ------------------------------------------------------------------------------------------------------

POINT_GROUP, RESIDENT_GROUP, OUTLET_GROUP, CANTEEN_GROUP, RURAL_GROUP = (
    "收集点", "居民投放", "可回收物回收网点", "食堂", "农村易腐垃圾站点",
)
DEADLINE = "其余 13 项数据接口"
POINT_CODE, OUTLET_CODE, RURAL_ORG = ORG + "000301", ORG + "000401", "331082105201"
RESIDENT_CODE = "R" + ESTATE_CODE + "0001"
VEHICLE_REF = Reference("carCode", "vehicle")
POINT_REF = Reference("pointCode", "collection-point")
OUTLET_REF = Reference("siteCode", "recycling-outlet")


def canteen(code: str, number: int, name: str, path: str, example: dict) -> InterfaceSpec:
    return InterfaceSpec(
        code=code, number=number, name=name, group=CANTEEN_GROUP, provincial=False, provincial_path=path,
        frequency="daily", business_key=("canteenCode", "recordDate"), record=CanteenDailyRecord,
        references=(VEHICLE_REF,), lands_in="ledger:movement", deadline_group=DEADLINE,
        note="每日报送前一日数据。", example=example,
    )


register(
    InterfaceSpec(
        code="collection-point", number=23, name="收集点信息", group=POINT_GROUP, provincial=False,
        provincial_path="point/baseInfo", frequency="daily", business_key=("pointCode",), record=CollectionPointRecord,
        references=(Reference("unitCode", "estate"),), lands_in="registry:sites", deadline_group=DEADLINE,
        example={
            **demo_base("pt-20250425-0001"), "pointCode": POINT_CODE, "pointName": "东山社区撤桶并点收集点", "pointType": "1",
            "address": "台州市椒江区海门街道东山路88号", "lon": "121.440310", "lat": "28.676950", "state": "1",
            "videoMonitor": "1", "weightMonitor": "1", "unitCode": ESTATE_CODE, "openTime": "06:30-09:00,18:00-20:30",
            "officer": "黄丽", "officerMobile": "13605763456",
        },
    ),
    InterfaceSpec(
        code="collection-drop", number=24, name="收集点投放作业", group=POINT_GROUP, provincial=False,
        provincial_path="point/putjob", frequency="realtime", business_key=("pointCode", "type", "collectTime"),
        record=CollectionDropRecord, references=(POINT_REF,), lands_in="ledger:dropoff", deadline_group=DEADLINE,
        example={
            **demo_base("ptp-20250425-0712"), "pointCode": POINT_CODE, "type": "01", "grade": "1", "weight": 0.035,
            "collectTime": "2025-04-25 07:12:40",
        },
    ),
    InterfaceSpec(
        code="collection-clear", number=25, name="收集点清运作业", group=POINT_GROUP, provincial=False,
        provincial_path="point/clearjob", frequency="realtime", business_key=("pointCode", "carCode", "clearTime"),
        record=CollectionClearRecord, references=(POINT_REF, VEHICLE_REF), lands_in="ledger:movement", deadline_group=DEADLINE,
        example={
            **demo_base("ptc-20250425-0920"), "pointCode": POINT_CODE, "carCode": CAR, "rubbishType": "0200", "weight": 1.42,
            "clearTime": "2025-04-25 09:20:15",
        },
    ),
    InterfaceSpec(
        code="resident", number=26, name="居民信息", group=RESIDENT_GROUP, provincial=False,
        provincial_path="rubbishunit/resident", frequency="daily", business_key=("residentCode",), record=ResidentRecord,
        references=(Reference("roomCode", "dwelling"),), lands_in="registry:residents", deadline_group=DEADLINE,
        note="居民姓名、手机号为个人信息：平台加密保存，无权限者只能看到脱敏值。",
        example={
            **demo_base("res-20250425-0001"), "residentCode": RESIDENT_CODE, "residentName": "林小红",
            "residentMobile": "13705764567", "roomCode": ESTATE_CODE + "003020302", "cardNo": "TZ0012345678",
        },
    ),
    InterfaceSpec(
        code="resident-drop", number=27, name="居民投放", group=RESIDENT_GROUP, provincial=False,
        provincial_path="rubbishdumppoint/dump", frequency="realtime", business_key=("dumpCode", "residentCode", "dumpTime"),
        record=ResidentDropRecord, references=(Reference("residentCode", "resident"), Reference("dumpCode", "dropoff-point")),
        lands_in="ledger:dropoff", deadline_group=DEADLINE,
        example={
            **demo_base("rd-20250425-0701"), "residentCode": RESIDENT_CODE, "dumpCode": DUMP_CODE, "type": "01",
            "weight": 0.00235, "dumpTime": "2025-04-25 07:01:33", "isRight": "1",
        },
    ),
    InterfaceSpec(
        code="haul-away", number=28, name="投放点垃圾转运", group=RESIDENT_GROUP, provincial=False,
        provincial_path="rubbishdumppoint/transfer", frequency="realtime", business_key=("dumpCode", "carCode", "transferTime"),
        record=HaulAwayRecord,
        references=(
            Reference("dumpCode", "dropoff-point"), VEHICLE_REF,
            Reference("transferPointCode", "staging-point", when=("transferType", "1")),
            Reference("transferPointCode", "transfer-station", when=("transferType", "2")),
            Reference("transferPointCode", "facility", when=("transferType", "3")),
        ),
        lands_in="ledger:movement", deadline_group=DEADLINE,
        example={
            **demo_base("ha-20250425-0905"), "dumpCode": DUMP_CODE, "carCode": CAR, "rubbishType": "0200", "weight": 0.46,
            "transferTime": "2025-04-25 09:05:00", "transferType": "3", "transferPointCode": FACILITY_CODE,
        },
    ),
    InterfaceSpec(
        code="recycling-outlet", number=29, name="回收网点信息", group=OUTLET_GROUP, provincial=False,
        provincial_path="site/baseInfo", frequency="daily", business_key=("siteCode",), record=RecyclingOutletRecord,
        references=(), lands_in="registry:sites", deadline_group=DEADLINE,
        example={
            **demo_base("os-20250425-0001"), "siteCode": OUTLET_CODE, "siteName": "东山社区再生资源回收站", "siteType": "1",
            "address": "台州市椒江区海门街道东山路102号", "lon": "121.441020", "lat": "28.677880", "state": "1",
            "videoMonitor": "0", "operationUnit": "台州市椒江再生资源有限公司", "operationDate": "2022-03-01",
            "openTime": "08:00-17:30", "officer": "吴刚", "officerMobile": "13957605678",
        },
    ),
    InterfaceSpec(
        code="outlet-intake", number=30, name="回收网点进货", group=OUTLET_GROUP, provincial=False,
        provincial_path="site/putDetail", frequency="realtime", business_key=("siteCode", "type", "putTime"),
        record=OutletIntakeRecord, references=(OUTLET_REF,), lands_in="ledger:movement", deadline_group=DEADLINE,
        example={
            **demo_base("osp-20250425-1015"), "siteCode": OUTLET_CODE, "type": "0401", "weight": 0.0128,
            "putTime": "2025-04-25 10:15:20", "price": 1.2,
        },
    ),
    InterfaceSpec(
        code="outlet-output", number=31, name="回收网点出货", group=OUTLET_GROUP, provincial=False,
        provincial_path="site/outDetail", frequency="realtime", business_key=("siteCode", "type", "outTime"),
        record=OutletOutputRecord, references=(OUTLET_REF, Reference("centerCode", "sorting-centre")),
        lands_in="ledger:movement", deadline_group=DEADLINE,
        example={
            **demo_base("oso-20250425-1600"), "siteCode": OUTLET_CODE, "type": "0401", "weight": 0.86,
            "outTime": "2025-04-25 16:00:00", "receiveUnit": "椒江区再生资源分拣中心", "centerCode": CENTRE_CODE,
        },
    ),
    canteen("school-canteen", 32, "学校食堂", "canteen/schoolDayInfo", {
        **demo_base("sc-20250424-0001"), "canteenCode": ORG + "000501", "canteenName": "椒江区东山小学食堂",
        "recordDate": "2025-04-24", "dinerCount": 1260, "perishableWeight": 0.38, "oilWeight": 0.012,
        "carCode": "浙JD31562", "receiveUnit": "台州市椒江区环境卫生管理处",
    }),
    canteen("office-canteen", 33, "机关食堂", "canteen/officeDayInfo", {
        **demo_base("oc-20250424-0001"), "canteenCode": ORG + "000601", "canteenName": "椒江区海门街道办事处机关食堂",
        "recordDate": "2025-04-24", "dinerCount": 310, "perishableWeight": 0.09, "oilWeight": 0.003,
    }),
    InterfaceSpec(
        code="rural-station", number=34, name="农村易腐垃圾站点信息", group=RURAL_GROUP, provincial=False,
        provincial_path="rural/savaRuralInfo", frequency="daily", business_key=("ruralCode",), record=RuralStationRecord,
        references=(), lands_in="registry:sites", deadline_group=DEADLINE,
        example={
            **demo_base("rs-20250425-0001", RURAL_ORG), "ruralCode": RURAL_ORG + "000001", "ruralName": "临海市涌泉镇易腐垃圾资源化处理站",
            "processMode": "1", "address": "台州市临海市涌泉镇梅岙村", "lon": "121.228410", "lat": "28.913560", "state": "1",
            "videoMonitor": "1", "operationUnit": "临海市涌泉镇人民政府", "operationDate": "2020-05-18",
            "dailyDesignValue": 5, "villageCount": 12, "officer": "潘国强", "officerMobile": "13587601234",
        },
    ),
    InterfaceSpec(
        code="rural-station-daily", number=35, name="农村易腐垃圾站点日报", group=RURAL_GROUP, provincial=False,
        provincial_path="rural/savaRuralDayInfo", frequency="daily", business_key=("ruralCode", "dayDate"),
        record=RuralStationDailyRecord, references=(Reference("ruralCode", "rural-station"),),
        lands_in="ledger:facility-operation", deadline_group=DEADLINE, note="每日报送前一日数据。",
        example={
            **demo_base("rsd-20250424-0001", RURAL_ORG), "ruralCode": RURAL_ORG + "000001", "dayDate": "2025-04-24",
            "inAmount": 3.6, "outAmount": 0.9, "inAverageAmount": 3.42,
        },
    ),
)
