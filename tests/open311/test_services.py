"""Discovery, GET services and GET services/{code}: XML as the reference, JSON its arrays."""

from __future__ import annotations

from tests.open311.conftest import BASE, client, error, xml


def test_discovery_in_both_formats(world):
    root = xml(client().get(BASE + "discovery.xml"))
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.find("specification").text == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    body = client().get(BASE + "discovery.json").json()
    assert body["endpoints"][0]["url"].endswith("/open311/v2/")
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]


def test_services_list_every_category_in_use_without_children(world, attributes):
    root = xml(client().get(BASE + "services.xml", {"jurisdiction_id": world.jurisdiction.code}))
    services = {s.find("service_code").text: s for s in root.findall("service")}
    assert set(services) == {world.category.code, world.consult_category.code}
    leaf = services[world.category.code]
    assert leaf.find("service_name").text == "占道经营"
    assert leaf.find("metadata").text == "true" and leaf.find("type").text == "realtime"
    assert leaf.find("group").text == "城市管理"
    assert services[world.consult_category.code].find("metadata").text == "false"
    body = client().get(BASE + "services.json").json()
    assert isinstance(body, list) and len(body) == 2
    assert all(isinstance(s["service_code"], str) for s in body)
    assert set(body[0]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }


def test_a_service_definition_lists_its_attributes_in_order(world, attributes):
    root = xml(client().get(f"{BASE}services/{world.category.code}.xml"))
    assert root.tag == "service_definition" and root.find("service_code").text == world.category.code
    attrs = root.findall("attributes/attribute")
    assert [a.find("code").text for a in attrs] == ["size", "goods", "count"]
    size = attrs[0]
    assert (size.find("datatype").text, size.find("required").text, size.find("order").text) == (
        "singlevaluelist",
        "true",
        "1",
    )
    assert [(v.find("key").text, v.find("name").text) for v in size.findall("values/value")] == [
        ("small", "小"),
        ("large", "大"),
    ]
    body = client().get(f"{BASE}services/{world.category.code}.json").json()
    assert body["attributes"][1]["values"][0] == {"key": "fruit", "name": "水果"}
    assert body["attributes"][2]["values"] == []
    assert set(body["attributes"][0]) == {
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    }


def test_unknown_service_jurisdiction_and_endpoint_are_404_in_the_spec_format(world):
    error(client().get(BASE + "services/nope.xml"), 404)
    error(client().get(BASE + "services/nope.json"), 404, "json")
    error(client().get(BASE + "services.json", {"jurisdiction_id": "999999"}), 404, "json")
    error(client().get(BASE + "nothing-here.xml"), 404)


def test_an_empty_jurisdiction_id_counts_as_absent_and_suffix_and_slash_are_optional(world):
    for path in ("services.xml", "services", "services.xml/", "/services.json"):
        r = client().get(BASE + path, {"jurisdiction_id": ""})
        assert r.status_code == 200, (path, r.content)
    assert client().get(BASE + "services")["Content-Type"].startswith("text/xml")
    error(client().get(BASE + "services.html"), 400)


def test_with_two_districts_the_jurisdiction_must_be_named(world, other_jurisdiction):
    error(client().get(BASE + "services.xml"), 400)
    assert (
        client().get(BASE + "services.xml", {"jurisdiction_id": world.jurisdiction.code}).status_code == 200
    )
