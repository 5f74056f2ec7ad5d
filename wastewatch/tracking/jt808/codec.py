"""JT/T 808 framing and the messages the gateway speaks, in the 2013 and the 2019 editions.

A frame is 0x7e, header, body, check code, 0x7e; inside it 0x7e is sent as 0x7d 0x02 and 0x7d as 0x7d 0x01; the
check code is the XOR of header and body. The 2019 header sets bit 14 of the body attributes, adds a protocol
version byte and widens the terminal phone from 6 to 10 BCD bytes. A body longer than 1,023 bytes travels split:
bit 13 set, and the packet count and this packet's number (from 1) after the serial; the packets of one message
carry consecutive serials. Integers are big-endian; strings GBK.
"""
import struct
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from .bits import EXTRA_ITEMS, STATUS_SOUTH, STATUS_WEST

FLAG = 0x7E
ESC = 0x7D
BEIJING = ZoneInfo("Asia/Shanghai")
MAX_BODY = 1023  # 10 bits of body length

# Message ids
T_GENERAL_RESPONSE = 0x0001
T_HEARTBEAT = 0x0002
T_LOGOUT = 0x0003
T_REGISTER = 0x0100
T_AUTH = 0x0102
T_LOCATION = 0x0200
T_BATCH = 0x0704
P_GENERAL_RESPONSE = 0x8001
P_RESEND_REQUEST = 0x8003  # 补传分包请求: the packets of a split message the platform still waits for
P_REGISTER_RESPONSE = 0x8100

# 0x8001 results (表 5)
OK, FAILURE, MESSAGE_ERROR, UNSUPPORTED, ALARM_CONFIRMED = 0, 1, 2, 3, 4
# 0x8100 results (表 8)
REG_OK, REG_VEHICLE_TAKEN, REG_NO_VEHICLE, REG_TERMINAL_TAKEN, REG_NO_TERMINAL = 0, 1, 2, 3, 4


class FrameError(Exception):
    """A frame the gateway cannot take. `header` is set when the header could be read, so the terminal can be
    answered (0x8001 with MESSAGE_ERROR or UNSUPPORTED); `reason` counts it."""

    def __init__(self, reason: str, header=None):
        super().__init__(reason)
        self.reason = reason
        self.header = header


def escape(data: bytes) -> bytes:
    return data.replace(b"\x7d", b"\x7d\x01").replace(b"\x7e", b"\x7d\x02")


def unescape(data: bytes) -> bytes:
    if ESC not in data:
        return data
    if data.count(b"\x7d") != data.count(b"\x7d\x01") + data.count(b"\x7d\x02"):
        raise FrameError("bad_escape")
    return data.replace(b"\x7d\x02", b"\x7e").replace(b"\x7d\x01", b"\x7d")


def checksum(data: bytes) -> int:
    x = 0
    for b in data:
        x ^= b
    return x


def bcd_encode(digits: str, size: int) -> bytes:
    digits = digits.rjust(size * 2, "0")
    if len(digits) != size * 2 or not digits.isdigit():
        raise ValueError(f"not {size * 2} decimal digits: {digits!r}")
    return bytes(int(digits[i]) << 4 | int(digits[i + 1]) for i in range(0, len(digits), 2))


def bcd_decode(data: bytes) -> str:
    out = []
    for b in data:
        hi, lo = b >> 4, b & 0x0F
        if hi > 9 or lo > 9:
            raise FrameError("bad_bcd")
        out.append(f"{hi}{lo}")
    return "".join(out)


def phone_key(phone: str) -> str:
    """Terminal phones compare without leading zeros: 2013 pads them to 12 digits, 2019 to 20."""
    return phone.lstrip("0")


@dataclass(frozen=True)
class Header:
    msg_id: int
    phone: str
    serial: int
    version: int | None = None  # None: 2013; the protocol version byte (1 for 2019) otherwise
    encrypted: bool = False
    packets: tuple[int, int] | None = None  # (total, index) of a split message
    carried_in: tuple[int, ...] = ()  # a reassembled message: the serials of its packets, each answered


def decode_frame(frame: bytes) -> tuple[Header, bytes]:
    """A frame without its 0x7e delimiters → header and body."""
    data = unescape(frame)
    if len(data) < 13:
        raise FrameError("too_short")
    if checksum(data[:-1]) != data[-1]:
        header = _try_header(data[:-1])
        raise FrameError("bad_checksum", header)
    data = data[:-1]
    try:
        header, offset = _header(data)
    except (struct.error, IndexError):
        raise FrameError("too_short") from None
    body = data[offset:]
    length = struct.unpack_from(">H", data, 2)[0] & 0x03FF
    if len(body) != length:
        raise FrameError("bad_length", header)
    return header, body


def _try_header(data: bytes):
    try:
        return _header(data)[0]
    except (FrameError, struct.error, IndexError):
        return None


def _header(data: bytes) -> tuple[Header, int]:
    msg_id, props = struct.unpack_from(">HH", data, 0)
    is_2019 = bool(props & (1 << 14))
    offset = 4
    version = None
    if is_2019:
        if len(data) < 17:
            raise FrameError("too_short")
        version = data[4]
        phone = bcd_decode(data[5:15])
        offset = 15
    else:
        phone = bcd_decode(data[4:10])
        offset = 10
    serial = struct.unpack_from(">H", data, offset)[0]
    offset += 2
    packets = None
    if props & (1 << 13):
        packets = struct.unpack_from(">HH", data, offset)
        offset += 4
    encrypted = bool(props & (0b111 << 10))
    return Header(msg_id, phone, serial, version, encrypted, packets), offset


def encode_frame(msg_id: int, phone: str, serial: int, body: bytes = b"", *, version: int | None = None,
                 packets: tuple[int, int] | None = None) -> bytes:
    if len(body) > MAX_BODY:
        raise ValueError("body longer than 1023 bytes: split it")
    props = len(body) | ((1 << 13) if packets else 0)
    if version is not None:
        props |= 1 << 14
        head = struct.pack(">HHB", msg_id, props, version) + bcd_encode(phone, 10)
    else:
        head = struct.pack(">HH", msg_id, props) + bcd_encode(phone, 6)
    data = head + struct.pack(">H", serial & 0xFFFF) + (struct.pack(">HH", *packets) if packets else b"") + body
    return bytes([FLAG]) + escape(data + bytes([checksum(data)])) + bytes([FLAG])


class Splitter:
    """Cuts a byte stream into frames at 0x7e. Bytes before the first flag are noise; a buffer that grows past
    max_bytes without a closing flag is dropped (garbage or an attack), counted as `oversize`."""

    def __init__(self, max_bytes: int = 4096):
        self.buf = bytearray()
        self.in_frame = False
        self.max_bytes = max_bytes
        self.noise = 0
        self.oversize = 0

    def feed(self, data: bytes) -> list[bytes]:
        frames = []
        for chunk in _split_keep(data):
            if chunk == b"\x7e":
                if self.in_frame and self.buf:
                    frames.append(bytes(self.buf))
                    self.buf.clear()
                    # A flag both ends a frame and may start the next; an empty frame (7e 7e) just resynchronises.
                self.in_frame = True
                continue
            if not self.in_frame:
                self.noise += len(chunk)
                continue
            self.buf += chunk
            if len(self.buf) > self.max_bytes:
                self.buf.clear()
                self.in_frame = False
                self.oversize += 1
        return frames


def _split_keep(data: bytes):
    start = 0
    while True:
        i = data.find(b"\x7e", start)
        if i < 0:
            if start < len(data):
                yield data[start:]
            return
        if i > start:
            yield data[start:i]
        yield b"\x7e"
        start = i + 1


def _gbk(data: bytes) -> str:
    return data.rstrip(b"\x00").decode("gbk", errors="replace").strip()


@dataclass(frozen=True)
class Registration:
    province: int
    city: int
    manufacturer: str
    model: str
    terminal_id: str
    plate_colour: int
    plate: str


def parse_registration(body: bytes, version: int | None) -> Registration:
    sizes = (11, 30, 30) if version is not None else (5, 20, 7)
    fixed = 4 + sum(sizes) + 1
    if len(body) < fixed:
        raise FrameError("bad_body")
    province, city = struct.unpack_from(">HH", body, 0)
    o = 4
    manufacturer = _gbk(body[o:o + sizes[0]]); o += sizes[0]
    model = _gbk(body[o:o + sizes[1]]); o += sizes[1]
    terminal_id = _gbk(body[o:o + sizes[2]]); o += sizes[2]
    colour = body[o]
    return Registration(province, city, manufacturer, model, terminal_id, colour, _gbk(body[o + 1:]))


def registration_body(terminal_id: str, plate: str, *, version: int | None = None, province=33, city=1000) -> bytes:
    sizes = (11, 30, 30) if version is not None else (5, 20, 7)
    return (struct.pack(">HH", province, city) + b"WWSIM".ljust(sizes[0], b"\x00") + b"WW-808".ljust(sizes[1], b"\x00")
            + terminal_id.encode("ascii").ljust(sizes[2], b"\x00")[:sizes[2]] + bytes([2]) + plate.encode("gbk"))


def parse_auth(body: bytes, version: int | None) -> str:
    if version is None:
        return _gbk(body)
    if not body or len(body) < 1 + body[0]:
        raise FrameError("bad_body")
    return body[1:1 + body[0]].decode("ascii", errors="replace")


def auth_body(code: str, *, version: int | None = None) -> bytes:
    raw = code.encode("ascii")
    if version is None:
        return raw
    return bytes([len(raw)]) + raw + b"860000000000000".ljust(15, b"\x00") + b"1.0".ljust(20, b"\x00")


@dataclass(frozen=True)
class Location:
    alarm: int
    status: int
    lon: float
    lat: float
    altitude_m: int
    speed_kmh: float
    heading: int
    at: datetime
    extras: dict = field(default_factory=dict)


def parse_location(body: bytes) -> Location:
    if len(body) < 28:
        raise FrameError("bad_body")
    alarm, status, lat, lon, alt, speed, heading = struct.unpack_from(">IIIIHHH", body, 0)
    at = _bcd_time(body[22:28])
    extras = {}
    o = 28
    while o + 2 <= len(body):
        item, size = body[o], body[o + 1]
        value = body[o + 2:o + 2 + size]
        if len(value) != size:
            raise FrameError("bad_body")
        if item in EXTRA_ITEMS:
            name, decode = EXTRA_ITEMS[item]
            extras[name] = decode(value)
        o += 2 + size
    lat_deg, lon_deg = lat / 1e6, lon / 1e6
    if status & STATUS_SOUTH:
        lat_deg = -lat_deg
    if status & STATUS_WEST:
        lon_deg = -lon_deg
    if not (-90 <= lat_deg <= 90 and -180 <= lon_deg <= 180) or heading > 359:
        raise FrameError("bad_value")
    return Location(alarm, status, lon_deg, lat_deg, alt, speed / 10, heading, at, extras)


def _bcd_time(data: bytes) -> datetime:
    text = bcd_decode(data)
    try:
        return datetime.strptime("20" + text, "%Y%m%d%H%M%S").replace(tzinfo=BEIJING)
    except ValueError:
        raise FrameError("bad_time") from None


def location_body(*, at: datetime, lon: float, lat: float, speed_kmh: float = 0, heading: int = 0, alarm: int = 0,
                  status: int = 0b11, altitude_m: int = 5, mileage_km: float | None = None) -> bytes:
    if lat < 0:
        status |= STATUS_SOUTH
    if lon < 0:
        status |= STATUS_WEST
    body = struct.pack(">IIIIHHH", alarm, status, round(abs(lat) * 1e6), round(abs(lon) * 1e6), altitude_m,
                       round(speed_kmh * 10), heading % 360)
    body += bcd_encode(at.astimezone(BEIJING).strftime("%y%m%d%H%M%S"), 6)
    if mileage_km is not None:
        body += bytes([0x01, 4]) + struct.pack(">I", round(mileage_km * 10))
    return body


def parse_batch(body: bytes) -> tuple[int, list[Location]]:
    """0x0704: count, type (0 normal, 1 blind-area re-upload), then each location body with its length."""
    if len(body) < 3:
        raise FrameError("bad_body")
    count, kind = struct.unpack_from(">HB", body, 0)
    o, out = 3, []
    for _ in range(count):
        if o + 2 > len(body):
            raise FrameError("bad_body")
        size = struct.unpack_from(">H", body, o)[0]
        out.append(parse_location(body[o + 2:o + 2 + size]))
        o += 2 + size
    return kind, out


def batch_body(locations: list[bytes], *, blind_area: bool = False) -> bytes:
    return struct.pack(">HB", len(locations), 1 if blind_area else 0) + b"".join(struct.pack(">H", len(b)) + b for b in locations)


def general_response_body(reply_serial: int, reply_id: int, result: int) -> bytes:
    return struct.pack(">HHB", reply_serial, reply_id, result)


def parse_general_response(body: bytes) -> tuple[int, int, int]:
    return struct.unpack_from(">HHB", body, 0)


def resend_request_body(first_serial: int, missing: list[int], *, version: int | None = None) -> bytes:
    """0x8003: the first packet's serial, then the numbers of the missing packets (a byte count in 2013, a word in 2019)."""
    count = struct.pack(">H" if version is not None else ">B", len(missing))
    return struct.pack(">H", first_serial) + count + b"".join(struct.pack(">H", n) for n in missing)


def parse_resend_request(body: bytes, version: int | None = None) -> tuple[int, list[int]]:
    first_serial = struct.unpack_from(">H", body, 0)[0]
    count, offset = (struct.unpack_from(">H", body, 2)[0], 4) if version is not None else (body[2], 3)
    return first_serial, [struct.unpack_from(">H", body, offset + 2 * i)[0] for i in range(count)]


def registration_response_body(reply_serial: int, result: int, auth_code: str = "") -> bytes:
    return struct.pack(">HB", reply_serial, result) + (auth_code.encode("ascii") if result == REG_OK else b"")


def parse_registration_response(body: bytes) -> tuple[int, int, str]:
    serial, result = struct.unpack_from(">HB", body, 0)
    return serial, result, body[3:].decode("ascii")
