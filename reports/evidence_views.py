"""Wagtail admin: the evidence pack built in the background, with its progress, its
download while it lasts, and the requester's earlier packs."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from core.audit import audit_record
from core.files import private_file_response
from courses.models import CoursePage
from organizations.selectors import opds_visible_to

from .evidence import can_build_evidence, evidence_input_problem, evidence_pack_request, evidence_packs_expire
from .models import EvidencePack, EvidencePackStatus


class EvidencePackForm(forms.Form):
    opds = forms.ModelMultipleChoiceField(
        label=gettext_lazy("OPD"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Kosongkan untuk semua OPD aktif dalam cakupan Anda."),
    )
    courses = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Rekap per kursus"), required=False, queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Rekap semua kursus wajib selalu disertakan; pilih kursus untuk lembar tambahan dan membatasi sertifikat."),
    )
    as_of = forms.DateField(
        label=gettext_lazy("Per tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Angka dihitung sampai akhir hari itu (WITA). Kosongkan untuk hari ini."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opds"].queryset = opds_visible_to(user).filter(active=True).order_by("name")
        self.fields["courses"].queryset = CoursePage.objects.live().order_by("-mandatory", "title")

    def clean_as_of(self):
        as_of = self.cleaned_data.get("as_of") or timezone.localdate()
        if as_of > timezone.localdate():
            raise forms.ValidationError(_("Tanggal tidak boleh di masa depan."))
        return as_of

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            problem = evidence_input_problem(scope=cleaned["opds"] or self.fields["opds"].queryset, as_of=cleaned["as_of"])
            if problem:
                raise forms.ValidationError(_(problem))
        return cleaned


def _require_builder(request):
    if not can_build_evidence(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def evidence_list_view(request):
    _require_builder(request)
    evidence_packs_expire()
    form = EvidencePackForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        pack = evidence_pack_request(
            user=request.user, opd_ids=[o.pk for o in form.cleaned_data["opds"]], course_ids=[c.pk for c in form.cleaned_data["courses"]],
            as_of=form.cleaned_data["as_of"],
        )
        messages.success(request, _("Paket bukti sedang dibuat. Halaman ini menunjukkan kemajuannya."))
        return redirect("reports_evidence_pack", pk=pack.pk)
    packs = Paginator(EvidencePack.objects.filter(requested_by=request.user), 20).get_page(request.GET.get("hal"))
    return TemplateResponse(request, "reports/evidence_list.html", {"form": form, "page_obj": packs})


@require_safe
def evidence_pack_view(request, pk: int):
    _require_builder(request)
    evidence_packs_expire()
    pack = get_object_or_404(EvidencePack, pk=pk, requested_by=request.user)
    return TemplateResponse(request, "reports/evidence_pack.html", {"pack": pack})


@require_safe
def evidence_download_view(request, pk: int):
    _require_builder(request)
    evidence_packs_expire()
    pack = get_object_or_404(EvidencePack, pk=pk, requested_by=request.user)
    if pack.status != EvidencePackStatus.DONE or not pack.file:
        messages.error(request, _("Paket ini tidak dapat diunduh (%(status)s).") % {"status": pack.get_status_display()})
        return redirect("reports_evidence_pack", pk=pack.pk)
    audit_record(instance=pack, action="integritas.evidence_download", user=request.user, data={"sha256": pack.sha256})
    return private_file_response(pack.file, filename=f"paket-bukti-{pack.as_of:%Y%m%d}.zip", content_type="application/zip")
