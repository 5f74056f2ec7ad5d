"""The simulator's AI camera platform (椒江区) and the day's scenario, played over the real signed API:

1. a camera sees a bag left outside the bins, with a passer-by's face in the picture → alert → work order for the
   community by rule; the community accepts, reports with a photo and its position; the street approves and closes;
2. a repeat at the same point within the window merges into that alert;
3. an overflow at another point is dispatched with a one-hour deadline and left alone: the escalation task sends it
   to the street when the hour has passed.
The people's steps (accept, report, approve, close) are taken through the services as the demo users would on the pages.
"""
import base64
import json
import secrets
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from wastewatch.accounts.models import User
from wastewatch.core.errors import ServiceError
from wastewatch.events.models import WorkOrder
from wastewatch.events.services import workorders
from wastewatch.interfaces import signing
from wastewatch.interfaces.clients import api_client_create
from wastewatch.interfaces.models import ApiClient
from wastewatch.registry.models import Device, Region

from .values import SHANGHAI

PATH = "/api/v1/events/camera-events"
PLATFORM_NAME = "{county}智能视频分析平台（模拟）"
FACE = Path(__file__).resolve().parents[2] / "events" / "data" / "astronaut.jpg"


class CameraPlatform:
    """One county's AI camera platform: its API client (secret kept only in memory, re-issued per run)."""

    def __init__(self, base_url: str, county6: str = "331002"):
        self.base_url = base_url.rstrip("/")
        region = Region.objects.get(code=county6 + "000000")
        ApiClient.objects.filter(name=PLATFORM_NAME.format(county=region.name), revoked_at__isnull=True).update(is_active=False)
        self.client, self.secret = api_client_create(actor=None, name=PLATFORM_NAME.format(county=region.name), region=region)

    def push(self, camera, kind: str, at, image: bytes, note: str) -> dict:
        event_id = f"sim-{at:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"
        body = json.dumps({
            "eventId": event_id, "deviceCode": camera.code, "alertType": kind, "alertTime": at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
            "confidence": 0.91, "description": note, "clipUrl": f"https://cam.demo.invalid/clips/{event_id}.mp4",
            "images": [{"data": base64.b64encode(image).decode()}],
        }, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", **signing.headers_for(self.client.app_key, self.secret, "POST", PATH, body)}
        request = urllib.request.Request(self.base_url + PATH, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


def _cameras(community):
    return list(Device.objects.filter(kind="camera", region=community, site__kind="dropoff", is_active=True).select_related("site"))


def play_day(base_url: str, say) -> dict:
    """Play the scenario once; returns what happened, for the runner's log."""
    worker = User.objects.filter(username="community_staff").select_related("region").first()
    checker = User.objects.filter(username="street_staff").first()
    if worker is None or checker is None:
        say("摄像告警场景：缺少演示账号，跳过")
        return {}
    cameras = _cameras(worker.region)
    if not cameras:
        say(f"摄像告警场景：{worker.region.name}没有投放点摄像头，跳过")
        return {}
    platform = CameraPlatform(base_url, worker.region_id[:6])
    face = FACE.read_bytes()
    now = timezone.now().replace(microsecond=0)
    first = platform.push(cameras[0], "bag_outside", now - timedelta(minutes=12), face, "行人将垃圾袋放在桶外后离开")
    repeat = platform.push(cameras[0], "bag_outside", now - timedelta(minutes=3), face, "同一点位再次出现桶外垃圾袋")
    order = WorkOrder.objects.filter(alert_id=first["alertId"]).first()
    if order is not None:
        workorders.work_order_accept(actor=worker, order=order)
        site = cameras[0].site
        workorders.work_order_report(actor=worker, order=order, comment="已将桶外垃圾袋分类投放，并提醒住户", photos=[face],
                                     lon=float(site.lon) if site.lon is not None else None, lat=float(site.lat) if site.lat is not None else None)
        workorders.work_order_approve(actor=checker, order=order, comment="照片清晰，现场已整洁")
        workorders.work_order_close(actor=checker, order=order)
    late = platform.push(cameras[-1], "overflow", now, face, "垃圾桶满溢")
    late_order = WorkOrder.objects.filter(alert_id=late["alertId"]).first()
    if late_order is not None and late_order.deadline_hours != 1 and late_order.status == "dispatched":
        # Left for the escalation task: tighten this one's deadline to an hour so the escalation shows today.
        WorkOrder.objects.filter(pk=late_order.pk).update(deadline_hours=1, deadline=late_order.dispatched_at + timedelta(hours=1))
    say(f"摄像告警场景：告警 #{first['alertId']}（重复推送合并为 {repeat['count']} 次）工单 {order.number if order else '—'} 已办结；"
        f"告警 #{late['alertId']} 工单 {late_order.number if late_order else '—'} 一小时后超期督办")
    return {"closed": order.number if order else None, "merged_count": repeat["count"], "overdue": late_order.number if late_order else None}


def play(base_url: str, say) -> dict:
    try:
        return play_day(base_url, say)
    except (urllib.error.URLError, OSError, ServiceError) as exc:
        say(f"摄像告警场景未能推送：{exc}")
        return {}
