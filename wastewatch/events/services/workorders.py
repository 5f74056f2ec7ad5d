"""Work orders: dispatched by rule or by hand to the street or community that must act, accepted, reported with
photos, approved or sent back, closed; overdue ones escalate to the level above. Every step is on the timeline."""
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wastewatch.core.audit import audit_write
from wastewatch.core.errors import ServiceError
from wastewatch.registry.models import Region

from ..choices import AlertKind, AlertStatus, EvidenceKind, StepAction, UnitLevel, WorkOrderStatus as S, WORKING_STATUSES
from ..models import Alert, DispatchRule, WorkOrder, WorkOrderStep
from .alerts import alert_resolve_if_done
from .evidence import evidence_store
from .notifications import notify

LEVEL_DIGITS = {UnitLevel.COUNTY: 6, UnitLevel.STREET: 9, UnitLevel.COMMUNITY: 12}
DEFAULT_DEADLINE_HOURS = 24


def rule_for(kind: str, region_code: str) -> DispatchRule | None:
    """The most specific active rule: one for the kind beats one for all kinds, then the longer region prefix wins."""
    rules = [r for r in DispatchRule.objects.filter(is_active=True, kind__in=[kind, ""]) if region_code.startswith(r.region_prefix)]
    return max(rules, key=lambda r: (r.kind != "", len(r.region_prefix)), default=None)


RULE_FIELDS = ("kind", "region_prefix", "unit_level", "deadline_hours", "auto_dispatch", "is_active")


def dispatch_rule_save(*, actor, data: dict, rule: DispatchRule | None = None, source: str = "page") -> DispatchRule:
    """Create or change a dispatch rule (the city's: kind + region prefix → unit level, deadline, automatic or not).
    A second rule for the same kind and region would make the choice arbitrary, so it is refused."""
    kind, prefix = str(data.get("kind") or ""), str(data.get("region_prefix") or "").strip()
    hours = str(data.get("deadline_hours") or "").strip()
    details = []
    if kind and kind not in AlertKind.values:
        details.append({"field": "kind", "reason": f"不支持的告警类型“{kind}”"})
    if prefix and not (prefix.isdigit() and len(prefix) in (6, 9, 12)):
        details.append({"field": "region_prefix", "reason": "应为空（全市）或 6、9、12 位区划代码前缀"})
    if data.get("unit_level") not in UnitLevel.values:
        details.append({"field": "unit_level", "reason": "请选择承办层级：县（市、区）、镇街或社区/村"})
    if not hours.isdigit() or not 1 <= int(hours) <= 2160:
        details.append({"field": "deadline_hours", "reason": "办理时限应为 1–2160 之间的整数小时"})
    twin = DispatchRule.objects.filter(kind=kind, region_prefix=prefix).exclude(pk=rule.pk if rule else None).first()
    if twin is not None:
        details.append({"field": "region_prefix", "reason": f"已有同类型、同区划的规则（{twin}），请修改那一条"})
    if details:
        raise ServiceError("派单规则有误", details=details)
    with transaction.atomic():
        before = {f: getattr(rule, f) for f in RULE_FIELDS} if rule else None
        rule = rule or DispatchRule()
        rule.kind, rule.region_prefix, rule.unit_level, rule.deadline_hours = kind, prefix, data["unit_level"], int(hours)
        rule.auto_dispatch, rule.is_active = bool(data.get("auto_dispatch")), bool(data.get("is_active", True))
        rule.save()
        audit_write(actor=actor, source=source, action="update" if before else "create", obj=rule,
                    region_code=prefix.ljust(12, "0") if prefix else "", before=before, after={f: getattr(rule, f) for f in RULE_FIELDS})
    return rule


def unit_for(region_code: str, level: str) -> Region:
    """The region of that level containing the code (or the nearest one above that exists)."""
    for digits in sorted({d for lv, d in LEVEL_DIGITS.items() if d <= LEVEL_DIGITS[level]}, reverse=True):
        code = region_code[:digits].ljust(12, "0")
        region = Region.objects.filter(code=code).first()
        if region is not None:
            return region
    raise ServiceError("找不到承办单位", details=[{"field": "unit", "reason": f"区划“{region_code}”不在区划库中"}])


def parent_unit(region: Region) -> Region | None:
    return region.parent if region.parent_id and region.parent.level != "province" else None


def _number() -> str:
    stamp = timezone.localtime().strftime("%Y%m%d")
    today = WorkOrder.objects.filter(number__startswith=f"GD{stamp}").count()
    return f"GD{stamp}{today + 1:05d}"


def _step(order, actor, action, before, comment="", lon=None, lat=None, at=None):
    is_user = actor is not None and getattr(actor, "_meta", None) and actor._meta.label == "accounts.User"
    return WorkOrderStep.objects.create(
        order=order, at=at or timezone.now(), actor=actor if is_user else None, actor_label=getattr(actor, "username", "") or "system",
        action=action, from_status=before, to_status=order.status, comment=comment[:1000], lon=lon, lat=lat,
    )


def _audit(actor, order, action, before, source):
    audit_write(actor=actor, source=source, action="create" if action == StepAction.CREATE else "update", obj=order,
                region_code=order.region_code, before={"status": before} if before else None,
                after={"status": order.status, "step": action, "unit": order.unit_id})


def work_order_create(*, actor, kind: str, title: str, unit: Region, alert: Alert | None = None, description: str = "",
                      deadline_hours: int = DEFAULT_DEADLINE_HOURS, dispatch: bool = True, activation=None, is_drill=False,
                      comment: str = "", source: str = "page") -> WorkOrder:
    if unit.level not in LEVEL_DIGITS:
        raise ServiceError("承办单位须为县（市、区）、镇街或社区", details=[{"field": "unit", "reason": f"“{unit.name}”的层级不可承办工单"}])
    if not 1 <= int(deadline_hours) <= 24 * 90:
        raise ServiceError("办理时限不合理", details=[{"field": "deadline_hours", "reason": "应在 1 到 2160 小时之间"}])
    with transaction.atomic():
        order = WorkOrder.objects.create(
            number=_number(), alert=alert, activation=activation, kind=kind, title=title[:200], description=description,
            region_code=unit.code, unit=unit, deadline_hours=deadline_hours, is_drill=is_drill,
        )
        _step(order, actor, StepAction.CREATE, "", comment)
        _audit(actor, order, StepAction.CREATE, "", source)
        if dispatch:
            work_order_dispatch(actor=actor, order=order, source=source)
    return order


def work_order_for_alert(*, actor, alert: Alert, unit: Region | None = None, deadline_hours: int | None = None,
                         comment: str = "", by_rule: bool = False, source: str = "page") -> WorkOrder | None:
    """The alert's work order: by its dispatch rule (by_rule: only when the rule says auto), or to the unit named by hand."""
    if alert.status in (AlertStatus.FALSE_POSITIVE, AlertStatus.RESOLVED):
        raise ServiceError(f"告警已{alert.get_status_display()}，不能派单", code="invalid_state", status=409,
                           details=[{"field": "alert", "reason": "状态不允许派单"}])
    rule = rule_for(alert.kind, alert.region_code)
    if by_rule and (rule is None or not rule.auto_dispatch):
        return None
    if unit is None:
        unit = unit_for(alert.region_code, rule.unit_level if rule else UnitLevel.COMMUNITY)
    hours = deadline_hours or (rule.deadline_hours if rule else DEFAULT_DEADLINE_HOURS)
    place = alert.site.name if alert.site_id else (alert.vehicle.plate if alert.vehicle_id else "")
    with transaction.atomic():
        order = work_order_create(
            actor=actor, kind=alert.kind, title=f"{alert.get_kind_display()}：{place or alert.title}", unit=unit, alert=alert,
            description=alert.title, deadline_hours=hours, comment=comment or ("按派单规则自动派单" if by_rule else ""), source=source,
        )
        if alert.status in (AlertStatus.NEW, AlertStatus.CONFIRMED):
            Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.DISPATCHED, updated_at=timezone.now())
            alert.status = AlertStatus.DISPATCHED
    return order


def _move(*, actor, order, action, allowed, to, comment="", lon=None, lat=None, source="page", changes=None):
    with transaction.atomic():
        order = WorkOrder.objects.select_for_update().select_related("unit").get(pk=order.pk)
        if order.status not in allowed:
            raise ServiceError(f"工单当前为“{order.get_status_display()}”，不能{StepAction(action).label}", code="invalid_state", status=409,
                               details=[{"field": "status", "reason": f"仅“{'、'.join(S(s).label for s in allowed)}”状态可{StepAction(action).label}"}])
        before = order.status
        order.status = to
        for name, value in (changes or {}).items():
            setattr(order, name, value(order) if callable(value) else value)  # a callable reads the locked row
        order.save()
        step = _step(order, actor, action, before, comment, lon, lat)
        _audit(actor, order, action, before, source)
    return order, step


def work_order_dispatch(*, actor, order, unit: Region | None = None, source="page") -> WorkOrder:
    now = timezone.now()
    changes = {"dispatched_at": now, "deadline": now + timedelta(hours=order.deadline_hours)}
    if unit is not None:
        changes.update(unit=unit, region_code=unit.code)
    order, _ = _move(actor=actor, order=order, action=StepAction.DISPATCH, allowed=(S.PENDING,), to=S.DISPATCHED, source=source,
                     comment=f"派至{(unit or order.unit).name}，{order.deadline_hours} 小时内办结", changes=changes)
    notify(region_code=order.region_code, order=order, title=f"新工单 {order.number}：{order.title}",
           body=f"请于 {timezone.localtime(order.deadline):%m-%d %H:%M} 前处置并回单")
    return order


def work_order_accept(*, actor, order, source="page") -> WorkOrder:
    return _move(actor=actor, order=order, action=StepAction.ACCEPT, allowed=(S.DISPATCHED,), to=S.ACCEPTED, source=source,
                 changes={"accepted_at": timezone.now()})[0]


def work_order_start(*, actor, order, comment="", source="page") -> WorkOrder:
    return _move(actor=actor, order=order, action=StepAction.START, allowed=(S.ACCEPTED, S.RETURNED), to=S.IN_PROGRESS,
                 comment=comment, source=source)[0]


def work_order_report(*, actor, order, comment: str, photos: list[bytes], lon: float | None = None, lat: float | None = None,
                      source="page") -> WorkOrder:
    """The completion report (回单): what was done, at least one photo, where the worker stood."""
    details = []
    if not comment.strip():
        details.append({"field": "comment", "reason": "请填写处置情况"})
    if not photos:
        details.append({"field": "photos", "reason": "回单须附至少一张现场照片"})
    if (lon is None) != (lat is None) or (lon is not None and not (73 <= lon <= 136 and 3 <= lat <= 54)):
        details.append({"field": "lon", "reason": "位置须同时给出经度与纬度，且在中国境内"})
    if details:
        raise ServiceError("回单信息不完整", details=details)
    now = timezone.now()
    with transaction.atomic():
        order, step = _move(actor=actor, order=order, action=StepAction.REPORT, allowed=(S.ACCEPTED, S.IN_PROGRESS, S.RETURNED),
                            to=S.REPORTED, comment=comment, lon=lon, lat=lat, source=source,
                            changes={"reported_at": now, "on_time": lambda o: o.deadline is None or now <= o.deadline,
                                     "handling_time": lambda o: now - o.dispatched_at if o.dispatched_at else None})
        for index, photo in enumerate(photos):
            evidence_store(actor=actor, content=photo, kind=EvidenceKind.IMAGE, source="work_order", region_code=order.region_code,
                           alert_kind=order.kind, captured_at=now, alert=order.alert, step=step, field="photos", index=index)
        notify(region_code=(order.escalated_to_id or order.unit.parent_id or order.region_code), order=order,
               title=f"工单 {order.number} 已回单，待审核", body=comment[:200])
    return order


def work_order_approve(*, actor, order, comment="", source="page") -> WorkOrder:
    return _move(actor=actor, order=order, action=StepAction.APPROVE, allowed=(S.REPORTED,), to=S.APPROVED, comment=comment, source=source)[0]


def work_order_send_back(*, actor, order, comment: str, source="page") -> WorkOrder:
    if not comment.strip():
        raise ServiceError("请填写退回原因", details=[{"field": "comment", "reason": "退回须说明原因"}])
    order, _ = _move(actor=actor, order=order, action=StepAction.SEND_BACK, allowed=(S.REPORTED,), to=S.RETURNED, comment=comment,
                     source=source, changes={"reopen_count": lambda o: o.reopen_count + 1, "reported_at": None, "on_time": None, "handling_time": None})
    notify(region_code=order.region_code, order=order, title=f"工单 {order.number} 被退回重办", body=comment[:200])
    return order


def work_order_close(*, actor, order, comment="", source="page") -> WorkOrder:
    with transaction.atomic():
        order, _ = _move(actor=actor, order=order, action=StepAction.CLOSE, allowed=(S.APPROVED,), to=S.CLOSED, comment=comment,
                         source=source, changes={"closed_at": timezone.now()})
        if order.alert_id:
            alert_resolve_if_done(actor=actor, alert=order.alert)
    return order


def work_order_comment(*, actor, order, comment: str, source="page") -> WorkOrderStep:
    if not comment.strip():
        raise ServiceError("备注不能为空", details=[{"field": "comment", "reason": "必填"}])
    with transaction.atomic():
        return _step(order, actor, StepAction.COMMENT, order.status, comment)


def work_orders_escalate(*, now: datetime | None = None) -> int:
    """Overdue orders go to the level above (督办), again after each further deadline period; both are told."""
    now = now or timezone.now()
    done = 0
    candidates = WorkOrder.objects.filter(status__in=WORKING_STATUSES, deadline__lt=now).select_related("unit", "escalated_to")
    for order in candidates:
        due_level = 1 + int((now - order.deadline) / timedelta(hours=order.deadline_hours))
        if order.escalation_level >= due_level:
            continue
        above = parent_unit(order.escalated_to or order.unit)
        if above is None:
            continue
        with transaction.atomic():
            WorkOrder.objects.filter(pk=order.pk).update(escalation_level=F("escalation_level") + 1, escalated_to=above)
            order.refresh_from_db()
            overdue_hours = (now - order.deadline).total_seconds() / 3600
            _step(order, None, StepAction.ESCALATE, order.status, f"超期 {overdue_hours:.1f} 小时，督办至{above.name}", at=now)
            audit_write(actor=None, source="system", action="update", obj=order, region_code=order.region_code,
                        after={"escalation_level": order.escalation_level, "escalated_to": above.code})
            notify(region_code=order.region_code, order=order, title=f"督办：工单 {order.number} 已超期",
                   body=f"已超期 {overdue_hours:.1f} 小时，已报{above.name}督办，请立即处置")
            notify(region_code=above.code, order=order, title=f"督办：{order.unit.name}工单 {order.number} 超期未办",
                   body=f"{order.title}；期限 {timezone.localtime(order.deadline):%m-%d %H:%M}")
        done += 1
    return done
