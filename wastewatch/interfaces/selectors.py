import json

from django.db.models import Count, Exists
from django.http import Http404

from wastewatch.core.selectors import region_scoped

from . import personal, relay
from .models import ApiClient, PushBatch, RelayMessage


def in_scope(queryset, *, user, region_lookup="region_code"):
    """The rows of the user's region subtree; nothing for organisation-bound users (a hauler has no county data flow)."""
    return region_scoped(queryset, user=user, lookups=(region_lookup,))


def clients_visible(*, user):
    return in_scope(ApiClient.objects.select_related("region"), user=user, region_lookup="region__code").order_by("region_id", "name")


def batches_visible(*, user, params=None):
    """The push archive a user may search: their own county's batches only."""
    params = params or {}
    qs = in_scope(PushBatch.objects.select_related("client"), user=user)
    if params.get("interface"):
        qs = qs.filter(interface=params["interface"])
    if params.get("county"):
        qs = qs.filter(region_code__startswith=params["county"])
    if params.get("rejected") == "1":
        qs = qs.filter(rejected__gt=0)
    if params.get("date"):
        qs = qs.filter(received_at__date=params["date"])
    if params.get("q"):
        qs = qs.filter(keys__contains=params["q"].strip())
    return qs


def batch_body(*, user, batch, spec) -> str:
    """The archived request as the user may see it: personal data masked without core.view_personal."""
    payload = json.loads(batch.body)
    if spec is not None and not user.can("core.view_personal"):
        payload["records"] = [personal.masked(spec, r) if isinstance(r, dict) else r for r in payload["records"]]
    return json.dumps(payload, ensure_ascii=False, indent=1)


def batch_get(*, user, pk):
    batch = batches_visible(user=user).filter(pk=pk).first()
    if batch is None:
        raise Http404("推送批次不存在或不在您的数据权限范围内")
    return batch


def _relay_filtered(user, params):
    qs = in_scope(RelayMessage.objects.all(), user=user)
    if params.get("interface"):
        qs = qs.filter(interface=params["interface"])
    if params.get("county"):
        qs = qs.filter(region_code__startswith=params["county"])
    return qs


def relay_messages_visible(*, user, params=None):
    """The provincial outbox a user may see (their county's messages only), newest first; `blocked`: waiting behind
    an older pending or dead message of the same key."""
    params = params or {}
    qs = _relay_filtered(user, params)
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    return qs.annotate(blocked=Exists(relay.blockers())).order_by("-id")


def relay_status_counts(*, user, params=None) -> dict:
    """Messages per status under the page's interface and county filters (not its status filter), every status present."""
    return relay.status_counts(_relay_filtered(user, params or {}))


def relay_message_get(*, user, pk):
    message = in_scope(RelayMessage.objects.all(), user=user).filter(pk=pk).first()
    if message is None:
        raise Http404("转发消息不存在或不在您的数据权限范围内")
    return message


def relay_backlog(*, counties) -> dict:
    """Pending and dead messages per county (6-digit code) for the health page; counties are already in the caller's scope."""
    backlog = {county: {"pending": 0, "dead": 0} for county in counties}
    rows = (RelayMessage.objects.filter(status__in=(RelayMessage.Status.PENDING, RelayMessage.Status.DEAD))
            .values_list("region_code", "status").annotate(n=Count("id")).order_by())
    for region_code, status, n in rows:
        if region_code[:6] in backlog:
            backlog[region_code[:6]][status] += n
    return backlog
