"""Idempotency under concurrency, on PostgreSQL: three simultaneous retries apply once."""

import json

import pytest
from django.test import Client
from wagtail.models import ModelLogEntry

from api.models import IdempotencyRecord
from organizations.models import Employee, RosterImport

from .api_support import auth, roster_row
from .factories import make_nip
from .test_courses_concurrency import _race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_three_concurrent_retries_with_one_idempotency_key_apply_once(opd_a, make_api_client):
    _api_client, key = make_api_client()
    body = json.dumps({"rows": [roster_row(nip=make_nip(), email=f"serentak{i}@contoh.go.id") for i in range(20)]})
    answers = []

    def send():
        response = Client().put(
            "/api/v1/roster", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="sinkron-serentak", **auth(key)
        )
        answers.append((response.status_code, response.json(), response.get("Idempotent-Replayed")))

    assert _race(send, count=3) == []
    assert [status for status, _body, _replayed in answers] == [200, 200, 200]
    assert len({json.dumps(body, sort_keys=True) for _status, body, _replayed in answers}) == 1
    assert sorted(str(replayed) for _s, _b, replayed in answers) == ["None", "true", "true"]
    assert Employee.objects.count() == 20
    assert RosterImport.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="integritas.roster_import").count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_concurrent_calls_with_one_key_and_different_bodies_apply_one_and_refuse_the_rest(opd_a, make_api_client):
    _api_client, key = make_api_client()
    statuses = []
    bodies = iter(
        json.dumps({"rows": [roster_row(nip=make_nip(), email=f"beda{i}@contoh.go.id")]}) for i in range(3)
    )
    payloads = [next(bodies) for _ in range(3)]

    def send():
        body = payloads.pop()
        response = Client().put("/api/v1/roster", data=body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="sama", **auth(key))
        statuses.append(response.status_code)

    assert _race(send, count=3) == []
    assert sorted(statuses) == [200, 409, 409]
    assert Employee.objects.count() == 1
