"""Play a whole simulated day of the ledger through the real interfaces, then the end-of-day checks."""
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "把模拟城市一天的收运处台账（称重、中转、处置、产物去向、联单）经真实接口推送入库，并做物料平衡与产物去向核查"

    def add_arguments(self, parser):
        parser.add_argument("--day", help="日期 yyyy-MM-dd，默认昨天")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, day=None, seed=1, **options):
        from wastewatch.simulator.feed.chain import play_day

        try:
            target = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
        except ValueError:
            raise CommandError(f"日期格式应为 yyyy-MM-dd，收到“{day}”")
        result = play_day(target, seed=seed, say=self.stdout.write)
        self.stdout.write(f"接收 {result['accepted']} 条，未变 {result['unchanged']} 条，拒收 {result['rejected']} 条")
        self.stdout.write(f"联单：{'、'.join(result['manifests']) or '无'}")
        self.stdout.write(f"物料平衡：{result['sites']} 个点位设施，不平衡 {len(result['flagged'])} 个 {' '.join(result['flagged'])}")
        self.stdout.write(f"产物去向不明：{result['outputs_unaccounted']} 项")
