"""Periodic work of the ledger, run by the Huey consumer: the end-of-day checks of yesterday, once its late data has
had the night to arrive (the interfaces accept a day's data until the next morning)."""
import logging
from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .balance import balance_check
from .services.facilities import outputs_check

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="6", minute="30"))
def ledger_day_check_task():
    """At 06:30: yesterday's mass balance of every site, and outputs that left without a destination."""
    day = timezone.localdate() - timedelta(days=1)
    flagged = [b for b in balance_check(actor=None, day=day) if b.flagged]
    unaccounted = outputs_check(actor=None, day=day)
    log.info("ledger %s: %s sites out of balance, %s outputs unaccounted", day, len(flagged), len(unaccounted))
    return len(flagged), len(unaccounted)
