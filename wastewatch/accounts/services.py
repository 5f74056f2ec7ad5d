"""Logins, passwords and API tokens: every write here leaves a trace."""
import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wastewatch.core.audit import audit_write
from wastewatch.core.crypto import token_digest
from wastewatch.core.errors import ServiceError

from .models import ApiToken, LoginEvent, User

LOCKED_MESSAGE = "登录失败次数过多，账号已锁定 {minutes} 分钟，请稍后再试或联系管理员"


def _client(request):
    if request is None:
        return None, ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None
    return ip, request.META.get("HTTP_USER_AGENT", "")[:300]


def is_locked(username: str) -> bool:
    window = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    last_success = LoginEvent.objects.filter(username=username, outcome=LoginEvent.Outcome.SUCCESS).order_by("-at").values_list("at", flat=True).first()
    since = max(window, last_success) if last_success else window
    failures = LoginEvent.objects.filter(
        username=username, at__gt=since, outcome__in=[LoginEvent.Outcome.BAD_PASSWORD, LoginEvent.Outcome.LOCKED]
    ).count()
    return failures >= settings.LOGIN_LOCKOUT_FAILURES


def user_authenticate(*, username: str, password: str, request=None, channel="page") -> User:
    """The user for these credentials, recorded in the login history; ServiceError otherwise."""
    ip, agent = _client(request)
    username = (username or "").strip()
    user = User.objects.select_related("role", "region").filter(username=username).first()

    def record(outcome):
        LoginEvent.objects.create(
            username=username[:150], user=user, outcome=outcome, ip=ip, user_agent=agent, channel=channel,
            region_code=(user.region_id or "") if user else "",
        )

    if is_locked(username):
        record(LoginEvent.Outcome.LOCKED)
        raise ServiceError(LOCKED_MESSAGE.format(minutes=settings.LOGIN_LOCKOUT_MINUTES), code="locked", status=403)
    if user is None or not user.check_password(password or ""):
        record(LoginEvent.Outcome.UNKNOWN_USER if user is None else LoginEvent.Outcome.BAD_PASSWORD)
        raise ServiceError("账号或密码错误", code="bad_credentials", status=401)
    if not user.is_active:
        record(LoginEvent.Outcome.INACTIVE)
        raise ServiceError("账号已停用，请联系管理员", code="inactive", status=403)
    record(LoginEvent.Outcome.SUCCESS)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    return user


def generate_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(12))
        candidate = body + secrets.choice("!@#%&*") + secrets.choice(string.digits)
        if any(c.islower() for c in candidate) and any(c.isupper() for c in candidate):
            return candidate


def user_set_password(*, actor, user: User, password: str, source="page") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError("新密码不符合要求", details=[{"field": "password", "reason": m} for m in exc.messages]) from exc
    with transaction.atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        audit_write(actor=actor, source=source, action="update", obj=user, region_code=user.region_id or "",
                    before=None, after={"password": "（已修改）"})


def user_reset_password(*, actor, user: User, source="page") -> str:
    """A fresh initial password, returned once to be handed over; only its hash is kept."""
    password = generate_password()
    user_set_password(actor=actor, user=user, password=password, source=source)
    return password


def token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    raw = "ww_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=(name or "API")[:64], digest=token_digest(raw), prefix=raw[:8],
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
        )
        audit_write(actor=actor, source="api", action="create", obj=token, region_code=user.region_id or "",
                    after={"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at.isoformat()})
    return token, raw


def token_revoke(*, actor, token: ApiToken, source="page") -> None:
    if token.revoked_at:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_write(actor=actor, source=source, action="disable", obj=token, region_code=token.user.region_id or "",
                    after={"revoked_at": token.revoked_at.isoformat()})


def token_user(raw: str) -> User | None:
    token = ApiToken.objects.select_related("user", "user__role", "user__region").filter(digest=token_digest(raw)).first()
    if token is None or not token.usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
