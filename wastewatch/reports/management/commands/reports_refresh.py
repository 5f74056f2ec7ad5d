from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from wastewatch.reports.refresh import aggregates_refresh, refresh_days


class Command(BaseCommand):
    help = "刷新指标预计算汇总：默认处理自上次以来的变更；--from/--to 重算一段日期"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="起始日期 2025-01-01")
        parser.add_argument("--to", dest="end", help="结束日期（含），默认与起始日期相同")

    def handle(self, *args, start=None, end=None, **options):
        if not start:
            self.stdout.write(str(aggregates_refresh()))
            return
        try:
            first = date.fromisoformat(start)
            last = date.fromisoformat(end) if end else first
        except ValueError as exc:
            raise CommandError(f"日期格式应为 2025-01-01：{exc}")
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        self.stdout.write(str(refresh_days(days)))
