"""The JT/T 808 gateway: an asyncio TCP server for the fleet's terminals.

Each connection is read by its own coroutine; nothing one terminal sends (garbage, half frames, bad check codes,
floods) reaches another. Every database call runs in one worker thread (the Sink), which stores location reports
in batches through the same pipeline as the vehicle-gps interface; a location report is answered (0x8001) only
once its batch is committed, so a terminal never drops a fix the platform has not kept.

What the gateway refuses it counts (`Gateway.stats`), logs, and answers as the standard says: 0x8001 with
result 2 (message error) for a bad check code or body, 3 (unsupported) for a message it does not handle, 1
(failure) for reports before authentication or a wrong authentication code; 0x8100 with result 4 (no such
terminal) for the registration of a terminal the registry does not know.

A split message (a long blind-area upload) is gathered packet by packet and handled once whole; each packet is
answered only then, with the whole message's outcome, so no acknowledged fix was ever held only in memory. A
message still missing packets after SPLIT_WAIT_S is asked for them once (0x8003) and dropped after as long again;
nothing of it was acknowledged, and the terminal sends it again.
"""
import asyncio
import collections
import concurrent.futures
import dataclasses
import hashlib
import hmac
import logging
import queue
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections

from . import codec
from .codec import FrameError

log = logging.getLogger("wastewatch.jt808")

MAX_FRAME_BYTES = 4096  # an escaped frame of the largest body is about 2,100 bytes
MAX_ERRORS_IN_A_ROW = 50  # a terminal that sends only rubbish is disconnected
FRAMES_PER_SECOND = 200  # per connection; a terminal sends one report every few seconds, a blind-area upload a burst
BURST = 1000
IN_FLIGHT = 4000  # unacknowledged fixes per connection before the gateway stops reading from it
IDLE_TIMEOUT_S = 600  # no byte for this long (heartbeats are every 60 s by default): the connection is closed
MAX_PACKETS = 64  # of one split message: 64 KB, about 2,000 fixes of a blind-area upload
MAX_SPLITS = 4  # split messages gathered at once per connection; a fifth drops the oldest
SPLIT_WAIT_S = 30


def auth_code(phone: str) -> str:
    """The authentication code handed out at registration: derived from the phone, so it survives restarts and
    needs no table; only the platform (holding SECRET_KEY) can compute it."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"jt808:" + codec.phone_key(phone).encode(), hashlib.sha256)
    return digest.hexdigest()[:16].upper()


class Directory:
    """Terminal phone and terminal id → vehicle, from the registry. An unknown terminal makes it check whether the
    registry's vehicles changed (one cheap query) and reload if so — a vehicle registered a moment ago is found —
    but the same unknown terminal is checked at most every UNKNOWN_TTL_S, so its retries do not hammer the
    database. It also reloads every minute, to notice disabled vehicles."""

    UNKNOWN_TTL_S = 10

    def __init__(self):
        self.by_phone: dict[str, int] = {}
        self.by_terminal: dict[str, int] = {}
        self.loaded = 0.0
        self.fingerprint = None
        self.unknown: dict[tuple, float] = {}

    def _fingerprint(self):
        from django.db.models import Count, Max

        from wastewatch.registry.models import Vehicle

        return tuple(Vehicle.objects.aggregate(n=Count("pk"), at=Max("updated_at")).values())

    def load(self):
        from wastewatch.registry.models import Vehicle

        phones, terminals = {}, {}
        self.fingerprint = self._fingerprint()
        for pk, phone, terminal in Vehicle.objects.filter(is_active=True).values_list("pk", "terminal_phone", "terminal_id"):
            if phone:
                phones[codec.phone_key(phone)] = pk
            if terminal:
                terminals[terminal] = pk
        self.by_phone, self.by_terminal = phones, terminals
        self.loaded = time.monotonic()
        self.unknown.clear()

    def _find(self, phone, terminal_id):
        return self.by_phone.get(codec.phone_key(phone)) or (terminal_id and self.by_terminal.get(terminal_id)) or None

    def lookup(self, phone: str, terminal_id: str = "") -> int | None:
        now = time.monotonic()
        if now - self.loaded > 60:
            self.load()
        found = self._find(phone, terminal_id)
        key = (codec.phone_key(phone), terminal_id)
        if found is None and now - self.unknown.get(key, -self.UNKNOWN_TTL_S) >= self.UNKNOWN_TTL_S:
            if self._fingerprint() != self.fingerprint:
                self.load()
                found = self._find(phone, terminal_id)
            if found is None:
                if len(self.unknown) > 10_000:
                    self.unknown.clear()
                self.unknown[key] = now
        return found


class Sink:
    """The one thread that touches the database: directory lookups, and fixes in batches of up to max_batch,
    gathered for at most `linger` seconds."""

    def __init__(self, ingest=None, *, max_batch: int = 1000, linger: float = 0.05, connection_override=None):
        """connection_override: a database connection to use instead of the thread's own (Django's live-server
        pattern; the caller has called inc_thread_sharing() on it and does not use it while the gateway runs)."""
        self.ingest = ingest or _ingest
        self.connection_override = connection_override
        self.max_batch, self.linger = max_batch, linger
        self.jobs: queue.Queue = queue.Queue()
        self.directory = Directory()
        self.thread = threading.Thread(target=self._work, name="jt808-sink", daemon=True)
        self.batches = 0

    def start(self):
        self.thread.start()

    def stop(self):
        self.jobs.put(None)
        self.thread.join(timeout=30)

    def call(self, fn, *args) -> concurrent.futures.Future:
        future = concurrent.futures.Future()
        self.jobs.put(("call", fn, args, future))
        return future

    def store(self, fixes) -> concurrent.futures.Future:
        future = concurrent.futures.Future()
        self.jobs.put(("fixes", fixes, future))
        return future

    def _work(self):
        if self.connection_override is not None:
            connections[DEFAULT_DB_ALIAS] = self.connection_override
        try:
            while True:
                job = self.jobs.get()
                if job is None:
                    return
                if job[0] == "call":
                    self._call(job)
                    continue
                batch, deferred = [job], []
                count, deadline = len(job[1]), time.monotonic() + self.linger
                while count < self.max_batch:
                    try:
                        nxt = self.jobs.get(timeout=max(0.0, deadline - time.monotonic()))
                    except queue.Empty:
                        break
                    if nxt is None:
                        deferred.append(None)
                        break
                    if nxt[0] == "call":
                        deferred.append(nxt)
                    else:
                        batch.append(nxt)
                        count += len(nxt[1])
                self._store(batch)
                for d in deferred:
                    if d is None:
                        return
                    self._call(d)
        finally:
            if self.connection_override is None:
                connection.close()

    def _call(self, job):
        _, fn, args, future = job
        try:
            future.set_result(fn(*args))
        except Exception as exc:  # a database fault must reach the terminal as a failure, not kill the gateway
            close_old_connections()
            future.set_exception(exc)

    def _store(self, batch):
        fixes = [f for _, fs, _ in batch for f in fs]
        try:
            self.ingest(fixes)
            self.batches += 1
            for _, _, future in batch:
                future.set_result(True)
        except Exception as exc:
            log.exception("storing %d fixes failed", len(fixes))
            close_old_connections()
            for _, _, future in batch:
                future.set_exception(exc)


def _ingest(fixes):
    from ..choices import FixSource
    from ..pipeline import positions_ingest

    positions_ingest(actor=None, fixes=fixes, source=FixSource.JT808)


@dataclasses.dataclass
class Split:
    """The packets of one split message received so far: number → (serial, body)."""

    header: codec.Header
    total: int
    parts: dict = dataclasses.field(default_factory=dict)
    since: float = dataclasses.field(default_factory=time.monotonic)
    asked: bool = False


class Session:
    def __init__(self, peer):
        self.peer = peer
        self.phone = ""
        self.vehicle_id = None
        self.registered: tuple[str, int] | None = None
        self.serial = 0
        self.errors = 0
        self.tokens = float(BURST)
        self.refill_at = time.monotonic()
        self.in_flight: set = set()
        self.splits: dict[tuple[int, int], Split] = {}

    def next_serial(self) -> int:
        self.serial = (self.serial + 1) & 0xFFFF
        return self.serial

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.refill_at) * FRAMES_PER_SECOND)
        self.refill_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Gateway:
    def __init__(self, host: str = "127.0.0.1", port: int = 8808, *, sink: Sink | None = None):
        self.host, self.port = host, port
        self.sink = sink or Sink()
        self.stats: collections.Counter = collections.Counter()
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self.connections: set = set()

    # -- running ---------------------------------------------------------------------------------------------------
    def run(self):
        """Serve until stop() (from any thread) or the task is cancelled."""
        asyncio.run(self.serve())

    async def serve(self):
        self.loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self.sink.start()
        await asyncio.wrap_future(self.sink.call(self.sink.directory.load))
        server = await asyncio.start_server(self._connection, self.host, self.port, limit=MAX_FRAME_BYTES * 4)
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        reporter = asyncio.create_task(self._report())
        try:
            async with server:
                await self._stopping.wait()
        finally:
            reporter.cancel()
            server.close()
            for task in list(self.connections):
                task.cancel()
            await asyncio.gather(*self.connections, return_exceptions=True)
            self.sink.stop()

    def stop(self):
        if self.loop is not None and self._stopping is not None:
            self.loop.call_soon_threadsafe(self._stopping.set)

    async def _report(self):
        while True:
            await asyncio.sleep(60)
            if self.stats:
                log.info("jt808 counters: %s", dict(self.stats))

    # -- a connection ----------------------------------------------------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        session = Session(writer.get_extra_info("peername"))
        self.connections.add(asyncio.current_task())
        splitter = codec.Splitter(MAX_FRAME_BYTES)
        self.stats["connections"] += 1
        try:
            while True:
                data = await asyncio.wait_for(reader.read(65536), timeout=IDLE_TIMEOUT_S)
                if not data:
                    break
                oversize = splitter.oversize
                for frame in splitter.feed(data):
                    if not session.allow():
                        self.stats["flood_dropped"] += 1
                        continue
                    await self._frame(session, frame, writer)
                self._chase_splits(session, writer)
                if splitter.oversize > oversize:
                    self.stats["oversize"] += splitter.oversize - oversize
                    session.errors += splitter.oversize - oversize
                if session.errors >= MAX_ERRORS_IN_A_ROW:
                    log.warning("jt808 %s disconnected after %d bad frames in a row", session.peer, session.errors)
                    self.stats["disconnected_bad"] += 1
                    break
                await writer.drain()
                while len(session.in_flight) > IN_FLIGHT:
                    await asyncio.wait(session.in_flight, return_when=asyncio.FIRST_COMPLETED)
        except (ConnectionError, asyncio.TimeoutError):
            pass
        except asyncio.CancelledError:  # the gateway is stopping
            pass
        except Exception:  # one connection's fault must not end the gateway
            log.exception("jt808 connection %s failed", session.peer)
            self.stats["internal_error"] += 1
        finally:
            self.stats["noise_bytes"] += splitter.noise
            self.stats["split_abandoned"] += len(session.splits)
            if session.in_flight:
                await asyncio.wait(session.in_flight, timeout=30)
            self.connections.discard(asyncio.current_task())
            writer.close()

    def _reply(self, writer, session, header, msg_id, body):
        if writer.is_closing():
            return
        writer.write(codec.encode_frame(msg_id, header.phone, session.next_serial(), body, version=header.version))

    def _general(self, writer, session, header, result):
        for serial in header.carried_in or (header.serial,):
            self._reply(writer, session, header, codec.P_GENERAL_RESPONSE, codec.general_response_body(serial, header.msg_id, result))

    def _gather(self, session, header, body, writer):
        """A packet of a split message → (header, body) of the whole message once its last packet is in, else None."""
        total, number = header.packets
        if not 1 <= number <= total or total > MAX_PACKETS:
            self._refused(session, "bad_packet", header)
            self._general(writer, session, header, codec.MESSAGE_ERROR)
            return None
        key = (header.msg_id, (header.serial - number + 1) & 0xFFFF)
        split = session.splits.get(key)
        if split is None or split.total != total:
            if split is None and len(session.splits) >= MAX_SPLITS:
                session.splits.pop(next(iter(session.splits)))
                self.stats["split_dropped"] += 1
            split = session.splits[key] = Split(header, total)
        split.parts[number] = (header.serial, body)  # a packet sent again replaces itself
        self.stats["packets"] += 1
        if len(split.parts) < total:
            return None
        del session.splits[key]
        serials, bodies = zip(*(split.parts[n] for n in range(1, total + 1)))
        whole = dataclasses.replace(header, serial=key[1], packets=None, carried_in=serials)
        return whole, b"".join(bodies)

    def _chase_splits(self, session, writer):
        """Ask once for the packets a split message still lacks after SPLIT_WAIT_S; drop it after as long again."""
        now = time.monotonic()
        for key, split in list(session.splits.items()):
            if now - split.since < SPLIT_WAIT_S:
                continue
            if split.asked:
                del session.splits[key]
                self.stats["split_expired"] += 1
                continue
            missing = [n for n in range(1, split.total + 1) if n not in split.parts]
            body = codec.resend_request_body(key[1], missing, version=split.header.version)
            self._reply(writer, session, split.header, codec.P_RESEND_REQUEST, body)
            split.asked, split.since = True, now
            self.stats["split_resend_requested"] += 1

    async def _frame(self, session, frame, writer):
        self.stats["frames"] += 1
        try:
            header, body = codec.decode_frame(frame)
        except FrameError as exc:
            self._refused(session, exc.reason, exc.header)
            if exc.header is not None:
                self._general(writer, session, exc.header, codec.MESSAGE_ERROR)
            return
        if header.encrypted:
            self._refused(session, "unsupported_packaging", header)
            self._general(writer, session, header, codec.UNSUPPORTED)
            return
        if header.packets:
            whole = self._gather(session, header, body, writer)
            if whole is None:
                return
            header, body = whole
        handler = self.HANDLERS.get(header.msg_id)
        if handler is None:
            if header.msg_id != codec.T_GENERAL_RESPONSE:  # a terminal's answer to a platform command needs none
                self._refused(session, "unsupported_message", header)
                self._general(writer, session, header, codec.UNSUPPORTED)
            return
        try:
            await handler(self, session, header, body, writer)
            session.errors = 0
        except FrameError as exc:
            self._refused(session, exc.reason, header)
            self._general(writer, session, header, codec.MESSAGE_ERROR)

    def _refused(self, session, reason, header=None):
        session.errors += 1
        self.stats[reason] += 1
        log.warning("jt808 %s refused: %s (message %s, terminal %s)", session.peer, reason,
                    f"0x{header.msg_id:04x}" if header else "?", header.phone if header else "?")

    async def _register(self, session, header, body, writer):
        reg = codec.parse_registration(body, header.version)
        vehicle_id = await asyncio.wrap_future(self.sink.call(self.sink.directory.lookup, header.phone, reg.terminal_id))
        if vehicle_id is None:
            self._refused(session, "unknown_terminal", header)
            body = codec.registration_response_body(header.serial, codec.REG_NO_TERMINAL)
        else:
            self.stats["registered"] += 1
            session.registered = (header.phone, vehicle_id)  # found by terminal id: authentication will not find the phone
            body = codec.registration_response_body(header.serial, codec.REG_OK, auth_code(header.phone))
        self._reply(writer, session, header, codec.P_REGISTER_RESPONSE, body)

    async def _authenticate(self, session, header, body, writer):
        code = codec.parse_auth(body, header.version)
        vehicle_id = await asyncio.wrap_future(self.sink.call(self.sink.directory.lookup, header.phone))
        if vehicle_id is None and session.registered and session.registered[0] == header.phone:
            vehicle_id = session.registered[1]
        if vehicle_id is None or not hmac.compare_digest(code, auth_code(header.phone)):
            self._refused(session, "auth_failed" if vehicle_id else "unknown_terminal", header)
            self._general(writer, session, header, codec.FAILURE)
            return
        session.phone, session.vehicle_id = header.phone, vehicle_id
        self.stats["authenticated"] += 1
        self._general(writer, session, header, codec.OK)

    async def _heartbeat(self, session, header, body, writer):
        self._general(writer, session, header, codec.OK)

    async def _logout(self, session, header, body, writer):
        session.vehicle_id = None
        self._general(writer, session, header, codec.OK)

    async def _location(self, session, header, body, writer):
        if session.vehicle_id is None or header.phone != session.phone:
            self._refused(session, "unauthenticated", header)
            self._general(writer, session, header, codec.FAILURE)
            return
        if header.msg_id == codec.T_BATCH:
            _, locations = codec.parse_batch(body)
        else:
            locations = [codec.parse_location(body)]
        from ..pipeline import Fix

        fixes = [Fix(session.vehicle_id, loc.at, loc.lon, loc.lat, loc.speed_kmh, loc.heading, loc.alarm, loc.status,
                     loc.extras.get("mileage_km")) for loc in locations if loc.status & 0b10 and (loc.lon or loc.lat)]
        self.stats["unpositioned"] += len(locations) - len(fixes)
        if not fixes:
            self._general(writer, session, header, codec.OK)
            return
        future = asyncio.wrap_future(self.sink.store(fixes))
        session.in_flight.add(future)

        def answered(done):
            session.in_flight.discard(done)
            ok = not done.cancelled() and done.exception() is None
            self.stats["positions" if ok else "store_failed"] += len(fixes)
            self._general(writer, session, header, codec.OK if ok else codec.FAILURE)

        future.add_done_callback(answered)

    HANDLERS = {
        codec.T_REGISTER: _register, codec.T_AUTH: _authenticate, codec.T_HEARTBEAT: _heartbeat, codec.T_LOGOUT: _logout,
        codec.T_LOCATION: _location, codec.T_BATCH: _location,
    }
