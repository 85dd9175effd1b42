"""No input gives a 500: every operation of the OpenAPI document, fed input that fits the schema
and input that does not (schemathesis), as a logged-in administrator, answers below 500, and
every refusal carries the one error shape."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from zhiguan.wsgi import application

EXAMPLES_PER_MODE = 6
SKIPPED = {"/api/v1/auth/logout"}  # would end the fuzzing session itself


@pytest.fixture
def admin_session(make_user, jurisdiction, root_department) -> dict[str, dict[str, str]]:
    client = Client()
    client.force_login(make_user("admin", jurisdiction=jurisdiction, department=root_department))
    token = _get_new_csrf_string()
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token, "Accept-Language": "en"},
    }


def _check(case, session: dict[str, dict[str, str]], failures: list[str], statuses: list[int]) -> None:
    # Each request in its own savepoint, undone afterwards: on PostgreSQL a failed statement would
    # otherwise poison the test's enclosing transaction for every later request.
    savepoint = transaction.savepoint()
    try:
        response = case.call(headers=session["headers"], cookies=session["cookies"])
    finally:
        transaction.savepoint_rollback(savepoint)
    statuses.append(response.status_code)
    where = f"{case.method} {case.formatted_path} {case.query or ''}"
    if response.status_code >= 500:
        failures.append(f"{where} → {response.status_code} {response.text[:300]}")
    elif response.status_code >= 400 and response.headers.get("Content-Type", "").startswith(
        "application/json"
    ):
        body = response.json()
        if set(body) != {"error"} or not {"code", "message", "details"} <= set(body["error"]):
            failures.append(f"{where} → {response.status_code} without the error shape: {body}")


@pytest.fixture
def connections_kept_open():
    # The raw WSGI application closes "old" connections at the end of every request, which would
    # close the test's own connection; Django's test client does the same disconnection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_input_gives_a_server_error(db, admin_session, connections_kept_open):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    statuses: list[int] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        if operation.path in SKIPPED:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES_PER_MODE,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                _check(case, admin_session, failures, statuses)

            run()
    assert not failures, "\n".join(failures[:30])
    # The session must really reach the handlers, or the test proves nothing.
    assert sum(200 <= s < 300 for s in statuses) >= 100, sorted(set(statuses))
