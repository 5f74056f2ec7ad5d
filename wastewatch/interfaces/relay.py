"""The provincial relay: a transactional outbox that forwards the 22 provincial interfaces to the provincial platform.

Enqueue. `relay_message` gives the push pipeline the message it writes with the record, in the same transaction,
so a record change and its outbox message commit or roll back together (DESIGN rule 6). Only stored changes are queued
(accepted, updated, deleted); unchanged and rejected records are not. A city replay that changes data is queued
like any push, because the province must end up with what the city holds.

Order. Messages are sent strictly in order per (interface, business key): a message is not sent while an older
message of the same key is pending *or dead*. A dead letter blocks its key until someone retries it on the page,
because sending the newer state first and the older one on retry would leave the province with stale data.

Operation. The province sees I for the first successful send of a key (or the first after a D), U for every later
send, D for a delete: a key is never sent twice as new. It is decided at send time from the messages of the key
already sent, so it does not depend on what happened to messages that were never delivered.

Delivery. One record per request: POST <WASTEWATCH_PROVINCE_URL>/<provincial_path> with the body
`{"records": [{"uid", "operation", ...fields}]}`, signed like the county pushes (`signing.headers_for`, the city's
own app key and secret for the province, HMAC-SM3 over method, URL path, timestamp, nonce and the body's SM3) and
carrying `Idempotency-Key: <message uuid>`, the same on every attempt, so the province can drop a retried send it
already applied (a connection lost after the province committed is otherwise indistinguishable from a lost request).

Success (an assumption: the provincial access spec is not public, see reference/provincial-interfaces.md): an HTTP
2xx answer whose body is a JSON object with `"code"` equal to 0 (number or string). Anything else — another status,
a body that is not JSON, a non-zero code (a business error), a timeout, a dropped connection — is a failed attempt.

Retry. A failed attempt is retried after 1, 2, 4, 8, 16, 32 minutes and then every 60 minutes; after
WASTEWATCH_RELAY_MAX_ATTEMPTS attempts (default 8, about two hours) the message is dead-lettered. A drainer claims a
message by moving its next attempt past the request timeout before sending, without holding a transaction over the
network; a drainer that dies mid-send leaves the message pending, and the next drain after the claim expires sends
it again with the same Idempotency-Key. The claim counts as the attempt, so a message whose sends keep being cut
off ends as a dead letter too. With WASTEWATCH_PROVINCE_URL empty the relay is off: messages are queued and stay
pending.
"""
import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from wastewatch.core.audit import audit_write
from wastewatch.core.errors import ServiceError

from . import catalogue, personal, signing
from .models import RelayMessage

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 3600
# A claimed message is not due again until the request has surely ended.
CLAIM_SECONDS = TIMEOUT_SECONDS + 50
DRAIN_LIMIT = 500
Status = RelayMessage.Status


def enabled() -> bool:
    return bool(settings.WASTEWATCH_PROVINCE_URL)


def max_attempts() -> int:
    return settings.WASTEWATCH_RELAY_MAX_ATTEMPTS


def backoff(attempts: int) -> timedelta:
    """The wait after the attempts-th failed attempt: 1, 2, 4 ... minutes, capped at an hour."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS))


# --- enqueue -------------------------------------------------------------------------------------------------


def relay_message(*, spec, batch, key: str, uid: str, data: dict, deleted: bool, existed: bool) -> RelayMessage | None:
    """The outbox message of a stored change of a provincial interface, unsaved: the push pipeline writes it
    with the record in the batch's transaction, so a record change and its message commit or roll back together.

    The operation is provisional (D, or I/U by whether the key was stored before) and settled when it is sent."""
    if not spec.provincial:
        return None
    operation = RelayMessage.Operation
    return RelayMessage(
        interface=spec.code, key=key, region_code=batch.region_code, batch=batch,
        operation=operation.DELETE if deleted else operation.UPDATE if existed else operation.INSERT,
        payload={"uid": uid, **personal.seal(spec, data)},
    )


def _insert_or_update(interface: str, key: str, *, before_id) -> str:
    """I when the key has no earlier sent message or the latest one sent was a delete, else U."""
    latest = (RelayMessage.objects.filter(interface=interface, key=key, id__lt=before_id, status=Status.SENT)
              .order_by("-id").values_list("operation", flat=True).first())
    return RelayMessage.Operation.INSERT if latest in (None, RelayMessage.Operation.DELETE) else RelayMessage.Operation.UPDATE


# --- drain ---------------------------------------------------------------------------------------------------


def blockers():
    """For a subquery: the older pending or dead messages of the outer message's key, which it must wait behind."""
    return RelayMessage.objects.filter(
        interface=OuterRef("interface"), key=OuterRef("key"), id__lt=OuterRef("id"), status__in=(Status.PENDING, Status.DEAD),
    )


def due_heads(now):
    """Pending messages due by `now` with no older pending or dead message of the same key, oldest first."""
    return (RelayMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
            .exclude(Exists(blockers())).order_by("id"))


def relay_drain(*, now=None, limit: int = DRAIN_LIMIT) -> dict:
    """Send what is due, in order per key, until nothing is due or `limit` attempts were made; returns the counts.

    `now` fixes the clock (tests, and the command's --now); by default the real time is read at every step.
    Each round takes the current heads of their keys: a success lets the key's next message be a head in the
    next round, a failure moves the key's head into the future, so every round makes progress."""
    clock = (lambda: now) if now is not None else timezone.now
    counts = {"sent": 0, "failed": 0, "dead": 0}
    if not enabled():
        return counts
    attempts = 0
    while attempts < limit:
        heads = list(due_heads(clock())[: limit - attempts])
        if not heads:
            break
        for message in heads:
            if not _claim(message, clock()):
                continue  # another drainer has it
            attempts += 1
            counts[_deliver(message, clock)] += 1
    return counts


def _claim(message: RelayMessage, now) -> bool:
    """Take the message for one attempt: count the attempt and push its next attempt past the request, in one update.

    A conditional UPDATE rather than a lock, so that no transaction stays open during the request."""
    claimed = RelayMessage.objects.filter(pk=message.pk, status=Status.PENDING, attempts=message.attempts, next_attempt_at__lte=now).update(
        attempts=message.attempts + 1, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS),
    )
    message.attempts += 1
    return claimed == 1


def _deliver(message: RelayMessage, clock) -> str:
    """One attempt; records the outcome and answers 'sent', 'failed' or 'dead'."""
    message.operation = _operation(message)
    if message.attempts > max_attempts():  # earlier claims ended without an outcome (the drainer died)
        error = "发送过程多次中断，未得到省平台应答"
    else:
        error = _send(message)
    now = clock()
    if error is None:
        RelayMessage.objects.filter(pk=message.pk).update(status=Status.SENT, sent_at=now, operation=message.operation, last_error="")
        return "sent"
    dead = message.attempts >= max_attempts()
    RelayMessage.objects.filter(pk=message.pk).update(
        status=Status.DEAD if dead else Status.PENDING, last_error=f"第 {message.attempts} 次发送失败：{error}"[:2000],
        next_attempt_at=now if dead else now + backoff(message.attempts), operation=message.operation,
    )
    log.warning("relay %s %s attempt %s failed: %s", message.interface, message.key, message.attempts, error)
    return "dead" if dead else "failed"


def _operation(message: RelayMessage) -> str:
    """D for a delete; otherwise I unless the key was already sent (and not deleted since): never twice as new."""
    if message.operation == RelayMessage.Operation.DELETE:
        return message.operation
    return _insert_or_update(message.interface, message.key, before_id=message.pk)


def _request(message: RelayMessage) -> urllib.request.Request:
    spec = catalogue.get(message.interface)
    url = settings.WASTEWATCH_PROVINCE_URL.rstrip("/") + "/" + spec.provincial_path
    record = {"uid": message.payload.get("uid", ""), "operation": message.operation,
              **{k: v for k, v in personal.unseal(spec, message.payload).items() if k != "uid"}}
    body = json.dumps({"records": [record]}, ensure_ascii=False).encode("utf-8")
    headers = signing.headers_for(settings.WASTEWATCH_PROVINCE_APP_KEY, settings.WASTEWATCH_PROVINCE_SECRET, "POST", urlsplit(url).path, body)
    headers.update({"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": str(message.message_id)})
    return urllib.request.Request(url, data=body, method="POST", headers=headers)


def _send(message: RelayMessage) -> str | None:
    """POST the message; None on success, else the reason in Chinese."""
    try:
        with urllib.request.urlopen(_request(message), timeout=TIMEOUT_SECONDS) as response:
            return _answer_error(response.status, response.read())
    except urllib.error.HTTPError as exc:
        return f"省平台返回 HTTP {exc.code}：{_snippet(exc.read())}"
    except TimeoutError:
        return f"省平台 {TIMEOUT_SECONDS} 秒内没有应答"
    except (urllib.error.URLError, OSError) as exc:  # refused, reset, closed without an answer
        return f"连接省平台失败：{getattr(exc, 'reason', exc)}"
    except Exception as exc:  # noqa: BLE001 - e.g. http.client.RemoteDisconnected subclasses; never lose the message
        return f"发送异常：{exc!r}"


def _answer_error(status: int, raw: bytes) -> str | None:
    """The success criterion of the module docstring: 2xx and a JSON object with code 0."""
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return f"省平台应答不是 JSON（HTTP {status}）：{_snippet(raw)}"
    if not 200 <= status < 300:
        return f"省平台返回 HTTP {status}：{_snippet(raw)}"
    if not isinstance(answer, dict):
        return f"省平台应答不是 JSON 对象：{_snippet(raw)}"
    if str(answer.get("code")) != "0":
        return f"省平台返回业务错误：code={answer.get('code')} {answer.get('message') or answer.get('msg') or ''}".strip()
    return None


def _snippet(raw: bytes) -> str:
    return raw[:200].decode("utf-8", "replace")


# --- the page ------------------------------------------------------------------------------------------------


def relay_retry(*, actor, message: RelayMessage) -> RelayMessage:
    """Put a dead letter back in the queue, due now, with a fresh attempt count; audited."""
    if message.status != Status.DEAD:
        raise ServiceError("只有发送失败的消息可以重新发送")
    with transaction.atomic():
        before = {"status": message.status, "attempts": message.attempts}
        message.status, message.attempts, message.next_attempt_at = Status.PENDING, 0, timezone.now()
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        audit_write(actor=actor, source="page", action="update", obj=message, region_code=message.region_code,
                    before=before, after={"status": message.status, "attempts": 0})
    return message


def status_counts(messages) -> dict:
    """Messages per status, every status present."""
    counts = dict(messages.values_list("status").annotate(n=Count("id")).order_by())
    return {status: counts.get(status, 0) for status in Status.values}


def relay_summary() -> dict:
    """Counts per status over the whole outbox, for the command and the logs."""
    return status_counts(RelayMessage.objects.all())
