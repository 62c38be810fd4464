"""The HR systems' API (/api/v1/): keys, scopes, scoping, roster writes, reads, bad input."""

import datetime
import hashlib
import json

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from api.keys import key_split
from api.models import ApiClient, IdempotencyRecord, RosterJob
from api.services import api_client_revoke, api_client_rotate
from certificates.models import Certificate
from courses.services import lesson_complete
from organizations.models import Employee, Role, RosterImport

from .api_support import auth, roster_row
from .factories import EmployeeFactory, make_nip

ROSTER = "/api/v1/roster"


def put(client, key, body, *, idem="kunci-1", **extra):
    headers = {**auth(key), **({"HTTP_IDEMPOTENCY_KEY": idem} if idem else {})}
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.put(ROSTER, data=data, content_type="application/json", **headers, **extra)


def error_code(response):
    return response.json()["error"]["code"]


def api_audits(action="integritas.roster_import"):
    return ModelLogEntry.objects.filter(action=action)


# --- Keys ------------------------------------------------------------------------------------------


def test_key_is_shown_once_and_stored_only_as_sha256(make_api_client):
    client, key = make_api_client()
    prefix, secret = key_split(key)
    assert key.startswith(f"itg_{prefix}_") and len(secret) >= 40
    stored = ApiClient.objects.get(pk=client.pk)
    assert stored.key_prefix == prefix
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(ApiClient.objects.values()), default=str)


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "missing_key"),
        ("Bearer itg_tidakada_rahasia", "invalid_key"),
        ("Bearer bukan-kunci", "invalid_key"),
        ("Basic dXNlcjpwYXNz", "invalid_key"),
    ],
)
def test_missing_or_wrong_key_is_refused_with_a_stable_code(client, make_api_client, header, code):
    make_api_client()
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/employees", **extra)
    assert response.status_code == 401
    assert error_code(response) == code
    assert response["Content-Type"] == "application/json"


def test_right_prefix_with_wrong_secret_is_refused(client, make_api_client):
    _c, key = make_api_client()
    prefix, _secret = key_split(key)
    response = client.get("/api/v1/employees", **auth(f"itg_{prefix}_salah"))
    assert response.status_code == 401 and error_code(response) == "invalid_key"


def test_expired_and_revoked_keys_are_refused(client, make_api_client, hr):
    expired, expired_key = make_api_client(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get("/api/v1/employees", **auth(expired_key))
    assert response.status_code == 401 and error_code(response) == "key_expired"

    revoked, revoked_key = make_api_client()
    assert client.get("/api/v1/employees", **auth(revoked_key)).status_code == 200
    api_client_revoke(client=revoked, acting_user=hr)
    response = client.get("/api/v1/employees", **auth(revoked_key))
    assert response.status_code == 401 and error_code(response) == "key_revoked"
    assert api_audits("integritas.api_client_revoke").filter(data__api_client=revoked.name).exists()


def test_rotating_a_key_stops_the_old_one_at_once(client, make_api_client, hr):
    api_client, old_key = make_api_client()
    new_key = api_client_rotate(client=api_client, acting_user=hr)
    assert new_key != old_key
    assert client.get("/api/v1/employees", **auth(old_key)).status_code == 401
    assert client.get("/api/v1/employees", **auth(new_key)).status_code == 200
    entry = api_audits("integritas.api_key_rotate").get()
    assert entry.data["api_client"] == api_client.name and entry.user_id == hr.pk


def test_missing_scope_is_refused(client, make_api_client, opd_a):
    _c, key = make_api_client(scopes=["certificates:verify"])
    response = client.get("/api/v1/employees", **auth(key))
    assert response.status_code == 403 and error_code(response) == "missing_scope"
    response = put(client, key, {"rows": [roster_row(nip=make_nip(), email="a@contoh.go.id")]})
    assert response.status_code == 403 and error_code(response) == "missing_scope"
    assert not Employee.objects.exists()


def test_ip_allow_list(client, make_api_client):
    _c, key = make_api_client(allowed_ips="10.9.0.0/16\n192.0.2.7")
    response = client.get("/api/v1/employees", **auth(key))  # the test client comes from 127.0.0.1
    assert response.status_code == 403 and error_code(response) == "ip_not_allowed"
    assert client.get("/api/v1/employees", REMOTE_ADDR="10.9.3.4", **auth(key)).status_code == 200
    assert client.get("/api/v1/employees", REMOTE_ADDR="192.0.2.7", **auth(key)).status_code == 200


def test_rate_limit_per_client(client, make_api_client):
    _c, key = make_api_client(rate_limit_per_minute=3)
    _other, other_key = make_api_client(rate_limit_per_minute=3)
    assert [client.get("/api/v1/employees", **auth(key)).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/employees", **auth(key))
    assert response.status_code == 429 and error_code(response) == "rate_limited"
    assert int(response["Retry-After"]) >= 1
    assert client.get("/api/v1/employees", **auth(other_key)).status_code == 200  # per client


def test_default_rate_limit_comes_from_the_setting(client, make_api_client, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    _c, key = make_api_client()
    codes = [client.get("/api/v1/employees", **auth(key)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_verification_shares_the_client_rate_limit(client, make_api_client):
    _c, key = make_api_client(rate_limit_per_minute=2)
    client.get("/api/v1/employees", **auth(key))
    client.get("/api/v1/certificates/tidakada", **auth(key))
    response = client.get("/api/v1/certificates/tidakada", **auth(key))
    assert response.status_code == 429


# --- Roster in -------------------------------------------------------------------------------------


def test_roster_put_applies_all_rows_and_audits_with_the_client_name(client, make_api_client, opd_a):
    api_client, key = make_api_client(name="SIMPEG BKPSDM")
    rows = [roster_row(nip=make_nip(), email=f"p{i}@contoh.go.id") for i in range(3)]
    response = put(client, key, {"rows": rows})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["applied"] is True and body["counts"]["new"] == 3
    assert [row["status"] for row in body["rows"]] == ["new", "new", "new"]
    assert Employee.objects.filter(opd=opd_a).count() == 3
    entry = api_audits().get()
    assert entry.data["api_client"] == "SIMPEG BKPSDM" and entry.data["source"] == "api"
    record = RosterImport.objects.get()
    assert record.filename == "API: SIMPEG BKPSDM" and record.sha256 == entry.data["sha256"]


def test_roster_dry_run_previews_per_row_and_writes_nothing(client, make_api_client, opd_a, opd_b):
    _c, key = make_api_client()
    same = EmployeeFactory(opd=opd_a, full_name="Tetap Sama", position="Analis", email="sama@contoh.go.id")
    moved = EmployeeFactory(opd=opd_a, full_name="Akan Pindah", position="Analis", email="pindah@contoh.go.id")
    rows = [
        roster_row(nip=same.nip, nama="Tetap Sama", email="sama@contoh.go.id"),
        roster_row(nip=moved.nip, nama="Akan Pindah", email="pindah@contoh.go.id", opd_kode="OPD-B"),
        roster_row(nip=make_nip(), email="baru@contoh.go.id"),
        roster_row(nip="123", email="salah@contoh.go.id"),
    ]
    response = put(client, key, {"rows": rows, "dry_run": True}, idem=None)
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "roster_rejected"
    statuses = [row["status"] for row in body["details"]["rows"]]
    assert statuses == ["unchanged", "changed", "new", "error"]
    assert body["details"]["rows"][1]["changes"]["opd_kode"] == {"from": "OPD-A", "to": "OPD-B"}
    assert "18 digit" in " ".join(body["details"]["rows"][3]["errors"])

    response = put(client, key, {"rows": rows[:3], "dry_run": True}, idem=None)
    assert response.status_code == 200
    assert response.json()["dry_run"] is True and response.json()["applied"] is False
    assert response.json()["counts"] == {"new": 1, "changed": 1, "unchanged": 1, "error": 0, "rows": 3, "deactivated": 0}
    moved.refresh_from_db()
    assert moved.opd == opd_a and Employee.objects.count() == 2
    assert not RosterImport.objects.exists() and not api_audits().exists()


def test_roster_duplicate_nips_in_one_call_reject_everything(client, make_api_client, opd_a):
    _c, key = make_api_client()
    nip = make_nip()
    rows = [roster_row(nip=nip, email="satu@contoh.go.id"), roster_row(nip=nip, email="dua@contoh.go.id")]
    response = put(client, key, {"rows": rows})
    assert response.status_code == 422 and error_code(response) == "roster_rejected"
    errors = response.json()["error"]["details"]["rows"][1]["errors"]
    assert errors == [f"NIP {nip} sudah ada di baris 1."]  # the file import's own message
    assert not Employee.objects.exists() and not IdempotencyRecord.objects.exists()


def test_scoped_client_cannot_write_another_opds_employees(client, make_api_client, opd_a, opd_b):
    _c, key = make_api_client(opds=[opd_a])
    theirs = EmployeeFactory(opd=opd_b, email="milik-b@contoh.go.id")
    response = put(client, key, {"rows": [roster_row(nip=make_nip(), email="x@contoh.go.id", opd_kode="OPD-B")]})
    assert response.status_code == 422
    assert response.json()["error"]["details"]["rows"][0]["errors"] == ['OPD "OPD-B" di luar cakupan Anda.']
    # moving B's employee into A is writing B's employee too
    response = put(client, key, {"rows": [roster_row(nip=theirs.nip, email="milik-b@contoh.go.id", opd_kode="OPD-A")]}, idem="k2")
    assert response.status_code == 422
    assert "di luar cakupan Anda" in response.json()["error"]["details"]["rows"][0]["errors"][0]
    theirs.refresh_from_db()
    assert theirs.opd == opd_b and Employee.objects.count() == 1


def test_scoped_client_deactivates_only_within_its_opds(client, make_api_client, opd_a, opd_b):
    _c, key = make_api_client(opds=[opd_a])
    stays = EmployeeFactory(opd=opd_a, email="tetap@contoh.go.id", full_name="Tetap", position="Analis")
    leaves = EmployeeFactory(opd=opd_a)
    other = EmployeeFactory(opd=opd_b)
    rows = [roster_row(nip=stays.nip, nama="Tetap", email="tetap@contoh.go.id")]
    response = put(client, key, {"rows": rows, "deactivate_missing": True})
    assert response.status_code == 200, response.content
    assert response.json()["deactivated"] == [leaves.nip]
    leaves.refresh_from_db(), other.refresh_from_db()
    assert not leaves.active and other.active


def test_owner_without_roster_rights_cannot_write(client, make_api_client, make_staff, opd_a):
    auditor = make_staff(Role.AUDITOR)
    _c, key = make_api_client(owner=auditor)
    response = put(client, key, {"rows": [roster_row(nip=make_nip(), email="a@contoh.go.id")]})
    assert response.status_code == 403 and error_code(response) == "write_not_permitted"
    assert not Employee.objects.exists()


def test_idempotency_key_applies_a_retried_call_once(client, make_api_client, opd_a):
    _c, key = make_api_client()
    body = {"rows": [roster_row(nip=make_nip(), email="sekali@contoh.go.id")]}
    first = put(client, key, body, idem="sinkron-2026-11-30")
    second = put(client, key, body, idem="sinkron-2026-11-30")
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert Employee.objects.count() == 1 and api_audits().count() == 1


def test_idempotency_key_reused_with_a_different_body_is_a_conflict(client, make_api_client, opd_a):
    _c, key = make_api_client()
    put(client, key, {"rows": [roster_row(nip=make_nip(), email="a@contoh.go.id")]}, idem="k")
    response = put(client, key, {"rows": [roster_row(nip=make_nip(), email="b@contoh.go.id")]}, idem="k")
    assert response.status_code == 409 and error_code(response) == "idempotency_key_reused"
    assert list(Employee.objects.values_list("email", flat=True)) == ["a@contoh.go.id"]


def test_idempotency_key_is_required_for_writes(client, make_api_client, opd_a):
    _c, key = make_api_client()
    response = put(client, key, {"rows": [roster_row(nip=make_nip(), email="a@contoh.go.id")]}, idem=None)
    assert response.status_code == 400 and error_code(response) == "idempotency_key_required"
    assert not Employee.objects.exists()


def test_a_rejected_call_can_be_retried_with_the_same_key(client, make_api_client, opd_a):
    _c, key = make_api_client()
    bad = {"rows": [roster_row(nip="1", email="a@contoh.go.id")]}
    assert put(client, key, bad, idem="k").status_code == 422
    good = {"rows": [roster_row(nip=make_nip(), email="a@contoh.go.id")]}
    # a different body under the key of a call that wrote nothing: the key was not used up
    assert put(client, key, good, idem="k").status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{bukan json", 400, "malformed_json"),
        (b"[]", 422, "invalid_input"),
        (json.dumps({"rows": []}).encode(), 422, "invalid_input"),
        (json.dumps({"rows": [{"nip": 198501012010011001, "nama": "A", "email": "a@b.id", "opd_kode": "OPD-A", "jenis_pegawai": "PNS"}]}).encode(), 422, "invalid_input"),
        (json.dumps({"rows": [{"nama": "A\u0000", "email": "a@b.id", "opd_kode": "OPD-A", "jenis_pegawai": "NON_ASN"}]}).encode(), 422, "invalid_input"),
        (json.dumps({"rows": [{"nama": "A", "email": "a@b.id", "opd_kode": "OPD-A", "jenis_pegawai": "NON_ASN", "gaji": "1"}]}).encode(), 422, "invalid_input"),
    ],
    ids=["malformed", "not-an-object", "no-rows", "nip-as-number", "nul-byte", "unknown-column"],
)
def test_malformed_bodies_get_json_errors_and_write_nothing(client, make_api_client, opd_a, body, status, code):
    _c, key = make_api_client()
    response = put(client, key, body)
    assert response.status_code == status and error_code(response) == code
    assert not Employee.objects.exists() and not IdempotencyRecord.objects.exists()


def test_ten_megabyte_body_is_refused_unread(client, make_api_client, opd_a):
    _c, key = make_api_client()
    huge = b'{"rows": [' + b" " * (10 * 1024 * 1024) + b"]}"
    response = put(client, key, huge)
    assert response.status_code == 413 and error_code(response) == "body_too_large"
    assert not Employee.objects.exists()


def test_ten_megabyte_body_is_refused_before_authentication(client):
    # no key at all: the size is checked first, from Content-Length
    response = client.put(ROSTER, data=b"x" * (10 * 1024 * 1024), content_type="application/json")
    assert response.status_code == 413


def test_large_roster_runs_as_a_task_with_a_status_url(client, make_api_client, opd_a, settings, django_capture_on_commit_callbacks):
    settings.API_ROSTER_SYNC_MAX_ROWS = 2
    _c, key = make_api_client()
    rows = [roster_row(nip=make_nip(), email=f"besar{i}@contoh.go.id") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = put(client, key, {"rows": rows}, idem="besar")
    assert response.status_code == 202, response.content
    status_url = response.json()["status_url"]
    assert status_url.endswith(f"/api/v1/roster/jobs/{response.json()['job_id']}")
    status = client.get(status_url, **auth(key))
    assert status.status_code == 200
    assert status.json()["status"] == "applied" and status.json()["result"]["counts"]["new"] == 3
    assert Employee.objects.count() == 3
    # a retry gets the same job, not a second one
    with django_capture_on_commit_callbacks(execute=True):
        again = put(client, key, {"rows": rows}, idem="besar")
    assert again.json()["job_id"] == response.json()["job_id"] and RosterJob.objects.count() == 1


def test_another_clients_job_is_not_found(client, make_api_client, opd_a, settings, django_capture_on_commit_callbacks):
    settings.API_ROSTER_SYNC_MAX_ROWS = 1
    _c, key = make_api_client()
    _o, other_key = make_api_client()
    rows = [roster_row(nip=make_nip(), email=f"j{i}@contoh.go.id") for i in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        job_id = put(client, key, {"rows": rows}).json()["job_id"]
    response = client.get(f"/api/v1/roster/jobs/{job_id}", **auth(other_key))
    assert response.status_code == 404 and error_code(response) == "not_found"


# --- Reads -----------------------------------------------------------------------------------------


@pytest.fixture
def completed(db, opd_a, opd_b, make_course, django_capture_on_commit_callbacks):
    """One employee per OPD who completed a 2-JP course (certificate issued)."""
    course = make_course(lessons=1, jp_hours=2)
    employees = {}
    for opd in (opd_a, opd_b):
        employee = EmployeeFactory(opd=opd)
        with django_capture_on_commit_callbacks(execute=True):
            lesson_complete(employee=employee, lesson=course.test_lessons[0])
        employees[opd.code] = employee
    assert Certificate.objects.count() == 2
    return course, employees


def test_reads_are_scoped_to_the_clients_opds(client, make_api_client, completed, opd_a):
    course, employees = completed
    _c, key = make_api_client(opds=[opd_a])
    for path, field in [("/api/v1/employees", "nip"), ("/api/v1/enrollments", "nip"), ("/api/v1/jp", "nip"), ("/api/v1/certificates", "nip")]:
        body = client.get(path, **auth(key)).json()
        assert [row[field] for row in body["results"]] == [employees["OPD-A"].nip], path
    body = client.get("/api/v1/employees?opd=OPD-B", **auth(key)).json()
    assert body["count"] == 0


def test_certificates_carry_the_fields_hr_systems_record(client, make_api_client, completed):
    course, employees = completed
    _c, key = make_api_client()
    body = client.get(f"/api/v1/certificates?opd=OPD-A&course={course.slug}", **auth(key)).json()
    assert body["count"] == 1
    record = body["results"][0]
    certificate = Certificate.objects.get(employee=employees["OPD-A"])
    assert record["number"] == certificate.number and record["course_title"] == course.title
    assert record["jp_hours"] == 2 and record["status"] == "valid"
    assert record["end_date"] == timezone.localtime(certificate.completed_at).date().isoformat()
    assert record["start_date"] is not None and record["organiser"]
    assert record["verification_url"].endswith(f"/verifikasi/{certificate.code}/")


def test_enrollments_jp_and_filters(client, make_api_client, completed):
    course, employees = completed
    _c, key = make_api_client()
    body = client.get("/api/v1/enrollments?status=completed&opd=OPD-B", **auth(key)).json()
    assert body["count"] == 1 and body["results"][0]["status"] == "completed"
    assert body["results"][0]["completed_at"] and body["results"][0]["jp_hours"] == 2
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert client.get("/api/v1/enrollments", {"updated_since": future}, **auth(key)).json()["count"] == 0
    assert client.get("/api/v1/employees", {"updated_since": future}, **auth(key)).json()["count"] == 0
    jp = client.get(f"/api/v1/jp?year={timezone.localdate().year}", **auth(key)).json()
    assert sorted(row["jp"] for row in jp["results"]) == [2, 2]
    assert client.get("/api/v1/jp?year=2001", **auth(key)).json()["results"][0]["jp"] == 0


def test_paging(client, make_api_client, opd_a):
    for _ in range(5):
        EmployeeFactory(opd=opd_a)
    _c, key = make_api_client()
    first = client.get("/api/v1/employees?page_size=2", **auth(key)).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and "page=2" in first["next"]
    last = client.get("/api/v1/employees?page_size=2&page=3", **auth(key)).json()
    assert len(last["results"]) == 1 and last["next"] is None
    seen = {row["id"] for p in (1, 2, 3) for row in client.get(f"/api/v1/employees?page_size=2&page={p}", **auth(key)).json()["results"]}
    assert len(seen) == 5
    assert error_code(client.get("/api/v1/employees?page_size=5000", **auth(key))) == "invalid_input"


def test_verification_returns_what_the_public_page_shows(client, make_api_client, completed, hr):
    from certificates.services import certificate_revoke

    _course, employees = completed
    certificate = Certificate.objects.get(employee=employees["OPD-B"])
    _c, key = make_api_client(scopes=["certificates:verify"])
    body = client.get(f"/api/v1/certificates/{certificate.code}", **auth(key)).json()
    page = client.get(f"/verifikasi/{certificate.code}/").content.decode()
    assert body["status"] == "valid" and body["sha256"] == certificate.sha256 and certificate.sha256 in page
    assert body["nip_masked"] == certificate.masked_nip and body["nip_masked"] in page
    assert certificate.nip not in json.dumps(body)
    assert body["number"] == certificate.number and body["full_name"] == certificate.full_name
    # no signing key in the tests: the file is intact and says plainly it is not signed
    assert body["signature"]["file_intact"] is True and body["signature"]["signed"] is False
    assert body["signature"]["valid"] is False and body["signature"]["problem"]
    certificate_revoke(certificate=certificate, reason="Data keliru", acting_user=hr)
    body = client.get(f"/api/v1/certificates/{certificate.code}", **auth(key)).json()
    assert body["status"] == "revoked" and body["revocation_reason"] == "Data keliru"
    response = client.get("/api/v1/certificates/tidakada123", **auth(key))
    assert response.status_code == 404 and error_code(response) == "not_found"


# --- Docs ------------------------------------------------------------------------------------------


def test_docs_are_for_staff_only_and_use_local_assets(client, learner, make_staff):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302 and "/akun/login/" in response["Location"]
    assert client.get("/api/v1/openapi.json").status_code == 302
    client.force_login(learner)
    assert client.get("/api/v1/docs").status_code == 403
    client.force_login(make_staff(Role.HR))
    response = client.get("/api/v1/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    schema = client.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/v1/roster",
        "/api/v1/roster/jobs/{job_id}",
        "/api/v1/employees",
        "/api/v1/enrollments",
        "/api/v1/jp",
        "/api/v1/certificates",
        "/api/v1/certificates/{code}",
    }


@pytest.mark.parametrize("path", ["/api/v1/employees", "/api/v1/enrollments", "/api/v1/jp", "/api/v1/certificates"])
def test_list_queries_do_not_grow_with_rows(client, make_api_client, opd_a, make_course, path, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    course = make_course(lessons=1)
    _c, key = make_api_client(opds=[opd_a])

    def add(n):
        for _ in range(n):
            employee = EmployeeFactory(opd=opd_a)
            with django_capture_on_commit_callbacks(execute=True):
                lesson_complete(employee=employee, lesson=course.test_lessons[0])

    add(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(path, **auth(key)).json()["count"] == 2
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(path, **auth(key)).json()["count"] == 10
