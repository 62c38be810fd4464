"""Role × URL: every URL pattern of the project has an expected answer for every role.

A new URL of ours that is missing from OURS fails `test_every_url_pattern_is_covered`.
Third-party URL groups (Wagtail's own admin, Django admin, allauth, ...) are covered by a
rule per prefix, with representative URLs checked per role in THIRD_PARTY_SAMPLES.

Roles: anonymous, learner (on the roster, no staff role), coordinator of OPD A probing
OPD B's objects, HR, auditor, observer, editor. 404 for objects that are not yours.
"""

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from organizations.models import Role, RoleAssignment, RosterImport

from .factories import EmployeeFactory, UserFactory

ROLES = ["anonymous", "learner", "coordinator", "hr", "auditor", "observer", "editor"]
OUR_MODULE_PREFIXES = (
    "core.", "accounts.", "organizations.", "courses.", "quizzes.", "certificates.", "reports.", "api.", "operations.", "elearning.",
)
OUR_NAMESPACE_PREFIXES = ("organizations_", "quizzes_", "certificates_", "api_")

LOGIN = "login"  # 302 to the allauth login page
DENIED = "denied"  # Wagtail's "no permission": 302 away from the page, nothing shown
R = "redirect"  # any other 302


def row(anonymous, learner, coordinator, hr, auditor, observer, editor):
    return dict(zip(ROLES, [anonymous, learner, coordinator, hr, auditor, observer, editor], strict=True))


ALL_200 = row(200, 200, 200, 200, 200, 200, 200)
ADMIN_READ_ROSTER = row(LOGIN, LOGIN, 200, 200, 200, 200, DENIED)
ADMIN_HR_ONLY = row(LOGIN, LOGIN, DENIED, 200, DENIED, DENIED, DENIED)
ADMIN_NOBODY = row(LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED)
# An object of OPD B: the coordinator of OPD A gets 404, exactly as for a missing object.
ADMIN_READ_B = row(LOGIN, LOGIN, 404, 200, 200, 200, 404)
ADMIN_ROLES_READ = row(LOGIN, LOGIN, DENIED, 200, 200, DENIED, DENIED)
LOGGED_IN_200 = row(LOGIN, 200, 200, 200, 200, 200, 200)
LOGGED_IN_R = row(LOGIN, R, R, R, R, R, R)
LEARNER_ONLY = row(LOGIN, 200, 404, 404, 404, 404, 404)
ADMIN_EDITOR_ONLY = row(LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, 200)
ADMIN_REGISTRY = row(LOGIN, LOGIN, 200, 200, 200, 200, DENIED)

# url name -> (path template, method, expected per role). {emp_b}, {opd_b}, {role}, {import} are filled in.
OURS = {
    "healthz": ("/healthz", "get", ALL_200),
    # Wagtail's page view, wrapped (courses.views.serve_page); the pages themselves: test_role_url_matrix_for_wagtail_pages
    "wagtail_serve": ("/", "get", ALL_200),
    "readyz": ("/readyz", "get", ALL_200),
    # the test client is 127.0.0.1, a monitoring network by default; others get 404 (test_operations)
    "metrics": ("/metrics", "get", ALL_200),
    "operations_pending": ("/admin/operasional/tertunda/", "get", row(LOGIN, LOGIN, DENIED, 200, 200, 200, DENIED)),
    "wagtail_login_redirect": ("/admin/login/", "get", row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
    "django_admin_login_redirect": ("/django-admin/login/", "get", row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
    "wagtail_frontend_login_redirect": ("/_util/login/", "get", row(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN)),
    "integritas_site_history": ("/admin/reports/site-history/", "get", row(LOGIN, LOGIN, DENIED, 200, 200, 200, DENIED)),
    "integritas_site_history_results": (
        "/admin/reports/site-history/results/",
        "get",
        row(LOGIN, LOGIN, DENIED, 200, 200, 200, DENIED),
    ),
    "activation_request": ("/akun/aktivasi/", "get", row(200, R, R, R, R, R, R)),
    "activation_sent": ("/akun/aktivasi/terkirim/", "get", ALL_200),
    "activation_confirm": ("/akun/aktivasi/bukan-token/", "get", row(400, 400, 400, 400, 400, 400, 400)),
    "organizations_roster_upload": ("/admin/impor-pegawai/", "get", ADMIN_HR_ONLY),
    "organizations_roster_preview": ("/admin/impor-pegawai/{import}/", "get", ADMIN_HR_ONLY),
    "organizations_roster_confirm": (
        "/admin/impor-pegawai/{import}/konfirmasi/",
        "post",
        row(LOGIN, LOGIN, DENIED, R, DENIED, DENIED, DENIED),
    ),
    "organizations_employee:index": ("/admin/pegawai/", "get", ADMIN_READ_ROSTER),
    "organizations_employee:index_results": ("/admin/pegawai/results/", "get", ADMIN_READ_ROSTER),
    "organizations_employee:add": ("/admin/pegawai/new/", "get", ADMIN_HR_ONLY),
    "organizations_employee:edit": ("/admin/pegawai/edit/{emp_b}/", "get", ADMIN_HR_ONLY),
    "organizations_employee:delete": ("/admin/pegawai/delete/{emp_b}/", "get", ADMIN_NOBODY),
    "organizations_employee:history": ("/admin/pegawai/history/{emp_b}/", "get", ADMIN_HR_ONLY),
    "organizations_employee:history_results": ("/admin/pegawai/history-results/{emp_b}/", "get", ADMIN_HR_ONLY),
    "organizations_employee:usage": ("/admin/pegawai/usage/{emp_b}/", "get", ADMIN_HR_ONLY),
    "organizations_employee:inspect": ("/admin/pegawai/inspect/{emp_b}/", "get", ADMIN_READ_B),
    "organizations_opd:index": ("/admin/opd/", "get", ADMIN_READ_ROSTER),
    "organizations_opd:index_results": ("/admin/opd/results/", "get", ADMIN_READ_ROSTER),
    "organizations_opd:add": ("/admin/opd/new/", "get", ADMIN_HR_ONLY),
    "organizations_opd:edit": ("/admin/opd/edit/{opd_b}/", "get", ADMIN_HR_ONLY),
    "organizations_opd:delete": ("/admin/opd/delete/{opd_b}/", "get", ADMIN_NOBODY),
    "organizations_opd:history": ("/admin/opd/history/{opd_b}/", "get", ADMIN_HR_ONLY),
    "organizations_opd:history_results": ("/admin/opd/history-results/{opd_b}/", "get", ADMIN_HR_ONLY),
    "organizations_opd:usage": ("/admin/opd/usage/{opd_b}/", "get", ADMIN_HR_ONLY),
    "organizations_opd:inspect": ("/admin/opd/inspect/{opd_b}/", "get", ADMIN_READ_B),
    "organizations_role:index": ("/admin/peran-staf/", "get", ADMIN_ROLES_READ),
    "organizations_role:index_results": ("/admin/peran-staf/results/", "get", ADMIN_ROLES_READ),
    "organizations_role:add": ("/admin/peran-staf/new/", "get", ADMIN_HR_ONLY),
    "organizations_role:edit": ("/admin/peran-staf/edit/{role}/", "get", ADMIN_HR_ONLY),
    "organizations_role:delete": ("/admin/peran-staf/delete/{role}/", "get", ADMIN_HR_ONLY),
    "organizations_role:history": ("/admin/peran-staf/history/{role}/", "get", ADMIN_HR_ONLY),
    "organizations_role:history_results": ("/admin/peran-staf/history-results/{role}/", "get", ADMIN_HR_ONLY),
    "organizations_role:usage": ("/admin/peran-staf/usage/{role}/", "get", ADMIN_HR_ONLY),
    "organizations_role:review": ("/admin/peran-staf/review/{role}/", "get", ADMIN_HR_ONLY),
    # POST only (tests/test_separation_of_duties.py posts them)
    "organizations_role:approve": ("/admin/peran-staf/approve/{role}/", "get", row(LOGIN, LOGIN, 405, 405, 405, 405, 405)),
    "organizations_role:refuse": ("/admin/peran-staf/refuse/{role}/", "get", row(LOGIN, LOGIN, 405, 405, 405, 405, 405)),
    # learning: staff accounts in this table have no roster row, so they get the empty states
    "my_learning": ("/belajar/", "get", LOGGED_IN_200),
    "search": ("/cari/?q=uji", "get", LOGGED_IN_200),
    "course_enroll": ("/belajar/kursus/{course_optional}/daftar/", "post", LOGGED_IN_R),
    "course_continue": ("/belajar/kursus/{course_a}/lanjutkan/", "get", LOGGED_IN_R),
    "course_completed": ("/belajar/kursus/{course_a}/selesai/", "get", LOGGED_IN_R),  # not completed: back to the course
    # a lesson of OPD B's course: refused with a message, nothing recorded
    "lesson_complete": ("/belajar/pelajaran/{lesson_b}/selesai/", "post", LOGGED_IN_R),
    "courses_assign": ("/admin/tugaskan-kursus/", "get", ADMIN_HR_ONLY),
    # quizzes: the attempt is the learner's; everybody else gets 404, as for a missing one
    "quiz_detail": ("/kuis/{quiz}/", "get", LOGGED_IN_200),
    "quiz_start": ("/kuis/{quiz}/mulai/", "post", LOGGED_IN_R),
    "attempt_take": ("/kuis/percobaan/{attempt}/", "get", LEARNER_ONLY),
    "attempt_save": ("/kuis/percobaan/{attempt}/simpan/", "post", row(LOGIN, R, 404, 404, 404, 404, 404)),
    "attempt_finish": ("/kuis/percobaan/{attempt}/kirim/", "post", LEARNER_ONLY),  # asks to confirm
    "attempt_result": ("/kuis/percobaan/{attempt}/hasil/", "get", row(LOGIN, R, 404, 404, 404, 404, 404)),
    "quizzes_import": ("/admin/impor-soal/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_import_preview": ("/admin/impor-soal/{question_import}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_import_confirm": ("/admin/impor-soal/{question_import}/konfirmasi/", "post", row(LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, R)),
    # approving or rejecting an import batch is the reviewer group's (test_quizzes_under_review)
    "quizzes_import_approve": ("/admin/impor-soal/{question_import}/setujui/", "post", ADMIN_NOBODY),
    "quizzes_import_reject": ("/admin/impor-soal/{question_import}/tolak/", "post", ADMIN_NOBODY),
    "quizzes_item_analysis": ("/admin/analisis-kuis/{quiz}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_bank_quality": ("/admin/mutu-soal/?kuis={quiz}", "get", ADMIN_EDITOR_ONLY),
    # course packages: the export holds answer keys (404 for staff who may not read the bank)
    "quizzes_course_export": ("/admin/kursus/{course_a}/ekspor/", "get", row(LOGIN, LOGIN, 404, 404, 404, 404, 200)),
    "quizzes_course_import": ("/admin/impor-kursus/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_course_import_preview": ("/admin/impor-kursus/{package_import}/", "get", ADMIN_EDITOR_ONLY),
    # the editor's upload is not a package: refused with a message, back to the preview
    "quizzes_course_import_confirm": ("/admin/impor-kursus/{package_import}/muat/", "post", row(LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, R)),
    "quizzes_jp_basis": ("/admin/dasar-jp/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_question:list": ("/admin/bank-soal/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_question:list_results": ("/admin/bank-soal/results/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_question:add": ("/admin/bank-soal/add/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_question:new": ("/admin/bank-soal/new/", "get", row(LOGIN, LOGIN, R, R, R, R, R)),  # the old address of add/
    "quizzes_question:edit": ("/admin/bank-soal/edit/{question}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_question:delete": ("/admin/bank-soal/delete/{question}/", "get", ADMIN_NOBODY),
    "quizzes_question:history": ("/admin/bank-soal/history/{question}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_question:history_results": ("/admin/bank-soal/history-results/{question}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_question:usage": ("/admin/bank-soal/usage/{question}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_question:revisions_revert": ("/admin/bank-soal/history/{question}/revisions/{question_rev}/revert/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_question:revisions_compare": ("/admin/bank-soal/history/{question}/revisions/compare/earliest...latest/", "get", ADMIN_EDITOR_ONLY),
    # scheduling and unpublishing are publishing: reviewers only (the editor role cannot)
    "quizzes_question:revisions_unschedule": ("/admin/bank-soal/history/{question}/revisions/{question_rev}/unschedule/", "get", ADMIN_NOBODY),
    "quizzes_question:unpublish": ("/admin/bank-soal/unpublish/{question}/", "get", ADMIN_NOBODY),
    # the object is in review: the workflow holds it, so the editor may neither lock nor unlock it
    # (an editor locks a quiz that is not in review: test_quizzes_under_review)
    "quizzes_question:lock": ("/admin/bank-soal/lock/{question}/", "post", ADMIN_NOBODY),
    "quizzes_question:unlock": ("/admin/bank-soal/unlock/{question}/", "post", ADMIN_NOBODY),
    # approving is the reviewer group's task: an editor alone may not
    "quizzes_question:workflow_action": ("/admin/bank-soal/workflow/action/{question}/approve/{question_task}/", "get", ADMIN_NOBODY),
    "quizzes_question:collect_workflow_action_data": (
        "/admin/bank-soal/workflow/collect_action_data/{question}/approve/{question_task}/", "get", ADMIN_NOBODY,
    ),
    "quizzes_question:confirm_workflow_cancellation": ("/admin/bank-soal/workflow/confirm_cancellation/{question}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_question:workflow_history": ("/admin/bank-soal/workflow_history/{question}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_question:workflow_history_detail": ("/admin/bank-soal/workflow_history/{question}/detail/{question_workflow}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_quiz:list": ("/admin/kuis/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_quiz:list_results": ("/admin/kuis/results/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_quiz:add": ("/admin/kuis/add/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_quiz:new": ("/admin/kuis/new/", "get", row(LOGIN, LOGIN, R, R, R, R, R)),  # the old address of add/
    "quizzes_quiz:edit": ("/admin/kuis/edit/{quiz}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_quiz:delete": ("/admin/kuis/delete/{quiz}/", "get", ADMIN_NOBODY),
    "quizzes_quiz:history": ("/admin/kuis/history/{quiz}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_quiz:history_results": ("/admin/kuis/history-results/{quiz}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_quiz:usage": ("/admin/kuis/usage/{quiz}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_quiz:revisions_revert": ("/admin/kuis/history/{quiz}/revisions/{quiz_rev}/revert/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_quiz:revisions_compare": ("/admin/kuis/history/{quiz}/revisions/compare/earliest...latest/", "get", ADMIN_EDITOR_ONLY),
    # scheduling and unpublishing are publishing: reviewers only (the editor role cannot)
    "quizzes_quiz:revisions_unschedule": ("/admin/kuis/history/{quiz}/revisions/{quiz_rev}/unschedule/", "get", ADMIN_NOBODY),
    "quizzes_quiz:unpublish": ("/admin/kuis/unpublish/{quiz}/", "get", ADMIN_NOBODY),
    # the object is in review: the workflow holds it, so the editor may neither lock nor unlock it
    # (an editor locks a quiz that is not in review: test_quizzes_under_review)
    "quizzes_quiz:lock": ("/admin/kuis/lock/{quiz}/", "post", ADMIN_NOBODY),
    "quizzes_quiz:unlock": ("/admin/kuis/unlock/{quiz}/", "post", ADMIN_NOBODY),
    # approving is the reviewer group's task: an editor alone may not
    "quizzes_quiz:workflow_action": ("/admin/kuis/workflow/action/{quiz}/approve/{quiz_task}/", "get", ADMIN_NOBODY),
    "quizzes_quiz:collect_workflow_action_data": (
        "/admin/kuis/workflow/collect_action_data/{quiz}/approve/{quiz_task}/", "get", ADMIN_NOBODY,
    ),
    "quizzes_quiz:confirm_workflow_cancellation": ("/admin/kuis/workflow/confirm_cancellation/{quiz}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_quiz:workflow_history": ("/admin/kuis/workflow_history/{quiz}/", "get", ADMIN_EDITOR_ONLY),
    "quizzes_quiz:workflow_history_detail": ("/admin/kuis/workflow_history/{quiz}/detail/{quiz_workflow}/", "get", ADMIN_EDITOR_ONLY),
    # certificates: the registry is scoped (OPD B's certificate is 404 for OPD A's coordinator)
    "my_certificates": ("/sertifikat/", "get", LOGGED_IN_200),
    "my_certificate_download": ("/sertifikat/{cert_mine}/unduh/", "get", LEARNER_ONLY),
    "certificate_verify_form": ("/verifikasi/", "get", ALL_200),
    "certificate_verify": ("/verifikasi/{code_b}/", "get", ALL_200),
    "certificates_certificate:index": ("/admin/sertifikat/", "get", ADMIN_REGISTRY),
    "certificates_certificate:index_results": ("/admin/sertifikat/results/", "get", ADMIN_REGISTRY),
    "certificates_certificate:inspect": ("/admin/sertifikat/inspect/{cert_b}/", "get", row(LOGIN, LOGIN, 404, 200, 200, 200, 404)),
    "certificates_certificate:add": ("/admin/sertifikat/new/", "get", ADMIN_NOBODY),
    "certificates_certificate:edit": ("/admin/sertifikat/edit/{cert_b}/", "get", ADMIN_NOBODY),
    "certificates_certificate:delete": ("/admin/sertifikat/delete/{cert_b}/", "get", ADMIN_NOBODY),
    "certificates_certificate:history": ("/admin/sertifikat/history/{cert_b}/", "get", ADMIN_NOBODY),
    "certificates_certificate:history_results": ("/admin/sertifikat/history-results/{cert_b}/", "get", ADMIN_NOBODY),
    "certificates_certificate:usage": ("/admin/sertifikat/usage/{cert_b}/", "get", ADMIN_NOBODY),
    "certificates_zip": ("/admin/sertifikat-zip/", "get", ADMIN_REGISTRY),
    "reports_completion": ("/admin/laporan/penyelesaian/", "get", ADMIN_REGISTRY),
    "reports_drilldown": ("/admin/laporan/penyelesaian/opd/{opd_b}/", "get", row(LOGIN, LOGIN, 404, 200, 200, 200, DENIED)),
    "reports_learning_gain": ("/admin/laporan/peningkatan/", "get", ADMIN_REGISTRY),
    "reports_freeze": ("/admin/laporan/bekukan/", "post", row(LOGIN, LOGIN, DENIED, R, R, DENIED, DENIED)),
    # OPD B has no head here: every role gets 404, as for an OPD they do not head
    "reports_head_review": ("/belajar/opd/{opd_b}/tinjau/", "get", row(LOGIN, 404, 404, 404, 404, 404, 404)),
    "reports_jp": ("/admin/laporan/jp/", "get", ADMIN_REGISTRY),
    "reports_recaps": ("/admin/laporan/rekap-beku/", "get", row(LOGIN, LOGIN, DENIED, 200, 200, 200, DENIED)),
    "reports_recap": ("/admin/laporan/rekap-beku/{recap}/", "get", row(LOGIN, LOGIN, DENIED, 200, 200, 200, DENIED)),
    "reports_reminders": ("/admin/laporan/pengingat/", "get", row(LOGIN, LOGIN, DENIED, 200, 200, 200, DENIED)),
    "reports_evidence": ("/admin/laporan/paket-bukti/", "get", row(LOGIN, LOGIN, 200, 200, 200, DENIED, DENIED)),
    # the auditor's pack: nobody else's, whatever their role (404, as for a missing pack)
    "reports_evidence_pack": ("/admin/laporan/paket-bukti/{pack}/", "get", row(LOGIN, LOGIN, 404, 404, 200, DENIED, DENIED)),
    # still queued: its owner is sent back to the progress page
    "reports_evidence_download": ("/admin/laporan/paket-bukti/{pack}/unduh/", "get", row(LOGIN, LOGIN, 404, 404, R, DENIED, DENIED)),
    "certificates_revoke": ("/admin/sertifikat-cabut/{cert_b}/", "get", row(LOGIN, LOGIN, DENIED, DENIED, 200, DENIED, DENIED)),
    # the HR systems' API: clients and keys are HR's; the course-history download follows the registry
    "api_course_history": ("/admin/riwayat-diklat/", "get", ADMIN_REGISTRY),
    "api_client:index": ("/admin/klien-api/", "get", ADMIN_HR_ONLY),
    "api_client:index_results": ("/admin/klien-api/results/", "get", ADMIN_HR_ONLY),
    "api_client:add": ("/admin/klien-api/new/", "get", ADMIN_HR_ONLY),
    "api_client:edit": ("/admin/klien-api/edit/{api_client}/", "get", ADMIN_HR_ONLY),
    "api_client:delete": ("/admin/klien-api/delete/{api_client}/", "get", ADMIN_NOBODY),  # revoke, never delete
    "api_client:history": ("/admin/klien-api/history/{api_client}/", "get", ADMIN_HR_ONLY),
    "api_client:history_results": ("/admin/klien-api/history-results/{api_client}/", "get", ADMIN_HR_ONLY),
    "api_client:usage": ("/admin/klien-api/usage/{api_client}/", "get", ADMIN_HR_ONLY),
    "api_client:rotate": ("/admin/klien-api/rotate/{api_client}/", "post", row(LOGIN, LOGIN, DENIED, 200, DENIED, DENIED, DENIED)),
    "api_client:revoke": ("/admin/klien-api/revoke/{api_client}/", "post", row(LOGIN, LOGIN, DENIED, R, DENIED, DENIED, DENIED)),
    # the API itself answers to keys, never to a browser session (tests/test_api_matrix.py: client x endpoint)
    "api_v1:openapi-json": ("/api/v1/openapi.json", "get", row(LOGIN, 403, 200, 200, 200, 200, 200)),
    "api_v1:openapi-view": ("/api/v1/docs", "get", row(LOGIN, 403, 200, 200, 200, 200, 200)),
    "api_v1:api-root": ("/api/v1/", "get", row(404, 404, 404, 404, 404, 404, 404)),
    "api_v1:roster_put_view": ("/api/v1/roster", "put", row(401, 401, 401, 401, 401, 401, 401)),
    "api_v1:roster_job": ("/api/v1/roster/jobs/1", "get", row(401, 401, 401, 401, 401, 401, 401)),
    "api_v1:employees_view": ("/api/v1/employees", "get", row(401, 401, 401, 401, 401, 401, 401)),
    "api_v1:enrollments_view": ("/api/v1/enrollments", "get", row(401, 401, 401, 401, 401, 401, 401)),
    "api_v1:jp_view": ("/api/v1/jp", "get", row(401, 401, 401, 401, 401, 401, 401)),
    "api_v1:certificates_view": ("/api/v1/certificates", "get", row(401, 401, 401, 401, 401, 401, 401)),
    "api_v1:certificate_verify_view": ("/api/v1/certificates/{code_b}", "get", row(401, 401, 401, 401, 401, 401, 401)),
}

# Wagtail pages (served by the catch-all): the catalogue is public, courses need a login,
# lessons need a roster row in the course audience (403 with an explanation otherwise).
PAGE_SAMPLES = {
    "/": ALL_200,
    "/kursus/": ALL_200,
    "{course_a_url}": LOGGED_IN_200,
    "{lesson_a_url}": row(LOGIN, 200, 403, 403, 403, 403, 403),
    "{lesson_b_url}": row(LOGIN, 403, 403, 403, 403, 403, 403),
    "{course_a_url}tidak-ada/": row(404, 404, 404, 404, 404, 404, 404),
    # Wagtail's settings page: the Inspektorat (auditors) edits what new certificates carry
    "/admin/settings/certificates/certificatesettings/{cert_settings}/": row(LOGIN, LOGIN, DENIED, DENIED, 200, DENIED, DENIED),
    # Pengaturan program: BKPSDM (HR) sets minutes per JP and the local contacts
    "/admin/settings/core/programsettings/{program_settings}/": row(LOGIN, LOGIN, DENIED, 200, DENIED, DENIED, DENIED),
}

# Prefixes of URL groups owned by libraries, each with sample URLs checked per role below.
THIRD_PARTY_PREFIXES = {
    "admin/": ("wagtail.", "django.views.generic.base"),
    "django-admin/": ("django.contrib.admin", "django.contrib.contenttypes.views", "django.views.generic.base", "taggit.admin"),
    "akun/": ("allauth.",),
    "documents/": ("wagtail.documents",),
    "i18n/": ("django.views.i18n",),
    "": ("wagtail.views", "django.views.static"),
}

THIRD_PARTY_SAMPLES = {
    "/admin/": row(LOGIN, LOGIN, 200, 200, 200, 200, 200),
    "/admin/users/": row(LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED),
    "/admin/images/": row(LOGIN, LOGIN, DENIED, DENIED, DENIED, DENIED, 200),
    "/django-admin/": row(R, R, R, R, R, R, R),
    "/akun/login/": row(200, R, R, R, R, R, R),
    "/akun/password/change/": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "/akun/2fa/": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "/documents/999/nothing.pdf": row(404, 404, 404, 404, 404, 404, 404),
    "/halaman-yang-tidak-ada/": row(404, 404, 404, 404, 404, 404, 404),
}


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback
            module = getattr(callback, "view_class", callback).__module__
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield prefix + str(pattern.pattern), name, module


def _is_ours(name, module):
    return module.startswith(OUR_MODULE_PREFIXES) or name.startswith(OUR_NAMESPACE_PREFIXES)


def test_every_url_pattern_is_covered():
    uncovered = []
    seen_routes = set()
    for route, name, module in _walk(get_resolver().url_patterns):
        if route in seen_routes:
            continue  # shadowed by an earlier pattern of ours (the login redirects, the audit trail guard)
        seen_routes.add(route)
        if _is_ours(name, module):
            if name not in OURS:
                uncovered.append(f"{route} ({name or 'no name'}, {module})")
            continue
        prefix = max((p for p in THIRD_PARTY_PREFIXES if route.startswith(p)), key=len, default=None)
        if prefix is None or not module.startswith(THIRD_PARTY_PREFIXES[prefix]):
            uncovered.append(f"{route} ({name or 'no name'}, {module}) has no third-party rule")
    assert not uncovered, "URLs without an expected answer per role:\n" + "\n".join(uncovered)


def test_our_table_names_real_urls():
    names = {name for _route, name, _module in _walk(get_resolver().url_patterns)}
    assert set(OURS) <= names


@pytest.fixture
def world(db, opd_a, opd_b, make_staff, make_course, make_quiz):
    learner = UserFactory()
    EmployeeFactory(user=learner, opd=opd_a, email=learner.email)
    users = {
        "anonymous": None,
        "learner": learner,
        "coordinator": make_staff(Role.COORDINATOR, opds=[opd_a]),
        "hr": make_staff(Role.HR),
        "auditor": make_staff(Role.AUDITOR),
        "observer": make_staff(Role.OBSERVER),
        "editor": make_staff(Role.EDITOR),
    }
    emp_b = EmployeeFactory(opd=opd_b)
    from .factories import make_nip

    content = f"nip,nama,email,opd_kode,jabatan,jenis_pegawai\r\n{make_nip(sequence=444)},Uji,uji@example.test,OPD-A,,PNS\r\n"
    roster_import = RosterImport.objects.create(filename="x.csv", content=content.encode(), sha256="0" * 64)
    course_a = make_course(lessons=2)
    course_b = make_course(lessons=1, opds=[opd_b])
    course_optional = make_course(lessons=1, mandatory=False)
    from quizzes.models import QuestionImport
    from quizzes.services import attempt_start

    quiz = make_quiz(course_a, questions=2)
    attempt = attempt_start(quiz=quiz, employee=learner.employee)
    question_import = QuestionImport.objects.create(filename="soal.csv", content=b"kursus,jenis,pertanyaan,pilihan_a,pilihan_b,kunci\r\n")
    # a change of the quiz and of a question waiting in the course content review
    from quizzes.models import Question

    question = Question.objects.get(pk=attempt.snapshot[0]["id"])
    review = {}
    for name, obj in (("quiz", quiz), ("question", question)):
        revision = obj.save_revision(user=users["editor"])
        workflow_state = obj.get_workflow().start(obj, users["editor"])
        review.update({f"{name}_rev": revision.pk, f"{name}_task": workflow_state.current_task_state.pk, f"{name}_workflow": workflow_state.pk})
    from quizzes.models import CoursePackageImport

    package_import = CoursePackageImport.objects.create(filename="paket.zip", content=b"bukan zip", uploaded_by=users["editor"])
    from certificates.services import certificate_issue
    from courses.models import Enrollment
    from courses.services import course_enroll, lesson_complete

    course_enroll(employee=learner.employee, course=course_optional)
    lesson_complete(employee=learner.employee, lesson=course_optional.test_lessons[0])
    cert_mine = certificate_issue(enrollment=Enrollment.objects.get(employee=learner.employee, course=course_optional))
    lesson_complete(employee=emp_b, lesson=course_b.test_lessons[0])
    cert_b = certificate_issue(enrollment=Enrollment.objects.get(employee=emp_b, course=course_b))
    from certificates.models import CertificateSettings
    from core.models import ProgramSettings
    from reports.models import EvidencePack, FrozenRecap

    recap = FrozenRecap.objects.create(as_of=datetime.date(2026, 11, 1), filters=[], rows=[], totals={}, sha256="0" * 64)
    pack = EvidencePack.objects.create(requested_by=users["auditor"], as_of=datetime.date(2026, 11, 1))
    ids = {
        "pack": pack.pk,
        "recap": recap.pk,
        "cert_settings": CertificateSettings.load().pk,
        "program_settings": ProgramSettings.load().pk,
        "cert_mine": cert_mine.pk,
        "cert_b": cert_b.pk,
        "code_b": cert_b.code,
        "quiz": quiz.pk,
        "attempt": attempt.pk,
        "question": attempt.snapshot[0]["id"],
        "question_import": question_import.pk,
        "package_import": package_import.pk,
        "course_a": course_a.pk,
        "course_optional": course_optional.pk,
        "lesson_b": course_b.test_lessons[0].pk,
        "course_a_url": course_a.url,
        "lesson_a_url": course_a.test_lessons[0].url,
        "lesson_b_url": course_b.test_lessons[0].url,
        "emp_b": emp_b.pk,
        "opd_b": opd_b.pk,
        "role": RoleAssignment.objects.get(user=users["coordinator"]).pk,
        "import": roster_import.pk,
        "api_client": _api_client(users["hr"]).pk,
        **review,
    }
    return users, ids


def _api_client(hr):
    from api.models import ApiClient
    from api.services import api_client_save

    client, _key = api_client_save(client=ApiClient(name="SIMPEG", owner=hr, scopes=["roster:read"], all_opds=True), opds=[], acting_user=hr)
    return client


def _outcome(response):
    if response.status_code == 302:
        location = response.url
        if location.startswith("/akun/login/"):
            return LOGIN
        if location.startswith("/admin/") and response.request["PATH_INFO"].startswith("/admin/"):
            return DENIED if location.rstrip("/") in ("/admin", "/admin/login") else R
        return R
    return response.status_code


def _check(client, users, role, method, path, expected):
    client.logout()
    if users[role] is not None:
        client.force_login(users[role])
    response = getattr(client, method)(path)
    outcome = _outcome(response)
    # A DENIED answer leaks nothing: it is the same for a missing object and for a forbidden one.
    return None if outcome == expected else f"{role:<12} {method.upper()} {path}: expected {expected}, got {outcome}"


def _failures(client, users, cases):
    """Every (role, request) whose outcome differs from the table; cases are (method, path, row)."""
    failures = []
    for method, path, expected in cases:
        for role in ROLES:
            failure = _check(client, users, role, method, path, expected[role])
            if failure:
                failures.append(failure)
    return failures


def test_role_url_matrix_for_our_urls(client, world):
    users, ids = world
    cases = [(method, template.format(**ids), expected) for template, method, expected in OURS.values()]
    failures = _failures(client, users, cases)
    assert not failures, "\n".join(failures)


def test_role_url_matrix_for_third_party_samples(client, world):
    users, _ids = world
    failures = _failures(client, users, [("get", path, expected) for path, expected in THIRD_PARTY_SAMPLES.items()])
    assert not failures, "\n".join(failures)


def test_role_url_matrix_for_wagtail_pages(client, world):
    from courses.models import LessonProgress

    users, ids = world
    progress_before = LessonProgress.objects.count()
    cases = [("get", template.format(**ids), expected) for template, expected in PAGE_SAMPLES.items()]
    failures = _failures(client, users, cases)
    assert not failures, "\n".join(failures)
    assert LessonProgress.objects.count() == progress_before  # reading never records progress
