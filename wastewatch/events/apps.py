from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "wastewatch.events"
    label = "events"
    verbose_name = "告警与工单"

    def ready(self):
        from wastewatch.core.navigation import register
        from wastewatch.interfaces.landing import register_lander

        from . import receivers  # noqa: F401  (connects the dispatch-by-rule receiver)
        from .landing import land_vehicle_alerts

        register_lander("events:alert", land_vehicle_alerts)
        register("告警与工单", "events.view", [
            ("告警列表", "events:alerts"), ("告警地图", "events:alert_map"), ("工单", "events:orders"),
            ("我的工单（手机）", "events:my_orders"), ("闭环统计", "events:stats"), ("巡检打卡", "events:inspections"),
            ("应急预案", "events:plans"), ("取证包校验", "events:verify"), ("群众举报入口（公众页）", "events:public_report"),
        ])
        register("告警与工单", "events.manage", [("派单规则", "events:rules"), ("检查表", "events:checklists")])
