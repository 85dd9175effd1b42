import os
import shutil
import signal
import subprocess
import sys
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from zhiguan.demo.management.commands.demo import print_logins


class Command(BaseCommand):
    help = "Serve the platform (gunicorn) on HOST:PORT; in the embedded set-up also run the periodic jobs."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--workers", default=os.environ.get("ZHIGUAN_WEB_WORKERS", "2"))

    def handle(self, *args: Any, host: str, port: str, workers: str, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        print_logins(self.stdout.write)
        self.stdout.write(
            f"Zhiguan is serving on http://{host}:{port}/  (API docs: /api/v1/docs, admin: /admin/)"
        )
        sys.stdout.flush()
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
        server = subprocess.Popen(
            [
                gunicorn,
                "zhiguan.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                workers,
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "5",
            ]
        )
        stop = threading.Event()
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # No broker, so no beat: this process runs the schedule itself.
            from zhiguan.periodic import start_in_thread

            start_in_thread(stop)

        def _stop(signum: int, frame: object) -> None:
            stop.set()
            server.terminate()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        code = server.wait()
        stop.set()
        raise SystemExit(code)
