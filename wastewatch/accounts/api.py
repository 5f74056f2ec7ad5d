from ninja import Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth  # noqa: F401  SessionAuth: the page session, CSRF-checked

from . import services


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        return services.token_user(token)


router = Router(tags=["账号"])


class TokenIn(Schema):
    username: str
    password: str
    name: str = "API"


class TokenOut(Schema):
    token: str
    expires_at: str


class MeOut(Schema):
    username: str
    role: str | None
    region: str | None
    organisation: str | None
    actions: list[str]


@router.post("/token", auth=None, response={201: TokenOut}, summary="用账号密码换取 API 令牌")
def issue_token(request, payload: TokenIn):
    user = services.user_authenticate(username=payload.username, password=payload.password, request=request, channel="api")
    token, raw = services.token_create(actor=user, user=user, name=payload.name)
    return Status(201, {"token": raw, "expires_at": token.expires_at.isoformat()})


@router.get("/me", response=MeOut, summary="当前账号")
def me(request):
    user = request.auth
    return {
        "username": user.username,
        "role": user.role.code if user.role_id else None,
        "region": user.region_id,
        "organisation": user.organisation.code if user.organisation_id else None,
        "actions": list(user.role.actions) if user.role_id else [],
    }
