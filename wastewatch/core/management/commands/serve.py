"""Everything the embedded default runs, in one process tree: the web server and the task consumer.
Ctrl-C (SIGINT) or SIGTERM stops the children first, then the server."""
import signal
import subprocess
import sys

import uvicorn
from django.core.management.base import BaseCommand

# Background processes started beside the web server; later apps add theirs here.
CHILDREN = [["run_huey", "--quiet"]]


class Command(BaseCommand):
    help = "Run the platform: uvicorn (ASGI) and the Huey consumer, stopping cleanly on Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args, host, port, workers, **options):
        children = [subprocess.Popen([sys.executable, "manage.py", *argv]) for argv in CHILDREN]

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
        try:
            uvicorn.run("wastewatch.config.asgi:application", host=host, port=port, workers=workers, log_level="info", lifespan="off")
        finally:
            stop_children()
