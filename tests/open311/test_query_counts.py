"""What one Open311 request costs the database (docs/decisions/084-intake-performance.md): the
throttles are one statement each, the district and a service's attributes are read once per process,
the key's district is not read twice."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.open311.conftest import BASE, client, form
from zhiguan.cases.models import Case
from zhiguan.intake.open311 import lookups
from zhiguan.throttling import PREFIX

# Two throttle counters, the key, the service, and the registration's own statements
# (dedupe look-up, category, area token, number, case, reporter, event, audit, Open311 row),
# savepoints included; the listeners after the commit.
MAX_POST_QUERIES = 17


def _post(world, api_key, **overrides):
    with CaptureQueriesContext(connection) as ctx:
        r = client().post(BASE + "requests.json", form(world, api_key, **overrides))
    assert r.status_code == 201, r.content
    return ctx.captured_queries


def test_a_post_after_the_first_stays_within_its_query_budget(world, api_key):
    _post(world, api_key)  # the first reads the district and the service's attributes
    queries = _post(world, api_key)
    sql = [q["sql"] for q in queries]
    assert len(sql) <= MAX_POST_QUERIES, "\n".join(sql)
    # Each throttle is one statement on the cache table.
    assert sum("zhiguan_cache" in s for s in sql) == 2
    assert not any('"tenancy_jurisdiction"' in s for s in sql)
    assert not any('"open311_serviceattribute"' in s for s in sql)
    assert Case.objects.count() == 2


def test_the_counters_hold_one_row_per_client_and_count_every_request(world, api_key, settings):
    settings.ZHIGUAN_OPEN311_RATE = "1000/m"
    for _ in range(3):
        _post(world, api_key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM zhiguan_cache WHERE cache_key LIKE %s", [PREFIX + "%"])
        rows = dict(cursor.fetchall())
    assert rows == {f"{PREFIX}open311:127.0.0.1": "3", f"{PREFIX}open311key:{api_key.split('_')[1]}": "3"}


def test_a_district_saved_in_this_process_is_seen_at_once(world, api_key):
    assert lookups.jurisdiction(world.jurisdiction.code) is not None
    world.jurisdiction.active = False
    world.jurisdiction.save()
    assert (
        client().get(BASE + "services.json", {"jurisdiction_id": world.jurisdiction.code}).status_code == 404
    )
