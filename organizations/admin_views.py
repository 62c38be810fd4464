"""Wagtail admin: OPDs, employees (scoped), staff roles and the roster import."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_filters import BooleanFilter, ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin_columns import WitaDateColumn
from core.exports import SafeSpreadsheetExportMixin

from .access import require_roster_manager
from .models import Employee, EmploymentType, Opd, OpdKind, Role, RoleAssignment, RosterImportStatus
from .permissions import can_manage_roles, is_read_only
from .roster import RosterFileError
from .selectors import employees_visible_to, opds_visible_to, roster_imports_visible_to
from .services import (
    RosterRejected,
    employee_save,
    role_approve,
    role_assign,
    role_can_approve,
    role_refuse,
    role_revoke,
    roster_import_confirm,
    roster_import_confirm_queue,
    roster_runs_in_background,
    roster_staged_preview,
    roster_upload_stage,
)

# --- OPD ----------------------------------------------------------------------------------


class OpdFilterSet(WagtailFilterSet):
    kind = ChoiceFilter(choices=OpdKind.choices, label=gettext_lazy("Jenis"))
    active = BooleanFilter(label=gettext_lazy("Aktif"))

    class Meta:
        model = Opd
        fields = ["kind", "active"]


class ScopedOpdMixin:
    def get_base_queryset(self):
        return opds_visible_to(self.request.user).select_related("parent")


class OpdIndexView(SafeSpreadsheetExportMixin, ScopedOpdMixin, generic.IndexView):
    pass


class ScopedOpdObjectMixin:
    def get_object(self, queryset=None):
        return get_object_or_404(opds_visible_to(self.request.user), pk=self.kwargs[self.pk_url_kwarg])


class OpdEditView(ScopedOpdObjectMixin, generic.EditView):
    pass


class OpdInspectView(ScopedOpdObjectMixin, generic.InspectView):
    pass


class OpdViewSet(ModelViewSet):
    model = Opd
    icon = "site"
    menu_label = gettext_lazy("OPD")
    menu_order = 210
    add_to_admin_menu = True
    form_fields = ["code", "name", "kind", "parent", "head", "active"]
    list_display = [
        "name",
        "code",
        Column("kind", accessor="get_kind_display", label=gettext_lazy("Jenis")),
        "parent",
        BooleanColumn("active", label=gettext_lazy("Aktif")),
    ]
    list_export = ["code", "name", "kind", "parent_code", "active"]
    export_headings = {
        "code": gettext_lazy("Kode"),
        "name": gettext_lazy("Nama"),
        "kind": gettext_lazy("Jenis"),
        "parent_code": gettext_lazy("Kode induk"),
        "active": gettext_lazy("Aktif"),
    }
    export_filename = "opd"
    filterset_class = OpdFilterSet
    search_fields = ["name", "code"]
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = OpdIndexView
    edit_view_class = OpdEditView
    inspect_view_class = OpdInspectView
    list_per_page = 50

    def get_permissions_to_register(self):
        return []


# --- Employees ----------------------------------------------------------------------------------


class EmployeeFilterSet(WagtailFilterSet):
    opd = ModelChoiceFilter(queryset=lambda request: opds_visible_to(request.user), label=gettext_lazy("OPD"))
    employment_type = ChoiceFilter(choices=EmploymentType.choices, label=gettext_lazy("Jenis pegawai"))
    active = BooleanFilter(label=gettext_lazy("Aktif"))

    class Meta:
        model = Employee
        fields = ["opd", "employment_type", "active"]


class ScopedEmployeeMixin:
    def get_base_queryset(self):
        return employees_visible_to(self.request.user).select_related("opd", "user")


class EmployeeIndexView(SafeSpreadsheetExportMixin, ScopedEmployeeMixin, generic.IndexView):
    pass


class ScopedEmployeeObjectMixin:
    def get_object(self, queryset=None):
        return get_object_or_404(
            employees_visible_to(self.request.user).select_related("opd"), pk=self.kwargs[self.pk_url_kwarg]
        )


class EmployeeCreateView(generic.CreateView):
    def save_instance(self):
        return employee_save(employee=self.form.save(commit=False), changed_fields=["*"], acting_user=self.request.user)


class EmployeeEditView(ScopedEmployeeObjectMixin, generic.EditView):
    def save_instance(self):
        return employee_save(
            employee=self.form.save(commit=False),
            changed_fields=list(self.form.changed_data),
            acting_user=self.request.user,
        )


class EmployeeInspectView(ScopedEmployeeObjectMixin, generic.InspectView):
    pass


class EmployeeViewSet(ModelViewSet):
    model = Employee
    icon = "group"
    menu_label = gettext_lazy("Pegawai")
    menu_order = 200
    add_to_admin_menu = True
    form_fields = ["nip", "full_name", "email", "opd", "position", "pangkat_golongan", "employment_type", "active"]
    list_display = [
        "full_name",
        Column("nip", label=gettext_lazy("NIP")),
        "opd",
        "position",
        Column("employment_type", accessor="get_employment_type_display", label=gettext_lazy("Jenis")),
        BooleanColumn("active", label=gettext_lazy("Aktif")),
    ]
    list_export = ["nip", "full_name", "email", "opd.code", "opd.name", "position", "pangkat_golongan", "employment_type", "active"]
    export_headings = {
        "nip": "nip",
        "full_name": "nama",
        "email": "email",
        "opd.code": "opd_kode",
        "opd.name": gettext_lazy("nama_opd"),
        "position": "jabatan",
        "pangkat_golongan": "pangkat_golongan",
        "employment_type": "jenis_pegawai",
        "active": gettext_lazy("aktif"),
    }
    export_filename = "pegawai"
    filterset_class = EmployeeFilterSet
    search_fields = ["full_name", "nip", "email", "position"]
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = EmployeeIndexView
    add_view_class = EmployeeCreateView
    edit_view_class = EmployeeEditView
    inspect_view_class = EmployeeInspectView
    list_per_page = 50

    def get_permissions_to_register(self):
        return []


# --- Staff roles ---------------------------------------------------------------------------------


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "opds", "valid_until"]

    def clean(self):
        cleaned = super().clean()
        role, opds, valid_until = cleaned.get("role"), cleaned.get("opds"), cleaned.get("valid_until")
        if role == Role.COORDINATOR and not opds:
            self.add_error("opds", _("Koordinator OPD harus diberi minimal satu OPD."))
        if role and role != Role.COORDINATOR and opds:
            self.add_error("opds", _("Hanya Koordinator OPD yang diberi OPD."))
        if role == Role.OBSERVER and not valid_until:
            self.add_error("valid_until", _("Akses Pengamat wajib punya tanggal berakhir."))
        return cleaned


class RoleAssignmentEditForm(RoleAssignmentForm):
    """On edit the holder and the role stay; revoke and assign anew to change them."""

    class Meta:
        model = RoleAssignment
        fields = ["opds", "valid_until"]

    def clean(self):
        self.cleaned_data.setdefault("role", self.instance.role)
        return super().clean()


class RoleAssignmentSaveMixin:
    def save_instance(self):
        data = self.form.cleaned_data
        try:
            return role_assign(
                user=data.get("user") or self.form.instance.user,
                role=data.get("role") or self.form.instance.role,
                opds=list(data.get("opds") or []),
                valid_until=data.get("valid_until"),
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def form_valid(self, form):
        # The service re-checks what the form checked; a refusal goes back to the form.
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class RoleAssignmentCreateView(RoleAssignmentSaveMixin, generic.CreateView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.request.user.is_superuser:  # only superusers ask for a superuser grant
            field = form.fields["role"]
            field.choices = [choice for choice in field.choices if choice[0] != Role.SUPERUSER]
        return form

    def get_success_message(self, instance=None):
        instance = instance or getattr(self, "object", None)
        if instance is not None and instance.is_pending:
            if instance.role == Role.SUPERUSER:
                message = _("Peran %(role)s untuk %(user)s menunggu persetujuan superuser lain dan belum berlaku.")
            else:
                message = _("Peran %(role)s untuk %(user)s menunggu persetujuan staf HR lain dan belum berlaku.")
            return message % {"role": instance.get_role_display(), "user": instance.user}
        return super().get_success_message(instance)


class RoleAssignmentEditView(RoleAssignmentSaveMixin, generic.EditView):
    pass


class RoleAssignmentDeleteView(generic.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        # HR manages roles but does not demote a superuser: only another superuser does.
        assignment = get_object_or_404(RoleAssignment, pk=kwargs.get("pk"))
        if assignment.role == Role.SUPERUSER and not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def delete_action(self):
        role_revoke(assignment=self.object, acting_user=self.request.user)


class RoleAssignmentIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_pending:
            buttons.insert(
                0,
                MenuItem(
                    _("Tinjau persetujuan"),
                    url=reverse("organizations_role:review", args=[instance.pk]),
                    icon_name="tick",
                    priority=5,
                ),
            )
        return buttons


def _pending_assignment(request, pk) -> RoleAssignment:
    if not can_manage_roles(request.user) or is_read_only(request.user):
        raise PermissionDenied
    return get_object_or_404(RoleAssignment.objects.select_related("user", "granted_by"), pk=pk)


@require_http_methods(["GET"])
def role_review_view(request, pk):
    """A pending HR or auditor grant, with approve and refuse buttons for a second person."""
    assignment = _pending_assignment(request, pk)
    return TemplateResponse(
        request,
        "organizations/admin/role_review.html",
        {
            "assignment": assignment,
            "can_decide": assignment.is_pending and role_can_approve(assignment=assignment, user=request.user),
            "is_grantor": assignment.granted_by_id == request.user.pk,
        },
    )


@require_http_methods(["POST"])
def role_approve_view(request, pk):
    assignment = _pending_assignment(request, pk)
    try:
        role_approve(assignment=assignment, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("organizations_role:review", pk)
    messages.success(
        request,
        _("Peran %(role)s untuk %(user)s disetujui dan kini berlaku.")
        % {"role": assignment.get_role_display(), "user": assignment.user},
    )
    return redirect("organizations_role:index")


@require_http_methods(["POST"])
def role_refuse_view(request, pk):
    assignment = _pending_assignment(request, pk)
    try:
        role_refuse(assignment=assignment, acting_user=request.user, reason=request.POST.get("reason", "").strip()[:500])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("organizations_role:review", pk)
    messages.success(
        request,
        _("Permintaan peran %(role)s untuk %(user)s ditolak.")
        % {"role": assignment.get_role_display(), "user": assignment.user},
    )
    return redirect("organizations_role:index")


class RoleAssignmentViewSet(ModelViewSet):
    model = RoleAssignment
    form_class = RoleAssignmentForm
    icon = "key"
    menu_label = gettext_lazy("Peran staf")
    menu_order = 220
    add_to_admin_menu = True
    list_display = [
        "user",
        Column("role", label=gettext_lazy("Peran"), accessor="get_role_display"),
        Column("status_label", label=gettext_lazy("Status")),
        WitaDateColumn("valid_until", label=gettext_lazy("Berlaku sampai")),
        "granted_by",
        "approved_by",
        WitaDateColumn("created_at", label=gettext_lazy("Dibuat")),
    ]
    list_filter = ["role"]
    search_fields = ["user__email", "user__first_name", "user__username"]
    copy_view_enabled = False
    index_view_class = RoleAssignmentIndexView
    add_view_class = RoleAssignmentCreateView
    edit_view_class = RoleAssignmentEditView
    delete_view_class = RoleAssignmentDeleteView

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("review/<int:pk>/", role_review_view, name="review"),
            path("approve/<int:pk>/", role_approve_view, name="approve"),
            path("refuse/<int:pk>/", role_refuse_view, name="refuse"),
        ]

    def get_form_class(self, for_update=False):
        return RoleAssignmentEditForm if for_update else RoleAssignmentForm

    def get_permissions_to_register(self):
        return []


# --- Roster import --------------------------------------------------------------------------------


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas data pegawai (CSV atau XLSX)"),
        help_text=gettext_lazy(
            "Kolom: nip, nama, email, opd_kode, jabatan, jenis_pegawai (PNS, PPPK, NON_ASN); "
            "opsional: pangkat_golongan, kepala_opd. "
            "CSV dari Excel (UTF-8, pemisah koma atau titik koma) atau XLSX."
        ),
    )
    deactivate_missing = forms.BooleanField(
        label=gettext_lazy("Ini daftar lengkap: nonaktifkan pegawai yang tidak ada di berkas"),
        required=False,
        help_text=gettext_lazy("Pegawai tidak pernah dihapus; yang dinonaktifkan tetap tercatat dan dapat diaktifkan kembali."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ROSTER_MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Berkas terlalu besar (%(size)s MB); batasnya %(max)s MB.")
                % {"size": f"{upload.size / 1048576:.1f}", "max": f"{settings.ROSTER_MAX_UPLOAD_BYTES / 1048576:.0f}"}
            )
        return upload


@require_http_methods(["GET", "POST"])
def roster_upload_view(request):
    require_roster_manager(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            record = roster_upload_stage(
                filename=upload.name,
                content=content,
                deactivate_missing=form.cleaned_data["deactivate_missing"],
                acting_user=request.user,
            )
        except RosterFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("organizations_roster_preview", pk=record.pk)
    history = roster_imports_visible_to(request.user).select_related("uploaded_by")[:10]
    return TemplateResponse(
        request, "organizations/admin/roster_upload.html", {"form": form, "history": history}
    )


PREVIEW_PAGE_SIZE = 200


@require_http_methods(["GET"])
def roster_preview_view(request, pk):
    require_roster_manager(request)
    record = get_object_or_404(roster_imports_visible_to(request.user), pk=pk)
    if record.in_progress or (record.status == RosterImportStatus.REJECTED and record.parsed is None):
        # A large file being read or applied by the task, or a file the task could not read.
        response = TemplateResponse(request, "organizations/admin/roster_progress.html", {"record": record})
        if record.in_progress:
            response["Refresh"] = "3"
        return response
    try:
        preview = roster_staged_preview(roster_import=record)
    except RosterFileError as exc:
        messages.error(request, exc.message)
        return redirect("organizations_roster_upload")
    show = request.GET.get("tampil", "error" if preview.has_errors else "changes")
    if show == "error":
        rows = preview.error_rows
    elif show == "changes":
        rows = [row for row in preview.rows if row.status in ("new", "changed")]
    else:
        show, rows = "all", preview.rows
    try:
        page = max(1, int(request.GET.get("hal", "1")))
    except ValueError:
        page = 1
    pages = max(1, (len(rows) + PREVIEW_PAGE_SIZE - 1) // PREVIEW_PAGE_SIZE)
    page = min(page, pages)
    return TemplateResponse(
        request,
        "organizations/admin/roster_preview.html",
        {
            "record": record,
            "preview": preview,
            "counts": preview.counts,
            "rows": rows[(page - 1) * PREVIEW_PAGE_SIZE : page * PREVIEW_PAGE_SIZE],
            "show": show,
            "page": page,
            "pages": pages,
            "page_range": range(1, pages + 1),
            "can_confirm": record.status == "previewed" and not preview.has_errors,
        },
    )


@require_http_methods(["POST"])
def roster_confirm_view(request, pk):
    require_roster_manager(request)
    record = get_object_or_404(roster_imports_visible_to(request.user), pk=pk)
    if roster_runs_in_background(record):
        try:
            roster_import_confirm_queue(roster_import_id=record.pk, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("organizations_roster_preview", pk=record.pk)
    try:
        result = roster_import_confirm(roster_import_id=record.pk, acting_user=request.user)
    except RosterRejected:
        messages.error(request, _("Data berubah sejak pratinjau dan kini ada baris yang salah; tidak ada yang disimpan."))
        return redirect("organizations_roster_preview", pk=record.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("organizations_roster_preview", pk=record.pk)
    c = result.counts
    messages.success(
        request,
        _("Impor selesai: %(new)d baru, %(changed)d diubah, %(unchanged)d tetap, %(deactivated)d dinonaktifkan.")
        % c,
    )
    return redirect(reverse("organizations_employee:index"))


def roster_urlpatterns():
    return [
        path("impor-pegawai/", roster_upload_view, name="organizations_roster_upload"),
        path("impor-pegawai/<int:pk>/", roster_preview_view, name="organizations_roster_preview"),
        path("impor-pegawai/<int:pk>/konfirmasi/", roster_confirm_view, name="organizations_roster_confirm"),
    ]


__all__ = ["OpdViewSet", "EmployeeViewSet", "RoleAssignmentViewSet", "roster_urlpatterns", "Http404"]
