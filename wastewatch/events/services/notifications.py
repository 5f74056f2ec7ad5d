"""Notices of work-order steps: in the platform (every user of the unit sees them), to a webhook (HMAC-SM3 signed
JSON, for a county's own duty system or a staff-chat bot), and by SMS through an adapter a deployment plugs in."""
import json
import logging
import os
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from wastewatch.core.crypto import hmac_sm3_hex

from ..choices import Channel, DeliveryStatus
from ..models import Notification

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


def webhook_url() -> str:
    return getattr(settings, "EVENTS_WEBHOOK_URL", None) or os.environ.get("WASTEWATCH_EVENTS_WEBHOOK_URL", "")


def webhook_secret() -> str:
    return getattr(settings, "EVENTS_WEBHOOK_SECRET", None) or os.environ.get("WASTEWATCH_EVENTS_WEBHOOK_SECRET", "")


class SmsAdapter:
    """The interface an SMS gateway adapter implements; `send` raises on failure so the notice is retried."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LogSmsAdapter(SmsAdapter):
    """The default where no gateway is contracted: the text goes to the log, the notice counts as sent."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s****%s: %s", phone[:3], phone[-4:], text)


def sms_adapter() -> SmsAdapter | None:
    path = getattr(settings, "EVENTS_SMS_ADAPTER", None) or os.environ.get("WASTEWATCH_EVENTS_SMS_ADAPTER", "")
    return import_string(path)() if path else None


def notify(*, region_code: str, title: str, body: str = "", order=None) -> list[Notification]:
    """Notices to a unit on every configured channel; outbound ones are sent once the transaction commits."""
    channels = [Channel.PLATFORM] + ([Channel.WEBHOOK] if webhook_url() else []) + ([Channel.SMS] if sms_adapter() else [])
    rows = Notification.objects.bulk_create([
        Notification(region_code=region_code, order=order, channel=c, title=title[:200], body=body[:1000],
                     status=DeliveryStatus.SENT if c == Channel.PLATFORM else DeliveryStatus.PENDING)
        for c in channels
    ])
    outbound = [n.pk for n in rows if n.channel != Channel.PLATFORM and n.pk]
    if outbound:
        transaction.on_commit(lambda: notifications_deliver(ids=outbound))
    return rows


def _webhook(notification) -> None:
    body = json.dumps({
        "id": notification.pk, "region_code": notification.region_code, "title": notification.title, "body": notification.body,
        "order": notification.order.number if notification.order_id else None, "at": notification.created_at.isoformat(),
    }, ensure_ascii=False).encode("utf-8")
    timestamp = str(int(time.time() * 1000))
    headers = {"Content-Type": "application/json; charset=utf-8", "X-Timestamp": timestamp,
               "X-Signature": hmac_sm3_hex(webhook_secret().encode(), timestamp.encode() + b"\n" + body)}
    request = urllib.request.Request(webhook_url(), data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        if response.status >= 300:
            raise OSError(f"HTTP {response.status}")


def _sms(notification) -> None:
    from wastewatch.accounts.models import User

    adapter = sms_adapter()
    text = f"【垃圾分类监管】{notification.title}。{notification.body}"[:300]
    for user in User.objects.filter(region_id=notification.region_code, is_active=True):
        if user.phone:
            adapter.send(user.phone, text)


def notifications_deliver(*, ids=None) -> dict:
    """Send pending outbound notices (all, or these); a failure is kept for the next run, up to MAX_ATTEMPTS."""
    pending = Notification.objects.filter(status=DeliveryStatus.PENDING).exclude(channel=Channel.PLATFORM).select_related("order")
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    counts = {"sent": 0, "failed": 0}
    for notification in pending[:500]:
        notification.attempts += 1
        try:
            (_webhook if notification.channel == Channel.WEBHOOK else _sms)(notification)
            notification.status, notification.last_error = DeliveryStatus.SENT, ""
            counts["sent"] += 1
        except (OSError, urllib.error.URLError, ValueError) as exc:
            notification.last_error = str(exc)[:300]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = DeliveryStatus.FAILED
            counts["failed"] += 1
        notification.save(update_fields=["attempts", "status", "last_error"])
    return counts
