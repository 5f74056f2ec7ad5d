"""One NinjaAPI for the platform, a router per registry type, one error body everywhere."""
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from wastewatch.accounts.api import SessionAuth, TokenAuth, router as accounts_router
from wastewatch.core.api import build_router
from wastewatch.core.errors import ServiceError
from wastewatch.core.pydantic_zh import translate_errors
from wastewatch.core.resources import all_resources
from wastewatch.cockpit.api import router as cockpit_router
from wastewatch.events.api import router as events_router
from wastewatch.interfaces.api import router as push_router
from wastewatch.ledger.api import router as ledger_router
from wastewatch.reports.api import router as reports_router
from wastewatch.tracking.api import router as tracking_router

api = NinjaAPI(
    title="wastewatch 平台接口",
    version="1",
    description="台州市生活垃圾分类信息化监管平台。认证：请求头 `Authorization: Bearer <令牌>`（令牌在“我的账号”页面或 /api/v1/accounts/token 获取），或页面登录后的会话。错误统一为 {code, message, details}。",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
)


@api.exception_handler(ServiceError)
def service_error(request, exc):
    return api.create_response(request, exc.body(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    details = translate_errors(exc.errors)
    return api.create_response(request, {"code": "invalid", "message": "请求数据格式有误", "details": details}, status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    message = str(exc) if str(exc) and "No " not in str(exc) else "对象不存在或不在您的数据权限范围内"
    return api.create_response(request, {"code": "not_found", "message": message, "details": []}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"code": "unauthenticated", "message": "未登录或令牌无效", "details": []}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"code": "forbidden" if exc.status_code == 403 else "error", "message": str(exc), "details": []}, status=exc.status_code)


api.add_router("/accounts", accounts_router)
api.add_router("/push", push_router)
api.add_router("/tracking", tracking_router)
api.add_router("/ledger", ledger_router)
api.add_router("/events", events_router)
api.add_router("/reports", reports_router)
api.add_router("/cockpit", cockpit_router)
for resource in all_resources():
    api.add_router(f"/{resource.app_label}/{resource.slug}", build_router(resource))
