"""The JT/T 808 gateway for vehicle terminals (2013 and 2019 editions): `manage.py jt808 --host 0.0.0.0 --port 8808`.
Ctrl-C or SIGTERM stops it after the batches in flight are stored and answered."""
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wastewatch.tracking.jt808.server import Gateway


class Command(BaseCommand):
    help = "Run the JT/T 808 TCP gateway: terminals register, authenticate and report positions into the tracking pipeline."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.JT808_HOST)
        parser.add_argument("--port", type=int, default=settings.JT808_PORT)

    def handle(self, *args, host, port, **options):
        gateway = Gateway(host, port)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: gateway.stop())
        self.stdout.write(f"JT/T 808 网关正在启动：{host}:{port}（Ctrl-C 停止）")
        try:
            gateway.run()
        except OSError as exc:  # most often: the port is taken by another gateway
            raise CommandError(f"JT/T 808 网关无法监听 {host}:{port}：{exc.strerror or exc}") from exc
        self.stdout.write(f"JT/T 808 网关已停止；计数：{dict(gateway.stats)}")
