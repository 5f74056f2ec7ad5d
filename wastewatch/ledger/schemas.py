from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import ConfigDict, Field


class MovementIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stage: str = Field(..., description="环节：collection/pickup/transfer_in/transfer_out/sorting_in/sorting_out/facility_in/output/output_out/generator_out")
    occurred_at: datetime = Field(..., description="发生时间（北京时间，yyyy-MM-dd HH:mm:ss）")
    category: str = Field(..., description="垃圾类别代码，如 0200 其他垃圾、HW18 焚烧处置残渣")
    net_t: Decimal = Field(..., description="净重（吨）")
    gross_t: Decimal | None = Field(None, description="毛重（吨，过磅时填写）")
    tare_t: Decimal | None = Field(None, description="皮重（吨，过磅时填写）")
    from_site: str = Field("", description="来源点位设施编码（18 位）")
    from_estate: str = Field("", description="来源小区编码（18 位）")
    from_org: str = Field("", description="发货单位统一社会信用代码")
    from_label: str = Field("", description="来源名称（未登记时填写）")
    to_site: str = Field("", description="去向点位设施编码（18 位）")
    to_org: str = Field("", description="接收单位统一社会信用代码")
    to_label: str = Field("", description="去向名称（未登记时填写）")
    plate: str = Field("", description="车牌号")
    driver: str = Field("", description="驾驶员姓名（加密保存）")
    origin_code: str = Field("", description="来源区划（12 位，跨区处置时填写；默认按来源点位、车辆推定）")
    source_key: str = Field("", description="业务单号：同一单号重复提交时更新原记录")
    note: str = Field("", description="备注")


class MovementOut(Schema):
    id: int
    stage: str
    stage_label: str
    occurred_at: datetime
    day: date
    region_code: str
    origin_code: str
    category: str
    category_name: str
    net_t: float
    gross_t: float | None
    tare_t: float | None
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    plate: str
    driver: str
    source: str
    source_interface: str
    source_key: str
    flags: list[str]
    flag_labels: list[str]
    note: str


class MovementPage(Schema):
    count: int
    page: int
    page_size: int
    tonnes: float
    items: list[MovementOut]


class TotalRow(Schema):
    key: str
    label: str
    tonnes: float
    count: int


class ManifestIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category: str = Field(..., description="废物类别：危险废物填 HW 代码（如 HW18），建筑垃圾 1201 等")
    waste_name: str = Field("", description="废物名称")
    generator: str = Field(..., description="产生单位点位编码（18 位）")
    hauler: str = Field(..., description="运输单位统一社会信用代码")
    receiver: str = Field(..., description="接收设施点位编码（18 位）")
    shipped_t: Decimal = Field(..., description="发运重量（吨）")
    planned_on: date | None = Field(None, description="计划转移日期")
    plate: str = Field("", description="运输车辆车牌号")


class ManifestStepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    weight_t: Decimal | None = Field(None, description="本环节重量（吨）：起运时为承运确认重量，接收时为过磅重量")
    rejected_t: Decimal | None = Field(None, description="拒收重量（吨，接收时填写）")
    rejection_reason: str = Field("", description="拒收原因")
    plate: str = Field("", description="车牌号（起运时可填写）")
    reason: str = Field("", description="作废原因")


class ManifestCorrectionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., description="更正原因")
    shipped_t: Decimal | None = None
    hauled_t: Decimal | None = None
    received_t: Decimal | None = None
    rejected_t: Decimal | None = None
    category: str | None = None
    waste_name: str | None = None
