"""Background work of the interfaces app, run by the Huey consumer (`run_huey`, started by `serve`)."""
import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .relay import relay_drain

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def relay_drain_task():
    """Every minute: forward the provincial outbox.

    No Huey lock: a lock left behind by a killed consumer would stop the relay for good, and overlapping drains
    are safe anyway, since each message is claimed by one drainer before it is sent."""
    counts = relay_drain()
    if any(counts.values()):
        log.info("relay drained: %s", counts)
    return counts
