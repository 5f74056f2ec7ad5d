"""Every read of the events app, scoped (DESIGN rule 2): alerts and work orders by region prefix, outside → 404.

Cheap aggregates for the reports and cockpit apps: alert_counts, work_order_stats, estate_scores."""
from datetime import datetime, timedelta

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.http import Http404

from wastewatch.core.selectors import region_scoped
from wastewatch.registry.models import Region

from .choices import DONE_STATUSES, WORKING_STATUSES, WorkOrderStatus
from .models import Alert, EmergencyPlan, Evidence, Inspection, Notification, WorkOrder

ALERT_FILTERS = ("kind", "status", "severity", "source")


def alerts_visible(*, user, params=None):
    params = params or {}
    qs = region_scoped(Alert.objects.all(), user=user, organisation_lookups=("vehicle__hauler_id",)).select_related("site", "vehicle", "device")
    for name in ALERT_FILTERS:
        if params.get(name):
            qs = qs.filter(**{name: params[name]})
    if params.get("region"):
        qs = qs.filter(region_code__startswith=params["region"])
    if params.get("since"):
        qs = qs.filter(last_at__gte=params["since"])
    if params.get("until"):
        qs = qs.filter(first_at__lt=params["until"])
    if params.get("q"):
        qs = qs.filter(Q(title__icontains=params["q"]) | Q(site__code=params["q"]) | Q(vehicle__plate=params["q"]))
    return qs


def alert_get(*, user, pk) -> Alert:
    alert = region_scoped(Alert.objects.filter(pk=pk), user=user, organisation_lookups=("vehicle__hauler_id",)).select_related("site", "vehicle", "device").first()
    if alert is None:
        raise Http404("告警不存在或不在您的数据权限范围内")
    return alert


def live_video_url(alert) -> str:
    """The stream of the camera that saw it, or else of a camera at its site."""
    if alert.device_id and alert.device.stream_url:
        return alert.device.stream_url
    if alert.site_id:
        camera = alert.site.devices.filter(kind="camera", is_active=True).exclude(stream_url="").first()
        return camera.stream_url if camera else ""
    return ""


def evidence_get(*, user, pk) -> Evidence:
    evidence = region_scoped(Evidence.objects.filter(pk=pk), user=user).select_related("device").first()
    if evidence is None:
        raise Http404("取证文件不存在或不在您的数据权限范围内")
    return evidence


def work_orders_visible(*, user, params=None):
    params = params or {}
    qs = region_scoped(WorkOrder.objects.all(), user=user).select_related("unit", "alert", "escalated_to")
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if params.get("overdue"):
        qs = qs.filter(escalation_level__gt=0)
    if params.get("region"):
        qs = qs.filter(region_code__startswith=params["region"])
    return qs


def work_order_get(*, user, pk=None, number=None) -> WorkOrder:
    lookup = {"pk": pk} if pk is not None else {"number": number}
    order = region_scoped(WorkOrder.objects.filter(**lookup), user=user).select_related("unit", "alert", "escalated_to").first()
    if order is None:
        raise Http404("工单不存在或不在您的数据权限范围内")
    return order


def my_work_orders(*, user):
    """What the worker's unit has to do now: its working orders, nearest deadline first."""
    if user.region_id is None:
        return WorkOrder.objects.none()
    return (WorkOrder.objects.filter(region_code=user.region_id, status__in=[*WORKING_STATUSES, WorkOrderStatus.REPORTED])
            .select_related("alert__site").order_by(F("deadline").asc(nulls_last=True)))


def notifications_for(*, user):
    return Notification.objects.filter(region_code=user.region_id or "-", channel="platform")


def alert_counts(*, user, since: datetime, until: datetime, by: str = "kind"):
    """Alert counts by kind, status, county ("region" = 6-digit county) or day, in the user's scope."""
    qs = region_scoped(Alert.objects.filter(first_at__gte=since, first_at__lt=until), user=user)
    if by == "day":
        qs = qs.annotate(day=TruncDate("first_at")).values("day")
    elif by == "region":
        from django.db.models.functions import Substr

        qs = qs.annotate(county=Substr("region_code", 1, 6)).values("county")
    else:
        qs = qs.values(by)
    return list(qs.annotate(alerts=Count("pk"), occurrences=Sum("count")).order_by())


def work_order_stats(*, user, since: datetime, until: datetime, by: str = "unit"):
    """Closed-loop statistics per unit or kind over orders dispatched in [since, until), drills excluded:
    total, done, on-time rate of the completion reports, average hours from dispatch to report, reopen rate, overdue.

    One aggregate read from the covering index events_wo_stats_idx: grouped by the unit's code, not its name, so no
    join and a hash of ~2,500 keys; the handling time is the one stored at the report. A unit's region_code is its code."""
    qs = region_scoped(WorkOrder.objects.filter(is_drill=False, dispatched_at__gte=since, dispatched_at__lt=until), user=user)
    key = {"unit": "unit_id", "kind": "kind"}[by]
    rows = list(qs.values(key).annotate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status__in=DONE_STATUSES)),
        reported=Count("pk", filter=Q(on_time__isnull=False)),
        on_time=Count("pk", filter=Q(on_time=True)),
        reopened=Count("pk", filter=Q(reopen_count__gt=0)),
        escalated=Count("pk", filter=Q(escalation_level__gt=0)),
        avg_handling=Avg("handling_time"),
    ).order_by("-total", key))
    names = dict(Region.objects.filter(code__in=[r[key] for r in rows]).order_by().values_list("code", "name")) if by == "unit" else {}
    out = []
    for row in rows:
        avg = row["avg_handling"]
        if avg is not None and not hasattr(avg, "total_seconds"):  # SQLite may hand back microseconds
            avg = timedelta(microseconds=avg)
        out.append({
            "key": names.get(row[key], row[key]) if by == "unit" else row[key], "region_code": row[key] if by == "unit" else "",
            "total": row["total"], "done": row["done"],
            "on_time_rate": round(row["on_time"] / row["reported"], 4) if row["reported"] else None,
            "avg_hours": round(avg.total_seconds() / 3600, 2) if avg is not None else None,
            "reopen_rate": round(row["reopened"] / row["total"], 4) if row["total"] else None,
            "escalated": row["escalated"],
        })
    return out


def inspections_visible(*, user, params=None):
    params = params or {}
    qs = region_scoped(Inspection.objects.all(), user=user).select_related("site", "estate", "inspector")
    if params.get("site"):
        qs = qs.filter(site__code=params["site"])
    return qs


def estate_scores(*, user, since: datetime, until: datetime):
    """Per estate, its inspections in [since, until): count, average score, problems — for the estates' assessment."""
    qs = region_scoped(Inspection.objects.filter(at__gte=since, at__lt=until, estate__isnull=False), user=user)
    return list(qs.values("estate_id", "estate__code", "estate__name", "estate__region_id").annotate(
        inspections=Count("pk"), avg_score=Avg("score"), problems=Sum("problems")).order_by("estate__code"))


def plans_visible(*, user):
    """Plans for the user's area: city-wide ones and those whose region lies in or above the user's scope."""
    prefix = user.scope.region_prefix if not user.scope.nothing else None
    if prefix is None:
        return EmergencyPlan.objects.none()
    return [p for p in EmergencyPlan.objects.all() if prefix.startswith(p.region_prefix) or p.region_prefix.startswith(prefix)]
