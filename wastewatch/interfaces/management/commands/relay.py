from django.core.management.base import BaseCommand

from ... import relay


class Command(BaseCommand):
    help = "The provincial relay: `relay drain` sends what is due once; `relay status` prints the outbox counts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        drain = sub.add_parser("drain")
        drain.add_argument("--limit", type=int, default=relay.DRAIN_LIMIT)
        sub.add_parser("status")

    def handle(self, *args, verb, **options):
        if not relay.enabled():
            self.stdout.write("省平台地址 WASTEWATCH_PROVINCE_URL 未配置：转发已停用，消息保留为待发送")
        if verb == "drain":
            counts = relay.relay_drain(limit=options["limit"])
            self.stdout.write(f"发送成功 {counts['sent']}，失败待重试 {counts['failed']}，转入失败 {counts['dead']}")
        summary = relay.relay_summary()
        labels = dict(relay.RelayMessage.Status.choices)
        self.stdout.write("，".join(f"{labels[s]} {n}" for s, n in summary.items()))
