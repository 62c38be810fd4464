"""Wagtail admin: API clients (HR), their keys shown once, and the course-history download."""

import ipaddress

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe
from wagtail.admin import messages
from wagtail.admin.auth import require_admin_access
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateTimeInput

from certificates.selectors import certificates_visible_to
from core.admin_columns import WitaDateColumn
from core.audit import audit_record
from core.exports import spreadsheet_response
from courses.models import CoursePage
from organizations.models import Opd
from organizations.permissions import is_read_only, is_staff_member
from organizations.selectors import opds_visible_to

from .models import ApiClient, Scope
from .records import EXPORT_HEADER, certificate_export_row, certificate_record, organiser_name
from .selectors import certificates_filter
from .services import api_client_revoke, api_client_rotate, api_client_save


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Hak akses"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ["name", "owner", "scopes", "all_opds", "opds", "allowed_ips", "expires_at", "rate_limit_per_minute"]
        widgets = {
            "opds": forms.CheckboxSelectMultiple,
            "allowed_ips": forms.Textarea(attrs={"rows": 3}),
            "expires_at": AdminDateTimeInput,
        }

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opds"].queryset = Opd.objects.filter(active=True).order_by("name")
        self.fields["opds"].required = False
        # staff only (a handful), not every learner's account
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        from organizations.models import RoleAssignment

        active = RoleAssignment.objects.active().values("user_id")
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(Q(is_superuser=True) | Q(pk__in=active), is_active=True).order_by("email")
        )
        if for_user is not None and not self.instance.pk:
            self.fields["owner"].initial = for_user.pk

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        if owner is not None and not is_staff_member(owner):
            raise ValidationError(_("Penanggung jawab harus staf yang punya peran di admin."))
        return owner

    def clean_allowed_ips(self):
        lines = [line.strip() for line in self.cleaned_data["allowed_ips"].splitlines() if line.strip()]
        for line in lines:
            try:
                ipaddress.ip_network(line, strict=False)
            except ValueError:
                raise ValidationError(_("\"%(value)s\" bukan alamat IP atau jaringan yang sah.") % {"value": line}) from None
        return "\n".join(lines)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_opds") and not cleaned.get("opds"):
            self.add_error("opds", _("Pilih minimal satu OPD, atau centang \"semua OPD\"."))
        return cleaned


def _key_page(request, client, key, *, rotated=False):
    response = TemplateResponse(request, "api/key_shown.html", {"client": client, "key": key, "rotated": rotated})
    response["Cache-Control"] = "no-store"
    return response


class ApiClientCreateView(generic.CreateView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}

    def form_valid(self, form):
        if is_read_only(self.request.user):
            raise PermissionDenied
        client, key = api_client_save(client=form.instance, opds=form.cleaned_data.get("opds") or [], acting_user=self.request.user)
        return _key_page(self.request, client, key)


class ApiClientEditView(generic.EditView):
    def save_instance(self):
        client, _key = api_client_save(
            client=self.form.instance, opds=self.form.cleaned_data.get("opds") or [], acting_user=self.request.user
        )
        return client


def _client_for_change(request, pk) -> ApiClient:
    if not request.user.has_perm("api.change_apiclient") or is_read_only(request.user):
        raise PermissionDenied
    return get_object_or_404(ApiClient, pk=pk)


@require_http_methods(["POST"])
def rotate_view(request, pk):
    client = _client_for_change(request, pk)
    try:
        key = api_client_rotate(client=client, acting_user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("api_client:edit", client.pk)
    client.refresh_from_db()
    return _key_page(request, client, key, rotated=True)


@require_http_methods(["POST"])
def revoke_view(request, pk):
    client = _client_for_change(request, pk)
    api_client_revoke(client=client, acting_user=request.user)
    messages.success(request, _("Kunci klien API \"%(name)s\" dicabut; permintaan dengan kunci ini ditolak.") % {"name": client.name})
    return redirect("api_client:index")


class ApiClientViewSet(ModelViewSet):
    model = ApiClient
    form_class = ApiClientForm
    icon = "key"
    menu_label = gettext_lazy("Klien API")
    menu_order = 230
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "name",
        "owner",
        Column("scopes", label=gettext_lazy("Hak akses"), accessor=lambda c: ", ".join(c.scopes or [])),
        Column("key_prefix", label=gettext_lazy("Awalan kunci")),
        WitaDateColumn("expires_at", label=gettext_lazy("Berlaku sampai")),
        WitaDateColumn("last_used_at", label=gettext_lazy("Terakhir dipakai")),
        Column("status_label", label=gettext_lazy("Status")),
    ]
    search_fields = ["name"]
    add_view_class = ApiClientCreateView
    edit_view_class = ApiClientEditView
    edit_template_name = "api/edit.html"

    def get_form_class(self, for_update=False):
        return ApiClientForm

    def get_permissions_to_register(self):
        return []

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("rotate/<int:pk>/", rotate_view, name="rotate"),
            path("revoke/<int:pk>/", revoke_view, name="revoke"),
        ]


# --- Course history download (the API's certificate list, for manual upload) -------------------


def can_download_history(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("certificates.view_certificate"))


@require_admin_access
@require_safe
def course_history_view(request):
    if not can_download_history(request.user):
        raise PermissionDenied
    opds = opds_visible_to(request.user).order_by("name")
    opd_code = request.GET.get("opd", "")
    course_slug = request.GET.get("kursus", "")
    certificates = certificates_visible_to(request.user).select_related("enrollment").order_by("opd_name", "full_name", "pk")
    certificates = certificates_filter(certificates, opd=opd_code, course=course_slug)
    export = request.GET.get("format", "")
    if export in ("csv", "xlsx"):
        organiser = organiser_name()
        rows = [certificate_export_row(certificate_record(c, organiser=organiser)) for c in certificates.iterator(chunk_size=2000)]
        audit_record(
            instance=request.user,
            action="integritas.course_history_export",
            user=request.user,
            data={"format": export, "opd": opd_code, "course": course_slug, "count": len(rows)},
        )
        return spreadsheet_response(
            filename="riwayat-diklat",
            fmt=export,
            title="Riwayat diklat untuk sistem kepegawaian",
            filters=[("OPD", opd_code or "semua dalam cakupan"), ("Kursus", course_slug or "semua")],
            header=EXPORT_HEADER,
            rows=rows,
        )
    query = request.GET.copy()
    query.pop("format", None)
    return TemplateResponse(
        request,
        "api/course_history.html",
        {
            "opds": opds,
            "courses": CoursePage.objects.live().order_by("title"),
            "opd_code": opd_code,
            "course_slug": course_slug,
            "count": certificates.count(),
            "query": query.urlencode(),
        },
    )


def admin_urlpatterns():
    return [path("riwayat-diklat/", course_history_view, name="api_course_history")]
