from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "wastewatch.tracking"
    label = "tracking"
    verbose_name = "车辆监管"

    def ready(self):
        from wastewatch.core.navigation import register
        from wastewatch.interfaces.landing import register_lander

        from . import landers

        register_lander("tracking:gps", landers.land_gps)
        register_lander("tracking:vehicle-day", landers.land_vehicle_day)
        register("收运监管", "tracking.view", [("车辆监控地图", "tracking:map"), ("定时定点收运考核", "tracking:compliance"),
                                            ("收运计划", "tracking:plans")])
