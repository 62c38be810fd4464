"""Wagtail admin: HR's "Tugaskan kursus" (enrol whole OPDs now instead of on first visit)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from organizations.access import require_roster_manager
from organizations.selectors import opds_visible_to

from .models import CoursePage
from .services import LearningRefused, enrollments_assign, enrollments_assign_preview


class AssignForm(forms.Form):
    course = forms.ModelChoiceField(
        label=gettext_lazy("Kursus"),
        queryset=CoursePage.objects.none(),
        empty_label=gettext_lazy("Pilih kursus"),
    )
    opds = forms.ModelMultipleChoiceField(
        label=gettext_lazy("OPD"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Semua pegawai aktif OPD terpilih yang termasuk sasaran kursus akan didaftarkan."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("-mandatory", "title")
        self.fields["opds"].queryset = opds_visible_to(user).filter(active=True).order_by("name")

    def clean_course(self):
        course = self.cleaned_data["course"]
        if course.has_closed():
            raise forms.ValidationError(_("Kursus ini sudah ditutup; peserta tidak dapat ditugaskan lagi."))
        return course


@require_http_methods(["GET", "POST"])
def assign_view(request):
    require_roster_manager(request)
    form = AssignForm(request.POST or None, user=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        course, opds = form.cleaned_data["course"], list(form.cleaned_data["opds"])
        if "confirm" in request.POST:
            try:
                created = enrollments_assign(course=course, opds=opds, acting_user=request.user)
            except LearningRefused as refusal:
                messages.error(request, refusal.message)
            else:
                messages.success(
                    request,
                    _("%(count)s pegawai didaftarkan ke “%(course)s”.") % {"count": created, "course": course.title},
                )
                return redirect("courses_assign")
        counts = enrollments_assign_preview(course=course, opds=opds)
        rows = [(opd, *counts.get(opd.pk, (0, 0))) for opd in opds]
        preview = {
            "course": course,
            "rows": [(opd, total, enrolled, total - enrolled) for opd, total, enrolled in rows],
            "to_enroll": sum(total - enrolled for _opd, total, enrolled in rows),
        }
    return TemplateResponse(request, "courses/admin/assign.html", {"form": form, "preview": preview})


def admin_urlpatterns():
    return [path("tugaskan-kursus/", assign_view, name="courses_assign")]
