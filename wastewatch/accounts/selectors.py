from .models import LoginEvent


def login_events_visible(*, user, q=""):
    scope = user.scope
    qs = LoginEvent.objects.none() if scope.nothing else LoginEvent.objects.filter(region_code__startswith=scope.region_prefix)
    if scope.organisation_id is not None:
        qs = qs.filter(user__organisation_id=scope.organisation_id)
    if q:
        qs = qs.filter(username__icontains=q)
    return qs.order_by("-at")
