"""How a batch reaches the platform: signed HTTP like a real county system, or in-process for past days.

Past days cannot go through HTTP: the server stamps the reception time, and the health page judges flows by it.
So --history calls the same push service the endpoint calls, with the past reception time, and the same bodies.
"""
import json
import urllib.error
import urllib.request

from wastewatch.core.errors import ServiceError
from wastewatch.interfaces import push, signing

PATH = "/api/v1/push/{code}"


class Unreachable(Exception):
    """The server did not answer (not started yet, restarting): try again later."""


class Refused(Exception):
    """The server answered the whole batch with an error (bad signature, malformed body)."""

    def __init__(self, status: int, message: str):
        super().__init__(f"HTTP {status}：{message}")
        self.status = status


def body_of(records: list[dict]) -> bytes:
    return json.dumps({"records": records}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class HttpTransport:
    """POST /api/v1/push/<code>, signed with the client's app key and secret (HMAC-SM3)."""

    def __init__(self, base_url: str, timeout: float = 60):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def send(self, *, client, secret: str, spec, records: list[dict]) -> dict:
        path = PATH.format(code=spec.code)
        body = body_of(records)
        headers = {"Content-Type": "application/json; charset=utf-8", **signing.headers_for(client.app_key, secret, "POST", path, body)}
        request = urllib.request.Request(self.base_url + path, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise Refused(exc.code, _message(exc.read())) from exc
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            raise Unreachable(str(exc)) from exc


def _message(raw: bytes) -> str:
    try:
        return json.loads(raw).get("message", "")
    except (ValueError, AttributeError):
        return raw[:200].decode("utf-8", "replace")


class InProcessTransport:
    """The push service itself, with a past reception time (the --history path)."""

    def __init__(self, received_at):
        self.received_at = received_at

    def send(self, *, client, secret: str, spec, records: list[dict]) -> dict:
        try:
            batch = push.push_receive(client=client, spec=spec, body=body_of(records), received_at=self.received_at)
        except ServiceError as exc:
            raise Refused(exc.status, exc.message) from exc
        return push.batch_answer(batch)
