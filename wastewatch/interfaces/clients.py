"""County systems' API clients: created and revoked by the city, authenticated by signature."""
import secrets
import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from ninja.security import APIKeyHeader

from wastewatch.core.audit import audit_write
from wastewatch.core.crypto import constant_time_equal
from wastewatch.core.errors import ServiceError

from . import signing
from .models import ApiClient, UsedNonce


def api_client_create(*, actor, name: str, region) -> tuple[ApiClient, str]:
    """A new client for a county; the secret is returned once, to be handed to the vendor."""
    if region.level != "county":
        raise ServiceError("接入系统须绑定到县（市、区）", details=[{"field": "region", "reason": "请选择县级区划"}])
    if not name.strip():
        raise ServiceError("请填写系统名称", details=[{"field": "name", "reason": "必填"}])
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name.strip(), region=region, app_key="ww" + secrets.token_hex(10), secret=secret, created_by=actor
        )
        audit_write(actor=actor, source="page", action="create", obj=client, region_code=region.code,
                    after={"name": client.name, "app_key": client.app_key, "region": region.code})
    return client, secret


def api_client_revoke(*, actor, client: ApiClient) -> ApiClient:
    if client.revoked_at:
        return client
    with transaction.atomic():
        client.is_active = False
        client.revoked_at = timezone.now()
        client.save(update_fields=["is_active", "revoked_at", "updated_at"])
        audit_write(actor=actor, source="page", action="disable", obj=client, region_code=client.region_id,
                    before={"is_active": True}, after={"is_active": False})
    return client


def _refuse(code, message):
    raise ServiceError(message, code=code, status=401)


def authenticate_request(request) -> ApiClient:
    """Check app key, timestamp window, signature and nonce of a push; ServiceError (401) with the reason otherwise."""
    meta = request.headers
    app_key, timestamp, nonce, signature = (meta.get(h, "") for h in ("X-App-Key", "X-Timestamp", "X-Nonce", "X-Signature"))
    method = meta.get("X-Sign-Method") or "HMAC-SM3"
    if not (app_key and timestamp and nonce and signature):
        _refuse("unauthenticated", "缺少签名请求头：X-App-Key、X-Timestamp、X-Nonce、X-Signature")
    if method not in signing.METHODS:
        _refuse("bad_signature", f"不支持的签名算法 {method}，可用 HMAC-SM3 或 HMAC-SHA256")
    client = ApiClient.objects.filter(app_key=app_key).first()
    if client is None:
        _refuse("unauthenticated", "AppKey 不存在")
    if not client.is_active:
        _refuse("client_revoked", "该接入系统已被吊销，请联系市分类办")
    if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > signing.WINDOW_SECONDS * 1000:
        _refuse("expired_timestamp", f"X-Timestamp 须为毫秒时间戳，且与服务器时间相差不超过 {signing.WINDOW_SECONDS} 秒")
    if len(nonce) > 64:
        _refuse("bad_signature", "X-Nonce 不能超过 64 个字符")
    expected = signing.sign(client.secret, signing.string_to_sign(request.method, request.path, timestamp, nonce, request.body), method)
    if not constant_time_equal(expected, signature.lower()):
        _refuse("bad_signature", "签名不正确：请按接入指南计算 HMAC 签名")
    try:
        with transaction.atomic():
            UsedNonce.objects.create(client=client, nonce=nonce)
    except IntegrityError:
        _refuse("replayed_nonce", "X-Nonce 已使用过，疑似重放请求")
    return client


class SignatureAuth(APIKeyHeader):
    """Signed requests of county systems (see the integration guide); the app key travels in X-App-Key."""

    param_name = "X-App-Key"

    def authenticate(self, request, key):
        return authenticate_request(request)
