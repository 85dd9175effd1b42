"""An Open311 client from PyPI (`georeport`, a GeoReport v2 wrapper written by others) against a
running server, in both of its formats: what it reads is what the spec promised it."""

from __future__ import annotations

import pytest

georeport = pytest.importorskip("georeport")
requests = pytest.importorskip("requests")

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_georeport_client_reads_everything_we_serve(live_server, world, api_key, attributes):
    base = f"{live_server.url}/open311/v2/"
    filed = requests.post(
        base + "requests.json",
        data={
            "jurisdiction_id": world.jurisdiction.code,
            "api_key": api_key,
            "service_code": world.category.code,
            "lat": "30.25",
            "long": "120.35",
            "description": "路口有摊贩占道",
            "attribute[size]": "large",
        },
        timeout=30,
    )
    assert filed.status_code == 201, filed.text
    number = filed.json()[0]["service_request_id"]
    for fmt in ("json", "xml"):
        client = georeport.GeoReport(base, jurisdiction=world.jurisdiction.code, output_format=fmt)
        services = client.get_service_list()
        services = services if isinstance(services, list) else [services]
        assert world.category.code in {s["service_code"] for s in services}
        definition = client.get_service_definition(world.category.code)
        attrs = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
        assert [a["code"] for a in attrs] == ["size", "goods", "count"]
        listed = client.get_service_requests(service_request_id=number)
        listed = listed if isinstance(listed, list) else [listed]
        assert [r["service_request_id"] for r in listed] == [number]
        one = client.get_service_request(number)
        assert (one["service_request_id"], one["status"], one["service_code"]) == (
            number,
            "open",
            world.category.code,
        )
        if fmt == "json":  # (the client cannot read an empty XML list: it indexes None)
            assert client.get_service_requests(status="closed") == []
