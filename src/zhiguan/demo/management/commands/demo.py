import os
from typing import Any

from django.core.management.base import BaseCommand

from zhiguan.demo.build import DEMO_CASES, build_demo
from zhiguan.demo.data import demo_data_dir
from zhiguan.demo.org import DEMO_PASSWORD, demo_logins
from zhiguan.tenancy.models import Jurisdiction


class Command(BaseCommand):
    help = "Load the demo district (钱塘区) with real geography, departments, people and taxonomy."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when a jurisdiction already exists"
        )
        parser.add_argument(
            "--cases",
            type=int,
            default=int(os.environ.get("ZHIGUAN_DEMO_CASES", DEMO_CASES)),
            help=f"how many demo cases to build (default {DEMO_CASES}, or $ZHIGUAN_DEMO_CASES)",
        )

    def handle(self, *args: Any, if_empty: bool = False, cases: int = DEMO_CASES, **options: Any) -> None:
        if Jurisdiction.objects.exists():
            if if_empty:
                self.stdout.write("Database already holds a district; demo not loaded again.")
                return
            self.stderr.write("Database is not empty; use a fresh database for the demo.")
            raise SystemExit(1)
        data_dir = demo_data_dir()
        if data_dir:
            self.stdout.write(f"Loading the demo district with real data from {data_dir}")
        else:
            self.stdout.write(
                "Real data not found (../shared/data or $ZHIGUAN_DEMO_DATA): generated content only"
            )
        build_demo(data_dir=data_dir, log=self.stdout.write, cases=cases)
        print_logins(self.stdout.write)


def print_logins(write: Any) -> None:
    rows = demo_logins()
    if not rows:
        return
    write(f"Demo log-ins (password {DEMO_PASSWORD}):")
    for username, roles, dept in rows:
        write(f"  {username:<16} {roles:<18} {dept}")
    from zhiguan.intake.open311.services import print_demo_key  # the demo's Open311 key (decision 075)

    print_demo_key(write)
