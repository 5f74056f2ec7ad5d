"""Background work of the reports app, run by the Huey consumer."""
import logging
from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from wastewatch.registry.models import Region

from .refresh import aggregates_refresh, local_day

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def aggregates_refresh_task():
    """Every minute: recompute the days the ledger and the events touched since the last run (refresh.py)."""
    result = aggregates_refresh()
    if result["days"]:
        log.info("aggregates refreshed: %s", result)
    return result


@db_periodic_task(crontab(day="1", hour="2", minute="30"))
def reports_monthly_task():
    """On the 1st at 02:30: last month's report for the city and each county, Excel and PDF; in January also the year's."""
    from django.utils import timezone

    from .exports import report_content
    from .selectors import window
    from .services import report_generate

    last_month = (local_day(timezone.now()).replace(day=1) - timedelta(days=1)).replace(day=1)
    kinds = [("monthly", window("month", last_month))] + ([("annual", window("year", last_month))] if last_month.month == 12 else [])
    done = 0
    for region in Region.objects.filter(level__in=("city", "county"), is_active=True):
        for kind, w in kinds:
            content = report_content(region, w)
            for fmt in ("xlsx", "pdf"):
                report_generate(actor=None, kind=kind, start=w.start, region=region, fmt=fmt, content=content)
                done += 1
    return done
