"""Schemathesis against /api/v1/'s OpenAPI document, with a valid key, every operation.

Runs in-process through Django's WSGI handler, inside the test's transaction, so it works
the same on SQLite and PostgreSQL. Django closes "old" database connections at the start
and end of each request (`close_old_connections`); inside a test transaction that would
close the test's own connection (on PostgreSQL every request then answers 500, "the
connection is closed": checked by removing the two lines below), so the fixture detaches
those two signal receivers for the run, exactly as Django's test client does around each
request.
"""

import collections
import json
import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from certificates.models import Certificate
from courses.services import lesson_complete

from .factories import EmployeeFactory, make_nip

MAX_EXAMPLES = 20  # per operation and generation mode: the whole run stays well under a minute


@pytest.fixture
def wsgi_app():
    from django.core.handlers.wsgi import WSGIHandler

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(db, opd_a, opd_b, make_course, django_capture_on_commit_callbacks):
    course = make_course(lessons=1)
    for opd in (opd_a, opd_b):
        for _ in range(2):
            employee = EmployeeFactory(opd=opd)
            with django_capture_on_commit_callbacks(execute=True):
                lesson_complete(employee=employee, lesson=course.test_lessons[0])
    return Certificate.objects.first()


def test_schemathesis_finds_no_server_error_and_no_schema_violation(seeded, make_api_client, wsgi_app, capsys):
    import hypothesis
    import schemathesis
    from hypothesis import HealthCheck, Phase
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from api.v1 import api

    assert seeded is not None, "the world has a certificate to verify"
    _client, key = make_api_client(rate_limit_per_minute=1_000_000)
    headers = {"Authorization": f"Bearer {key}"}
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
    schema.app = wsgi_app
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]

    counts = collections.Counter()
    statuses = collections.defaultdict(collections.Counter)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7, [op.label for op in operations]

    def exercise(operation, mode):
        @hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            counts[operation.label] += 1
            try:
                response = case.call_and_validate(headers=headers, checks=checks)
            except (Exception, BaseExceptionGroup) as exc:  # collected: one report listing every failing operation
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:800]}")
                return
            statuses[operation.label][response.status_code] += 1

        run()

    started = time.monotonic()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            exercise(operation, mode)

    # known-good inputs too: a real certificate code
    verify = schema["/api/v1/certificates/{code}"]["GET"]
    case = verify.Case(path_parameters={"code": seeded.code})
    response = case.call_and_validate(headers=headers, checks=checks)
    assert response.status_code == 200 and response.json()["sha256"] == seeded.sha256
    counts[verify.label] += 1
    # and a roster write that succeeds (random rows never pass the NIP checks), then its dry run
    roster = schema["/api/v1/roster"]["PUT"]
    row = {"nip": make_nip(), "nama": "Pegawai Skema", "email": "skema@contoh.go.id", "opd_kode": "OPD-A", "jenis_pegawai": "PNS"}
    for body in ({"rows": [row]}, {"rows": [row], "dry_run": True}):
        case = roster.Case(body=body, headers={"Idempotency-Key": "skema-1" if "dry_run" not in body else "skema-2"})
        response = case.call_and_validate(headers=headers, checks=checks)
        assert response.status_code == 200, response.text
        statuses[roster.label][200] += 1
        counts[roster.label] += 1

    with capsys.disabled():
        elapsed = time.monotonic() - started
        print(f"\nschemathesis: {sum(counts.values())} cases over {len(operations)} operations in {elapsed:.1f} s")
        for label in sorted(counts):
            print(f"  {label}: {counts[label]} cases, statuses {dict(sorted(statuses[label].items()))}")
        print(f"  failures: {len(failures)}")
    assert not failures, "\n\n".join(failures[:10])
    assert sum(counts.values()) >= 7 * MAX_EXAMPLES
    assert elapsed < 60
    assert any(200 in statuses[label] for label in statuses), json.dumps({k: dict(v) for k, v in statuses.items()})
