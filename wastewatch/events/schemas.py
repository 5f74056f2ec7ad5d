from datetime import datetime

from ninja import Field, Schema


class CameraEventOut(Schema):
    alertId: int = Field(description="平台告警编号")
    created: bool = Field(description="false：该 eventId 已接收过，本次未重复入库")
    count: int = Field(description="合并后该告警的发生次数")
    status: str


class OccurrenceOut(Schema):
    at: datetime
    source_ref: str
    message: str
    evidence: dict


class EvidenceOut(Schema):
    id: int
    kind: str
    sm3: str
    size: int
    captured_at: datetime | None
    source: str
    device: str | None
    url: str = Field(description="图片：平台下载地址（按权限打码）；视频片段：摄像平台地址")
    faces: int
    removed: bool


class AlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    source: str
    severity: str
    status: str
    region_code: str
    site: str | None
    vehicle: str | None
    lon: float | None
    lat: float | None
    title: str
    first_at: datetime
    last_at: datetime
    count: int


class AlertDetailOut(AlertOut):
    occurrences: list[OccurrenceOut]
    evidence: list[EvidenceOut]
    live_video_url: str
    work_orders: list[str]


class AlertPage(Schema):
    count: int
    page: int
    items: list[AlertOut]


class StatusIn(Schema):
    status: str = Field(description="confirmed 确认 或 false_positive 误报")
    note: str = ""


class DispatchIn(Schema):
    unit_code: str | None = Field(None, description="承办单位区划代码；空则按派单规则")
    deadline_hours: int | None = None
    comment: str = ""


class StepOut(Schema):
    at: datetime
    actor: str
    action: str
    action_label: str
    to_status: str
    comment: str
    lon: float | None
    lat: float | None
    attachments: list[int]


class WorkOrderOut(Schema):
    number: str
    alert_id: int | None
    kind: str
    title: str
    unit_code: str
    unit_name: str
    status: str
    status_label: str
    deadline: datetime | None
    dispatched_at: datetime | None
    reported_at: datetime | None
    closed_at: datetime | None
    escalation_level: int
    escalated_to: str | None
    reopen_count: int
    on_time: bool | None
    is_drill: bool


class WorkOrderDetailOut(WorkOrderOut):
    steps: list[StepOut]


class CommentIn(Schema):
    comment: str = ""


class StatRow(Schema):
    key: str
    region_code: str
    total: int
    done: int
    on_time_rate: float | None
    avg_hours: float | None
    reopen_rate: float | None
    escalated: int


class InspectionOut(Schema):
    id: int
    site: str
    at: datetime
    distance_m: float
    score: float
    problems: int


class VerifyOut(Schema):
    ok: bool
    package_id: str
    problems: list[str]
    files: list[dict]


class PlanOut(Schema):
    code: str
    name: str
    level: str
    incident_kinds: list[str]
    region_prefix: str
    tasks: list[dict]


class PlanStartIn(Schema):
    alert_id: int
    drill: bool = False


class PlanStartOut(Schema):
    activation: int
    work_orders: list[str]


class PublicReportOut(Schema):
    receipt: str = Field(description="回执码：凭此查询办理进度")
    status_url: str = Field(description="办理进度页面地址")


class PublicStatusOut(Schema):
    receipt: str
    kind: str
    kind_label: str
    submitted_at: datetime
    status: str = Field(description="办理状态（中文）")
    outcome: str = Field(description="办理结果（办结或核实后才有）")
    done_at: datetime | None
