"""The provincial relay end to end: pushes through the real API, drained to a real HTTP receiver on loopback that
checks signatures, answers errors and drops connections on demand."""
import copy
import json
import threading
from collections import deque
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.http import Http404
from django.utils import timezone

from wastewatch.accounts.models import User
from wastewatch.core.models import AuditRecord
from wastewatch.interfaces import catalogue, clients, relay, selectors, signing
from wastewatch.interfaces.models import RelayMessage
from wastewatch.interfaces.tests.conftest import COMMUNITY, estate, signed_push
from wastewatch.registry.models import Estate, Region

pytestmark = pytest.mark.django_db
PROVINCE_KEY, PROVINCE_SECRET = "city331000", "province-shared-secret"
OK, SERVER_ERROR, BUSINESS_ERROR, DROP = "ok", "500", "business", "drop"


class Province:
    """A stand-in for the provincial platform: verifies each request's signature, records it, and answers with the
    next queued behaviour (default: success). It dedupes applied records by Idempotency-Key, as the relay expects."""

    def __init__(self):
        self.requests, self.behaviours, self.default = [], deque(), OK
        self.applied = {}  # Idempotency-Key -> record, what the province holds
        province = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                province.handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def handle(self, request):
        body = request.rfile.read(int(request.headers["Content-Length"]))
        h = request.headers
        text = signing.string_to_sign("POST", request.path, h["X-Timestamp"], h["X-Nonce"], body)
        signed = h["X-App-Key"] == PROVINCE_KEY and h["X-Signature"] == signing.sign(PROVINCE_SECRET, text, h["X-Sign-Method"])
        record = json.loads(body)["records"][0]
        behaviour = self.behaviours.popleft() if self.behaviours else self.default
        self.requests.append({"path": request.path, "signed": signed, "key": h["Idempotency-Key"], "record": record, "behaviour": behaviour})
        if not signed:
            return self.answer(request, 401, {"code": 401, "message": "签名错误"})
        if behaviour in (OK, DROP):
            self.applied.setdefault(h["Idempotency-Key"], record)
        if behaviour == DROP:
            return  # applied, then the connection closes without an answer
        if behaviour == SERVER_ERROR:
            return self.answer(request, 500, {"message": "internal error"})
        if behaviour == BUSINESS_ERROR:
            return self.answer(request, 200, {"code": 1001, "message": "数据校验不通过"})
        self.answer(request, 200, {"code": 0, "message": "成功"})

    @staticmethod
    def answer(request, status, payload):
        raw = json.dumps(payload, ensure_ascii=False).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(raw)))
        request.end_headers()
        request.wfile.write(raw)

    def delivered(self):
        """(operation, unitName-or-key) of the requests the province answered with success, in arrival order."""
        return [(r["record"]["operation"], r["record"].get("unitName")) for r in self.requests if r["behaviour"] == OK and r["signed"]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def province(settings):
    receiver = Province()
    settings.WASTEWATCH_PROVINCE_URL = receiver.url
    settings.WASTEWATCH_PROVINCE_APP_KEY = PROVINCE_KEY
    settings.WASTEWATCH_PROVINCE_SECRET = PROVINCE_SECRET
    settings.WASTEWATCH_RELAY_MAX_ATTEMPTS = 4
    yield receiver
    receiver.close()


def push(system, code, records):
    response = signed_push(system, code, records)
    assert response.status_code == 200, response.content
    return response.json()


def messages_of(serial, community=COMMUNITY):
    return list(RelayMessage.objects.filter(interface="estate", key=f"{community}{serial:06d}").order_by("id"))


def test_a_pushed_provincial_record_is_sent_signed_to_its_provincial_path(province, county_system):
    push(county_system, "estate", [estate(800001)])
    (message,) = messages_of(800001)
    assert (message.status, message.operation, message.region_code) == ("pending", "I", "331002000000")
    assert relay.relay_drain() == {"sent": 1, "failed": 0, "dead": 0}
    (request,) = province.requests
    assert request["signed"] and request["path"] == "/api/v1/rubbishunit/neighbourhoodInfo"
    assert request["key"] == str(message.message_id)
    assert request["record"]["unitCode"] == f"{COMMUNITY}800001" and request["record"]["uid"] == "u800001"
    assert request["record"]["operation"] == "I" and "coordSystem" not in request["record"]
    message.refresh_from_db()
    assert message.status == "sent" and message.sent_at is not None and message.attempts == 1
    assert relay.relay_drain() == {"sent": 0, "failed": 0, "dead": 0}, "a sent message is never sent again"


def test_a_wrong_signature_is_refused_by_the_province_and_retried(province, county_system, settings):
    settings.WASTEWATCH_PROVINCE_SECRET = "not-the-shared-secret"
    push(county_system, "estate", [estate(800002)])
    assert relay.relay_drain()["failed"] == 1
    assert not province.requests[0]["signed"]
    assert "HTTP 401" in messages_of(800002)[0].last_error


def test_local_interfaces_and_unchanged_or_rejected_records_are_not_relayed(province, county_system):
    outlet = copy.deepcopy(catalogue.get("recycling-outlet").example)
    assert push(county_system, "recycling-outlet", [outlet])["accepted"] == 1
    assert not RelayMessage.objects.filter(interface="recycling-outlet").exists()
    push(county_system, "estate", [estate(800003)])
    answer = push(county_system, "estate", [estate(800003), estate(800004, orgCode="331003001001", unitCode="331003001001800004")])
    assert [r["status"] for r in answer["results"]] == ["unchanged", "rejected"]
    assert RelayMessage.objects.count() == 1
    relay.relay_drain()
    assert [r["path"] for r in province.requests] == ["/api/v1/rubbishunit/neighbourhoodInfo"]


def test_order_per_key_is_kept_when_the_first_send_fails(province, county_system):
    push(county_system, "estate", [estate(800005)])
    push(county_system, "estate", [estate(800005, operation="U", unitName="改名一次")])
    push(county_system, "estate", [estate(800006)])
    province.behaviours.extend([SERVER_ERROR])
    now = timezone.now()
    assert relay.relay_drain(now=now) == {"sent": 1, "failed": 1, "dead": 0}
    # The update waited behind the failed insert of its key; the other key went ahead.
    assert [r["record"]["unitCode"][-6:] for r in province.requests] == ["800005", "800006"]
    first, second = messages_of(800005)
    assert (first.status, second.status, second.attempts) == ("pending", "pending", 0)
    assert relay.relay_drain(now=now + timedelta(seconds=59))["sent"] == 0, "not due before its back-off"
    assert relay.relay_drain(now=now + timedelta(minutes=1)) == {"sent": 2, "failed": 0, "dead": 0}
    assert [d for d in province.delivered() if d[1] != "推送小区800006"] == [("I", "推送小区800005"), ("U", "改名一次")]


def test_failures_back_off_exponentially_then_dead_letter_and_a_page_retry_resumes_in_order(
        province, county_system, city_admin, county_admin, page_client):
    push(county_system, "estate", [estate(800007)])
    push(county_system, "estate", [estate(800007, unitName="改名")])
    province.default = SERVER_ERROR
    now, waits = timezone.now(), []
    for attempt in range(1, 4):
        assert relay.relay_drain(now=now) == {"sent": 0, "failed": 1, "dead": 0}
        head = messages_of(800007)[0]
        waits.append(head.next_attempt_at - now)
        assert head.attempts == attempt and "HTTP 500" in head.last_error
        now = head.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert relay.relay_drain(now=now) == {"sent": 0, "failed": 0, "dead": 1}
    dead, waiting = messages_of(800007)
    assert (dead.status, dead.attempts, waiting.status) == ("dead", 4, "pending")
    assert relay.relay_drain(now=now + timedelta(days=1))["sent"] == 0, "a dead letter blocks its key"
    assert [r["record"]["unitName"] for r in province.requests] == ["推送小区800007"] * 4

    page = page_client(city_admin).get("/interfaces/relay/?status=dead").content.decode()
    assert f'data-message="{dead.pk}"' in page and "重新发送" in page and "HTTP 500" in page
    assert page_client(county_admin).post(f"/interfaces/relay/{dead.pk}/retry/").status_code == 403
    response = page_client(city_admin).post(f"/interfaces/relay/{dead.pk}/retry/", {"next": "https://elsewhere.example/"})
    assert response.status_code == 302 and response["Location"] == "/interfaces/relay/"
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == ("pending", 0)
    audit = AuditRecord.objects.get(content_type__model="relaymessage", object_pk=str(dead.pk))
    assert audit.actor == city_admin and audit.before["status"] == "dead" and audit.after["status"] == "pending"

    province.default = OK
    assert relay.relay_drain() == {"sent": 2, "failed": 0, "dead": 0}
    assert province.delivered() == [("I", "推送小区800007"), ("U", "改名")]


def test_a_business_error_is_a_failed_attempt(province, county_system):
    push(county_system, "estate", [estate(800008)])
    province.behaviours.append(BUSINESS_ERROR)
    assert relay.relay_drain()["failed"] == 1
    assert "业务错误" in messages_of(800008)[0].last_error and "1001" in messages_of(800008)[0].last_error


def test_a_key_is_never_sent_twice_as_new(province, county_system):
    push(county_system, "estate", [estate(800009)])
    relay.relay_drain()
    push(county_system, "estate", [estate(800009, unitName="县里又当新增推了一次")])  # the county says I again
    push(county_system, "estate", [estate(800009, operation="D")])
    push(county_system, "estate", [estate(800009, unitName="删除后重建")])
    relay.relay_drain()
    assert [(r["record"]["operation"], r["record"]["unitName"]) for r in province.requests] == [
        ("I", "推送小区800009"), ("U", "县里又当新增推了一次"), ("D", "县里又当新增推了一次"), ("I", "删除后重建")]
    assert [m.operation for m in messages_of(800009)] == ["I", "U", "D", "I"]


def test_a_dropped_connection_is_retried_with_the_same_idempotency_key(province, county_system):
    push(county_system, "estate", [estate(800010)])
    province.behaviours.append(DROP)
    now = timezone.now()
    assert relay.relay_drain(now=now) == {"sent": 0, "failed": 1, "dead": 0}
    (message,) = messages_of(800010)
    assert message.status == "pending" and "连接省平台失败" in message.last_error
    assert relay.relay_drain(now=now + timedelta(minutes=1))["sent"] == 1
    first, second = province.requests
    assert first["key"] == second["key"] == str(message.message_id)
    assert first["record"]["operation"] == second["record"]["operation"] == "I"
    assert len(province.applied) == 1, "the province applied it once"


def test_a_restart_continues_from_the_database(province, county_system, monkeypatch):
    push(county_system, "estate", [estate(800011 + i) for i in range(3)])
    assert relay.relay_drain(limit=1)["sent"] == 1  # a drain stopped after one message

    # The next process dies after the province answered and before the outcome was written.
    real_send = relay._send

    def send_then_die(message):
        real_send(message)
        raise SystemExit("killed")

    monkeypatch.setattr(relay, "_send", send_then_die)
    now = timezone.now()
    with pytest.raises(SystemExit):
        relay.relay_drain(now=now)
    monkeypatch.setattr(relay, "_send", real_send)
    claimed = RelayMessage.objects.get(key=f"{COMMUNITY}800012")
    assert claimed.status == "pending" and claimed.attempts == 1

    # A fresh drainer: the claimed message waits out its claim, the rest continue; nothing is lost or sent as new twice.
    assert relay.relay_drain(now=now) == {"sent": 1, "failed": 0, "dead": 0}
    assert relay.relay_drain(now=now + timedelta(seconds=relay.CLAIM_SECONDS)) == {"sent": 1, "failed": 0, "dead": 0}
    assert set(RelayMessage.objects.values_list("status", flat=True)) == {"sent"}
    resent = [r for r in province.requests if r["record"]["unitCode"].endswith("800012")]
    assert len(resent) == 2 and resent[0]["key"] == resent[1]["key"] and {r["record"]["operation"] for r in resent} == {"I"}
    assert len(province.applied) == 3


def test_a_message_whose_sends_keep_being_cut_off_ends_as_a_dead_letter(province, county_system, monkeypatch):
    push(county_system, "estate", [estate(800017)])

    def die(message):
        raise SystemExit("killed")

    monkeypatch.setattr(relay, "_send", die)
    now = timezone.now()
    for _ in range(4):  # WASTEWATCH_RELAY_MAX_ATTEMPTS
        with pytest.raises(SystemExit):
            relay.relay_drain(now=now)
        now += timedelta(seconds=relay.CLAIM_SECONDS)
    assert relay.relay_drain(now=now) == {"sent": 0, "failed": 0, "dead": 1}
    (message,) = messages_of(800017)
    assert message.status == "dead" and "中断" in message.last_error


def test_a_disabled_relay_keeps_messages_pending_and_says_so(county_system, settings, city_admin, page_client):
    settings.WASTEWATCH_PROVINCE_URL = ""
    push(county_system, "estate", [estate(800014)])
    assert relay.relay_drain() == {"sent": 0, "failed": 0, "dead": 0}
    assert messages_of(800014)[0].status == "pending"
    page = page_client(city_admin).get("/interfaces/relay/").content.decode()
    assert 'id="relay-disabled"' in page and "待发送 1" in page


def test_a_county_sees_only_its_own_messages_and_the_health_page_counts_them(county_system, city_admin, county_admin, page_client, settings):
    settings.WASTEWATCH_PROVINCE_URL = ""
    community = Region.objects.filter(level="community", code__startswith="331003").values_list("code", flat=True).first()
    huangyan = clients.api_client_create(actor=city_admin, name="黄岩区垃圾分类系统", region=Region.objects.get(code="331003000000"))
    push(county_system, "estate", [estate(800015)])
    place = Estate.objects.filter(region__code__startswith="331003").values("lon", "lat").first()
    assert push(huangyan, "estate", [estate(800016, community=community, lon=str(place["lon"]), lat=str(place["lat"]))])["accepted"] == 1
    other = messages_of(800016, community)[0]
    assert other.region_code == "331003000000"

    own = page_client(county_admin)
    page = own.get("/interfaces/relay/").content.decode()
    assert f"{COMMUNITY}800015" in page and f"{community}800016" not in page
    assert f"{community}800016" not in own.get("/interfaces/relay/?county=331003").content.decode()
    with pytest.raises(Http404):
        selectors.relay_message_get(user=county_admin, pk=other.pk)
    assert f"{community}800016" in page_client(User.objects.get(username="huangyan_admin")).get("/interfaces/relay/").content.decode()
    assert f"{community}800016" in page_client(city_admin).get("/interfaces/relay/?county=331003").content.decode()

    health = page_client(city_admin).get("/interfaces/health/")
    backlog = {row[0]: row[4] for row in health.context["rows"]}
    assert backlog["331002"] == {"pending": 1, "dead": 0} and backlog["331003"] == {"pending": 1, "dead": 0}
    assert 'data-relay="331002"' in health.content.decode()
