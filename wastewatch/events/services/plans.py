"""Emergency plans (应急预案): a library looked up by incident kind and place; starting one from an alert creates
its tasks as work orders for the responsible units and sends its messages. A drill does the same, marked as a drill
and kept out of the closed-loop statistics."""
from django.db import transaction
from django.utils import timezone

from wastewatch.core.audit import audit_write
from wastewatch.core.errors import ServiceError

from ..choices import AlertKind, UnitLevel
from ..models import EmergencyPlan, PlanActivation
from .notifications import notify
from .workorders import unit_for, work_order_create

SECTIONS = ["总则", "适用范围", "组织体系与职责", "预警与响应", "处置措施", "后期处置", "保障措施"]


def plans_for(*, kind: str, region_code: str):
    """The active plans for this incident here, the most local first."""
    plans = [p for p in EmergencyPlan.objects.filter(is_active=True) if kind in p.incident_kinds and region_code.startswith(p.region_prefix)]
    return sorted(plans, key=lambda p: -len(p.region_prefix))


def plan_validate(data: dict) -> list[dict]:
    details = []
    if not str(data.get("code", "")).strip():
        details.append({"field": "code", "reason": "必填"})
    if not str(data.get("name", "")).strip():
        details.append({"field": "name", "reason": "必填"})
    unknown = [k for k in data.get("incident_kinds", []) if k not in AlertKind.values]
    if not data.get("incident_kinds") or unknown:
        details.append({"field": "incident_kinds", "reason": "请选择适用的事件类型" + (f"；未知类型：{'、'.join(unknown)}" if unknown else "")})
    for index, task in enumerate(data.get("tasks", [])):
        if task.get("level") not in UnitLevel.values or not str(task.get("title", "")).strip() or not 1 <= int(task.get("hours") or 0) <= 720:
            details.append({"index": index, "field": "tasks", "reason": "任务须有承办层级（county/street/community）、内容和 1–720 小时时限"})
    for index, message in enumerate(data.get("messages", [])):
        if message.get("level") not in UnitLevel.values or not str(message.get("text", "")).strip():
            details.append({"index": index, "field": "messages", "reason": "通知须有接收层级和内容"})
    return details


def plan_save(*, actor, data: dict, plan: EmergencyPlan | None = None) -> EmergencyPlan:
    details = plan_validate(data)
    if plan is None and EmergencyPlan.objects.filter(code=data.get("code", "")).exists():
        details.append({"field": "code", "reason": "预案编号已存在"})
    if details:
        raise ServiceError("预案内容有误", details=details)
    fields = ("code", "name", "incident_kinds", "region_prefix", "level", "sections", "tasks", "messages", "is_active")
    with transaction.atomic():
        before = {f: getattr(plan, f) for f in fields} if plan else None
        plan = plan or EmergencyPlan()
        for f in fields:
            if f in data:
                setattr(plan, f, data[f])
        plan.save()
        audit_write(actor=actor, source="page", action="update" if before else "create", obj=plan, region_code=plan.region_prefix.ljust(12, "0")[:12] if plan.region_prefix else "",
                    before=before, after={f: getattr(plan, f) for f in fields})
    return plan


def plan_start(*, actor, plan: EmergencyPlan, alert, drill: bool = False) -> PlanActivation:
    if alert.kind not in plan.incident_kinds or not alert.region_code.startswith(plan.region_prefix):
        raise ServiceError("该预案不适用于此告警", details=[{"field": "plan", "reason": "事件类型或区域不在预案适用范围内"}])
    place = alert.site.name if alert.site_id else alert.title
    values = {"place": place, "kind": alert.get_kind_display(), "time": timezone.localtime(alert.last_at).strftime("%m-%d %H:%M")}
    tag = "【演练】" if drill else ""
    with transaction.atomic():
        activation = PlanActivation.objects.create(plan=plan, alert=alert, is_drill=drill, started_by=actor, region_code=alert.region_code)
        audit_write(actor=actor, source="page", action="create", obj=activation, region_code=alert.region_code,
                    after={"plan": plan.code, "alert": alert.pk, "drill": drill})
        for task in plan.tasks:
            unit = unit_for(alert.region_code, task["level"])
            work_order_create(actor=actor, kind=alert.kind, title=f"{tag}{plan.name}：{task['title']}", unit=unit, alert=None if drill else alert,
                              description=f"{plan.name}（{plan.get_level_display()}响应）— {place}", deadline_hours=int(task["hours"]),
                              activation=activation, is_drill=drill, comment=f"启动{tag}预案 {plan.code}")
        for message in plan.messages:
            text = message["text"]
            for key, value in values.items():
                text = text.replace("{" + key + "}", value)
            notify(region_code=unit_for(alert.region_code, message["level"]).code, title=f"{tag}启动{plan.name}", body=text)
    return activation
