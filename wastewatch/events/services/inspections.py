"""Patrol check-ins (巡检打卡): the inspector must stand at the site; the checklist of the site's kind gives the
score that feeds the estates' assessment; every failed item becomes an alert with the photo as its evidence."""
import math
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wastewatch.core.audit import audit_write
from wastewatch.core.errors import ServiceError

from ..choices import AlertKind, AlertSource, EvidenceKind, Severity
from ..models import AlertOccurrence, Checklist, Evidence, Inspection
from .alerts import alert_raise
from .evidence import evidence_store

CHECKIN_RADIUS_M = 150  # GPS on a phone between buildings drifts tens of metres; 150 m still means "at the site"


def distance_m(lon1, lat1, lon2, lat2) -> float:
    """Great-circle distance (haversine) in metres."""
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def checklist_for(site) -> Checklist:
    checklist = Checklist.objects.filter(site_kind=site.kind).first()
    if checklist is None:
        raise ServiceError(f"“{site.get_kind_display()}”类点位还没有检查表", details=[{"field": "site", "reason": "请先维护该类点位的检查表"}])
    return checklist


def score_of(checklist, answers: dict) -> tuple[Decimal, list[dict]]:
    total = sum(Decimal(str(i["points"])) for i in checklist.items) or Decimal(1)
    got = sum(Decimal(str(i["points"])) for i in checklist.items if answers.get(i["code"]))
    failed = [i for i in checklist.items if not answers.get(i["code"])]
    return (got * 100 / total).quantize(Decimal("0.1")), failed


def inspection_checkin(*, actor, site, lon: float, lat: float, photo: bytes, answers: dict, at: datetime | None = None,
                       note: str = "", source: str = "page") -> Inspection:
    at = at or timezone.now()
    checklist = checklist_for(site)
    details = []
    codes = {i["code"] for i in checklist.items}
    for code in set(answers) - codes:
        details.append({"field": f"answers.{code}", "reason": "不是该检查表的检查项"})
    for item in checklist.items:
        if not isinstance(answers.get(item["code"]), bool):
            details.append({"field": f"answers.{item['code']}", "reason": f"请填写“{item['text']}”是否合格"})
    if not photo:
        details.append({"field": "photo", "reason": "打卡须拍摄现场照片"})
    if site.lon is None or site.lat is None:
        details.append({"field": "site", "reason": "点位没有登记坐标，无法核验打卡位置"})
    if details:
        raise ServiceError("打卡信息不完整", details=details)
    away = distance_m(float(site.lon), float(site.lat), lon, lat)
    if away > CHECKIN_RADIUS_M:
        raise ServiceError("打卡位置距点位过远", code="too_far", details=[
            {"field": "lon", "reason": f"您距“{site.name}”约 {away:.0f} 米，须在 {CHECKIN_RADIUS_M} 米以内打卡"}])
    score, failed = score_of(checklist, answers)
    with transaction.atomic():
        evidence = evidence_store(actor=actor, content=photo, kind=EvidenceKind.IMAGE, source=AlertSource.INSPECTION,
                                  region_code=site.region_id, alert_kind=AlertKind.INSPECTION_PROBLEM, captured_at=at, field="photo")
        inspection = Inspection.objects.create(
            inspector=actor, site=site, estate_id=site.estate_id, region_code=site.region_id, at=at, lon=lon, lat=lat,
            distance_m=round(away, 1), photo=evidence, answers=answers, score=score, problems=len(failed), note=note[:500],
        )
        audit_write(actor=actor, source=source, action="create", obj=inspection, region_code=site.region_id,
                    after={"site": site.code, "score": str(score), "problems": len(failed)})
        if failed:
            ref = f"inspection:{inspection.pk}"
            alert = alert_raise(
                actor=actor, kind=AlertKind.INSPECTION_PROBLEM, source=AlertSource.INSPECTION, at=at, site=site,
                severity=Severity.MEDIUM if len(failed) > 1 else Severity.LOW,
                title=f"{site.name}巡查发现问题：{'；'.join(i['text'] for i in failed)}"[:200],
                message=note, evidence={"inspection": inspection.pk, "failed": [i["code"] for i in failed], "score": str(score)},
                source_ref=ref,
            )
            Evidence.objects.filter(pk=evidence.pk).update(alert=alert, occurrence=AlertOccurrence.objects.get(source_ref=ref))
    return inspection


def checklist_save(*, actor, site_kind: str, name: str, items: list[dict]) -> Checklist:
    details = []
    seen = set()
    for index, item in enumerate(items):
        if not str(item.get("code", "")).strip() or not str(item.get("text", "")).strip():
            details.append({"index": index, "field": "items", "reason": "检查项须有代码和内容"})
        if item.get("code") in seen:
            details.append({"index": index, "field": "items", "reason": f"检查项代码“{item.get('code')}”重复"})
        seen.add(item.get("code"))
        try:
            if Decimal(str(item.get("points"))) <= 0:
                raise ValueError
        except (ArithmeticError, ValueError):
            details.append({"index": index, "field": "items", "reason": "分值须为正数"})
    if not items:
        details.append({"field": "items", "reason": "至少一个检查项"})
    if details:
        raise ServiceError("检查表有误", details=details)
    with transaction.atomic():
        checklist, created = Checklist.objects.update_or_create(site_kind=site_kind, defaults={"name": name, "items": items})
        audit_write(actor=actor, source="page", action="create" if created else "update", obj=checklist, region_code="",
                    after={"name": name, "items": items})
    return checklist
