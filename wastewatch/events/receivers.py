"""What follows a committed alert: its work order by the dispatch rules, when the rule dispatches automatically."""
import logging

from django.dispatch import receiver

from wastewatch.core.errors import ServiceError

from .signals import alert_raised

log = logging.getLogger(__name__)


@receiver(alert_raised, dispatch_uid="events.dispatch_by_rule")
def dispatch_by_rule(sender, alert, merged, occurrence, **kwargs):
    from .services.workorders import work_order_for_alert

    if merged or alert.work_orders.exists():
        return
    try:
        work_order_for_alert(actor=None, alert=alert, by_rule=True, source="system")
    except ServiceError as exc:
        # The alert stays new and visible on the list for a person to dispatch by hand.
        log.warning("alert %s not dispatched by rule: %s %s", alert.pk, exc.message, exc.details)
