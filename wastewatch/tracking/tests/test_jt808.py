"""The JT/T 808 gateway on a loopback port, driven by real TCP terminals of both editions: registration against the
registry, authentication, location reports stored through the pipeline before they are acknowledged, and every
kind of bad input counted and answered as the standard says without harming the other connections."""
import asyncio
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import connections

from wastewatch.core import services as registry_services
from wastewatch.core.resources import get as get_resource
from wastewatch.events.models import Alert
from wastewatch.registry.models import Vehicle
from wastewatch.tracking.jt808 import codec
from wastewatch.tracking.jt808.bits import alarm_names
from wastewatch.tracking.jt808.server import Gateway, Sink
from wastewatch.tracking.jt808.terminal import AsyncTerminal, Terminal
from wastewatch.tracking.models import LatestPosition, Position

from .conftest import noon_yesterday

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(db):
    """The gateway in a thread on a free port; its database thread shares the test's connection (and transaction)."""
    conn = connections["default"]
    conn.inc_thread_sharing()
    gw = Gateway("127.0.0.1", 0, sink=Sink(connection_override=conn))
    thread = threading.Thread(target=gw.run, daemon=True)
    thread.start()
    assert gw.ready.wait(10)
    yield gw
    gw.stop()
    thread.join(10)
    conn.dec_thread_sharing()


def truck(n=0) -> Vehicle:
    return Vehicle.objects.filter(region__code__startswith="331002").exclude(terminal_phone="").order_by("plate")[n]


def test_a_2013_terminal_registers_authenticates_and_its_report_is_stored(gateway):
    car = truck()
    t = Terminal("127.0.0.1", gateway.port, car.terminal_phone)
    registered = t.register(car.terminal_id, car.plate)
    assert registered.msg_id == codec.P_REGISTER_RESPONSE and registered.result == codec.REG_OK and registered.auth_code
    assert t.authenticate(registered.auth_code).result == codec.OK
    at = noon_yesterday()
    [ack] = t.send(t.location(at, 121.4321, 28.6543, speed_kmh=31.5, heading=88, mileage_km=1234.5))
    assert (ack.msg_id, ack.result) == (codec.P_GENERAL_RESPONSE, codec.OK)
    assert codec.parse_general_response(ack.body)[:2] == (t.serial, codec.T_LOCATION)
    stored = Position.objects.get(vehicle=car)
    assert (stored.at, stored.lon, stored.lat, stored.speed, stored.heading, stored.mileage_km, stored.source) == (
        at, 121.4321, 28.6543, 31.5, 88, 1234.5, "jt808")
    assert LatestPosition.objects.get(vehicle=car).at == at
    t.close()


def test_a_terminal_whose_sim_card_changed_is_known_by_its_terminal_id(gateway):
    car = truck()
    t = Terminal("127.0.0.1", gateway.port, "013312345678")  # not the phone in the registry
    assert t.log_in(car.terminal_id).result == codec.OK
    [ack] = t.send(t.location(noon_yesterday(), 121.40, 28.65))
    assert ack.result == codec.OK and Position.objects.filter(vehicle=car).count() == 1
    t.close()


def test_a_2019_terminal_uploads_a_blind_area_batch_in_one_message(gateway):
    car = truck(1)
    t = Terminal("127.0.0.1", gateway.port, car.terminal_phone, version=1)
    assert t.log_in(car.terminal_id).result == codec.OK
    at = noon_yesterday()
    points = [(at + timedelta(seconds=30 * i), 121.40 + i * 0.001, 28.65) for i in range(30)]
    [ack] = t.send(t.batch(points, speed_kmh=25))
    assert ack.result == codec.OK and codec.parse_general_response(ack.body)[1] == codec.T_BATCH
    assert Position.objects.filter(vehicle=car).count() == 30
    t.close()


def _blind_area(car, fixes=120):
    at = noon_yesterday()
    return [(at + timedelta(seconds=30 * i), 121.40 + i * 0.0005, 28.65) for i in range(fixes)]


@pytest.mark.parametrize("version", [None, 1])
def test_a_long_blind_area_upload_arrives_split_and_every_packet_is_answered_once_it_is_stored(gateway, version):
    car = truck(1)
    t = Terminal("127.0.0.1", gateway.port, car.terminal_phone, version=version)
    t.log_in(car.terminal_id)
    upload = t.batch(_blind_area(car), speed_kmh=20)  # 120 fixes: about 4 KB, more than one frame may carry
    packets = upload.count(b"\x7e") // 2
    first = t.serial - packets + 1
    assert packets >= 3
    acks = t.send(upload, expect=packets)
    assert [codec.parse_general_response(a.body) for a in acks] == [(first + n, codec.T_BATCH, codec.OK) for n in range(packets)]
    assert Position.objects.filter(vehicle=car).count() == 120
    assert gateway.stats["packets"] == packets
    t.close()


def test_packets_out_of_order_or_sent_twice_make_one_message(gateway):
    car = truck(1)
    t = Terminal("127.0.0.1", gateway.port, car.terminal_phone, version=1)
    t.log_in(car.terminal_id)
    body = codec.batch_body([codec.location_body(at=at, lon=x, lat=y) for at, x, y in _blind_area(car, 60)])
    one, two, three = t.split(codec.T_BATCH, body, size=len(body) // 3 + 1)
    acks = t.send(three + one + one + two, expect=3)
    assert {codec.parse_general_response(a.body)[2] for a in acks} == {codec.OK}
    assert Position.objects.filter(vehicle=car).count() == 60
    t.close()


def test_a_missing_packet_is_asked_for_and_nothing_is_answered_before_the_message_is_whole(gateway, monkeypatch):
    from wastewatch.tracking.jt808 import server

    monkeypatch.setattr(server, "SPLIT_WAIT_S", 0)
    car = truck(1)
    t = Terminal("127.0.0.1", gateway.port, car.terminal_phone)
    t.log_in(car.terminal_id)
    body = codec.batch_body([codec.location_body(at=at, lon=x, lat=y) for at, x, y in _blind_area(car, 60)])
    one, two, three = t.split(codec.T_BATCH, body, size=len(body) // 3 + 1)
    [ask] = t.send(one + three)  # nothing for the packets; the gateway asks for the one in between
    assert ask.msg_id == codec.P_RESEND_REQUEST
    assert codec.parse_resend_request(ask.body) == (t.serial - 2, [2])
    assert not Position.objects.filter(vehicle=car).exists()
    acks = t.send(two, expect=3)
    assert sorted(codec.parse_general_response(a.body)[0] for a in acks) == [t.serial - 2, t.serial - 1, t.serial]
    assert Position.objects.filter(vehicle=car).count() == 60
    [bad] = t.send(t.frame(codec.T_BATCH, b"\x00", packets=(2, 3)))  # packet 3 of 2
    assert bad.result == codec.MESSAGE_ERROR and gateway.stats["bad_packet"] == 1
    t.close()


def test_alarm_bits_raise_a_terminal_alarm_once_when_they_rise(gateway):
    car = truck()
    t = Terminal("127.0.0.1", gateway.port, car.terminal_phone)
    t.log_in(car.terminal_id)
    at = noon_yesterday()
    emergency_and_power_cut = (1 << 0) | (1 << 8)
    for i in range(3):
        t.send(t.location(at + timedelta(seconds=10 * i), 121.40, 28.65, alarm=emergency_and_power_cut))
    alert = Alert.objects.get(vehicle=car, kind="terminal_alarm")
    assert alert.count == 1
    assert alert.occurrences.get().evidence["alarms"] == alarm_names(emergency_and_power_cut) == ["紧急报警", "终端主电源掉电"]
    t.close()


def test_an_unknown_terminal_is_refused_registration_and_reports_before_authentication_fail(gateway):
    t = Terminal("127.0.0.1", gateway.port, "019999999999")
    refused = t.register("NOSUCH", "浙J99999")
    assert refused.msg_id == codec.P_REGISTER_RESPONSE and refused.result == codec.REG_NO_TERMINAL
    [answer] = t.send(t.location(noon_yesterday(), 121.4, 28.6))
    assert answer.result == codec.FAILURE
    wrong = Terminal("127.0.0.1", gateway.port, truck().terminal_phone)
    assert wrong.authenticate("NOT-THE-CODE").result == codec.FAILURE
    assert gateway.stats["unknown_terminal"] == 1 and gateway.stats["unauthenticated"] == 1 and gateway.stats["auth_failed"] == 1
    assert not Position.objects.exists()
    t.close()
    wrong.close()


def test_bad_frames_are_answered_and_counted_and_the_connection_carries_on(gateway):
    car = truck()
    t = Terminal("127.0.0.1", gateway.port, car.terminal_phone)
    t.log_in(car.terminal_id)
    at = noon_yesterday()
    good = t.location(at, 121.40, 28.65)
    broken = bytearray(good)
    broken[-2] ^= 0x55  # the check code
    if broken[-2] in (0x7D, 0x7E):
        broken[-2] ^= 0x01
    [answer] = t.send(bytes(broken))
    assert (answer.result, codec.parse_general_response(answer.body)[1]) == (codec.MESSAGE_ERROR, codec.T_LOCATION)
    [answer] = t.send(t.frame(0x0F0F, b"\x01\x02"))  # a message the gateway does not handle
    assert answer.result == codec.UNSUPPORTED
    # Noise before a frame, then a frame cut in two, in separate TCP writes.
    frame = t.location(at + timedelta(seconds=10), 121.41, 28.65)
    t.sock.sendall(b"\x00\xffnoise" + frame[:9])
    time.sleep(0.05)
    [answer] = t.send(frame[9:])
    assert answer.result == codec.OK
    [answer] = t.send(t.location(at + timedelta(seconds=20), 121.42, 28.65))
    assert answer.result == codec.OK
    assert Position.objects.filter(vehicle=car).count() == 2
    assert gateway.stats["bad_checksum"] == 1 and gateway.stats["unsupported_message"] == 1 and gateway.stats["noise_bytes"] == 0
    t.close()


def test_a_flood_is_cut_off_and_an_endless_frame_dropped_without_harming_another_terminal(gateway):
    flooder, other = truck(), truck(1)
    f = Terminal("127.0.0.1", gateway.port, flooder.terminal_phone)
    f.log_in(flooder.terminal_id)
    o = Terminal("127.0.0.1", gateway.port, other.terminal_phone)
    o.log_in(other.terminal_id)
    heartbeats = b"".join(f.frame(codec.T_HEARTBEAT) for _ in range(3000))
    f.sock.sendall(heartbeats)
    f.sock.sendall(b"\x7e" + b"\x01" * 20000)  # a frame that never ends
    [answer] = o.send(o.location(noon_yesterday(), 121.40, 28.65))
    assert answer.result == codec.OK
    deadline = time.time() + 5
    while time.time() < deadline and not (gateway.stats["flood_dropped"] and gateway.stats["oversize"]):
        time.sleep(0.05)
    assert gateway.stats["flood_dropped"] >= 1000 and gateway.stats["oversize"] >= 1
    assert Position.objects.filter(vehicle=other).count() == 1
    f.close()
    o.close()


def test_garbage_only_gets_a_connection_closed(gateway):
    s = socket.create_connection(("127.0.0.1", gateway.port), timeout=5)
    junk = b"".join(b"\x7e" + bytes([i % 256]) * 20 + b"\x7e" for i in range(1, 200))
    s.sendall(junk)
    s.settimeout(5)
    data = b""
    try:
        while chunk := s.recv(65536):
            data += chunk
    except ConnectionError:
        pass
    assert gateway.stats["disconnected_bad"] == 1
    s.close()


def test_two_hundred_terminals_report_at_once(gateway, city_admin):
    resource = get_resource("vehicles")
    hauler = truck().hauler.code
    for i in range(200 - Vehicle.objects.exclude(terminal_phone="").count()):
        registry_services.record_create(actor=city_admin, resource=resource, source="api", data={
            "plate": f"浙JZ9{i:03d}", "vehicle_type": "compressor", "category": "0200", "capacity_t": 8, "tare_t": 9.6,
            "hauler": hauler, "region": "331002000000", "terminal_id": f"TX{i:05d}", "terminal_phone": f"0139{i:08d}"})
    cars = list(Vehicle.objects.exclude(terminal_phone="").order_by("plate")[:200])
    at = noon_yesterday()

    async def one(car, n):
        t = AsyncTerminal(car.terminal_phone, version=1 if n % 2 else None)
        await t.connect("127.0.0.1", gateway.port)
        assert (await t.log_in(car.terminal_id)).result == codec.OK
        acks = []
        for k in range(5):
            acks += await t.send(t.location(at + timedelta(seconds=10 * k), 121.30 + n * 0.0005, 28.60 + k * 0.0005, speed_kmh=20))
        await t.close()
        return [a.result for a in acks]

    async def everyone():
        return await asyncio.gather(*(one(car, n) for n, car in enumerate(cars)))

    results = asyncio.run(everyone())
    assert all(r == [codec.OK] * 5 for r in results)
    assert Position.objects.filter(vehicle__in=cars).count() == 1000
    assert LatestPosition.objects.filter(vehicle__in=cars).count() == 200
    assert gateway.sink.batches < 1000  # fixes of different terminals share batches
