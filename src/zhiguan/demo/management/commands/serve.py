import os
import shutil
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from zhiguan.demo.management.commands.demo import print_logins


class Command(BaseCommand):
    help = "Serve the platform (gunicorn) on HOST:PORT with its static files."

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
        os.execv(
            gunicorn,
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
            ],
        )
