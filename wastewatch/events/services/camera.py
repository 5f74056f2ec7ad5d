"""AI camera platforms push their detections here (signed like the data interfaces; a platform is an ApiClient of its
county). The raw request is archived as evidence before anything else; images are preserved with their digest; a
retry of the same event id answers with the alert it already raised."""
import base64
import binascii
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from wastewatch.core.errors import ServiceError
from wastewatch.registry.models import Device

from ..choices import AlertKind, AlertSource, EvidenceKind
from ..models import AlertOccurrence, CameraEvent
from .alerts import alert_raise
from .evidence import evidence_link, evidence_store

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAMERA_KINDS = {
    AlertKind.LITTERING, AlertKind.MIXED_DROPOFF, AlertKind.OVERFLOW, AlertKind.ILLEGAL_DUMPING, AlertKind.BAG_OUTSIDE,
    AlertKind.OFF_HOURS, AlertKind.FIRE,
}
MAX_IMAGES = 6


def _time(value, field):
    try:
        return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
    except ValueError:
        raise ServiceError("时间格式有误", details=[{"field": field, "reason": "应为 yyyy-MM-dd HH:mm:ss（北京时间）"}]) from None


def parse(body: bytes, post=None, files=None, *, field: str = "images") -> tuple[dict, list[tuple[bytes, str | None]]]:
    """The fields and the images (bytes, capture time) from a JSON body (images as base64, alone or as
    {"data", "capturedAt"}) or a multipart form (images as files)."""
    if files is not None and post is not None and (post or files):
        fields = {k: post.get(k) for k in post}
        images = [(f.read(), None) for f in files.getlist(field)]
        return fields, images
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise ServiceError("请求体不是合法的 JSON", details=[{"field": "", "reason": "请发送 JSON 或 multipart/form-data"}]) from None
    if not isinstance(data, dict):
        raise ServiceError("请求体应为 JSON 对象", details=[{"field": "", "reason": "应为 {...}"}])
    images = []
    details = []
    listed = data.pop(field, None) or []
    if not isinstance(listed, list):
        raise ServiceError("图片数据有误", details=[{"field": field, "reason": "应为数组"}])
    for index, item in enumerate(listed):
        raw = item.get("data") if isinstance(item, dict) else item
        try:
            images.append((base64.b64decode(str(raw).split(",")[-1], validate=True), item.get("capturedAt") if isinstance(item, dict) else None))
        except (binascii.Error, ValueError):
            details.append({"index": index, "field": field, "reason": "图片须为 base64 编码"})
    if details:
        raise ServiceError("图片数据有误", details=details)
    return data, images


def camera_event_receive(*, client, body: bytes, post=None, files=None) -> tuple[CameraEvent, bool]:
    """Returns (event, created). The whole event is accepted or refused: its images are its evidence."""
    data, images = parse(body, post, files)
    event_id = str(data.get("eventId") or "").strip()
    details = []
    if not event_id or len(event_id) > 64:
        details.append({"field": "eventId", "reason": "必填，不超过 64 个字符"})
    seen = CameraEvent.objects.filter(client=client, event_id=event_id).select_related("alert").first() if event_id else None
    if seen is not None:
        return seen, False
    kind = data.get("alertType")
    if kind not in CAMERA_KINDS:
        details.append({"field": "alertType", "reason": "可选：" + "、".join(f"{k}（{AlertKind(k).label}）" for k in sorted(CAMERA_KINDS))})
    device = Device.objects.select_related("site").filter(code=str(data.get("deviceCode") or ""), kind="camera").first()
    if device is None:
        details.append({"field": "deviceCode", "reason": "不是已登记的视频监控设备编码"})
    elif not client.scope.covers_region(device.region_id):
        details.append({"field": "deviceCode", "reason": "该设备不属于本县，不能由本系统推送"})
    if not images:
        details.append({"field": "images", "reason": "至少附一张抓拍图片"})
    if len(images) > MAX_IMAGES:
        details.append({"field": "images", "reason": f"每个事件最多 {MAX_IMAGES} 张图片"})
    clip = str(data.get("clipUrl") or "")
    if clip and not clip.startswith(("http://", "https://", "rtsp://")):
        details.append({"field": "clipUrl", "reason": "应为 http(s):// 或 rtsp:// 地址"})
    try:
        at = _time(data.get("alertTime"), "alertTime")
    except ServiceError as exc:
        at = None
        details += exc.details
    if details:
        raise ServiceError("告警事件有误", details=details)
    site = device.site
    ref = f"camera:{client.app_key}:{event_id}"
    try:
        with transaction.atomic():
            raw = evidence_store(actor=client, content=body, kind=EvidenceKind.RAW, source=AlertSource.CAMERA, region_code=device.region_id,
                                 alert_kind=kind, captured_at=at, device=device)
            confidence = data.get("confidence")
            alert = alert_raise(
                actor=client, kind=kind, source=AlertSource.CAMERA, at=at, site=site, device=device,
                lon=float(site.lon) if site.lon is not None else None, lat=float(site.lat) if site.lat is not None else None,
                title=f"{site.name}{AlertKind(kind).label}", message=str(data.get("description") or "")[:500], source_ref=ref,
                evidence={"eventId": event_id, "confidence": confidence, "images": len(images), "clipUrl": clip or None, "raw": raw.sm3},
            )
            occurrence = AlertOccurrence.objects.get(source_ref=ref)
            raw.alert, raw.occurrence = alert, occurrence
            raw.save(update_fields=["alert", "occurrence"])
            for index, (content, captured) in enumerate(images):
                evidence_store(actor=client, content=content, kind=EvidenceKind.IMAGE, source=AlertSource.CAMERA, region_code=device.region_id,
                               alert_kind=kind, captured_at=_time(captured, f"images[{index}].capturedAt") if captured else at,
                               device=device, alert=alert, occurrence=occurrence, index=index)
            if clip:
                evidence_link(actor=client, url=clip, source=AlertSource.CAMERA, region_code=device.region_id, alert_kind=kind,
                              captured_at=at, device=device, alert=alert, occurrence=occurrence)
            event = CameraEvent.objects.create(client=client, event_id=event_id, raw=raw, alert=alert, region_code=device.region_id)
    except IntegrityError:
        # The same event pushed twice at once: the other request stored it.
        return CameraEvent.objects.select_related("alert").get(client=client, event_id=event_id), False
    return event, True
