"""Request signing: the string to sign, both HMACs, and a known answer a vendor can check their code against."""
from wastewatch.interfaces import signing


def test_string_to_sign_joins_method_path_time_nonce_and_body_digest():
    text = signing.string_to_sign("post", "/api/v1/push/estate", "1700000000000", "abc", b'{"records":[]}')
    method, path, ts, nonce, digest = text.split("\n")
    assert (method, path, ts, nonce) == ("POST", "/api/v1/push/estate", "1700000000000", "abc")
    assert len(digest) == 64


def test_hmac_sm3_and_sha256_differ_and_are_stable():
    text = signing.string_to_sign("POST", "/api/v1/push/estate", "1700000000000", "n1", b"{}")
    sm3 = signing.sign("secret", text)
    sha = signing.sign("secret", text, "HMAC-SHA256")
    assert sm3 != sha and len(sm3) == len(sha) == 64
    assert signing.sign("secret", text) == sm3
    # Known answer, printed in the integration guide so vendors can test their implementation.
    assert signing.sign("secret", "abc", "HMAC-SHA256") == "9946dad4e00e913fc8be8e5d3f7e110a4a9e832f83fb09c345285d78638d8a0e"


def test_headers_carry_everything_the_server_needs():
    headers = signing.headers_for("key", "secret", "POST", "/api/v1/push/estate", b"{}", nonce="n", timestamp="1")
    assert headers["X-Signature"] == signing.sign("secret", signing.string_to_sign("POST", "/api/v1/push/estate", "1", "n", b"{}"))
