"""The citizen follows a case by number + last four digits and rates it after closure (or by the signed link)."""

from __future__ import annotations

from tests.cases.conftest import PATHS
from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import Case, CaseEvent
from zhiguan.intake import citizen

# The default reporter's phone is 13812345678.
DIGITS = "5678"


def _follow(anonymous_api, number, digits=DIGITS):
    return anonymous_api.post("cases/public/follow", {"number": number, "phone_last4": digits})


def test_the_citizen_follows_the_case_without_personal_data_or_internal_notes(world, anonymous_api):
    case = world.walk(world.new_case(), "submit", "dispatch", "return")
    case = world.walk(case, "refuse_return", "accept")
    r = _follow(anonymous_api, case.number)
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["number"], body["status"], body["reply"], body["can_rate"]) == (
        case.number,
        "in_progress",
        "",
        False,
    )
    # Plain public steps: the return and its refusal (an internal dispute) are not shown.
    assert [s["step"] for s in body["timeline"]] == ["received", "accepted", "dispatched", "handling"]
    assert [s["status"] for s in body["timeline"]] == ["accepted", "accepted", "in_progress", "in_progress"]
    assert set(body["timeline"][0]) == {"at", "step", "status"}
    assert body["department"] == "城管局"
    text = r.content.decode()
    for secret in ("王小明", "13812345678", "不属于本单位职责", "operator", "dispatcher"):
        assert secret not in text


def test_wrong_number_and_wrong_digits_get_the_same_404(world, anonymous_api):
    case = world.new_case()
    wrong_digits = _follow(anonymous_api, case.number, "0000")
    wrong_number = _follow(anonymous_api, case.number[:-1] + "9")
    assert_error(wrong_digits, 404, "not_found")
    assert wrong_digits.content == wrong_number.content
    assert_error(_follow(anonymous_api, case.number, "56a8"), 422, "invalid_input")


def test_repeated_wrong_digits_lock_the_guessing_source_for_an_hour_not_the_case(world, settings):
    from django.test import Client

    from tests.conftest import ApiClient

    settings.ZHIGUAN_CITIZEN_MAX_FAILURES = 3
    case = world.new_case()
    guesser = ApiClient(Client(REMOTE_ADDR="203.0.113.66"))
    reporter = ApiClient(Client(REMOTE_ADDR="198.51.100.20"))
    for digits in ("0000", "1111", "2222"):
        assert_error(_follow(guesser, case.number, digits), 404, "not_found")
    # The guesser is refused for the hour, whatever number it tries, even with the right digits …
    assert_error(_follow(guesser, case.number), 429, "rate_limited")
    assert_error(_follow(guesser, "330114-20200101-00001"), 429, "rate_limited")
    # … and a new X-Forwarded-For makes no new guesser (no proxy is trusted by default).
    guesser.headers["X-Forwarded-For"] = "192.0.2.1"
    assert_error(_follow(guesser, case.number), 429, "rate_limited")
    # The real reporter, from elsewhere, still follows the case.
    assert _follow(reporter, case.number).status_code == 200


def test_the_public_pages_are_throttled_per_address(world, anonymous_api):
    case = world.new_case()
    codes = [_follow(anonymous_api, case.number).status_code for _ in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429


def test_the_reply_is_shown_once_fed_back(world, anonymous_api):
    case = world.walk(world.new_case(), "submit", "dispatch", "accept", "reply")
    assert _follow(anonymous_api, case.number).json()["reply"] == ""
    case = world.do(case, "feed_back")
    assert _follow(anonymous_api, case.number).json()["reply"] == "已现场处理"


def test_the_citizen_rates_a_closed_case_once_by_number_and_digits(world, anonymous_api):
    case = world.case_in("closed")
    body = {"number": case.number, "phone_last4": DIGITS, "result": "dissatisfied", "comment": "摊贩又回来了"}
    r = anonymous_api.post("cases/public/rate", body)
    assert r.status_code == 200, r.content
    assert r.json() == {"number": case.number, "status": "rated", "callback_result": "dissatisfied"}
    event = case.events.order_by("-seq").first()
    assert (event.action, event.role, event.actor_label, event.note) == (
        "callback",
        "citizen",
        "citizen",
        "摊贩又回来了",
    )
    audit = AuditRecord.objects.get(action="case.callback")
    assert audit.actor_user_id is None and audit.actor_label == "citizen"
    assert_error(anonymous_api.post("cases/public/rate", body), 409, "already_rated")
    assert case.events.filter(action="callback").count() == 1
    # The supervisor may now reopen the case the citizen is dissatisfied with.
    assert world.do(Case.objects.get(pk=case.pk), "reopen").status == "in_progress"


def test_rating_before_closure_or_with_a_bad_result_changes_nothing(world, anonymous_api):
    open_case = world.walk(world.new_case(), "submit")
    body = {"number": open_case.number, "phone_last4": DIGITS, "result": "satisfied"}
    assert_error(anonymous_api.post("cases/public/rate", body), 409, "not_closed")
    closed = world.case_in("closed")
    events = CaseEvent.objects.count()
    bad = {"number": closed.number, "phone_last4": DIGITS, "result": "great"}
    assert_error(anonymous_api.post("cases/public/rate", bad), 422, "invalid_input")
    wrong = {"number": closed.number, "phone_last4": "0000", "result": "satisfied"}
    assert_error(anonymous_api.post("cases/public/rate", wrong), 404, "not_found")
    assert CaseEvent.objects.count() == events
    assert Case.objects.get(pk=closed.pk).status == "closed"


def test_the_signed_link_made_at_closure_rates_the_case_once(
    world, anonymous_api, django_capture_on_commit_callbacks
):
    links: list[tuple[int, str]] = []

    def keep(sender, case_id, token, **kwargs):
        links.append((case_id, token))

    citizen.callback_link_issued.connect(keep)
    try:
        # Every step of "closed" but the closure itself (the co-handler replies first).
        case = world.walk(world.new_case(), *PATHS["closed"][:-1])
        with django_capture_on_commit_callbacks(execute=True):
            world.do(case, "close")
    finally:
        citizen.callback_link_issued.disconnect(keep)
    assert [case_id for case_id, _ in links] == [case.pk]
    token = links[0][1]
    forged = anonymous_api.post("cases/public/rate", {"token": token[:-2] + "xx", "result": "satisfied"})
    assert_error(forged, 404, "not_found")
    r = anonymous_api.post("cases/public/rate", {"token": token, "result": "basically_satisfied"})
    assert r.status_code == 200, r.content
    assert r.json()["callback_result"] == "basically_satisfied"
    again = anonymous_api.post("cases/public/rate", {"token": token, "result": "satisfied"})
    assert_error(again, 409, "already_rated")


def test_staff_get_the_rating_link_for_a_closed_case_with_an_audit_record(world, anonymous_api):
    case = world.case_in("closed")
    r = world.api("operator").post(f"cases/{case.number}/callback-link")
    assert r.status_code == 200, r.content
    assert AuditRecord.objects.filter(action="case.callback_link_issued").count() == 1
    assert_error(world.api("lead").post(f"cases/{case.number}/callback-link"), 403, "forbidden")
    open_case = world.walk(world.new_case(), "submit")
    assert_error(world.api("operator").post(f"cases/{open_case.number}/callback-link"), 409, "not_closed")
    rated = anonymous_api.post("cases/public/rate", {"token": r.json()["token"], "result": "satisfied"})
    assert rated.status_code == 200, rated.content


def test_a_staff_role_named_citizen_does_not_open_the_citizen_row(world):
    from zhiguan.org.models import Role, User

    role = Role.objects.create(
        code="citizen", name="市民", data_scope="jurisdiction", permissions=["case.view", "case.act"]
    )
    user = User.objects.create_user(username="fake-citizen", jurisdiction=world.jurisdiction)
    user.roles.set([role])
    case = world.case_in("closed")
    api = world.api("operator")
    api.client.force_login(user)
    assert_error(api.post(f"cases/{case.number}/actions/callback", {"result": "satisfied"}), 403, "forbidden")
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_the_throttle_reads_its_rate_when_the_request_arrives(world, anonymous_api, settings):
    settings.ZHIGUAN_CITIZEN_RATE = "3/m"
    case = world.new_case()
    codes = [_follow(anonymous_api, case.number).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_closure_listener_ignores_every_other_move_without_a_query(world, django_assert_num_queries):
    case = world.new_case()
    with django_assert_num_queries(0):
        for action in ("register", "submit", "dispatch", "callback", "reopen"):
            citizen.issue_link_at_close(sender="cases", case_id=case.pk, event_id=1, action=action)


def test_cases_knows_nothing_of_intake():
    import ast
    from pathlib import Path

    import zhiguan.cases

    root = Path(zhiguan.cases.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.startswith("zhiguan.intake")]
    assert not offenders
