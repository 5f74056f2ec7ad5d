from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "wastewatch.events"
    label = "events"
    verbose_name = "告警与工单"
