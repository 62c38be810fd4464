"""Wagtail admin: the certificate registry (scoped), revocation and re-issue, bulk ZIP."""

import csv
import datetime
import io
import zipfile

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_filters import ChoiceFilter, DateFromToRangeFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin_columns import WitaDateColumn
from core.exports import spreadsheet_safe
from courses.models import CoursePage
from organizations.models import Opd
from organizations.permissions import is_read_only

from .models import Certificate
from .pdf import verification_url
from .selectors import access_certificate, certificates_visible_to
from .services import CertificateRefused, certificate_reissue, certificate_revoke

STATUS_CHOICES = [("valid", gettext_lazy("Berlaku")), ("revoked", gettext_lazy("Dicabut")), ("expired", gettext_lazy("Kedaluwarsa"))]


def _filter_status(queryset, name, value):
    today = timezone.localdate()
    if value == "revoked":
        return queryset.filter(revoked_at__isnull=False)
    if value == "expired":
        return queryset.filter(revoked_at__isnull=True, valid_until__lt=today)
    if value == "valid":
        return queryset.filter(revoked_at__isnull=True).exclude(valid_until__lt=today)
    return queryset


class CertificateFilterSet(WagtailFilterSet):
    opd = ModelChoiceFilter(label=gettext_lazy("OPD saat terbit"), queryset=Opd.objects.order_by("name"))
    course = ModelChoiceFilter(label=gettext_lazy("Kursus"), queryset=CoursePage.objects.order_by("title"))
    issued_at = DateFromToRangeFilter(label=gettext_lazy("Tanggal terbit"))
    status = ChoiceFilter(label=gettext_lazy("Status"), choices=STATUS_CHOICES, method=_filter_status)

    class Meta:
        model = Certificate
        fields = ["opd", "course", "issued_at", "status"]


class ScopedCertificateMixin:
    def get_base_queryset(self):
        return certificates_visible_to(self.request.user).select_related("course")


class CertificateIndexView(ScopedCertificateMixin, generic.IndexView):
    template_name = "certificates/admin/index.html"

    def get_inspect_url(self, instance):
        # Reading the registry is the permission (the queryset is already scoped); the detail
        # page checks the same scope again.
        return reverse(self.inspect_url_name, args=(quote(instance.pk),))

    def get_list_more_buttons(self, instance):
        buttons = [
            MenuItem(_("Periksa"), url=self.get_inspect_url(instance), icon_name="info-circle", priority=10),
            MenuItem(_("Halaman verifikasi"), url=verification_url(instance.code), icon_name="link-external", priority=20),
        ]
        if self._can_revoke and not instance.is_revoked:
            buttons.append(
                MenuItem(_("Cabut atau terbitkan ulang"), url=reverse("certificates_revoke", args=[instance.pk]), icon_name="warning", priority=30)
            )
        return buttons

    @cached_property
    def _can_revoke(self) -> bool:
        return self.request.user.has_perm("certificates.revoke_certificate") and not is_read_only(self.request.user)

    def get_context_data(self, **kwargs):
        from .signing import signer_status

        context = super().get_context_data(**kwargs)
        context["signing_status"] = signer_status()
        return context

    def get_header_buttons(self):
        buttons = super().get_header_buttons()
        from wagtail.admin.widgets import HeaderButton

        query = self.request.GET.urlencode()
        buttons.append(HeaderButton(_("Unduh ZIP (sesuai filter)"), url=f"{reverse('certificates_zip')}?{query}", icon_name="download"))
        return buttons


class CertificateInspectView(ScopedCertificateMixin, generic.InspectView):
    def get_object(self, queryset=None):
        return access_certificate(self.request.user, self.kwargs["pk"])

    def get_field_display_value(self, field_name, field):
        """Empty facts print "—", times in WITA with the site's date format, as elsewhere."""
        value = getattr(self.object, field_name, None)
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "j F Y H:i") + " WITA"
        if isinstance(value, datetime.date):
            return date_format(value, "j F Y")
        return super().get_field_display_value(field_name, field)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_revoke"] = self.request.user.has_perm("certificates.revoke_certificate") and not is_read_only(self.request.user)
        context["verify_url"] = verification_url(self.object.code)
        return context


class CertificateViewSet(ModelViewSet):
    model = Certificate
    icon = "doc-full"
    menu_label = gettext_lazy("Sertifikat")
    menu_order = 240
    add_to_admin_menu = True
    list_display = [
        "number",  # the title column: links to the detail page and carries the row actions
        "full_name",
        Column("opd_name", label=gettext_lazy("OPD saat terbit")),
        Column("course_title", label=gettext_lazy("Kursus")),
        WitaDateColumn("issued_at", label=gettext_lazy("Terbit")),
        Column("get_status_display", label=gettext_lazy("Status")),
    ]
    filterset_class = CertificateFilterSet
    search_fields = ["number", "full_name", "nip", "code"]
    # Certificates are issued by the service, never typed in: nobody holds add or change
    # permission, and the generic form is kept to one harmless field.
    form_fields = ["full_name"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "number", "code", "full_name", "nip", "pangkat_golongan", "opd_name", "position", "course_title", "jp_hours",
        "score", "predicate", "pretest_score", "started_at", "completed_at", "organiser", "issued_at", "valid_until",
        "sha256", "signed_by", "signed_at", "revoked_at", "revocation_reason", "replaced_by",
    ]
    inspect_template_name = "certificates/admin/inspect.html"
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    copy_view_enabled = False
    list_per_page = 50

    def get_permissions_to_register(self):
        return []


class RevokeForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Tindakan"),
        choices=[("revoke", gettext_lazy("Cabut")), ("reissue", gettext_lazy("Terbitkan ulang dengan nama yang dibetulkan"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=gettext_lazy("Alasan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    full_name = forms.CharField(label=gettext_lazy("Nama yang benar (untuk terbit ulang)"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reissue" and not (cleaned.get("full_name") or "").strip():
            self.add_error("full_name", _("Isi nama yang benar untuk sertifikat baru."))
        return cleaned


@require_http_methods(["GET", "POST"])
def revoke_view(request, pk):
    if not request.user.has_perm("certificates.revoke_certificate") or is_read_only(request.user):
        raise PermissionDenied
    certificate = access_certificate(request.user, pk)
    form = RevokeForm(request.POST or None, initial={"full_name": certificate.full_name})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "reissue":
                new = certificate_reissue(certificate=certificate, full_name=data["full_name"], reason=data["reason"], acting_user=request.user)
                messages.success(request, _("Sertifikat %(old)s dicabut dan diganti %(new)s.") % {"old": certificate.number, "new": new.number})
                return redirect("certificates_certificate:inspect", new.pk)
            certificate_revoke(certificate=certificate, reason=data["reason"], acting_user=request.user)
            messages.success(request, _("Sertifikat %(number)s dicabut.") % {"number": certificate.number})
            return redirect("certificates_certificate:inspect", certificate.pk)
        except CertificateRefused as refusal:
            form.add_error(None, refusal.message)
    return TemplateResponse(request, "certificates/admin/revoke.html", {"certificate": certificate, "form": form})


ZIP_FIELDS = [
    "pdf", "number", "code", "nip", "full_name", "opd_code", "opd_name", "course_title", "course_slug", "jp_hours",
    "issued_at", "sha256", "revoked_at", "valid_until", "employee_id",
]
MANIFEST_COLUMNS = [
    "nomor", "kode", "nip", "nama", "opd_kode", "opd_saat_terbit", "kursus", "jp", "diterbitkan", "status", "sha256", "url_verifikasi", "berkas",
]
REVOKED_FOLDER = "sertifikat-dicabut/"


class _Sink(io.RawIOBase):
    """A write-only stream that hands over what was written, for streaming a ZIP."""

    def __init__(self):
        self.chunks = []
        self.offset = 0

    def writable(self):
        return True

    def write(self, data):
        # bytes are immutable and kept as they are; a view or bytearray may change: copied
        self.chunks.append(data if type(data) is bytes else bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self):
        return self.offset

    def drain(self):
        data, self.chunks = b"".join(self.chunks), []
        return data

    def take(self) -> list:
        """What was written since the last call, as written: no copy of a PDF's bytes."""
        chunks, self.chunks = self.chunks, []
        return chunks


def zip_entry_name(certificate: Certificate) -> str:
    nip = certificate.nip or f"tanpa-nip-{certificate.employee_id}"
    return f"{certificate.opd_code}/{nip}_{certificate.course_slug}_{certificate.number.replace('/', '-')}.pdf"


def write_certificates(archive: zipfile.ZipFile, certificates, *, chunk_size: int = 1024 * 1024, prefix: str = "", sums: dict | None = None):
    """Write each certificate's stored PDF, byte for byte, into `archive`: a valid one under
    `prefix` + `zip_entry_name`, a revoked one under `sertifikat-dicabut/` + `zip_entry_name`,
    never beside the valid ones. Yields after every block written, so a streaming caller can
    hand the bytes on; puts each entry's SHA-256 into `sums` (name -> hex) when given;
    returns the text of `manifest.csv` (formula-safe, with a BOM for spreadsheet programs)."""
    import hashlib

    verify_prefix = verification_url("CODE").removesuffix("CODE/")  # one reverse() per file, not per row
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(MANIFEST_COLUMNS)
    for certificate in certificates:
        name = (REVOKED_FOLDER if certificate.revoked_at else prefix) + zip_entry_name(certificate)
        digest = hashlib.sha256() if sums is not None else None  # only the evidence pack asks for sums
        with certificate.pdf.open("rb") as source, archive.open(name, mode="w", force_zip64=True) as target:
            while block := source.read(chunk_size):
                target.write(block)
                if digest is not None:
                    digest.update(block)
                yield
        if digest is not None:
            sums[name] = digest.hexdigest()
        writer.writerow(
            [spreadsheet_safe(v) for v in (
                certificate.number, certificate.code, certificate.nip, certificate.full_name, certificate.opd_code,
                certificate.opd_name, certificate.course_title, certificate.jp_hours,
                timezone.localtime(certificate.issued_at).strftime("%Y-%m-%d %H:%M"), certificate.status,
                certificate.sha256, f"{verify_prefix}{certificate.code}/", name,
            )]
        )
    return "\ufeff" + manifest.getvalue()


def _relay(entries, sink: _Sink):
    """Hand on the bytes written after each step of `entries`; return what it returns."""
    while True:
        try:
            next(entries)
        except StopIteration as finished:
            return finished.value
        yield from sink.take()


def certificates_write(archive: zipfile.ZipFile, certificates, *, prefix: str = "", sums: dict | None = None) -> str:
    """`write_certificates` for an archive written to a file: runs it through, returns the
    manifest text."""
    entries = write_certificates(archive, certificates, prefix=prefix, sums=sums)
    while True:
        try:
            next(entries)
        except StopIteration as finished:
            return finished.value


def certificates_zip_stream(certificates, *, chunk_size: int = 1024 * 1024):
    """A ZIP (stored, not compressed: PDFs barely compress) written as it is read: memory
    stays flat whatever the number of files. `certificates` may be a lazy iterator."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        manifest = yield from _relay(write_certificates(archive, certificates, chunk_size=chunk_size), sink)
        archive.writestr("manifest.csv", manifest)
    yield sink.drain()


@require_http_methods(["GET"])
def zip_view(request):
    if not request.user.has_perm("certificates.view_certificate"):
        raise PermissionDenied
    filterset = CertificateFilterSet(request.GET, queryset=certificates_visible_to(request.user).order_by("opd_code", "number"))
    queryset = filterset.qs if filterset.is_valid() else certificates_visible_to(request.user).none()
    from core.audit import audit_record

    count = queryset.count()
    audit_record(instance=request.user, action="integritas.certificate_export", user=request.user, data={"filters": request.GET.dict(), "count": count})
    rows = queryset.only(*ZIP_FIELDS).iterator(chunk_size=500)
    response = StreamingHttpResponse(certificates_zip_stream(rows), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="sertifikat-{timezone.localdate():%Y%m%d}.zip"'
    return response


def admin_urlpatterns():
    return [
        path("sertifikat-zip/", zip_view, name="certificates_zip"),
        path("sertifikat-cabut/<int:pk>/", revoke_view, name="certificates_revoke"),
    ]
