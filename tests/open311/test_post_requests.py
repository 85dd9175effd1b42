"""POST requests: form-encoded and multipart, api_key, the three ways to place a request,
attributes in every spelling, and every bad input answered in the spec's format with nothing written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.open311.conftest import BASE, PNG, client, error, form, xml
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import Case, CaseAttachment
from zhiguan.intake.open311 import services
from zhiguan.intake.open311.models import Open311Key, Open311Request


def _counts():
    return (Case.objects.count(), CaseAttachment.objects.count(), Open311Request.objects.count())


def test_a_form_post_files_a_case_and_answers_its_id_not_a_token(world, api_key):
    r = client().post(BASE + "requests.json", form(world, api_key))
    assert r.status_code == 201, r.content
    body = r.json()
    assert isinstance(body, list) and len(body) == 1
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    case = Case.objects.get(number=body[0]["service_request_id"])
    assert (case.channel, case.status, case.category_id, case.street.name) == (
        services.CHANNEL,
        "registered",
        world.category.pk,
        "下沙街道",
    )
    assert case.external_ref == case.open311.token
    assert [(p.name, p.phone) for p in case.reporters.all()] == [("三 张", "13912345678")]
    assert case.events.get().action == "register"
    assert AuditRecord.objects.filter(
        action="case.registered", actor_label__contains="Open311 fixmystreet"
    ).exists()
    # The XML answer of a second one: <service_requests><request><service_request_id/>.
    root = xml(client().post(BASE + "requests.xml", form(world, api_key)))
    assert root.tag == "service_requests" and root.find("request/service_request_id").text
    assert root.find("request/token") is None


def test_multipart_media_is_stored_with_the_case_and_a_bad_file_is_left_out_with_a_notice(world, api_key):
    photo = SimpleUploadedFile("stall.png", PNG, content_type="image/png")
    r = client().post(BASE + "requests.json", {**form(world, api_key), "media": photo})
    assert r.status_code == 201, r.content
    case = Case.objects.get(number=r.json()[0]["service_request_id"])
    assert case.attachments.count() == 1
    bad = SimpleUploadedFile("stall.png", b"not a picture at all", content_type="image/png")
    r = client().post(BASE + "requests.json", {**form(world, api_key), "media": bad})
    assert r.status_code == 201
    assert "照片未被接收" in r.json()[0]["service_notice"]  # in the district's language
    assert Case.objects.get(number=r.json()[0]["service_request_id"]).attachments.count() == 0


def test_media_url_and_contact_fields_are_kept(world, api_key):
    r = client().post(
        BASE + "requests.json",
        form(world, api_key, media_url="https://fms.example/p/1.jpg", account_id="u-7"),
    )
    filed = Open311Request.objects.get(case__number=r.json()[0]["service_request_id"])
    assert (filed.media_url, filed.email, filed.account_id) == (
        "https://fms.example/p/1.jpg",
        "zhang@example.cn",
        "u-7",
    )
    assert r.json()[0]["account_id"] == "u-7"


def test_an_address_string_is_geocoded_and_an_address_id_is_a_standard_address(world, api_key, addresses):
    r = client().post(
        BASE + "requests.json", form(world, api_key, lat=None, long=None, address_string="文泽路10号")
    )
    assert r.status_code == 201, r.content
    case = Case.objects.get(number=r.json()[0]["service_request_id"])
    assert (round(case.lng, 4), round(case.lat, 4), case.address) == (120.3502, 30.265, "文泽路10号")
    r = client().post(BASE + "requests.json", form(world, api_key, lat=None, long=None, address_id="A020"))
    case = Case.objects.get(number=r.json()[0]["service_request_id"])
    assert (round(case.lat, 4), case.address, case.open311.address_id) == (
        30.27,
        "钱塘区下沙街道文泽路20号",
        "A020",
    )
    before = _counts()
    error(
        client().post(BASE + "requests.xml", form(world, api_key, lat=None, long=None, address_id="NOPE")),
        400,
    )
    error(
        client().post(
            BASE + "requests.xml", form(world, api_key, lat=None, long=None, address_string="火星基地一号")
        ),
        400,
    )
    assert _counts() == before


def test_attributes_with_brackets_with_empty_brackets_and_repeated_keys(world, api_key, attributes):
    data = {**form(world, api_key), "attribute[size]": "large", "attribute[goods][]": ["fruit", "toys"]}
    r = client().post(BASE + "requests.json", data)
    assert r.status_code == 201, r.content
    filed = Open311Request.objects.get(case__number=r.json()[0]["service_request_id"])
    assert filed.attributes == {"size": "large", "goods": ["fruit", "toys"]}
    assert "goods: fruit, toys" in filed.case.description
    # FixMyStreet repeats the key without [] for a multi-value attribute.
    data = {**form(world, api_key), "attribute[size]": "small", "attribute[goods]": ["food", "fruit"]}
    r = client().post(BASE + "requests.json", data)
    assert Open311Request.objects.get(case__number=r.json()[0]["service_request_id"]).attributes["goods"] == [
        "food",
        "fruit",
    ]


@pytest.mark.parametrize(
    "extra",
    [
        {},  # the required "size" is missing
        {"attribute[size]": "huge"},
        {"attribute[size]": "small", "attribute[goods]": "guns"},
        {"attribute[size]": "small", "attribute[count]": "many"},
    ],
)
def test_bad_attribute_answers_are_400_and_create_nothing(world, api_key, attributes, extra):
    before = _counts()
    error(client().post(BASE + "requests.xml", {**form(world, api_key), **extra}), 400)
    assert _counts() == before


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"api_key": None}, 403),
        ({"api_key": "o311_deadbeef_wrong"}, 403),
        ({"api_key": "garbage"}, 403),
        ({"service_code": "nope"}, 404),
        ({"service_code": None}, 404),
        ({"jurisdiction_id": "999999"}, 404),
        ({"lat": "31.9", "long": "121.9"}, 400),  # outside the district
        ({"lat": "abc"}, 400),
        ({"lat": "95", "long": "120.35"}, 400),
        ({"long": None}, 400),
        ({"lat": None, "long": None}, 400),  # no location at all
        ({"description": ""}, 400),
        ({"description": "很" * 4001}, 400),
        ({"description": "bad\x00text"}, 400),
        ({"email": "not-an-email"}, 400),
        ({"media_url": "javascript:alert(1)"}, 400),
        ({"phone": "12"}, 400),
    ],
)
def test_bad_requests_answer_the_spec_error_and_write_nothing(world, api_key, overrides, status):
    before = (*_counts(), AuditRecord.objects.filter(action="case.registered").count())
    error(client().post(BASE + "requests.xml", form(world, api_key, **overrides)), status)
    error(client().post(BASE + "requests.json", form(world, api_key, **overrides)), status, "json")
    assert (*_counts(), AuditRecord.objects.filter(action="case.registered").count()) == before


def test_a_description_of_exactly_4000_characters_is_accepted(world, api_key):
    assert (
        client().post(BASE + "requests.json", form(world, api_key, description="很" * 4000)).status_code
        == 201
    )


def test_a_key_of_another_district_or_a_revoked_key_is_403(world, api_key, other_jurisdiction):
    _row, other = services.issue_key(jurisdiction_code=other_jurisdiction.code, name="app")
    error(client().post(BASE + "requests.xml", form(world, other)), 403)
    Open311Key.objects.filter(name="fixmystreet").update(active=False)
    error(client().post(BASE + "requests.xml", form(world, api_key)), 403)
    assert Case.objects.count() == 0


def test_a_json_or_xml_body_is_refused_in_the_spec_format(world, api_key):
    r = client().post(BASE + "requests.json", data='{"service_code": "x"', content_type="application/json")
    error(r, 403, "json")  # no form fields at all: no api_key
    r = client().post(
        BASE + f"requests.xml?api_key={api_key}&jurisdiction_id={world.jurisdiction.code}",
        data="<request><bad",
        content_type="text/xml",
    )
    error(r, 404)  # a key, but no service_code
    assert Case.objects.count() == 0


def test_in_token_mode_the_answer_is_a_token_to_poll(world, api_key, settings):
    settings.ZHIGUAN_OPEN311_ANSWER_TOKENS = True
    body = client().post(BASE + "requests.json", form(world, api_key)).json()
    assert set(body[0]) == {"token", "service_notice", "account_id"}
    polled = client().get(f"{BASE}tokens/{body[0]['token']}.json").json()
    assert polled == [{"service_request_id": Case.objects.get().number, "token": body[0]["token"]}]
    root = xml(client().get(f"{BASE}tokens/{body[0]['token']}.xml"))
    assert root.find("request/service_request_id").text == Case.objects.get().number
    error(client().get(f"{BASE}tokens/nope.xml"), 404)
    assert client().get(BASE + "services.json").json()[0]["type"] == "batch"


def test_get_put_and_delete_on_requests(world, api_key):
    assert client().get(BASE + "requests.xml").status_code == 200
    r = client().put(BASE + "requests.xml")
    assert r.status_code == 405 and xml(r).tag == "errors"
