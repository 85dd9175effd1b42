"""No input gives a 500: every operation of the OpenAPI document, fed input that fits the schema
and input that does not (schemathesis), as a logged-in administrator, as a department's handler
and anonymously, answers below 500 with a status, a content type and a body the document lists
for it (every refusal in the one error shape)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from zhiguan.wsgi import application

# Examples per operation and generation mode, per persona: the administrator reaches every handler;
# the handler and the anonymous visitor are mostly refused early, so fewer examples find as much.
# Together about two minutes per database on this machine (`make test` runs both).
PERSONAS = {"admin": 6, "handler": 3, "anonymous": 2}
# How many answers must be a success, or the session did not really reach the handlers.
MIN_SUCCESSES = {"admin": 100, "handler": 30}
SKIPPED = {"/api/v1/auth/logout"}  # would end the fuzzing session itself
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def session(request, make_user, jurisdiction, root_department) -> dict[str, dict[str, str]]:
    """Cookies and headers of the persona: a CSRF token always (a browser has one before logging in)."""
    token = _get_new_csrf_string()
    cookies = {"csrftoken": token}
    if request.param != "anonymous":
        client = Client()
        client.force_login(make_user(request.param, jurisdiction=jurisdiction, department=root_department))
        cookies["sessionid"] = client.cookies["sessionid"].value
    return {"cookies": cookies, "headers": {"X-CSRFToken": token, "Accept-Language": "en"}}


def _check(case, session: dict[str, dict[str, str]], failures: list[str], statuses: list[int]) -> None:
    # Each request in its own savepoint, undone afterwards: on PostgreSQL a failed statement would
    # otherwise poison the test's enclosing transaction for every later request.
    savepoint = transaction.savepoint()
    try:
        response = case.call(headers=session["headers"], cookies=session["cookies"])
    finally:
        transaction.savepoint_rollback(savepoint)
    statuses.append(response.status_code)
    where = f"{case.method} {case.formatted_path} {case.query or ''} {str(case.body)[:200]}"
    try:
        case.validate_response(response, checks=CHECKS)
    except (Failure, FailureGroup) as exc:
        failures.append(f"{where} → {response.status_code} {response.text[:300]}: {str(exc)[:500]}")


@pytest.fixture
def connections_kept_open():
    # The raw WSGI application closes "old" connections at the end of every request, which would
    # close the test's own connection; Django's test client does the same disconnection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("session", PERSONAS, indirect=True)
def test_no_input_gives_a_server_error(db, session, request, connections_kept_open):
    persona = request.node.callspec.params["session"]
    # The document needs a log-in in production mode; the fuzzer reads it as in debug mode.
    with override_settings(ZHIGUAN_API_DOCS_PUBLIC=True):
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
                max_examples=PERSONAS[persona],
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                _check(case, session, failures, statuses)

            try:
                run()
            except Unsatisfiable:
                # An operation that takes no input at all (GET /cases/public/districts) has no
                # invalid input to send; its valid calls ran in the positive mode.
                assert mode == GenerationMode.NEGATIVE, operation.path
    assert not failures, "\n".join(failures[:30])
    # The session must really reach the handlers, or the test proves nothing. Anonymous visitors
    # are told to log in, and reach only the public operations, which refuse random input in detail.
    if persona == "anonymous":
        assert 401 in statuses and sum(s in (404, 422) for s in statuses) >= 10, sorted(set(statuses))
    else:
        successes = sum(200 <= s < 300 for s in statuses)
        assert successes >= MIN_SUCCESSES[persona], (successes, sorted(set(statuses)))
