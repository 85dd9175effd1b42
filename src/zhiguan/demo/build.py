"""Build the demo district: 钱塘区 (330114) with real geography, departments, people, taxonomy and cases.

Real data is used when found (see `zhiguan.demo.data`); otherwise the project's own generated content.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.db import transaction

from zhiguan.assessment.evaluation.demo import build_demo_evaluation
from zhiguan.assessment.forecasts.demo import build_demo_forecasts
from zhiguan.cases.models import Case
from zhiguan.cases.status import OPEN_STATUSES
from zhiguan.components.demo import build_demo_components
from zhiguan.demo.cases_content import BANKUAI_STREETS
from zhiguan.demo.cases_run import build_demo_cases
from zhiguan.demo.field import build_demo_grid_duties
from zhiguan.demo.org import build_demo_org
from zhiguan.demo.routing import build_demo_routing
from zhiguan.geo.demo import build_demo_geography
from zhiguan.geo.models import Area
from zhiguan.gis.demo import build_demo_basemap
from zhiguan.intake.knowledge.demo import build_demo_knowledge
from zhiguan.intake.systems.demo import build_demo_systems
from zhiguan.org.permissions import Actor
from zhiguan.taxonomy.demo import build_demo_taxonomy
from zhiguan.tenancy.models import Jurisdiction
from zhiguan.video.demo import build_demo_cameras, build_demo_watch_cameras

DEMO_CODE = "330114"
DEMO_NAME = "钱塘区"
# Three months of a district about three times as busy as the seed one (2,889 requests a year);
# bounded by the build time (`zhiguan demo` under a minute on two cores, see decision 031).
DEMO_CASES = 2000


def build_demo(*, data_dir: Path | None, log: Any = print, cases: int = DEMO_CASES) -> Jurisdiction:
    """Create the demo jurisdiction and everything in it, in one transaction."""
    started = time.perf_counter()
    with transaction.atomic():
        jurisdiction = Jurisdiction.objects.create(code=DEMO_CODE, name=DEMO_NAME)
        actor = Actor.system(jurisdiction)
        geo = build_demo_geography(actor=actor, data_dir=data_dir)
        log(f"  geography: {geo}")
        basemap = build_demo_basemap(actor=actor, data_dir=data_dir, board_streets=BANKUAI_STREETS)
        log(f"  base map: {basemap}")
        communities: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for area in Area.objects.filter(jurisdiction=jurisdiction, level="community").select_related(
            "parent"
        ):
            communities[area.parent.code].append((area.code, area.name))
        departments = build_demo_org(actor=actor, communities=communities)
        log(f"  departments: {len(departments)}")
        log(f"  grid duties: {build_demo_grid_duties(actor=actor)}")
        taxonomy = build_demo_taxonomy(actor=actor, data_dir=data_dir, departments=departments)
        log(f"  taxonomy: {taxonomy}")
        log(f"  city components: {build_demo_components(actor=actor)}")
        log(f"  cameras: {build_demo_cameras(actor=actor)}")
        log(f"  routing rules: {build_demo_routing(actor=actor, departments=departments)}")
        if cases:
            step = time.perf_counter()
            built = build_demo_cases(jurisdiction=jurisdiction, data_dir=data_dir, count=cases, log=log)
            log(f"  cases: {built} in {time.perf_counter() - step:.1f} s")
            dispatched = Case.objects.filter(jurisdiction=jurisdiction, lead_department__isnull=False)
            total, by_rule = dispatched.count(), dispatched.filter(routing_rule__isnull=False).count()
            log(f"  routing: {by_rule} of {total} dispatched cases by a rule ({by_rule / max(total, 1):.0%})")
            open_points = Case.objects.filter(
                jurisdiction=jurisdiction, status__in=OPEN_STATUSES, lng__isnull=False
            ).values_list("lng", "lat")
            log(
                f"  cameras at problem spots: {build_demo_watch_cameras(actor=actor, points=list(open_points))}"
            )
        log(f"  knowledge: {build_demo_knowledge(actor=actor)}")
        log(f"  integrated systems: {build_demo_systems(actor=actor)}")
    if cases:
        # after the commit: a weekly and a monthly refresh and a month of nightly warning scans
        log(f"  forecasts and warnings: {build_demo_forecasts(actor=Actor.system(jurisdiction))}")
        log(f"  evaluation: {build_demo_evaluation(jurisdiction=jurisdiction)}")
    log(f"  built in {time.perf_counter() - started:.1f} s")
    return jurisdiction
