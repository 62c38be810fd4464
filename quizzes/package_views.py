"""Wagtail admin: Ekspor kursus (ZIP of a live course), Impor kursus (upload → preview →
load) and the Dasar JP report. Views translate HTTP; the packages module does the work."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.audit import audit_record
from core.models import ProgramSettings
from courses.models import CourseIndexPage, CoursePage

from .jp_basis import basis_for_course
from .models import CoursePackageImport
from .packages.errors import PackageError
from .packages.exporter import course_package_files, package_zip
from .packages.loader import CHANGED, NEW, REMOVED, course_package_load, course_package_plan
from .packages.reader import package_files_from_zip, package_read

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _index_permissions(user):
    index = CourseIndexPage.objects.first()
    if index is None:
        raise Http404
    return index.permissions_for_user(user)


def course_export_allowed(user, course) -> bool:
    # The package holds the answer keys: only those who may read the question bank.
    return user.has_perm("quizzes.view_question") and course.permissions_for_user(user).can_edit()


@require_http_methods(["GET"])
def course_export_view(request, pk):
    course = get_object_or_404(CoursePage, pk=pk)
    if not course_export_allowed(request.user, course):
        raise Http404
    if not course.live:
        messages.error(request, _("Kursus ini belum terbit; hanya kursus yang terbit yang dapat diekspor."))
        return redirect("quizzes_jp_basis")
    content = package_zip(course_package_files(course), folder=course.slug)
    audit_record(instance=course, action="integritas.course_package_export", user=request.user, data={"bytes": len(content)})
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}.zip"'
    return response


class PackageUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Paket kursus (ZIP)"), help_text=gettext_lazy("ZIP hasil Ekspor kursus, paling besar 50 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar; batasnya 50 MB."))
        return upload


def _require_import(request):
    _require(request, "quizzes.import_course_packages")
    if not _index_permissions(request.user).can_add_subpage():
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def course_import_view(request):
    _require_import(request)
    form = PackageUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            package_read(package_files_from_zip(content, name=upload.name), root=upload.name)
        except PackageError as error:
            problems = error.problems
        else:
            record = CoursePackageImport.objects.create(filename=upload.name[:255], content=content, uploaded_by=request.user)
            return redirect("quizzes_course_import_preview", pk=record.pk)
    return TemplateResponse(request, "quizzes/admin/course_import.html", {"form": form, "problems": problems})


def _record_package(record):
    return package_read(package_files_from_zip(bytes(record.content), name=record.filename), root=record.filename)


@require_http_methods(["GET"])
def course_import_preview_view(request, pk):
    _require_import(request)
    record = get_object_or_404(CoursePackageImport, pk=pk, uploaded_by=request.user)
    plan, problems = None, []
    try:
        plan = course_package_plan(_record_package(record))
    except PackageError as error:
        problems = error.problems
    may_publish = _index_permissions(request.user).can_publish_subpage()
    return TemplateResponse(
        request,
        "quizzes/admin/course_import_preview.html",
        {
            "record": record,
            "plan": plan,
            "problems": problems,
            "changes": [c for c in plan.changes if c.action != "tetap"] if plan else [],
            "counts": {"new": plan.count(NEW), "changed": plan.count(CHANGED), "removed": plan.count(REMOVED)} if plan else {},
            "may_publish": may_publish,
        },
    )


@require_http_methods(["POST"])
def course_import_confirm_view(request, pk):
    _require_import(request)
    record = get_object_or_404(CoursePackageImport, pk=pk, uploaded_by=request.user, applied=False)
    may_publish = _index_permissions(request.user).can_publish_subpage()
    try:
        plan = course_package_load(
            package=_record_package(record),
            publish=may_publish and request.POST.get("publish") == "1",
            may_publish=may_publish,
            acting_user=request.user,
            source=f"impor {record.filename}",
        )
    except PackageError as error:
        for problem in error.problems:
            messages.error(request, str(problem))
        return redirect("quizzes_course_import_preview", pk=record.pk)
    record.applied = True
    record.save(update_fields=["applied"])
    if not plan.changed:
        messages.info(request, _("Paket sama dengan kursus yang terbit; tidak ada yang diubah."))
    elif plan.published:
        messages.success(request, _("Kursus “%(title)s” dimuat dan diterbitkan.") % {"title": plan.package.title})
    else:
        messages.success(request, _("Kursus “%(title)s” dimuat dan diajukan untuk ditinjau.") % {"title": plan.package.title})
    return redirect("wagtailadmin_explore", plan.course.pk)


@require_http_methods(["GET"])
def jp_basis_view(request):
    if not (request.user.has_perm("quizzes.view_quiz") or request.user.has_perm("quizzes.view_question")):
        raise PermissionDenied
    program = ProgramSettings.load()
    rows = []
    for course in CoursePage.objects.order_by("title"):
        basis = basis_for_course(course)
        supported = basis.jp_supported(program.minutes_per_jp)
        rows.append(
            {
                "course": course,
                "basis": basis,
                "supported": supported,
                "ok": supported is not None and course.jp_hours <= supported,
                "export_url": reverse("quizzes_course_export", args=[course.pk]) if course.live and course_export_allowed(request.user, course) else "",
            }
        )
    return TemplateResponse(request, "quizzes/admin/jp_basis.html", {"rows": rows, "program": program})


def package_urlpatterns():
    return [
        path("kursus/<int:pk>/ekspor/", course_export_view, name="quizzes_course_export"),
        path("impor-kursus/", course_import_view, name="quizzes_course_import"),
        path("impor-kursus/<int:pk>/", course_import_preview_view, name="quizzes_course_import_preview"),
        path("impor-kursus/<int:pk>/muat/", course_import_confirm_view, name="quizzes_course_import_confirm"),
        path("dasar-jp/", jp_basis_view, name="quizzes_jp_basis"),
    ]
