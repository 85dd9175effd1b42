"""The fast bulk writer keeps what simple-history would have written: ids, stamps, one history row
per record with its kind, moment, user and source, and the record as it was after the write."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zhiguan.gis.models import Poi
from zhiguan.registries import bulk

from .conftest import POI_HEADERS, csv_bytes, poi_row, upload


def _pois(jurisdiction, n: int, start: int = 0) -> list[Poi]:
    return [
        Poi(
            jurisdiction=jurisdiction,
            code=f"B{start + i:06d}",
            name=f"批量点{start + i}",
            kind="park",
            aliases=["别名甲", "别名乙"],
            lng=120.3 + i * 1e-4,
            lat=30.3,
        )
        for i in range(n)
    ]


@pytest.mark.django_db
def test_created_records_get_ids_stamps_and_one_history_row_each(jurisdiction, root_department, make_user):
    user = make_user("admin", jurisdiction=jurisdiction, department=root_department)
    before = timezone.now()
    objs = bulk.create_with_history(_pois(jurisdiction, 250), source="import:7", user=user)
    ids = [o.pk for o in objs]
    assert len(set(ids)) == 250 and all(ids)
    stored = {p.pk: p for p in Poi.objects.filter(pk__in=ids)}
    assert len(stored) == 250
    first = stored[ids[0]]
    assert first.aliases == ["别名甲", "别名乙"] and first.created_at >= before and first.updated_at
    rows = Poi.history.filter(id__in=ids)
    assert rows.count() == 250
    assert set(rows.values_list("history_type", "history_source", "history_user_id").distinct()) == {
        ("+", "import:7", user.pk)
    }
    assert rows.get(id=ids[0]).name == "批量点0"
    # A second write takes fresh ids after the first (no collision with rows just written).
    more = bulk.create_with_history(_pois(jurisdiction, 3, start=900), source="demo")
    assert min(o.pk for o in more) > max(ids)


@pytest.mark.django_db
def test_updated_records_write_the_change_and_a_changed_history_row(jurisdiction):
    objs = list(bulk.create_with_history(_pois(jurisdiction, 5), source="demo"))
    for o in objs[:2]:
        o.name = o.name + "（新）"
    bulk.update_with_history(objs[:2], ["name"], source="import:9")
    assert Poi.objects.get(pk=objs[0].pk).name.endswith("（新）")
    assert Poi.objects.get(pk=objs[3].pk).name == "批量点3"
    latest = Poi.history.filter(id=objs[0].pk).order_by("-history_id").first()
    assert (latest.history_type, latest.history_source, latest.name) == ("~", "import:9", "批量点0（新）")
    assert Poi.history.filter(id=objs[3].pk).count() == 1


def test_an_import_then_a_changed_import_keeps_both_states(admin_api):
    r = upload(admin_api, "pois", "poi.csv", csv_bytes(POI_HEADERS, [poi_row(1)]))
    assert r.json()["created"] == 1, r.content
    r = upload(admin_api, "pois", "poi.csv", csv_bytes(POI_HEADERS, [poi_row(1, name="新名字")]))
    assert r.json()["updated"] == 1, r.content
    poi = Poi.objects.get(code="P000001")
    kinds = list(poi.history.order_by("history_id").values_list("history_type", flat=True))
    assert kinds == ["+", "~"]
    assert all(h.history_user_id == admin_api.user.pk for h in poi.history.all())
    assert poi.name == "新名字"
