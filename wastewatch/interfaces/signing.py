"""Request signing of the push API.

string to sign = METHOD \n PATH \n TIMESTAMP \n NONCE \n hex(SM3(body))
signature      = hex(HMAC-SM3(secret, string to sign))   (or HMAC-SHA256 when X-Sign-Method says so)
"""
import hashlib
import hmac
import time

from wastewatch.core.crypto import hmac_sm3_hex, sm3_hex

WINDOW_SECONDS = 300
NONCE_HOURS = 24
METHODS = ("HMAC-SM3", "HMAC-SHA256")


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return "\n".join([method.upper(), path, timestamp, nonce, sm3_hex(body)])


def sign(secret: str, text: str, method: str = "HMAC-SM3") -> str:
    key = secret.encode("utf-8")
    if method == "HMAC-SHA256":
        return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
    return hmac_sm3_hex(key, text.encode("utf-8"))


def headers_for(app_key: str, secret: str, method: str, path: str, body: bytes, *, sign_method="HMAC-SM3", nonce=None, timestamp=None):
    """The headers a county system sends; used by the simulator, the tests and the guide's example."""
    import secrets as _secrets

    timestamp = timestamp or str(int(time.time() * 1000))
    nonce = nonce or _secrets.token_hex(16)
    signature = sign(secret, string_to_sign(method, path, timestamp, nonce, body), sign_method)
    return {"X-App-Key": app_key, "X-Timestamp": timestamp, "X-Nonce": nonce, "X-Signature": signature, "X-Sign-Method": sign_method}
