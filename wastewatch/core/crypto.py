"""SM3 digests and SM4 encryption of personal data at rest (key from WASTEWATCH_SM4_KEY)."""
import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

PREFIX = "sm4:"


def _key():
    key = bytes.fromhex(settings.SM4_KEY)
    if len(key) != 16:
        raise ValueError("WASTEWATCH_SM4_KEY must be 32 hex digits (128 bits)")
    return key


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    from cryptography.hazmat.primitives import hmac as chmac

    mac = chmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def sm4_encrypt(plaintext: str) -> str:
    """SM4-CBC with a fresh IV per value; stored as 'sm4:' + base64(iv || ciphertext)."""
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext.encode("utf-8")) + padder.finalize()
    encryptor = Cipher(algorithms.SM4(_key()), modes.CBC(iv)).encryptor()
    return PREFIX + base64.b64encode(iv + encryptor.update(data) + encryptor.finalize()).decode("ascii")


def sm4_decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        return token
    raw = base64.b64decode(token[len(PREFIX):])
    decryptor = Cipher(algorithms.SM4(_key()), modes.CBC(raw[:16])).decryptor()
    data = decryptor.update(raw[16:]) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return (unpadder.update(data) + unpadder.finalize()).decode("utf-8")


def token_digest(token: str) -> str:
    """Digest under which API tokens are stored: the token itself is shown once and never kept."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
