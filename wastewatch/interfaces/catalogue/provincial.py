"""The 22 interfaces of the provincial access spec, numbered 1–22 as in reference/provincial-interfaces.md.

Field names are the provincial ones as seen; interfaces whose payload was not seen (building, dwelling, facility
operation, monitoring, output, output destination, vehicle operation, vehicle alert) follow the same conventions.
Weights are in tonnes throughout; `weight` is always the net weight of the waste concerned.
"""
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import Field, model_validator

from . import codes
from .spec import (
    Address, Area, CreditCode, Date, Designed, EntityCode, Flag, InterfaceSpec, Located, Name, Officer, OpenTime,
    Operated, OrgCode, OwnCode, Person, Phone, Plate, Quantity, Record, Reference, Serial, Site, Text, Time, Url,
    Weighing, count, digits, exactly_one, register, required_when, tonnes,
)

BUILDING = "小区编码 18 位 + 楼栋序号 3 位"
ROOM = "建筑物编码 21 位 + 单元号 2 位 + 房号 4 位"
Kwh = Annotated[Decimal, Quantity("千瓦时", 0, 100_000_000)]
ByUnitOf = Annotated[Decimal, Quantity("见代码表中该类型的单位", 0, 100_000_000)]


def ref_to(interface: str, key: str) -> str:
    return f"须为{interface}接口已推送的 {key}"


# --- 垃圾投放主体信息 -----------------------------------------------------------------------------------------------

class EstateRecord(Officer, Located, Record):
    unitCode: OwnCode = Field(description="小区编码（产生单位编码），建筑物、房屋、投放点等接口以此引用")
    unitName: Name = Field(description="小区名称")
    unitAddr: Address = Field(description="小区地址")
    isHigh: Flag = Field(description="是否高层住宅小区")
    communityName: Annotated[str, Text(50)] = Field(description="所属社区（村）名称")
    tenementName: Name | None = Field(None, description="物业服务企业名称；无物业的不填")


class BuildingRecord(Record):
    buildingCode: digits(21, BUILDING, own=True) = Field(description="建筑物编码")
    buildingName: Annotated[str, Text(32)] = Field(description="建筑物名称，如 3幢")
    unitCode: EntityCode = Field(description="所属小区编码，" + ref_to("小区信息", "unitCode"))
    floors: count("层", 200, ge=1) = Field(description="地上层数")
    households: count("户", 5000) = Field(description="户数")


class DwellingRecord(Record):
    roomCode: digits(27, ROOM, own=True) = Field(
        description="房屋编码；居民信息接口以此引用",
    )
    buildingCode: digits(21, BUILDING) = Field(description="所属建筑物编码，" + ref_to("建筑物信息", "buildingCode"))
    roomNo: Annotated[str, Text(32)] = Field(description="门牌房号，如 3幢2单元302室")
    area: Area | None = Field(None, description="建筑面积（平方米）")
    population: count("人", 50) | None = Field(None, description="常住人口")


# --- 垃圾投放点信息 ------------------------------------------------------------------------------------------------

class DropoffPointRecord(Officer, Located, Record):
    dumpCode: OwnCode = Field(description="投放点编码")
    dumpName: Name = Field(description="投放点名称")
    unitCode: EntityCode = Field(description="所属产生单位编码，" + ref_to("小区信息", "unitCode") + "（学校、机关等产生单位同样先按小区信息推送）")
    unitType: Annotated[str, codes.UNIT_TYPE] = Field(description="产生单位类型")
    dumpType: Annotated[str, codes.DUMP_TYPE] = Field(description="投放点类型")
    isSmart: Flag = Field(description="是否智能投放点（具备身份识别、称重或满溢监测之一）")
    videoMonitor: Flag = Field(description="是否接入视频监控")
    openTime: OpenTime | None = Field(None, description="定时投放时段")


# --- 集置点信息 ----------------------------------------------------------------------------------------------------

class StagingPointRecord(Operated, Designed, Site, Record):
    code: OwnCode = Field(description="集置点编码")
    name: Name = Field(description="集置点名称")
    orgName: Annotated[str, Text(50)] = Field(description="所属区划名称，如 椒江区海门街道东山社区")
    weightMonitor: Flag = Field(description="是否具备称重计量")
    contact: Person | None = Field(None, description="联系人（个人信息，加密保存）")
    tel: Phone | None = Field(None, description="联系电话（个人信息，加密保存）")


class StagingJobRecord(Record):
    checks: ClassVar[tuple[str, ...]] = ("jobType 为 1 时必须填写 collectTime；为 2 时必须填写 transferTime 和 carNo",)

    setPointCode: EntityCode = Field(description="集置点编码，" + ref_to("集置点信息", "code"))
    jobType: Annotated[str, codes.STAGING_JOB_TYPE] = Field(description="作业类型")
    type: Annotated[str, codes.WASTE_TYPE] = Field(description="垃圾类别")
    weight: tonnes(60) = Field(description="重量（吨）")
    collectTime: Time | None = Field(None, description="收集存放时间")
    transferTime: Time | None = Field(None, description="清运转出时间")
    carNo: Plate | None = Field(None, description="清运车辆车牌号，" + ref_to("运输车辆基础信息", "code"))
    driver: Person | None = Field(None, description="驾驶员姓名（个人信息，加密保存）")
    photo: Url | None = Field(None, description="作业照片地址")

    @model_validator(mode="after")
    def time_of_the_job(self):
        required_when(self, "jobType", "1", ("collectTime",))
        required_when(self, "jobType", "2", ("transferTime", "carNo"))
        return self


# --- 中转站信息 ----------------------------------------------------------------------------------------------------

class TransferStationRecord(Operated, Designed, Site, Record):
    stationCode: OwnCode = Field(description="中转站编码")
    stationName: Name = Field(description="中转站名称")
    stationType: Annotated[str, codes.STATION_TYPE] = Field(description="中转站规模类型")
    way: Annotated[str, codes.STATION_WAY] = Field(description="转运工艺")
    isMove: Flag = Field(description="是否移动式（车载）中转站")
    machineNum: count("台", 100) = Field(description="压缩设备数量")
    weightMonitor: Flag = Field(description="是否具备称重计量")
    deodorization: Flag = Field(description="是否配备除臭设施")
    leachate: Flag = Field(description="是否配备渗滤液收集设施")
    areaCovered: Area | None = Field(None, description="占地面积（平方米）")
    dailyLeachate: tonnes(1000, gt=False) | None = Field(None, description="日均渗滤液产生量（吨）")
    dischargeDirection: Annotated[str, codes.DISCHARGE_DIRECTION] | None = Field(None, description="渗滤液去向")


class TransferJobRecord(Record):
    stationCode: EntityCode = Field(description="中转站编码，" + ref_to("中转站信息", "stationCode"))
    carCode: Plate = Field(description="车牌号，" + ref_to("运输车辆基础信息", "code"))
    carType: Annotated[str, codes.CAR_TYPE] = Field(description="车辆类型")
    rubbishType: Annotated[str, codes.WASTE_CATEGORY] = Field(description="垃圾大类")
    jobType: Annotated[str, codes.STATION_JOB_TYPE] = Field(description="作业类型")
    inDate: Time = Field(description="作业（过磅）时间")
    weight: tonnes(60) = Field(description="净重（吨）")


# --- 分拣中心 ------------------------------------------------------------------------------------------------------

class SortingCentreRecord(Officer, Operated, Designed, Site, Record):
    centerCode: OwnCode = Field(description="分拣中心编码")
    centerName: Name = Field(description="分拣中心名称")
    nature: Annotated[str, codes.NATURE] = Field(description="设施性质")
    designWeight: tonnes(100_000, gt=False) | None = Field(None, description="设计储存能力（吨）")
    photo: Url | None = Field(None, description="分拣中心照片地址（互联网可访问）")


class SortingIntakeRecord(Weighing, Record):
    centerCode: EntityCode = Field(description="分拣中心编码，" + ref_to("分拣中心信息", "centerCode"))
    carCode: Plate = Field(description="送货车辆车牌号，" + ref_to("运输车辆基础信息", "code"))
    recyclablesType: Annotated[str, codes.RECYCLABLE_KIND] = Field(description="可回收物品类")
    inDate: Time = Field(description="入库过磅时间")


class SortingOutputRecord(Record):
    centerCode: EntityCode = Field(description="分拣中心编码，" + ref_to("分拣中心信息", "centerCode"))
    recyclablesType: Annotated[str, codes.RECYCLABLE_KIND] = Field(description="可回收物品类")
    outDate: Time = Field(description="出库时间")
    proOutWeight: tonnes(60) = Field(description="本次出库重量（吨，分拣中心过磅净重）")
    proUnitName: Name = Field(description="接收单位（再生资源利用企业）名称")
    proInWeight: tonnes(60) | None = Field(None, description="接收单位入库重量（吨，以接收单位磅单为准）")
    storageWeight: tonnes(100_000, gt=False) | None = Field(None, description="本次出库后该品类库存（吨）")
    carCode: Plate | None = Field(None, description="运输车辆车牌号（接收单位车辆，无需预先推送）")


# --- 处置设施 ------------------------------------------------------------------------------------------------------

class FacilityRecord(Officer, Operated, Designed, Site, Record):
    processCode: OwnCode = Field(description="处置设施编码")
    processName: Name = Field(description="处置设施名称")
    processType: Annotated[str, codes.PROCESS_TYPE] = Field(description="处置类型")
    nature: Annotated[str, codes.NATURE] = Field(description="设施性质")
    areaCovered: Area | None = Field(None, description="占地面积（平方米）")
    photo: Url | None = Field(None, description="设施照片地址（互联网可访问）")


class FacilityIntakeRecord(Weighing, Record):
    processCode: EntityCode = Field(description="处置设施编码，" + ref_to("处置设施基本信息", "processCode"))
    processType: Annotated[str, codes.PROCESS_TYPE] = Field(description="处置类型")
    inTime: Time = Field(description="进场过磅时间")
    carNo: Plate = Field(description="车牌号，" + ref_to("运输车辆基础信息", "code"))
    type: Annotated[str, codes.WASTE_TYPE] = Field(description="垃圾类别")
    sendFactory: Name = Field(description="发货单位名称（收运企业或中转站）")
    sendOrgCode: OrgCode = Field(description="发货单位所在县（市、区）的区划代码，如椒江区 331002000000；跨区处置的厂据此分清不同区县")
    tracUnit: Name | None = Field(None, description="运输单位名称")


class FacilityOperationRecord(Record):
    checks: ClassVar[tuple[str, ...]] = ("runningLines 不得大于 lineCount；powerOnGrid 不得大于 powerGeneration",)

    processCode: EntityCode = Field(description="处置设施编码，" + ref_to("处置设施基本信息", "processCode"))
    dataTime: Time = Field(description="数据时间：以下累计值的截止时刻")
    runState: Annotated[str, codes.RUN_STATE] = Field(description="设施运行状态")
    treatAmount: tonnes(20_000, gt=False) = Field(description="当日 0 时至 dataTime 的累计处理量（吨）")
    lineCount: count("条", 50, ge=1) = Field(description="生产线（焚烧线、处理线）总数")
    runningLines: count("条", 50) = Field(description="运行中的生产线数")
    powerGeneration: Kwh | None = Field(None, description="当日累计发电量（千瓦时），焚烧厂填写")
    powerOnGrid: Kwh | None = Field(None, description="当日累计上网电量（千瓦时），焚烧厂填写")
    stockAmount: tonnes(100_000, gt=False) | None = Field(None, description="垃圾池（储料仓）存量（吨）")

    @model_validator(mode="after")
    def parts_within_totals(self):
        if self.runningLines > self.lineCount:
            raise codes.invalid("inconsistent", f"运行生产线数 runningLines（{self.runningLines}）大于总数 lineCount（{self.lineCount}）", "runningLines")
        if None not in (self.powerOnGrid, self.powerGeneration) and self.powerOnGrid > self.powerGeneration:
            raise codes.invalid("inconsistent", f"上网电量 powerOnGrid（{self.powerOnGrid}）大于发电量 powerGeneration（{self.powerGeneration}）", "powerOnGrid")
        return self


class FacilityMonitoringRecord(Record):
    processCode: EntityCode = Field(description="处置设施编码，" + ref_to("处置设施基本信息", "processCode"))
    monitorPoint: Serial = Field(description="监测点位编号，如 L1 表示 1 号焚烧线烟囱，由设施自定并保持不变")
    itemCode: Annotated[str, codes.MONITOR_ITEM] = Field(description="监测指标")
    monitorTime: Time = Field(description="监测时间（小时均值填该小时的结束时刻）")
    value: ByUnitOf = Field(description="监测值，单位见代码表“监测指标”")
    limitValue: ByUnitOf | None = Field(None, description="标准限值（与监测值同单位）")
    isExceed: Flag = Field(description="是否超标")


class FacilityOutputRecord(Record):
    processCode: EntityCode = Field(description="处置设施编码，" + ref_to("处置设施基本信息", "processCode"))
    outputType: Annotated[str, codes.OUTPUT_KIND] = Field(description="产物类型")
    outputTime: Time = Field(description="统计时刻：本条产生量所属时段的结束时间")
    amount: ByUnitOf = Field(description="本时段产生量（增量，不是累计值），单位见代码表“产物类型”")
    stockAmount: ByUnitOf | None = Field(None, description="厂内暂存量（与产生量同单位）")


class OutputDestinationRecord(Record):
    processCode: EntityCode = Field(description="处置设施编码，" + ref_to("处置设施基本信息", "processCode"))
    billNo: Serial = Field(description="出厂单号；危险废物（如飞灰）填转移联单编号")
    outputType: Annotated[str, codes.OUTPUT_KIND] = Field(description="产物类型")
    outTime: Time = Field(description="出厂时间")
    amount: ByUnitOf = Field(description="本单数量，单位见代码表“产物类型”")
    destinationType: Annotated[str, codes.DESTINATION_TYPE] = Field(description="去向类型")
    destinationName: Name = Field(description="接收单位名称")
    destinationCode: CreditCode | None = Field(None, description="接收单位统一社会信用代码")
    carNo: Plate | None = Field(None, description="运输车辆车牌号（外部车辆，无需预先推送）")


# --- 视频监控 ------------------------------------------------------------------------------------------------------

VIDEO_SITES = ("processCode", "dumpCode", "setPointCode", "pointCode", "stationCode", "centerCode")


class VideoDeviceRecord(Located, Record):
    checks: ClassVar[tuple[str, ...]] = (f"{'、'.join(VIDEO_SITES)} 应填写且只填写一个：设备所在的设施或点位",)

    videoCode: Serial = Field(description="设备编码，建议使用 GB/T 28181 的 20 位设备编码")
    name: Name = Field(description="设备名称")
    type: Annotated[str, codes.VIDEO_TYPE] = Field(description="监控设备类型")
    protocolType: Annotated[str, codes.PROTOCOL_TYPE] = Field(description="视频协议")
    url: Url = Field(description="视频地址：外网固定、永久有效")
    address: Address = Field(description="安装地址")
    uploadTime: Time = Field(description="上报时间")
    processCode: EntityCode | None = Field(None, description="所在处置设施编码，" + ref_to("处置设施基本信息", "processCode"))
    dumpCode: EntityCode | None = Field(None, description="所在投放点编码，" + ref_to("投放点信息", "dumpCode"))
    setPointCode: EntityCode | None = Field(None, description="所在集置点编码，" + ref_to("集置点信息", "code"))
    pointCode: EntityCode | None = Field(None, description="所在收集点编码，" + ref_to("收集点信息", "pointCode"))
    stationCode: EntityCode | None = Field(None, description="所在中转站编码，" + ref_to("中转站信息", "stationCode"))
    centerCode: EntityCode | None = Field(None, description="所在分拣中心编码，" + ref_to("分拣中心信息", "centerCode"))

    @model_validator(mode="after")
    def one_site(self):
        exactly_one(self, VIDEO_SITES)
        return self


# --- 运输车辆 ------------------------------------------------------------------------------------------------------

class VehicleRecord(Operated, Record):
    checks: ClassVar[tuple[str, ...]] = ("isBindGps 为 1 时必须填写 gpsNo",)

    code: Plate = Field(description="车牌号；其他接口以此引用车辆")
    carType: Annotated[str, codes.CAR_TYPE] = Field(description="车辆类型（本平台增设字段）")
    fuelType: Annotated[str, codes.FUEL_TYPE] = Field(description="能源类型")
    trashType: Annotated[str, codes.WASTE_CATEGORY] = Field(description="运输垃圾大类")
    loads: Annotated[Decimal, Quantity("吨", 0, 60, gt=True)] = Field(description="核定载质量（吨）")
    belongUnit: Name = Field(description="车辆所属单位名称")
    isBindGps: Flag = Field(description="是否安装并绑定 GPS/北斗终端")
    gpsNo: Serial | None = Field(None, description="定位终端编号")
    videoMonitor: Flag = Field(description="是否安装车载视频")
    buyDate: Date | None = Field(None, description="购置日期")
    photo: Url | None = Field(None, description="车辆照片地址（互联网可访问）")

    @model_validator(mode="after")
    def terminal_when_bound(self):
        required_when(self, "isBindGps", "1", ("gpsNo",))
        return self


class VehicleGpsRecord(Located, Record):
    code: Plate = Field(description="车牌号，" + ref_to("运输车辆基础信息", "code"))
    gpsNo: Serial = Field(description="定位终端编号")
    locateTime: Time = Field(description="定位时间")
    locateType: Annotated[str, codes.LOCATE_TYPE] = Field(description="定位方式")
    speed: Annotated[Decimal, Quantity("千米/小时", 0, 200)] = Field(description="速度")
    direction: count("度", 359) = Field(description="方向角：正北为 0，顺时针 0–359")


class VehicleOperationRecord(Record):
    code: Plate = Field(description="车牌号，" + ref_to("运输车辆基础信息", "code"))
    workDate: Date = Field(description="作业日期")
    tripCount: count("趟", 100) = Field(description="当日累计趟次")
    weight: tonnes(500, gt=False) = Field(description="当日累计收运量（吨，净重）")
    mileage: Annotated[Decimal, Quantity("千米", 0, 2000)] = Field(description="当日累计行驶里程")
    workDuration: Annotated[Decimal, Quantity("小时", 0, 24)] = Field(description="当日累计作业时长")
    pointCount: count("个", 5000) | None = Field(None, description="当日累计收运点位数")


class VehicleAlertRecord(Located, Record):
    code: Plate = Field(description="车牌号，" + ref_to("运输车辆基础信息", "code"))
    alertType: Annotated[str, codes.VEHICLE_ALERT] = Field(description="预警类型")
    alertLevel: Annotated[str, codes.ALERT_LEVEL] = Field(description="预警等级")
    alertTime: Time = Field(description="预警发生时间")
    speed: Annotated[Decimal, Quantity("千米/小时", 0, 200)] | None = Field(None, description="预警时速度")
    content: Annotated[str, Text(200)] | None = Field(None, description="预警描述")
    photo: Url | None = Field(None, description="取证照片地址")


# --- the specs ------------------------------------------------------------------------------------------------------

SUBJECT, DUMP, STAGING, STATION, CENTRE, FACILITY, VIDEO, VEHICLE = (
    "垃圾投放主体信息数据接口", "垃圾投放点信息数据接口", "集置点信息数据接口", "中转站信息数据接口",
    "分拣中心数据接口", "处置设施接口", "视频监控数据接口", "运输车辆数据接口",
)
ESTATE_REF = Reference("unitCode", "estate")
FACILITY_REF = Reference("processCode", "facility")
# Demo city: 椒江区 (331002); the sites sit in a few of its communities.
ORG, STATION_ORG, CENTRE_ORG, FACILITY_ORG = "331002001001", "331002003001", "331002004001", "331002005001"
ESTATE_CODE, DUMP_CODE, SETPOINT_CODE = ORG + "000001", ORG + "000101", ORG + "000201"
STATION_CODE, CENTRE_CODE, FACILITY_CODE = STATION_ORG + "000001", CENTRE_ORG + "000001", FACILITY_ORG + "000001"
BUILDING_CODE = ESTATE_CODE + "003"
CAR, RECYCLING_CAR = "浙J2B317", "浙JD08216"
LONLAT = {"lon": "121.437512", "lat": "28.675833"}
PHOTO = "https://img.example.com/tz/"


def demo_base(uid: str, org: str = ORG) -> dict:
    return {"uid": uid, "operation": "I", "orgCode": org}


register(
    InterfaceSpec(
        code="estate", number=1, name="小区信息", group="垃圾投放主体信息", provincial=True,
        provincial_path="rubbishunit/neighbourhoodInfo", frequency="daily", business_key=("unitCode",),
        record=EstateRecord, references=(), lands_in="registry:estates", deadline_group=SUBJECT,
        note="报送频率为一天一次。unitCode 是建筑物、房屋住宅、投放点等接口引用的产生单位编码，须先推送。",
        example={
            **demo_base("est-20250425-0001"), "unitCode": ESTATE_CODE, "unitName": "东海花园", "unitAddr": "台州市椒江区海门街道东海大道318号",
            **LONLAT, "coordSystem": "WGS84", "isHigh": "1", "communityName": "东山社区", "officer": "王建国",
            "officerMobile": "13805761234", "tenementName": "台州东海物业服务有限公司",
        },
    ),
    InterfaceSpec(
        code="building", number=2, name="建筑物信息", group="垃圾投放主体信息", provincial=True,
        provincial_path="rubbishunit/buildingInfo", frequency="daily", business_key=("buildingCode",),
        record=BuildingRecord, references=(ESTATE_REF,), lands_in="registry:buildings", deadline_group=SUBJECT,
        note="小区编码为小区信息接口已推送数据。",
        example={
            **demo_base("bld-20250425-0001"), "buildingCode": BUILDING_CODE, "buildingName": "3幢", "unitCode": ESTATE_CODE,
            "floors": 18, "households": 72,
        },
    ),
    InterfaceSpec(
        code="dwelling", number=3, name="房屋住宅信息", group="垃圾投放主体信息", provincial=True,
        provincial_path="rubbishunit/houseInfo", frequency="daily", business_key=("roomCode",),
        record=DwellingRecord, references=(Reference("buildingCode", "building"),), lands_in="registry:dwellings",
        deadline_group=SUBJECT, note="小区编码为小区信息接口已推送数据：房屋经 buildingCode 关联已推送的建筑物，建筑物再关联小区。",
        example={
            **demo_base("room-20250425-0001"), "roomCode": BUILDING_CODE + "020302", "buildingCode": BUILDING_CODE,
            "roomNo": "3幢2单元302室", "area": 89.5, "population": 3,
        },
    ),
    InterfaceSpec(
        code="dropoff-point", number=4, name="投放点信息", group="垃圾投放点信息", provincial=True,
        provincial_path="rubbishdumppoint/dumpInfo", frequency="daily", business_key=("dumpCode",),
        record=DropoffPointRecord, references=(ESTATE_REF,), lands_in="registry:sites", deadline_group=DUMP,
        note="产生单位（unitCode）为小区信息接口已推送数据。",
        example={
            **demo_base("dump-20250425-0001"), "dumpCode": DUMP_CODE, "dumpName": "东海花园1号投放亭", "unitCode": ESTATE_CODE,
            "unitType": "1", "dumpType": "1", "isSmart": "1", "videoMonitor": "1", "lon": "121.437801", "lat": "28.676102",
            "officer": "李秀英", "officerMobile": "13905762345", "openTime": "06:30-09:00,18:00-20:30",
        },
    ),
    InterfaceSpec(
        code="staging-point", number=5, name="集置点信息", group="集置点信息", provincial=True,
        provincial_path="setpoint/baseInfo", frequency="daily", business_key=("code",),
        record=StagingPointRecord, references=(), lands_in="registry:sites", deadline_group=STAGING,
        example={
            **demo_base("sp-20250425-0001"), "code": SETPOINT_CODE, "name": "东山社区集置点", "orgName": "椒江区海门街道东山社区",
            "address": "台州市椒江区海门街道东山路56号", "lon": "121.439020", "lat": "28.677310", "dailyDesignValue": 5,
            "videoMonitor": "1", "weightMonitor": "1", "operationUnit": "台州市椒江区环境卫生管理处",
            "operationDate": "2021-06-30", "state": "1", "contact": "陈立新", "tel": "0576-88123456",
        },
    ),
    InterfaceSpec(
        code="staging-job", number=6, name="集置点作业明细", group="集置点信息", provincial=True,
        provincial_path="setpoint/saveDetail", frequency="realtime",
        business_key=("setPointCode", "jobType", "type", "collectTime", "transferTime"), record=StagingJobRecord,
        references=(Reference("setPointCode", "staging-point"), Reference("carNo", "vehicle")),
        lands_in="ledger:movement", deadline_group=STAGING,
        note="报送频率为实时。考虑到当前全市推行“撤桶并点”模式未涉及集置点设置，暂以中转站作业明细报送。"
             "转发省平台时 jobType=1 对应 setpoint/saveDetail，jobType=2 对应 setpoint/transferDetail。",
        example={
            **demo_base("spj-20250425-0742"), "setPointCode": SETPOINT_CODE, "jobType": "2", "type": "02", "weight": 1.86,
            "transferTime": "2025-04-25 07:42:10", "carNo": CAR, "driver": "张海", "photo": PHOTO + "spj-0742.jpg",
        },
    ),
    InterfaceSpec(
        code="transfer-station", number=7, name="中转站信息", group="中转站信息", provincial=True,
        provincial_path="Station/baseInfo", frequency="daily", business_key=("stationCode",),
        record=TransferStationRecord, references=(), lands_in="registry:sites", deadline_group=STATION,
        example={
            **demo_base("st-20250425-0001", STATION_ORG), "stationCode": STATION_CODE, "stationName": "椒江区海门垃圾中转站",
            "operationUnit": "台州市椒江区环境卫生管理处", "operationDate": "2018-10-01", "address": "台州市椒江区海门街道工人东路1号",
            "lon": "121.452630", "lat": "28.664180", "dailyDesignValue": 300, "areaCovered": 4200, "way": "1", "stationType": "3",
            "isMove": "0", "machineNum": 3, "videoMonitor": "1", "weightMonitor": "1", "deodorization": "1", "leachate": "1",
            "dailyLeachate": 12.5, "dischargeDirection": "1", "state": "1",
        },
    ),
    InterfaceSpec(
        code="transfer-job", number=8, name="中转站作业信息", group="中转站信息", provincial=True,
        provincial_path="Station/job", frequency="realtime", business_key=("stationCode", "carCode", "inDate"),
        record=TransferJobRecord, references=(Reference("stationCode", "transfer-station"), Reference("carCode", "vehicle")),
        lands_in="ledger:movement", deadline_group=STATION,
        example={
            **demo_base("stj-20250425-0815", STATION_ORG), "stationCode": STATION_CODE, "carCode": CAR, "carType": "1",
            "rubbishType": "0200", "jobType": "1", "inDate": "2025-04-25 08:15:32", "weight": 7.84,
        },
    ),
    InterfaceSpec(
        code="sorting-centre", number=9, name="分拣中心信息", group="分拣中心", provincial=True,
        provincial_path="center/baseInfo", frequency="daily", business_key=("centerCode",),
        record=SortingCentreRecord, references=(), lands_in="registry:sites", deadline_group=CENTRE,
        example={
            **demo_base("ctr-20250425-0001", CENTRE_ORG), "centerCode": CENTRE_CODE, "centerName": "椒江区再生资源分拣中心",
            "operationUnit": "台州市椒江再生资源有限公司", "operationDate": "2020-09-01", "photo": PHOTO + "center.jpg",
            "address": "台州市椒江区三甲街道东环大道1200号", "lon": "121.468930", "lat": "28.642750", "dailyDesignValue": 100,
            "designWeight": 2000, "nature": "2", "officer": "周明", "officerMobile": "13757612345", "state": "1", "videoMonitor": "1",
        },
    ),
    InterfaceSpec(
        code="sorting-intake", number=10, name="分拣中心进库量作业", group="分拣中心", provincial=True,
        provincial_path="center/injob", frequency="realtime", business_key=("centerCode", "carCode", "inDate"),
        record=SortingIntakeRecord, references=(Reference("centerCode", "sorting-centre"), Reference("carCode", "vehicle")),
        lands_in="ledger:movement", deadline_group=CENTRE,
        example={
            **demo_base("cin-20250425-0930", CENTRE_ORG), "centerCode": CENTRE_CODE, "carCode": RECYCLING_CAR, "recyclablesType": "0401",
            "inDate": "2025-04-25 09:30:05", "totalWeight": 6.42, "actualWeight": 4.18, "weight": 2.24,
        },
    ),
    InterfaceSpec(
        code="sorting-output", number=11, name="分拣中心出库量作业", group="分拣中心", provincial=True,
        provincial_path="center/outjob", frequency="realtime", business_key=("centerCode", "recyclablesType", "outDate"),
        record=SortingOutputRecord, references=(Reference("centerCode", "sorting-centre"),),
        lands_in="ledger:movement", deadline_group=CENTRE,
        example={
            **demo_base("cout-20250425-1410", CENTRE_ORG), "centerCode": CENTRE_CODE, "recyclablesType": "0401",
            "outDate": "2025-04-25 14:10:00", "proOutWeight": 18.6, "proUnitName": "台州市再生纸业有限公司",
            "proInWeight": 18.55, "storageWeight": 42.3, "carCode": "浙J7K205",
        },
    ),
    InterfaceSpec(
        code="facility", number=12, name="处置设施基本信息", group="处置设施", provincial=True,
        provincial_path="process/baseInfo", frequency="daily", business_key=("processCode",),
        record=FacilityRecord, references=(), lands_in="registry:sites", deadline_group=FACILITY,
        note="报送频率为一天一次。目前已直连省级平台的处置设施，须在完成市级系统接入后断开与省级平台的连接。",
        example={
            **demo_base("fac-20250425-0001", FACILITY_ORG), "processCode": FACILITY_CODE, "processName": "台州市东部生活垃圾焚烧发电厂",
            "processType": "1", "operationUnit": "台州东部再生能源有限公司", "operationDate": "2019-12-28",
            "photo": PHOTO + "plant.jpg", "address": "台州市椒江区滨海工业区海虹大道88号", "lon": "121.531260", "lat": "28.651880",
            "dailyDesignValue": 1500, "areaCovered": 98000, "nature": "3", "officer": "郑伟", "officerMobile": "13857600001",
            "state": "1", "videoMonitor": "1",
        },
    ),
    InterfaceSpec(
        code="facility-intake", number=13, name="垃圾进场数据", group="处置设施", provincial=True,
        provincial_path="process/enter", frequency="realtime", business_key=("processCode", "carNo", "inTime"),
        record=FacilityIntakeRecord, references=(FACILITY_REF, Reference("carNo", "vehicle")),
        lands_in="ledger:movement", deadline_group=FACILITY,
        note="报送频率为实时；有跨区处置的厂，发货单位须分清不同区县（sendOrgCode）。",
        example={
            **demo_base("fin-20250425-1022", FACILITY_ORG), "processCode": FACILITY_CODE, "processType": "1",
            "inTime": "2025-04-25 10:22:47", "carNo": CAR, "type": "02", "sendFactory": "椒江区海门垃圾中转站",
            "sendOrgCode": "331002000000", "tracUnit": "台州市椒江区环境卫生管理处",
            "totalWeight": 25.36, "actualWeight": 15.12, "weight": 10.24,
        },
    ),
    InterfaceSpec(
        code="facility-operation", number=14, name="处置设施运行数据", group="处置设施", provincial=True,
        provincial_path="process/operation", frequency="realtime", business_key=("processCode", "dataTime"),
        record=FacilityOperationRecord, references=(FACILITY_REF,), lands_in="ledger:facility-operation",
        deadline_group=FACILITY, note="报送频率为实时：至少每小时推送一次当日截至该时刻的累计值。",
        example={
            **demo_base("fop-20250425-1000", FACILITY_ORG), "processCode": FACILITY_CODE, "dataTime": "2025-04-25 10:00:00",
            "runState": "1", "treatAmount": 612.5, "lineCount": 3, "runningLines": 3, "powerGeneration": 310500,
            "powerOnGrid": 262300, "stockAmount": 8600,
        },
    ),
    InterfaceSpec(
        code="facility-monitoring", number=15, name="处置设施监测数据", group="处置设施", provincial=True,
        provincial_path="process/monitor", frequency="realtime",
        business_key=("processCode", "monitorPoint", "itemCode", "monitorTime"), record=FacilityMonitoringRecord,
        references=(FACILITY_REF,), lands_in="ledger:monitoring", deadline_group=FACILITY,
        note="报送频率为实时：在线监测小时均值，每小时推送。",
        example={
            **demo_base("fmo-20250425-1000-L1-SO2", FACILITY_ORG), "processCode": FACILITY_CODE, "monitorPoint": "L1",
            "itemCode": "SO2", "monitorTime": "2025-04-25 10:00:00", "value": 12.6, "limitValue": 100, "isExceed": "0",
        },
    ),
    InterfaceSpec(
        code="facility-output", number=16, name="处置设施产物数据", group="处置设施", provincial=True,
        provincial_path="process/product", frequency="realtime", business_key=("processCode", "outputType", "outputTime"),
        record=FacilityOutputRecord, references=(FACILITY_REF,), lands_in="ledger:output", deadline_group=FACILITY,
        example={
            **demo_base("fpr-20250425-1000-01", FACILITY_ORG), "processCode": FACILITY_CODE, "outputType": "01",
            "outputTime": "2025-04-25 10:00:00", "amount": 4.2, "stockAmount": 36.5,
        },
    ),
    InterfaceSpec(
        code="output-destination", number=17, name="处置设施产物去向数据", group="处置设施", provincial=True,
        provincial_path="process/productFlow", frequency="realtime", business_key=("processCode", "billNo"),
        record=OutputDestinationRecord, references=(FACILITY_REF,), lands_in="ledger:movement", deadline_group=FACILITY,
        example={
            **demo_base("fpf-FH20250425001", FACILITY_ORG), "processCode": FACILITY_CODE, "billNo": "FH20250425001",
            "outputType": "01", "outTime": "2025-04-25 15:30:00", "amount": 31.2, "destinationType": "1",
            "destinationName": "台州市飞灰安全填埋场", "destinationCode": "91331002MA2ABCDE1X", "carNo": "浙J5F902",
        },
    ),
    InterfaceSpec(
        code="video-device", number=18, name="设备视频监控上报", group="视频监控", provincial=True,
        provincial_path="process/videomonitor", frequency="daily", business_key=("videoCode",),
        record=VideoDeviceRecord,
        references=(
            FACILITY_REF, Reference("dumpCode", "dropoff-point"), Reference("setPointCode", "staging-point"),
            Reference("pointCode", "collection-point"), Reference("stationCode", "transfer-station"),
            Reference("centerCode", "sorting-centre"),
        ),
        lands_in="registry:devices", deadline_group=VIDEO,
        note="报送频率为一天一次；URL 地址为外网固定永久有效地址；处置设施编码传输对应已推送的设施基础信息接口编码；"
             "变更走更新数据（operation=U）；优先采用 AI 违规预警模式视频监控。投放点、集置点、收集点的监控同样经本接口报送。",
        example={
            **demo_base("vid-33100200001320000001", FACILITY_ORG), "videoCode": "33100200001320000001",
            "name": "东部焚烧厂卸料大厅1号摄像机", "type": "3", "protocolType": "1",
            "url": "https://video.example.com/live/33100200001320000001.m3u8", "address": "台州市椒江区滨海工业区海虹大道88号卸料大厅",
            "lon": "121.531410", "lat": "28.651990", "uploadTime": "2025-04-25 06:00:00", "processCode": FACILITY_CODE,
        },
    ),
    InterfaceSpec(
        code="vehicle", number=19, name="运输车辆基础信息", group="运输车辆", provincial=True,
        provincial_path="car/info", frequency="daily", business_key=("code",),
        record=VehicleRecord, references=(), lands_in="registry:vehicles", deadline_group=VEHICLE,
        note="报送频率为一天一次；图片地址为互联网访问地址。",
        example={
            **demo_base("car-浙J2B317", "331002000000"), "code": CAR, "carType": "1", "fuelType": "1", "trashType": "0200",
            "loads": 8, "belongUnit": "台州市椒江区环境卫生管理处", "operationUnit": "台州市椒江区环境卫生管理处",
            "operationDate": "2021-03-15", "isBindGps": "1", "gpsNo": "013305761001", "videoMonitor": "1",
            "buyDate": "2021-01-20", "photo": PHOTO + "car-2B317.jpg",
        },
    ),
    InterfaceSpec(
        code="vehicle-gps", number=20, name="运输车辆运行数据", group="运输车辆", provincial=True,
        provincial_path="car/upload/multi", frequency="realtime", business_key=("code", "locateTime"),
        record=VehicleGpsRecord, references=(Reference("code", "vehicle"),), lands_in="tracking:gps", deadline_group=VEHICLE,
        note="报送频率为实时：定位点产生后 1 分钟内推送，可一批推送多辆车、多个定位点。",
        example={
            **demo_base("gps-浙J2B317-20250425081002", "331002000000"), "code": CAR, "gpsNo": "013305761001",
            "locateTime": "2025-04-25 08:10:02", "locateType": "3", "lon": "121.449870", "lat": "28.667020",
            "coordSystem": "WGS84", "speed": 32.5, "direction": 126,
        },
    ),
    InterfaceSpec(
        code="vehicle-operation", number=21, name="运输车辆运营数据", group="运输车辆", provincial=True,
        provincial_path="car/operation", frequency="realtime", business_key=("code", "workDate"),
        record=VehicleOperationRecord, references=(Reference("code", "vehicle"),), lands_in="tracking:vehicle-day",
        deadline_group=VEHICLE, note="报送频率为实时：每完成一趟即推送当日累计值，同一车辆同一日期以最新一条为准。",
        example={
            **demo_base("cop-浙J2B317-20250425-3", "331002000000"), "code": CAR, "workDate": "2025-04-25", "tripCount": 3,
            "weight": 23.7, "mileage": 86.4, "workDuration": 6.5, "pointCount": 42,
        },
    ),
    InterfaceSpec(
        code="vehicle-alert", number=22, name="运输车辆预警数据", group="运输车辆", provincial=True,
        provincial_path="car/warning", frequency="realtime", business_key=("code", "alertType", "alertTime"),
        record=VehicleAlertRecord, references=(Reference("code", "vehicle"),), lands_in="events:alert", deadline_group=VEHICLE,
        example={
            **demo_base("cal-浙J2B317-20250425083312-01", "331002000000"), "code": CAR, "alertType": "01", "alertLevel": "2",
            "alertTime": "2025-04-25 08:33:12", "lon": "121.461200", "lat": "28.659800", "speed": 68.2,
            "content": "限速 50 千米/小时路段行驶速度 68.2 千米/小时，持续 45 秒",
        },
    ),
)
