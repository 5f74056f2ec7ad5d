from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "wastewatch.reports"
    label = "reports"
    verbose_name = "统计考核"

    def ready(self):
        from wastewatch.core import navigation

        navigation.register("统计考核", "reports.view", [
            ("指标总览", "reports:indicators"), ("小区排名与红黑榜", "reports:rankings"), ("碳减排", "reports:carbon"),
            ("无废指数", "reports:zero_waste"), ("报表下载", "reports:files"), ("指标与碳减排方法", "reports:methodology"),
        ])
