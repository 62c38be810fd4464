"""Client × endpoint: every API endpoint has an expected answer for every kind of client.

Like the role × URL matrix (tests/test_url_matrix.py), for API keys: full access, one OPD
only, each single scope, an expired key and a revoked key. A client limited to OPD A never
sees OPD B's employees in any answer, and writing them is refused row by row.
"""

import datetime
import json

import pytest
from django.utils import timezone

from api.models import RosterJob
from api.services import api_client_revoke
from courses.services import lesson_complete
from organizations.models import Employee

from .api_support import ALL_SCOPES, auth, roster_row
from .factories import EmployeeFactory, make_nip

CLIENTS = ["all", "opd_a", "roster_write", "roster_read", "progress_read", "verify", "expired", "revoked"]


def expect(all_, opd_a, roster_write, roster_read, progress_read, verify, expired, revoked):
    return dict(zip(CLIENTS, [all_, opd_a, roster_write, roster_read, progress_read, verify, expired, revoked], strict=True))


# endpoint -> (method, path template, body builder or None, expected status per client)
ENDPOINTS = {
    "roster_dry_run_a": ("put", "/api/v1/roster", "row_a", expect(200, 200, 200, 403, 403, 403, 401, 401)),
    # OPD B's row: the OPD A client is refused row by row (422), nothing written
    "roster_dry_run_b": ("put", "/api/v1/roster", "row_b", expect(200, 422, 200, 403, 403, 403, 401, 401)),
    # its own job; another client's job is 404 like a missing one
    "roster_job_own": ("get", "/api/v1/roster/jobs/{own_job}", None, expect(200, 200, 200, 403, 403, 403, 401, 401)),
    "roster_job_other": ("get", "/api/v1/roster/jobs/{other_job}", None, expect(404, 404, 404, 403, 403, 403, 401, 401)),
    "employees": ("get", "/api/v1/employees", None, expect(200, 200, 403, 200, 403, 403, 401, 401)),
    "enrollments": ("get", "/api/v1/enrollments", None, expect(200, 200, 403, 403, 200, 403, 401, 401)),
    "jp": ("get", "/api/v1/jp", None, expect(200, 200, 403, 403, 200, 403, 401, 401)),
    "certificates": ("get", "/api/v1/certificates", None, expect(200, 200, 403, 403, 200, 403, 401, 401)),
    # verification is what the public page shows for a code in hand: not limited by OPD
    "certificate_verify_b": ("get", "/api/v1/certificates/{code_b}", None, expect(200, 200, 403, 403, 403, 200, 401, 401)),
}


@pytest.fixture
def world(db, opd_a, opd_b, hr, make_api_client, make_course, django_capture_on_commit_callbacks):
    from certificates.models import Certificate

    course = make_course(lessons=1)
    employees = {}
    for opd in (opd_a, opd_b):
        employee = EmployeeFactory(opd=opd)
        with django_capture_on_commit_callbacks(execute=True):
            lesson_complete(employee=employee, lesson=course.test_lessons[0])
        employees[opd.code] = employee
    scopes = {"roster_write": ["roster:write"], "roster_read": ["roster:read"], "progress_read": ["progress:read"], "verify": ["certificates:verify"]}
    clients = {}
    for name in CLIENTS:
        fields = {}
        if name == "expired":
            fields["expires_at"] = timezone.now() - datetime.timedelta(seconds=1)
        clients[name] = make_api_client(
            name=f"klien-{name}", scopes=scopes.get(name, ALL_SCOPES), opds=[opd_a] if name == "opd_a" else None, **fields
        )
    api_client_revoke(client=clients["revoked"][0], acting_user=hr)
    jobs = {name: RosterJob.objects.create(client=client, payload={"rows": []}, request_sha256="0" * 64) for name, (client, _k) in clients.items()}
    stranger, _key = make_api_client(name="klien-lain")
    other_job = RosterJob.objects.create(client=stranger, payload={"rows": []}, request_sha256="0" * 64)
    return {
        "clients": clients,
        "jobs": jobs,
        "other_job": other_job.pk,
        "employees": employees,
        "code_b": Certificate.objects.get(employee=employees["OPD-B"]).code,
    }


def _body(kind):
    opd = "OPD-A" if kind == "row_a" else "OPD-B"
    return json.dumps({"rows": [roster_row(nip=make_nip(), email=f"matriks-{opd.lower()}@contoh.go.id", opd_kode=opd)], "dry_run": True})


def test_client_endpoint_matrix(client, world):
    failures = []
    employees_before = Employee.objects.count()
    for name in CLIENTS:
        _api_client, key = world["clients"][name]
        ids = {"own_job": world["jobs"][name].pk, "other_job": world["other_job"], "code_b": world["code_b"]}
        for endpoint, (method, template, body, expected) in ENDPOINTS.items():
            path = template.format(**ids)
            if method == "put":
                response = client.put(path, data=_body(body), content_type="application/json", **auth(key))
            else:
                response = client.get(path, **auth(key))
            if response.status_code != expected[name]:
                failures.append(f"{name:<14} {endpoint:<22} expected {expected[name]}, got {response.status_code}: {response.content[:120]!r}")
            if response.status_code >= 400:
                assert set(response.json()) == {"error"} and response.json()["error"]["code"], response.content
    assert not failures, "\n".join(failures)
    assert Employee.objects.count() == employees_before  # dry runs and refusals write nothing


@pytest.mark.parametrize("path", ["/api/v1/employees", "/api/v1/enrollments", "/api/v1/jp", "/api/v1/certificates"])
def test_opd_scoped_client_never_sees_another_opds_employees(client, world, path):
    _api_client, key = world["clients"]["opd_a"]
    theirs = world["employees"]["OPD-B"]
    for query in ("", "?opd=OPD-B", "?page_size=500"):
        text = client.get(path + query, **auth(key)).content.decode()
        assert theirs.nip not in text and theirs.full_name not in text
    mine = world["employees"]["OPD-A"]
    assert mine.nip in client.get(path, **auth(key)).content.decode()


def test_a_client_whose_owner_loses_the_role_sees_nothing(client, world, hr):
    from organizations.models import RoleAssignment

    _api_client, key = world["clients"]["all"]
    RoleAssignment.objects.filter(user=hr).delete()
    body = client.get("/api/v1/employees", **auth(key)).json()
    assert body["count"] == 0
    response = client.put("/api/v1/roster", data=_body("row_a"), content_type="application/json", **auth(key))
    assert response.status_code == 403 and response.json()["error"]["code"] == "write_not_permitted"
