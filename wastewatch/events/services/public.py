"""Residents' reports (群众举报) from the public page and API, without an account: a kind, a description, photos,
where (the phone's position, or an estate chosen from the list) and an optional phone. Each becomes an alert with
source "public" through alert_raise, so it merges with what cameras and other residents reported at the same place
and is dispatched by the same rules; the photos are evidence like any camera's. The resident gets a receipt code
and follows the status by it; a per-sender and per-phone hourly limit keeps floods out."""
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from wastewatch.core.audit import audit_write
from wastewatch.core.crypto import hmac_sm3_hex
from wastewatch.core.errors import ServiceError
from wastewatch.core.geo import county_contains, to_wgs84
from wastewatch.registry.choices import SiteKind
from wastewatch.registry.models import Estate, Region, Site

from ..choices import AlertKind, AlertSource, AlertStatus, EvidenceKind, WorkOrderStatus
from ..models import AlertOccurrence, PublicReport
from .alerts import alert_raise
from .evidence import MAX_BYTES, evidence_store, image_type
from .inspections import distance_m

# What a resident can see from the street; vehicle, facility and device kinds are for the platform's own rules.
PUBLIC_KINDS = (
    AlertKind.LITTERING, AlertKind.MIXED_DROPOFF, AlertKind.OVERFLOW, AlertKind.ILLEGAL_DUMPING, AlertKind.BAG_OUTSIDE,
    AlertKind.OFF_HOURS, AlertKind.FIRE, AlertKind.MIXED_HAULING, AlertKind.OTHER,
)
MAX_PHOTOS = 3
MAX_DESCRIPTION = 500
PHONE = re.compile(r"1[3-9]\d{9}")
# A report this close to a registered drop-off or staging point is about that point (and merges with its cameras'
# alerts); within ESTATE_RADIUS_M of an estate it belongs to the estate's community; farther, to the county.
SITE_RADIUS_M = 80
ESTATE_RADIUS_M = 1500
NEAR_DEGREES = 0.02  # the box searched around a position before measuring (~2 km at Taizhou's latitude)
# Reports per sender address and per phone in the past hour; settings.PUBLIC_REPORT_LIMITS overrides.
DEFAULT_LIMITS = {"sender": 10, "phone": 5}
CITY_PREFIX = "3310"  # 台州市's counties
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread off a phone screen


def _keyed(value: str) -> str:
    return hmac_sm3_hex(settings.SECRET_KEY.encode(), value.encode()) if value else ""


def _limits() -> dict:
    return {**DEFAULT_LIMITS, **getattr(settings, "PUBLIC_REPORT_LIMITS", {})}


def _check_rate(*, sender_key: str, phone_key: str, now) -> None:
    limits, since = _limits(), now - timedelta(hours=1)
    recent = PublicReport.objects.filter(submitted_at__gte=since)
    if recent.filter(sender_key=sender_key).count() >= limits["sender"]:
        raise ServiceError(f"提交过于频繁：同一网络每小时最多提交 {limits['sender']} 条举报，请稍后再试", code="rate_limited", status=429,
                           details=[{"field": "", "reason": "超过每小时提交次数上限"}])
    if phone_key and recent.filter(phone_key=phone_key).count() >= limits["phone"]:
        raise ServiceError(f"提交过于频繁：同一手机号每小时最多提交 {limits['phone']} 条举报，请稍后再试", code="rate_limited", status=429,
                           details=[{"field": "phone", "reason": "该手机号超过每小时提交次数上限"}])


def _number(value, field, low, high, details):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        details.append({"field": field, "reason": f"应为 {low} 到 {high} 之间的数字"})
        return None
    return number


def _nearest(queryset, lon, lat, radius_m):
    """The row of the queryset (with lon/lat) nearest the point within radius_m, searched in a small box first."""
    box = queryset.filter(lon__gte=lon - NEAR_DEGREES, lon__lte=lon + NEAR_DEGREES, lat__gte=lat - NEAR_DEGREES, lat__lte=lat + NEAR_DEGREES)
    scored = [(distance_m(lon, lat, float(row.lon), float(row.lat)), row) for row in box]
    distance, row = min(scored, key=lambda pair: pair[0], default=(None, None))
    return row if distance is not None and distance <= radius_m else None


def _county_at(lon, lat) -> Region | None:
    # Official counties only: 台州湾新区 has no boundary of its own, and county_contains says yes to any point there.
    counties = Region.objects.filter(level="county", is_official=True, code__startswith=CITY_PREFIX)
    return next((c for c in counties if county_contains(c.code[:6], lon, lat)), None)


def locate(*, lon, lat, estate_code: str, details: list) -> dict:
    """Where the report is about: {"region_code", "site", "estate", "lon", "lat", "place", "name", "located_by"}.

    A position wins over a chosen estate: the phone stood there. Detail rows are appended for what cannot be used."""
    if lon is not None and lat is not None:
        site = _nearest(Site.objects.filter(kind__in=[SiteKind.DROPOFF, SiteKind.STAGING], is_active=True, lon__isnull=False)
                        .select_related("estate"), lon, lat, SITE_RADIUS_M)
        if site is not None:
            return {"region_code": site.region_id, "site": site, "estate": site.estate, "lon": lon, "lat": lat, "place": "",
                    "name": site.name, "located_by": "position"}
        estate = _nearest(Estate.objects.filter(is_active=True, lon__isnull=False), lon, lat, ESTATE_RADIUS_M)
        if estate is not None and county_contains(estate.region_id[:6], lon, lat):
            return {"region_code": estate.region_id, "site": None, "estate": estate, "lon": lon, "lat": lat, "place": "",
                    "name": f"{estate.name}附近", "located_by": "position"}
        county = _county_at(lon, lat)
        if county is not None:
            return {"region_code": county.code, "site": None, "estate": None, "lon": lon, "lat": lat, "place": "",
                    "name": f"{county.name}（{lon:.5f}, {lat:.5f}）", "located_by": "position"}
        details.append({"field": "lon", "reason": "所在位置不在台州市范围内；请确认定位，或改为选择小区"})
        return {}
    if estate_code:
        estate = Estate.objects.filter(code=estate_code, is_active=True).first()
        if estate is None:
            details.append({"field": "estate", "reason": "小区不存在，请从列表中选择"})
            return {}
        has_point = estate.lon is not None and estate.lat is not None
        return {"region_code": estate.region_id, "site": None, "estate": estate,
                "lon": float(estate.lon) if has_point else None, "lat": float(estate.lat) if has_point else None,
                "place": f"estate:{estate.pk}", "name": estate.name, "located_by": "estate"}
    details.append({"field": "estate", "reason": "请允许获取定位，或选择问题所在的小区"})
    return {}


def _receipt() -> str:
    return "JB" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


def public_report_submit(*, actor=None, sender: str, data: dict, photos: list[bytes], source: str = "page") -> PublicReport:
    """Check everything, naming each field that is wrong (all at once, so one answer fixes the form); then store
    the report, its alert and its photos in one transaction. `sender` is the client's address, kept only as a
    keyed digest for the rate limit; `actor` is None: residents report without an account."""
    now = timezone.now()
    phone = re.sub(r"[\s-]", "", str(data.get("phone") or ""))
    sender_key, phone_key = _keyed(sender or "unknown"), _keyed(phone) if phone else ""
    _check_rate(sender_key=sender_key, phone_key=phone_key if PHONE.fullmatch(phone) else "", now=now)

    details = []
    kind = str(data.get("kind") or "")
    if kind not in PUBLIC_KINDS:
        details.append({"field": "kind", "reason": "请选择问题类型：" + "、".join(AlertKind(k).label for k in PUBLIC_KINDS)})
    description = str(data.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        details.append({"field": "description", "reason": f"问题描述不超过 {MAX_DESCRIPTION} 字，当前 {len(description)} 字"})
    if not description and not photos:
        details.append({"field": "description", "reason": "请拍照或填写问题描述（至少一项）"})
    if phone and not PHONE.fullmatch(phone):
        details.append({"field": "phone", "reason": "请填写 11 位手机号码，或留空"})
    if len(photos) > MAX_PHOTOS:
        details.append({"field": "photos", "reason": f"最多上传 {MAX_PHOTOS} 张照片"})
    for index, content in enumerate(photos[:MAX_PHOTOS]):
        if len(content) > MAX_BYTES:
            details.append({"index": index, "field": "photos", "reason": f"第 {index + 1} 张照片超过 {MAX_BYTES // 1024 // 1024} MB"})
        elif not image_type(content):
            details.append({"index": index, "field": "photos", "reason": "仅支持 JPEG 或 PNG 图片"})
    lon = _number(data.get("lon"), "lon", -180, 180, details)
    lat = _number(data.get("lat"), "lat", -90, 90, details)
    if (lon is None) != (lat is None) and not any(d["field"] in ("lon", "lat") for d in details):
        details.append({"field": "lon" if lon is None else "lat", "reason": "经度和纬度须同时提供"})
        lon = lat = None
    system = str(data.get("coordSystem") or "wgs84").lower()
    if system not in ("wgs84", "gcj02", "bd09"):
        details.append({"field": "coordSystem", "reason": "可选 wgs84（手机浏览器定位）、gcj02 或 bd09"})
    elif lon is not None and lat is not None:
        lon, lat = to_wgs84(lon, lat, system)
    where = locate(lon=lon, lat=lat, estate_code=str(data.get("estate") or "").strip(), details=details) if not any(
        d["field"] in ("lon", "lat", "coordSystem") for d in details) else {}
    if details:
        raise ServiceError("举报信息有误，请按提示修改后再提交", details=details)

    label = AlertKind(kind).label
    for _ in range(3):
        try:
            return _store(actor=actor, kind=kind, label=label, description=description, phone=phone, phone_key=phone_key,
                          sender_key=sender_key, where=where, photos=photos, at=now, source=source)
        except IntegrityError:  # the one-in-a-trillion receipt collision: draw again
            continue
    raise ServiceError("暂时无法生成回执码，请稍后再试", code="unavailable", status=503)


def _store(*, actor, kind, label, description, phone, phone_key, sender_key, where, photos, at, source) -> PublicReport:
    receipt = _receipt()
    ref = f"public:{receipt}"
    with transaction.atomic():
        alert = alert_raise(
            actor=actor, kind=kind, source=AlertSource.PUBLIC, at=at, title=f"群众举报：{where['name']}{label}",
            region_code=where["region_code"], site=where["site"], lon=where["lon"], lat=where["lat"], place=where["place"],
            message=description, source_ref=ref, evidence={"receipt": receipt, "photos": len(photos), "located_by": where["located_by"]},
        )
        occurrence = AlertOccurrence.objects.get(source_ref=ref)
        report = PublicReport.objects.create(
            receipt=receipt, kind=kind, description=description, phone=phone, phone_key=phone_key, sender_key=sender_key,
            lon=where["lon"], lat=where["lat"], located_by=where["located_by"], estate=where["estate"], site=where["site"],
            region_code=where["region_code"], alert=alert, occurrence=occurrence,
        )
        for index, content in enumerate(photos):
            evidence_store(actor=actor, content=content, kind=EvidenceKind.IMAGE, source=AlertSource.PUBLIC, region_code=where["region_code"],
                           alert_kind=kind, captured_at=at, alert=alert, occurrence=occurrence, field="photos", index=index)
        audit_write(actor=actor, source=source, action="create", obj=report, region_code=report.region_code,
                    after={"receipt": receipt, "kind": kind, "alert": alert.pk, "photos": len(photos), "located_by": where["located_by"]})
    return report


# --- what the resident sees by the receipt code ----------------------------------------------------------------

def public_report_status(*, receipt: str) -> dict | None:
    """The report's status and outcome for its reporter: no personal data, nothing of other reports (not even how
    many there were). None for an unknown code."""
    report = (PublicReport.objects.filter(receipt=str(receipt or "").strip().upper())
              .select_related("alert").first())
    if report is None:
        return None
    alert = report.alert
    order = alert.work_orders.select_related("unit").order_by("-created_at").first()
    outcome, done_at = "", None
    if alert.status == AlertStatus.FALSE_POSITIVE:
        status, outcome = "已核实", "经现场核实，未发现所反映的问题。感谢您的监督！"
    elif alert.status == AlertStatus.RESOLVED:
        report_step = order.steps.filter(action="report").order_by("-at").first() if order else None
        status, done_at = "已办结", order.closed_at or order.reported_at if order else alert.updated_at
        outcome = (report_step.comment if report_step and report_step.comment else "问题已处理完毕。") + " 感谢您的监督！"
    elif order is None or order.status == WorkOrderStatus.PENDING:
        status = "已受理，正在安排处理"
    elif order.status == WorkOrderStatus.DISPATCHED:
        status = f"已交{order.unit.name}处理"
    elif order.status in (WorkOrderStatus.REPORTED, WorkOrderStatus.APPROVED):
        status = f"{order.unit.name}已处理，正在核查"
    else:
        status = f"{order.unit.name}正在处理"
    return {"receipt": report.receipt, "kind": report.kind, "kind_label": report.get_kind_display(), "submitted_at": report.submitted_at,
            "status": status, "outcome": outcome, "done_at": done_at}


def sender_address(request) -> str:
    """The client's address for the rate limit. X-Forwarded-For is believed only from a proxy named in
    settings.TRUSTED_PROXIES (its last entry is what that proxy saw); anyone can write the header."""
    address = request.META.get("REMOTE_ADDR", "")
    if address in getattr(settings, "TRUSTED_PROXIES", ()):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        address = forwarded[-1] if forwarded else address
    return address
