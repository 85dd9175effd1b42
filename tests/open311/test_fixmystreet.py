"""FixMyStreet as a client, call by call as its Open311 module makes them: the `.xml` endpoints
joined to a base ending in "/", form posts with jurisdiction_id and api_key, a multi-value attribute
as the same key repeated, the token polled, then `servicerequestupdates` both ways."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.open311.conftest import client, error, xml
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import Case
from zhiguan.intake.open311.models import Open311Update

ENDPOINT = "/open311/v2/"  # as configured in FixMyStreet's body settings, with the trailing slash


def _get(world, path, **params):
    return client().get(ENDPOINT + path, {"jurisdiction_id": world.jurisdiction.code, **params})


def _post(world, key, path, params):
    return client().post(
        ENDPOINT + path, {"jurisdiction_id": world.jurisdiction.code, "api_key": key, **params}
    )


def _report(world, key, attributes):
    description = "title:  占道经营\n\ndetail: 人行道被水果摊占用\n\nurl: https://fms.example/report/42\n\nSubmitted via FixMyStreet\n"
    return _post(
        world,
        key,
        "requests.xml",
        {
            "lat": "30.2501",
            "long": "120.3501",
            "email": "citizen@example.cn",
            "description": description,
            "service_code": world.category.code,
            "first_name": "Wei",
            "last_name": "Li",
            "phone": "13912345678",
            "media_url": "https://fms.example/photo/42.full.jpeg",
            "attribute[size]": "small",
            "attribute[goods]": ["fruit", "food"],
            "attribute[fixmystreet_id]": "42",
        },
    )


def test_fixmystreet_reads_services_files_a_report_and_polls_its_token(world, api_key, attributes, settings):
    services = xml(_get(world, "services.xml"))
    codes = [s.find("service_code").text for s in services.findall("service")]
    assert world.category.code in codes
    meta = xml(_get(world, f"services/{world.category.code}.xml"))
    assert [a.find("code").text for a in meta.findall("attributes/attribute")] == ["size", "goods", "count"]
    settings.ZHIGUAN_OPEN311_ANSWER_TOKENS = True
    answer = xml(_report(world, api_key, attributes))
    request = answer.find("request")
    assert request.find("service_request_id") is None
    token = request.find("token").text
    polled = xml(_get(world, f"tokens/{token}.xml"))
    number = polled.find("request/service_request_id").text
    case = Case.objects.get(number=number)
    assert case.open311.attributes == {"size": "small", "goods": ["fruit", "food"]}
    assert "Submitted via FixMyStreet" in case.description
    # FixMyStreet then fetches its reports by id, comma-separated.
    listed = xml(_get(world, "requests.xml", service_request_id=number))
    assert [r.find("service_request_id").text for r in listed.findall("request")] == [number]
    assert listed.find("request/media_url").text == "https://fms.example/photo/42.full.jpeg"


def test_fixmystreet_follows_updates_and_posts_a_citizen_update(world, api_key, attributes):
    number = xml(_report(world, api_key, attributes)).find("request/service_request_id").text
    case = Case.objects.get(number=number)
    world.walk(case, "submit", "dispatch")
    start = (timezone.now() - timedelta(hours=1)).isoformat()
    end = (timezone.now() + timedelta(minutes=1)).isoformat()
    updates = xml(_get(world, "servicerequestupdates.xml", start_date=start, end_date=end, api_key=api_key))
    assert updates.tag == "service_request_updates"
    rows = updates.findall("request_update")
    assert [(u.find("service_request_id").text, u.find("status").text) for u in rows] == [
        (number, "open")
    ] * 2
    assert [u.find("external_status_code").text for u in rows] == ["to_dispatch", "dispatched"]
    assert len({u.find("update_id").text for u in rows}) == 2
    # A later poll overlapping the first window repeats none of the update_ids as new steps.
    world.walk(Case.objects.get(pk=case.pk), "accept")
    again = xml(_get(world, "servicerequestupdates.xml", start_date=start, end_date=end)).findall(
        "request_update"
    )
    assert [u.find("update_id").text for u in again][:2] == [u.find("update_id").text for u in rows]
    assert len(again) == 3
    # The citizen comments on FixMyStreet: it posts the update.
    params = {
        "update_id_ext": "901",
        "updated_datetime": timezone.now().isoformat(timespec="seconds"),
        "service_request_id": number,
        "service_request_id_ext": "42",
        "status": "OPEN",
        "email": "citizen@example.cn",
        "description": "摊贩晚上又来了",
        "public_anonymity_required": "FALSE",
        "first_name": "Wei",
        "last_name": "Li",
        "external_status_code": "action_scheduled",
    }
    posted = xml(_post(world, api_key, "servicerequestupdates.xml", params))
    update_id = posted.find("request_update/update_id").text
    assert update_id
    stored = Open311Update.objects.get()
    assert (stored.case_id, stored.status, stored.external_status_code) == (
        case.pk,
        "open",
        "action_scheduled",
    )
    assert AuditRecord.objects.filter(action="case.citizen_update_added").count() == 1
    event = Case.objects.get(pk=case.pk).events.get(action="citizen_update")
    assert (event.note, event.payload["external_status_code"]) == ("摊贩晚上又来了", "action_scheduled")
    # Posted twice (a retry): the same update, not a second one.
    assert (
        xml(_post(world, api_key, "servicerequestupdates.xml", params)).find("request_update/update_id").text
        == update_id
    )
    assert Open311Update.objects.count() == 1


def test_bad_updates_answer_in_the_spec_format(world, api_key):
    error(_post(world, "", "servicerequestupdates.xml", {"service_request_id": "x", "description": "a"}), 403)
    error(
        _post(
            world, api_key, "servicerequestupdates.xml", {"service_request_id": "NOPE", "description": "a"}
        ),
        404,
    )
    error(_get(world, "servicerequestupdates.json", start_date="soon"), 400, "json")
    assert Open311Update.objects.count() == 0
