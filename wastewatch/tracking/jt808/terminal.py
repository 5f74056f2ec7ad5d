"""A JT/T 808 terminal, as a vehicle's box speaks to the platform: registration, authentication, heartbeats and
location reports over TCP. The tests and the benchmark drive the gateway with it; it speaks either edition."""
import asyncio
import socket
from dataclasses import dataclass
from datetime import datetime

from . import codec


@dataclass(frozen=True)
class Reply:
    msg_id: int
    serial: int
    body: bytes

    @property
    def result(self) -> int:
        """The result code of a 0x8001 or 0x8100."""
        return self.body[4] if self.msg_id == codec.P_GENERAL_RESPONSE else self.body[2]

    @property
    def auth_code(self) -> str:
        return codec.parse_registration_response(self.body)[2]


class _Frames:
    def __init__(self, phone: str, version: int | None):
        self.phone, self.version, self.serial = phone, version, 0
        self.splitter = codec.Splitter()

    def frame(self, msg_id: int, body: bytes = b"", packets: tuple[int, int] | None = None) -> bytes:
        self.serial = (self.serial + 1) & 0xFFFF
        return codec.encode_frame(msg_id, self.phone, self.serial, body, version=self.version, packets=packets)

    def split(self, msg_id: int, body: bytes, size: int = codec.MAX_BODY) -> list[bytes]:
        """A long message as its packets, each a frame of its own with the next serial."""
        parts = [body[i:i + size] for i in range(0, len(body), size)]
        return [self.frame(msg_id, part, packets=(len(parts), n)) for n, part in enumerate(parts, start=1)]

    def replies(self, data: bytes) -> list[Reply]:
        out = []
        for raw in self.splitter.feed(data):
            header, body = codec.decode_frame(raw)
            out.append(Reply(header.msg_id, header.serial, body))
        return out

    def location(self, at: datetime, lon: float, lat: float, **kw) -> bytes:
        return self.frame(codec.T_LOCATION, codec.location_body(at=at, lon=lon, lat=lat, **kw))

    def batch(self, points: list[tuple[datetime, float, float]], **kw) -> bytes:
        """A blind-area upload as one frame, or as its packets one after another when it is too long for one."""
        body = codec.batch_body([codec.location_body(at=t, lon=x, lat=y, **kw) for t, x, y in points])
        return self.frame(codec.T_BATCH, body) if len(body) <= codec.MAX_BODY else b"".join(self.split(codec.T_BATCH, body))


class Terminal(_Frames):
    """A blocking terminal: each call sends and waits for the answers it expects."""

    def __init__(self, host: str, port: int, phone: str, *, version: int | None = None, timeout: float = 10):
        super().__init__(phone, version)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.pending: list[Reply] = []

    def close(self):
        self.sock.close()

    def send(self, data: bytes, *, expect: int = 1) -> list[Reply]:
        self.sock.sendall(data)
        return self.receive(expect)

    def receive(self, count: int) -> list[Reply]:
        while len(self.pending) < count:
            data = self.sock.recv(65536)
            if not data:
                break
            self.pending += self.replies(data)
        out, self.pending = self.pending[:count], self.pending[count:]
        return out

    def register(self, terminal_id: str, plate: str = "浙J00000") -> Reply:
        return self.send(self.frame(codec.T_REGISTER, codec.registration_body(terminal_id, plate, version=self.version)))[0]

    def authenticate(self, code: str) -> Reply:
        return self.send(self.frame(codec.T_AUTH, codec.auth_body(code, version=self.version)))[0]

    def log_in(self, terminal_id: str) -> Reply:
        return self.authenticate(self.register(terminal_id).auth_code)


class AsyncTerminal(_Frames):
    """The same over asyncio, for many terminals at once."""

    def __init__(self, phone: str, *, version: int | None = None):
        super().__init__(phone, version)
        self.reader = self.writer = None
        self.pending: list[Reply] = []

    async def connect(self, host: str, port: int):
        self.reader, self.writer = await asyncio.open_connection(host, port)

    async def send(self, data: bytes, *, expect: int = 1) -> list[Reply]:
        self.writer.write(data)
        await self.writer.drain()
        while len(self.pending) < expect:
            chunk = await self.reader.read(65536)
            if not chunk:
                break
            self.pending += self.replies(chunk)
        out, self.pending = self.pending[:expect], self.pending[expect:]
        return out

    async def log_in(self, terminal_id: str) -> Reply:
        reg = (await self.send(self.frame(codec.T_REGISTER, codec.registration_body(terminal_id, "浙J00000", version=self.version))))[0]
        return (await self.send(self.frame(codec.T_AUTH, codec.auth_body(reg.auth_code, version=self.version))))[0]

    async def close(self):
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except ConnectionError:
            pass
