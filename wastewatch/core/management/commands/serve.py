"""Everything the embedded default runs, in one process tree: the web server, the task consumer and the live
simulator of the county systems. Ctrl-C (SIGINT) or SIGTERM stops the children first, then the server."""
import os
import signal
import subprocess
import sys

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

# Background processes started beside the web server; later apps add theirs here. "{url}" becomes the server's own
# address, which is only known once the command's options are read. The simulator fills a week of history first.
CHILDREN = [["run_huey", "--quiet"], ["simulate", "--history", "7", "--url", "{url}"], ["jt808"]]


def own_url(host: str, port: int) -> str:
    """Where a child reaches this server: loopback when it listens on every interface."""
    host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Run the platform: uvicorn (ASGI), the Huey consumer and the county-system simulator, stopping cleanly on Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--no-simulate", action="store_true", help="do not run the simulator (also WASTEWATCH_SIMULATE=0)")
        # Off by default: the simulator's pushes would fill the console with a line each.
        parser.add_argument("--access-log", action="store_true", help="log every request")

    def handle(self, *args, host, port, workers, no_simulate, access_log, **options):
        simulate = not no_simulate and os.environ.get("WASTEWATCH_SIMULATE", "1") != "0"
        argvs = [argv for argv in CHILDREN if simulate or argv[0] != "simulate"]
        url = own_url(host, port)
        children = [subprocess.Popen([sys.executable, "manage.py", *(a.format(url=url) for a in argv)]) for argv in argvs]

        def stop_children(*_):
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGINT)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()

        self.stdout.write(f"wastewatch 已启动：http://{host}:{port}/  （Ctrl-C 停止）")
        self.stdout.write(f"JT/T 808 车载终端网关：{settings.JT808_HOST}:{settings.JT808_PORT}（JT808_PORT 可改端口）")
        try:
            uvicorn.run("wastewatch.config.asgi:application", host=host, port=port, workers=workers, log_level="info", lifespan="off",
                        access_log=access_log)
        finally:
            stop_children()
