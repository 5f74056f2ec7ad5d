"""Every write of the events app (DESIGN rule 1). `alert_raise` is what other apps' rules call."""
from .alerts import alert_raise, alert_set_status, place_key

__all__ = ["alert_raise", "alert_set_status", "place_key"]
