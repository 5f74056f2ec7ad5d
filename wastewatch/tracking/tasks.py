"""The tracking rules judged by the clock, run by the Huey consumer (`run_huey`, started by `serve`)."""
import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import checks

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def vehicle_rules_task():
    """Every minute: planned points whose window has passed, vehicles offline in their shift, visits without an
    intake weighing, intakes by unregistered vehicles."""
    now = timezone.now()
    counts = {
        "points": len(checks.point_results_evaluate(now=now)),
        "offline": checks.offline_check(now=now),
        "weighing_missing": checks.weighing_check(now=now),
        "unregistered": checks.unregistered_check(now=now),
    }
    if any(counts.values()):
        log.info("vehicle rules: %s", counts)
    return counts


@db_periodic_task(crontab(minute="17", hour="3"))
def positions_purge_task():
    """Nightly: fixes past their retention."""
    return checks.positions_purge(now=timezone.now())
