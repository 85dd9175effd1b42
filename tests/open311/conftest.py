"""Open311 tests run on the cases' test district (`world`), with an API key per client and a few
service attributes, and parse answers the way clients do (XML as the reference, JSON arrays)."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

import pytest
import shapely
from defusedxml.ElementTree import fromstring
from django.test import Client

from tests.cases.conftest import _media_in_tmp, world
from zhiguan.gis.models import Road, StandardAddress
from zhiguan.intake.open311 import services
from zhiguan.intake.open311.models import ServiceAttribute
from zhiguan.registries import versions

__all__ = ["_media_in_tmp", "world"]

BASE = "/open311/v2/"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def api_key(world: Any) -> str:
    _row, key = services.issue_key(jurisdiction_code=world.jurisdiction.code, name="fixmystreet")
    return key


@pytest.fixture
def attributes(world: Any) -> list[ServiceAttribute]:
    common = {"jurisdiction": world.jurisdiction, "category": world.category}
    return [
        ServiceAttribute.objects.create(
            code="size",
            datatype="singlevaluelist",
            required=True,
            order=1,
            description="摊位大小",
            values=[{"key": "small", "name": "小"}, {"key": "large", "name": "大"}],
            **common,
        ),
        ServiceAttribute.objects.create(
            code="goods",
            datatype="multivaluelist",
            order=2,
            description="经营品类",
            values=[
                {"key": "fruit", "name": "水果"},
                {"key": "food", "name": "小吃"},
                {"key": "toys", "name": "玩具"},
            ],
            **common,
        ),
        ServiceAttribute.objects.create(
            code="count", datatype="number", order=3, description="摊位数", **common
        ),
    ]


@pytest.fixture
def addresses(world: Any) -> list[StandardAddress]:
    j = world.jurisdiction
    line = shapely.LineString([(120.35, 30.26), (120.35, 30.30)])
    road = Road.objects.create(
        jurisdiction=j,
        code="R1",
        name="文泽路",
        road_class="secondary",
        geometry=shapely.to_wkb(line),
        min_lng=120.35,
        min_lat=30.26,
        max_lng=120.35,
        max_lat=30.30,
    )
    rows = StandardAddress.objects.bulk_create(
        StandardAddress(
            jurisdiction=j,
            code=f"A{n:03d}",
            level="door",
            road=road,
            road_name="文泽路",
            house_number=f"{n}号",
            address=f"钱塘区下沙街道文泽路{n}号",
            lng=120.3502,
            lat=30.26 + n * 0.0005,
        )
        for n in range(1, 40)
    )
    for registry in ("addresses", "roads"):
        versions.bump(j.pk, registry)
    return rows


def client() -> Client:
    return Client(headers={"Accept-Language": "en"})


def xml(response: Any) -> Element:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    return fromstring(response.content)


def form(world: Any, key: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "jurisdiction_id": world.jurisdiction.code,
        "api_key": key,
        "service_code": world.category.code,
        "lat": "30.25",
        "long": "120.35",
        "description": "人行道上有流动摊贩占道经营",
        "first_name": "三",
        "last_name": "张",
        "email": "zhang@example.cn",
        "phone": "13912345678",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def error(response: Any, status: int, fmt: str = "xml") -> str:
    """The spec's error document: its one error's description (and the code is the status)."""
    assert response.status_code == status, response.content
    if fmt == "json":
        body = response.json()
        assert isinstance(body, list) and body[0]["code"] == status and body[0]["description"]
        return str(body[0]["description"])
    root = xml(response)
    assert root.tag == "errors" and root.find("error/code").text == str(status)
    return str(root.find("error/description").text)
