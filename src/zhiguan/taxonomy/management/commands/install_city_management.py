from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhiguan.errors import DomainError
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor
from zhiguan.taxonomy.standards import install_city_management
from zhiguan.tenancy.models import Jurisdiction


class Command(BaseCommand):
    help = (
        "Install the national city-management classification (数字城管 部件 and 事件, GB/T 30428.2) "
        "with its handling standards into a jurisdiction. Safe to run again: nothing existing changes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--jurisdiction", required=True, help="administrative code, e.g. 330114")
        parser.add_argument(
            "--lead",
            action="append",
            default=[],
            metavar="CODE=DEPARTMENT",
            help="default lead department of a 大类 or 小类, e.g. DCM-P-01=CGJ (repeatable)",
        )

    def handle(self, *args: Any, jurisdiction: str, lead: list[str], **options: Any) -> None:
        place = Jurisdiction.objects.filter(code=jurisdiction).first()
        if place is None:
            raise CommandError(f"no jurisdiction with code {jurisdiction}")
        leads = {}
        for item in lead:
            code, sep, dept_code = item.partition("=")
            dept = Department.objects.filter(jurisdiction=place, code=dept_code.strip()).first()
            if not sep or dept is None:
                raise CommandError(
                    f"--lead {item}: give CODE=DEPARTMENT with a department code of {place.name}"
                )
            leads[code.strip()] = dept
        try:
            nodes = install_city_management(actor=Actor.system(place), lead_departments=leads)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        leaves = sum(1 for c in nodes.values() if c.level == 3)
        self.stdout.write(f"{place.name}: {len(nodes)} city-management categories ({leaves} 小类) in place")
