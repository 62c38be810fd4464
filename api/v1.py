"""/api/v1/: the HR systems' API (django-ninja; OpenAPI at /api/v1/openapi.json, docs for staff)."""

import datetime

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from certificates.selectors import certificate_by_code
from organizations.permissions import is_staff_member
from reports.selectors import JP_TARGET

from . import selectors
from .auth import ApiKeyAuth, require_scope
from .errors import ApiError, error_response
from .models import Scope
from .records import certificate_record, certificate_verification, organiser_name
from .schemas import (
    CertificatePage,
    EmployeePage,
    EnrollmentPage,
    ErrorOut,
    JpPage,
    RosterIn,
    RosterJobAccepted,
    RosterJobOut,
    RosterOut,
    VerificationOut,
)
from .services import roster_put


def staff_only(view):
    """The documentation and the OpenAPI document: staff who are logged in, nobody else."""

    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="Integritas API",
    version="1",
    description=(
        "API untuk sistem kepegawaian (SIMPEG/SIASN): data pegawai masuk, penyelesaian, JP dan sertifikat keluar, "
        "verifikasi sertifikat oleh mesin. Setiap permintaan memakai kunci klien API (Authorization: Bearer itg_…) "
        "yang dibuat BKPSDM di admin. Galat selalu berbentuk {\"error\": {\"code\", \"message\"}} dengan kode tetap."
    ),
    auth=ApiKeyAuth(),
    urls_namespace="api_v1",
    docs_decorator=staff_only,
)

# Every error the API answers, documented on every operation (the body is always ErrorOut).
ERROR_CODES = frozenset({400, 401, 403, 404, 409, 413, 422, 429})
ERRORS = {ERROR_CODES: ErrorOut}


# --- Errors -------------------------------------------------------------------------------------


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return error_response(401, "invalid_key", _("Kunci API tidak dikenal. Kirim header Authorization: Bearer itg_…"))


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    details = [
        {"loc": [str(part) for part in error.get("loc", [])], "message": str(error.get("msg", ""))} for error in exc.errors
    ]
    return error_response(422, "invalid_input", _("Isi permintaan tidak sesuai dengan skema API."), {"fields": details})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:
        return error_response(400, "malformed_json", _("Isi permintaan bukan JSON yang sah."))
    return error_response(exc.status_code, "http_error", str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(404, "not_found", _("Tidak ditemukan."))


# --- Helpers ------------------------------------------------------------------------------------

OPD_CODE = r"^[A-Za-z0-9._\-]{0,40}$"
SLUG = r"^[-\w]*$"


def _since(value: datetime.datetime | None) -> datetime.datetime | None:
    if value is None:
        return None
    if not 1900 <= value.year <= 2200:
        raise ApiError(422, "invalid_input", _("updated_since di luar rentang tahun 1900–2200."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _page(request, queryset, page: int, page_size: int, serialize) -> dict:
    count = queryset.count()
    start = (page - 1) * page_size
    items = list(queryset[start : start + page_size]) if start < count else []
    next_url = None
    if start + page_size < count:
        query = request.GET.copy()
        query["page"] = str(page + 1)
        next_url = request.build_absolute_uri(request.path) + "?" + query.urlencode()
    return {"count": count, "page": page, "page_size": page_size, "next": next_url, "results": [serialize(i) for i in items]}


PAGE = Query(1, ge=1, le=100_000, description="Halaman, mulai 1.")
PAGE_SIZE = Query(100, ge=1, le=500, description="Baris per halaman (maksimal 500).")
OPD = Query("", pattern=OPD_CODE, description="Kode OPD.")
COURSE = Query("", pattern=SLUG, max_length=255, description="Slug kursus.")
SINCE = Query(None, description="Hanya yang berubah sejak waktu ini (ISO 8601).")


# --- Roster in ----------------------------------------------------------------------------------


@api.put(
    "/roster",
    response={200: RosterOut, 202: RosterJobAccepted, **ERRORS},
    summary="Kirim data pegawai (semua atau tidak sama sekali)",
    tags=["roster"],
)
def roster_put_view(
    request,
    payload: RosterIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        pattern=r"^[\x21-\x7e]{1,255}$",
        description="Wajib bila tidak dry_run: panggilan ulang dengan kunci dan isi yang sama diterapkan sekali.",
    ),
):
    client = require_scope(request, Scope.ROSTER_WRITE)
    data = payload.model_dump()
    if not data["dry_run"] and not idempotency_key:
        raise ApiError(400, "idempotency_key_required", _("Header Idempotency-Key wajib dikirim untuk penulisan."))
    opd_scope = selectors.client_write_scope(client)
    if opd_scope is not None and not opd_scope:
        raise ApiError(
            403, "write_not_permitted", _("Penanggung jawab klien ini tidak berwenang mengimpor data pegawai.")
        )
    answer = roster_put(
        client=client,
        payload=data,
        idempotency_key=idempotency_key,
        opd_scope=opd_scope,
        status_url=lambda job: request.build_absolute_uri(reverse("api_v1:roster_job", args=[job.pk])),
    )
    response = api.create_response(request, answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@api.get(
    "/roster/jobs/{job_id}",
    response={200: RosterJobOut, **ERRORS},
    url_name="roster_job",
    summary="Status pemrosesan data pegawai yang besar",
    tags=["roster"],
)
def roster_job_view(request, job_id: int = Path(..., ge=1, le=2**62)):
    client = require_scope(request, Scope.ROSTER_WRITE)
    job = selectors.access_roster_job(client, job_id)
    return {
        "job_id": job.pk,
        "status": job.status,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "result": job.result,
    }


# --- Reads --------------------------------------------------------------------------------------


@api.get("/employees", response={200: EmployeePage, **ERRORS}, summary="Data pegawai", tags=["roster"])
def employees_view(request, opd: str = OPD, course: str = COURSE, updated_since: datetime.datetime | None = SINCE, page: int = PAGE, page_size: int = PAGE_SIZE):
    client = require_scope(request, Scope.ROSTER_READ)
    rows = selectors.employees_list(client=client, opd=opd, course=course, updated_since=_since(updated_since))

    def serialize(e):
        return {
            "id": e.pk,
            "nip": e.nip,
            "full_name": e.full_name,
            "email": e.email,
            "opd_code": e.opd.code,
            "opd_name": e.opd.name,
            "position": e.position,
            "employment_type": e.employment_type,
            "active": e.active,
            "has_account": e.user_id is not None,
            "updated_at": e.updated_at,
        }

    return _page(request, rows, page, page_size, serialize)


@api.get("/enrollments", response={200: EnrollmentPage, **ERRORS}, summary="Pendaftaran kursus: status dan tanggal", tags=["progress"])
def enrollments_view(
    request,
    opd: str = OPD,
    course: str = COURSE,
    status: str = Query("", pattern=r"^(|not_started|in_progress|completed)$"),
    updated_since: datetime.datetime | None = SINCE,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
):
    client = require_scope(request, Scope.PROGRESS_READ)
    rows = selectors.enrollments_list(client=client, opd=opd, course=course, status=status, updated_since=_since(updated_since))

    def serialize(e):
        return {
            "id": e.pk,
            "nip": e.employee.nip,
            "full_name": e.employee.full_name,
            "opd_code": e.employee.opd.code,
            "course_slug": e.course.slug,
            "course_title": e.course.title,
            "jp_hours": e.course.jp_hours,
            "status": e.status,
            "enrolled_at": e.enrolled_at,
            "started_at": e.started_at,
            "last_activity_at": e.last_activity_at,
            "completed_at": e.completed_at,
        }

    return _page(request, rows, page, page_size, serialize)


@api.get("/jp", response={200: JpPage, **ERRORS}, summary="JP per pegawai per tahun", tags=["progress"])
def jp_view(
    request,
    year: int = Query(None, ge=2000, le=2100, description="Tahun (WITA); bawaan tahun ini."),
    opd: str = OPD,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
):
    client = require_scope(request, Scope.PROGRESS_READ)
    year = year or selectors.current_year()
    rows = selectors.jp_for_client(client, year=year)
    if opd:
        rows = rows.filter(opd__code__iexact=opd)
    rows = rows.order_by("pk")

    def serialize(r):
        return {
            "employee_id": r["pk"],
            "nip": r["nip"],
            "full_name": r["full_name"],
            "opd_code": r["opd__code"],
            "year": year,
            "jp": r["jp"],
            "target": JP_TARGET,
        }

    return _page(request, rows, page, page_size, serialize)


@api.get("/certificates", response={200: CertificatePage, **ERRORS}, summary="Sertifikat untuk riwayat diklat", tags=["progress"])
def certificates_view(request, opd: str = OPD, course: str = COURSE, updated_since: datetime.datetime | None = SINCE, page: int = PAGE, page_size: int = PAGE_SIZE):
    client = require_scope(request, Scope.PROGRESS_READ)
    rows = selectors.certificates_list(client=client, opd=opd, course=course, updated_since=_since(updated_since))
    organiser = organiser_name()
    return _page(request, rows, page, page_size, lambda c: certificate_record(c, organiser=organiser))


@api.get(
    "/certificates/{code}",
    response={200: VerificationOut, **ERRORS},
    summary="Verifikasi sertifikat (seperti halaman verifikasi publik)",
    tags=["certificates"],
)
def certificate_verify_view(request, code: str = Path(..., pattern=r"^[A-Za-z0-9]{1,32}$")):
    require_scope(request, Scope.CERTIFICATES_VERIFY)
    return certificate_verification(certificate_by_code(code))
