"""The dashboard pages (1920×1080, dark) and the live stream (server-sent events) that tells them to redraw."""
import asyncio
import json

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden, StreamingHttpResponse
from django.shortcuts import render

from wastewatch.core.pages import require_action
from wastewatch.reports.selectors import region_visible

from . import data

STREAM_SECONDS = 55  # then the browser's EventSource reconnects by itself (retry below)
POLL_SECONDS = 2


@login_required
def dashboard(request, theme="results"):
    require_action(request, "reports.view")
    if theme not in data.THEMES:
        raise Http404("没有这个主题舱")
    region = region_visible(user=request.user, code=request.GET.get("region", ""))
    return render(request, "cockpit/dashboard.html", {"theme": theme, "themes": data.THEMES, "region": region})


def _state(prefix):
    from wastewatch.events.models import Alert
    from wastewatch.reports.refresh import last_refreshed_at

    newest = Alert.objects.filter(region_code__startswith=prefix).order_by("-id").values("id", "title", "kind", "region_code").first()
    return newest, last_refreshed_at()


async def stream(request):
    """`event: alert` for each new alert in the caller's area, `event: refresh` when the aggregates were refreshed."""
    user = await request.auser()

    def allowed_region():
        if not user.is_authenticated or not user.can("reports.view"):
            return None
        return region_visible(user=user, code=request.GET.get("region", ""))

    region = await sync_to_async(allowed_region)()
    if region is None:
        return HttpResponseForbidden("未登录或没有查看驾驶舱的权限")
    prefix = region.prefix
    # Under a WSGI server (the test server, a diagnostic run) a long stream would hold a worker thread: greet and close,
    # and the browser's EventSource asks again after `retry`. uvicorn (ASGI) keeps the stream open.
    from django.core.handlers.asgi import ASGIRequest

    once = request.GET.get("once") == "1" or not isinstance(request, ASGIRequest)

    async def events():
        newest, refreshed = await sync_to_async(_state)(prefix)
        last_id = newest["id"] if newest else 0
        yield f"retry: 3000\nevent: hello\ndata: {json.dumps({'region': region.code, 'alert': last_id}, ensure_ascii=False)}\n\n"
        if once:
            return
        for _ in range(STREAM_SECONDS // POLL_SECONDS):
            await asyncio.sleep(POLL_SECONDS)
            newest, now_refreshed = await sync_to_async(_state)(prefix)
            if newest and newest["id"] > last_id:
                last_id = newest["id"]
                yield f"event: alert\ndata: {json.dumps(newest, ensure_ascii=False)}\n\n"
            if now_refreshed != refreshed:
                refreshed = now_refreshed
                yield f"event: refresh\ndata: {json.dumps({'at': str(refreshed)})}\n\n"
            else:
                yield ": keep-alive\n\n"

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
