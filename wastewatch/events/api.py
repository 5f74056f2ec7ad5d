"""The events API: the camera platforms' signed push, alerts, evidence, work orders, statistics, inspections, plans."""
import json
from datetime import datetime, timedelta

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from wastewatch.core.api import require
from wastewatch.core.errors import ServiceError
from wastewatch.core.schemas import ErrorOut
from wastewatch.interfaces.clients import SignatureAuth
from wastewatch.registry.models import Region, Site

from . import present, selectors
from .models import EmergencyPlan
from .schemas import (
    AlertDetailOut, AlertPage, CameraEventOut, CommentIn, DispatchIn, InspectionOut, PlanOut, PlanStartIn, PlanStartOut,
    PublicReportOut, PublicStatusOut, StatRow, StatusIn, VerifyOut, WorkOrderDetailOut, WorkOrderOut,
)
from .services import alerts, camera, evidence, inspections, plans, public, workorders

router = Router(tags=["告警与工单"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/camera-events", auth=SignatureAuth(), response={200: CameraEventOut, 201: CameraEventOut, 400: ErrorOut, 401: ErrorOut},
             summary="AI 摄像平台推送告警事件")
def camera_event(request):
    """签名方式同数据接口（X-App-Key、X-Timestamp、X-Nonce、X-Signature）。请求体 JSON：
    {"eventId", "deviceCode", "alertType", "alertTime": "yyyy-MM-dd HH:mm:ss", "confidence", "description", "clipUrl",
    "images": [{"data": "<base64>", "capturedAt"}]}；或 multipart/form-data：同名字段 + 文件字段 images（可多个）。
    同一 eventId 重复推送返回 200 与原告警，不重复入库；新事件返回 201。"""
    event, created = camera.camera_event_receive(client=request.auth, body=request.body, post=request.POST, files=request.FILES)
    alert = event.alert
    alert.refresh_from_db()
    return Status(201 if created else 200, {"alertId": alert.pk, "created": created, "count": alert.count, "status": alert.status})


@router.get("/alerts", response={200: AlertPage, 403: ErrorOut}, summary="告警列表")
def alert_list(request, kind: str = "", status: str = "", severity: str = "", source: str = "", region: str = "", q: str = "",
               page: int = 1, page_size: int = 50):
    require(request, "events.view")
    qs = selectors.alerts_visible(user=request.auth, params={"kind": kind, "status": status, "severity": severity, "source": source,
                                                              "region": region, "q": q})
    size, page = max(1, min(page_size, 200)), max(1, page)
    return {"count": qs.count(), "page": page, "items": [present.alert_dict(a) for a in qs[(page - 1) * size: page * size]]}


@router.get("/alerts/{alert_id}", response={200: AlertDetailOut, **ERRORS}, summary="告警详情（含发生记录、证据、视频地址）")
def alert_detail(request, alert_id: int):
    require(request, "events.view")
    return present.alert_detail_dict(selectors.alert_get(user=request.auth, pk=alert_id))


@router.post("/alerts/{alert_id}/status", response={200: AlertDetailOut, **ERRORS}, summary="确认告警或标为误报")
def alert_status(request, alert_id: int, payload: StatusIn):
    require(request, "events.dispatch")
    alert = alerts.alert_set_status(actor=request.auth, alert=selectors.alert_get(user=request.auth, pk=alert_id), status=payload.status,
                                    note=payload.note, source="api")
    return present.alert_detail_dict(alert)


@router.post("/alerts/{alert_id}/work-orders", response={201: WorkOrderOut, **ERRORS}, summary="告警派单（按规则或指定承办单位）")
def alert_dispatch(request, alert_id: int, payload: DispatchIn):
    require(request, "events.dispatch")
    alert = selectors.alert_get(user=request.auth, pk=alert_id)
    unit = None
    if payload.unit_code:
        unit = Region.objects.filter(code=payload.unit_code).first()
        if unit is None or not request.auth.scope.covers_region(unit.code):
            raise ServiceError("承办单位无效", details=[{"field": "unit_code", "reason": "不是您权限范围内的区划"}])
    order = workorders.work_order_for_alert(actor=request.auth, alert=alert, unit=unit, deadline_hours=payload.deadline_hours,
                                            comment=payload.comment, source="api")
    return Status(201, present.order_dict(order))


@router.get("/evidence/{evidence_id}/file", summary="取证文件（无人脸查看权限时人脸打码）", response={200: None, **ERRORS, 410: ErrorOut})
def evidence_file(request, evidence_id: int):
    require(request, "events.view")
    item = selectors.evidence_get(user=request.auth, pk=evidence_id)
    content, content_type = evidence.evidence_view(actor=request.auth, evidence=item)
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, no-store"  # every look is logged: no cached copies
    return response


@router.get("/alerts/{alert_id}/package", summary="导出取证包（zip：文件、SM3 摘要、时间线）", response={200: None, **ERRORS})
def evidence_package(request, alert_id: int):
    require(request, "events.export_evidence")
    content, export = evidence.evidence_package_export(actor=request.auth, alert=selectors.alert_get(user=request.auth, pk=alert_id))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.package_id}.zip"'
    return response


@router.post("/evidence/verify", response={200: VerifyOut, 403: ErrorOut}, summary="校验取证包")
def evidence_verify(request, file: File[UploadedFile]):
    require(request, "events.view")
    return evidence.evidence_package_verify(file.read())


@router.get("/work-orders", response={200: list[WorkOrderOut], 403: ErrorOut}, summary="工单列表")
def order_list(request, status: str = "", kind: str = "", mine: bool = False, page: int = 1):
    require(request, "events.view")
    qs = selectors.my_work_orders(user=request.auth) if mine else selectors.work_orders_visible(user=request.auth, params={"status": status, "kind": kind})
    return [present.order_dict(o) for o in qs[(max(1, page) - 1) * 100: max(1, page) * 100]]


@router.get("/work-orders/{number}", response={200: WorkOrderDetailOut, **ERRORS}, summary="工单详情与时间线")
def order_detail(request, number: str):
    require(request, "events.view")
    return present.order_dict(selectors.work_order_get(user=request.auth, number=number), steps=True)


ACTIONS = {
    "accept": ("events.handle", workorders.work_order_accept),
    "start": ("events.handle", workorders.work_order_start),
    "approve": ("events.dispatch", workorders.work_order_approve),
    "send-back": ("events.dispatch", workorders.work_order_send_back),
    "close": ("events.dispatch", workorders.work_order_close),
}


def _action(name):
    permission, service = ACTIONS[name]

    def act(request, number: str, payload: CommentIn):
        require(request, permission)
        order = selectors.work_order_get(user=request.auth, number=number)
        kwargs = {} if name == "accept" else {"comment": payload.comment}
        service(actor=request.auth, order=order, source="api", **kwargs)
        return present.order_dict(selectors.work_order_get(user=request.auth, number=number), steps=True)

    return act


for _name in ACTIONS:
    router.add_api_operation(f"/work-orders/{{number}}/{_name}", ["POST"], _action(_name), response={200: WorkOrderDetailOut, **ERRORS},
                             summary=f"工单：{_name}", operation_id=f"work_order_{_name.replace('-', '_')}")


@router.post("/work-orders/{number}/report", response={200: WorkOrderDetailOut, **ERRORS}, summary="回单（处置情况、现场照片、位置）")
def order_report(request, number: str, comment: Form[str] = "", lon: Form[float | None] = None, lat: Form[float | None] = None,
                 photos: File[list[UploadedFile]] = None):
    require(request, "events.handle")
    order = selectors.work_order_get(user=request.auth, number=number)
    workorders.work_order_report(actor=request.auth, order=order, comment=comment, photos=[p.read() for p in photos or []],
                                 lon=lon, lat=lat, source="api")
    return present.order_dict(selectors.work_order_get(user=request.auth, number=number), steps=True)


def _period(since: str, until: str):
    try:
        end = datetime.fromisoformat(until) if until else timezone.now()
        start = datetime.fromisoformat(since) if since else end - timedelta(days=30)
    except ValueError:
        raise ServiceError("日期格式有误", details=[{"field": "since", "reason": "应为 yyyy-MM-dd"}]) from None
    return (timezone.make_aware(start) if timezone.is_naive(start) else start), (timezone.make_aware(end) if timezone.is_naive(end) else end)


@router.get("/stats", response={200: list[StatRow], **ERRORS}, summary="闭环统计：按期率、平均处置时长、退回率（按单位或类型）")
def stats(request, by: str = "unit", since: str = "", until: str = ""):
    require(request, "events.view")
    if by not in ("unit", "kind"):
        raise ServiceError("统计维度无效", details=[{"field": "by", "reason": "可选 unit 或 kind"}])
    start, end = _period(since, until)
    return selectors.work_order_stats(user=request.auth, since=start, until=end, by=by)


@router.post("/inspections", response={201: InspectionOut, **ERRORS}, summary="巡检打卡（位置、时间、照片、检查结果）")
def inspection_checkin(request, site: Form[str], lon: Form[float], lat: Form[float], answers: Form[str], photo: File[UploadedFile],
                       note: Form[str] = ""):
    """answers：JSON 对象，检查项代码 → true/false。距点位超过 150 米拒绝打卡。"""
    require(request, "events.handle")
    place = Site.objects.filter(code=site).first()
    if place is None or not request.auth.scope.covers_region(place.region_id):
        raise ServiceError("点位无效", details=[{"field": "site", "reason": "不是您权限范围内的点位编码"}], status=404)
    try:
        parsed = json.loads(answers)
    except ValueError:
        raise ServiceError("检查结果格式有误", details=[{"field": "answers", "reason": "应为 JSON 对象"}]) from None
    if not isinstance(parsed, dict):
        raise ServiceError("检查结果格式有误", details=[{"field": "answers", "reason": "应为 JSON 对象"}])
    done = inspections.inspection_checkin(actor=request.auth, site=place, lon=lon, lat=lat, photo=photo.read(), answers=parsed, note=note, source="api")
    return Status(201, {"id": done.pk, "site": place.code, "at": done.at, "distance_m": done.distance_m, "score": float(done.score), "problems": done.problems})


@router.get("/estate-scores", response={200: list[dict], **ERRORS}, summary="小区巡检得分（供考核）")
def estate_scores(request, since: str = "", until: str = ""):
    require(request, "events.view")
    start, end = _period(since, until)
    return [{**row, "avg_score": float(row["avg_score"])} for row in selectors.estate_scores(user=request.auth, since=start, until=end)]


@router.get("/plans", response={200: list[PlanOut], 403: ErrorOut}, summary="应急预案检索（按事件类型和地点）")
def plan_list(request, kind: str = "", region: str = ""):
    require(request, "events.view")
    found = plans.plans_for(kind=kind, region_code=region) if kind else selectors.plans_visible(user=request.auth)
    return [{f: getattr(p, f) for f in ("code", "name", "level", "incident_kinds", "region_prefix", "tasks")} for p in found]


@router.post("/plans/{code}/start", response={201: PlanStartOut, **ERRORS}, summary="由告警启动预案（或演练）")
def plan_start(request, code: str, payload: PlanStartIn):
    require(request, "events.dispatch")
    plan = EmergencyPlan.objects.filter(code=code, is_active=True).first()
    if plan is None:
        raise ServiceError("预案不存在", status=404, code="not_found")
    alert = selectors.alert_get(user=request.auth, pk=payload.alert_id)
    activation = plans.plan_start(actor=request.auth, plan=plan, alert=alert, drill=payload.drill)
    return Status(201, {"activation": activation.pk, "work_orders": [o.number for o in activation.work_orders.all()]})


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


@router.post("/public-reports", auth=None, response={201: PublicReportOut, 400: ErrorOut, 413: ErrorOut, 429: ErrorOut},
             summary="群众举报（无需登录）")
def public_report(request):
    """multipart/form-data：kind、description、lon、lat（WGS-84，手机浏览器定位；或以 coordSystem 声明 gcj02/bd09）或
    estate（小区编码）、phone（选填）、文件字段 photos（最多 3 张 JPEG/PNG，每张不超过 8 MB）；或 JSON，photos 为
    base64 字符串数组。成功返回 201 与回执码。同一网络每小时最多 10 条、同一手机号 5 条，超出返回 429。"""
    try:
        body = b"" if request.content_type in FORM_TYPES else request.body
        data, photos = camera.parse(body, request.POST if body == b"" else None, request.FILES if body == b"" else None, field="photos")
    except RequestDataTooBig:
        raise ServiceError("提交内容过大", status=413, code="too_large",
                           details=[{"field": "photos", "reason": "请用 multipart 上传照片，或压缩后再提交"}]) from None
    report = public.public_report_submit(sender=public.sender_address(request), data=data, photos=[content for content, _ in photos], source="api")
    return Status(201, {"receipt": report.receipt, "status_url": reverse("events:public_receipt", args=[report.receipt])})


@router.get("/public-reports/{receipt}", auth=None, response={200: PublicStatusOut, 404: ErrorOut}, summary="群众举报办理进度（凭回执码）")
def public_report_status(request, receipt: str):
    found = public.public_report_status(receipt=receipt)
    if found is None:
        raise ServiceError("回执码不存在，请核对后再查询", status=404, code="not_found", details=[{"field": "receipt", "reason": "未找到该回执码"}])
    return found
