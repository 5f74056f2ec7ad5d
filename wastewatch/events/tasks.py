"""Periodic work of the events app, run by the Huey consumer: escalation of overdue orders, alerts for offline and
faulty devices, retries of outbound notices, face detection of newly stored images, and the retention job that
removes expired evidence (each removal logged in the evidence's access log)."""
import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services.devices import devices_check
from .services.evidence import evidence_expire, evidence_faces_detect_pending
from .services.notifications import notifications_deliver
from .services.workorders import work_orders_escalate

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/5"))
def escalate_overdue_task():
    escalated = work_orders_escalate()
    if escalated:
        log.info("escalated %s overdue work orders", escalated)
    return escalated


@db_periodic_task(crontab(minute="*"))
def evidence_faces_task():
    """Every minute: find the faces of the images stored since (display does it itself when it gets there first)."""
    return evidence_faces_detect_pending()


@db_periodic_task(crontab(minute="*/10"))
def devices_check_task():
    """Every ten minutes: offline and faulty devices become alerts (one occurrence per device and day)."""
    return devices_check()


@db_periodic_task(crontab(minute="*"))
def notifications_retry_task():
    return notifications_deliver()


@db_periodic_task(crontab(hour="3", minute="17"))
def evidence_retention_task():
    removed = evidence_expire()
    if removed:
        log.info("retention removed %s evidence files", removed)
    return removed
