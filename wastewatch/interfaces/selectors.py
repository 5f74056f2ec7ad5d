from django.http import Http404

from .models import ApiClient, PushBatch


def clients_visible(*, user):
    scope = user.scope
    if scope.nothing or scope.organisation_id is not None:
        return ApiClient.objects.none()
    return ApiClient.objects.filter(region__code__startswith=scope.region_prefix).select_related("region").order_by("region_id", "name")


def batches_visible(*, user, params=None):
    """The push archive a user may search: their own county's batches only."""
    params = params or {}
    scope = user.scope
    if scope.nothing or scope.organisation_id is not None:
        return PushBatch.objects.none()
    qs = PushBatch.objects.filter(region_code__startswith=scope.region_prefix).select_related("client")
    if params.get("interface"):
        qs = qs.filter(interface=params["interface"])
    if params.get("county"):
        qs = qs.filter(region_code__startswith=params["county"])
    if params.get("rejected") == "1":
        qs = qs.filter(rejected__gt=0)
    if params.get("date"):
        qs = qs.filter(received_at__date=params["date"])
    if params.get("q"):
        qs = qs.filter(body__contains=params["q"])
    return qs


def batch_get(*, user, pk):
    batch = batches_visible(user=user).filter(pk=pk).first()
    if batch is None:
        raise Http404("推送批次不存在或不在您的数据权限范围内")
    return batch
