"""Wagtail admin: "Laporan Penyelesaian Pelatihan" per OPD, the drill-down per OPD, exports."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core.audit import audit_record
from core.exports import spreadsheet_response
from courses.selectors import courses_with_audience
from organizations.models import EmploymentType, OpdKind, Role
from organizations.permissions import has_role, is_read_only, sees_all_opds
from organizations.selectors import opds_visible_to

from . import evidence_views
from .models import FrozenRecap
from .selectors import (
    JP_TARGET,
    ReportFilters,
    completion_report,
    drilldown_status,
    heads_attach,
    jp_ledger,
    learning_gain,
    mandatory_drilldown,
    opd_drilldown,
)
from .services import FIELDS, recap_freeze, recap_intact

SORTS = {
    "nama": lambda r: r.name.lower(),
    "pegawai": lambda r: -r.employees,
    "selesai": lambda r: -r.completed,
    "persen": lambda r: -r.percent,
    "persen-naik": lambda r: r.percent,
}
STATUS_LABELS = {
    "not_enrolled": gettext_lazy("Belum terdaftar"),
    "not_started": gettext_lazy("Belum mulai"),
    "in_progress": gettext_lazy("Sedang berjalan"),
    "completed": gettext_lazy("Selesai"),
}


MANDATORY = "wajib"


class ReportForm(forms.Form):
    course = forms.ChoiceField(label=gettext_lazy("Kursus"), required=False)
    as_of = forms.DateField(label=gettext_lazy("Per tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    opd_kind = forms.ChoiceField(label=gettext_lazy("Jenis OPD"), required=False, choices=[("", gettext_lazy("Semua"))] + list(OpdKind.choices))
    employment_type = forms.ChoiceField(
        label=gettext_lazy("Jenis pegawai"), required=False, choices=[("", gettext_lazy("Semua"))] + list(EmploymentType.choices)
    )
    attribution = forms.ChoiceField(
        label=gettext_lazy("Hitung selesai menurut"),
        required=False,
        choices=[("current", gettext_lazy("OPD saat ini")), ("completion", gettext_lazy("OPD saat menyelesaikan"))],
    )
    urut = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS], widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = {str(c.pk): c for c in courses_with_audience()}
        self.fields["course"].choices = [(MANDATORY, _("Semua kursus wajib (selesai semuanya)"))] + [
            (pk, course.title) for pk, course in self.courses.items()
        ]

    def clean_as_of(self):
        as_of = self.cleaned_data.get("as_of") or timezone.localdate()
        if as_of > timezone.localdate():
            raise forms.ValidationError(_("Tanggal tidak boleh di masa depan."))
        return as_of

    def filters(self) -> ReportFilters | None:
        choice = self.cleaned_data.get("course") or MANDATORY
        if not self.courses:
            return None
        course = None if choice == MANDATORY else self.courses[choice]
        return ReportFilters(
            course=course, as_of=self.cleaned_data["as_of"], opd_kind=self.cleaned_data.get("opd_kind") or "",
            employment_type=self.cleaned_data.get("employment_type") or "", attribution=self.cleaned_data.get("attribution") or "current",
        )


def _display_rows(report, *, drilldown_base: str, query: str) -> list[dict]:
    """What the template prints of each row: plain-text labels, the drill-down link and the
    chart geometry, computed once here, as dicts. The template has hundreds of rows to render
    (and escape) and stays a loop of plain variables with localization off; a dict answers
    the engine's first lookup, where an object makes it raise and catch an exception per
    variable (a quarter of the loop's time at 500 OPDs). No HTML is built here."""
    from django.utils.formats import date_format

    sep = get_format("DECIMAL_SEPARATOR")
    done, not_done, never = _("selesai"), _("belum"), _("belum pernah meninjau")
    days: dict = {}
    rows = []
    for index, row in enumerate(report.rows):
        percent = row.percent
        if row.head:
            review = row.head["last_review"]
            if review:
                day = timezone.localtime(review).date()
                last = days.get(day) or days.setdefault(day, date_format(day, "j F Y"))
            else:
                last = never
            status = f"✓ {done}" if row.head["completed"] else f"✗ {not_done}"
            head_text = f"{row.head['name']} · {status} · {last}"
        else:
            head_text = "—"
        rows.append({
            "code": row.code, "name": row.name, "url": f"{drilldown_base}{row.opd_id}/?{query}",
            "employees": row.employees, "enrolled": row.enrolled, "in_progress": row.in_progress, "completed": row.completed,
            "percent": percent, "percent_label": str(percent).replace(".", sep), "head_text": head_text,
            "short_code": row.code if len(row.code) <= 18 else row.code[:17] + "…",
            "bar_y": 22 * index, "bar_width": round(4 * percent),
        })
    return rows


def can_read_reports(user) -> bool:
    """HR, auditors and observers (every OPD) and coordinators (their OPDs)."""
    return sees_all_opds(user) or has_role(user, Role.COORDINATOR)


def _require_reader(request):
    if not can_read_reports(request.user):
        raise PermissionDenied


def _audit_if_needed(request, what: str, filters: ReportFilters, export: str = ""):
    """Exports are evidence that left the system; observers' reading is evidence of access."""
    if export or is_read_only(request.user):
        audit_record(
            instance=request.user, action="integritas.report_export" if export else "integritas.report_view", user=request.user,
            data={"report": what, "format": export, "filters": dict(filters.describe())},
        )


def _bound_form(request):
    data = request.GET.copy()
    form = ReportForm(data)
    form.is_valid()
    return form


@require_safe
def completion_view(request):
    _require_reader(request)
    form = _bound_form(request)
    if form.errors:
        return TemplateResponse(request, "reports/completion.html", {"form": form, "report": None})
    filters = form.filters()
    if filters is None:
        return TemplateResponse(request, "reports/completion.html", {"form": form, "report": None, "no_course": True})
    report = completion_report(user=request.user, filters=filters)
    report.rows.sort(key=SORTS.get(form.cleaned_data.get("urut") or "nama", SORTS["nama"]))
    export = request.GET.get("format", "")
    _audit_if_needed(request, "completion", filters, export)
    if export in ("xlsx", "csv"):
        header = ["kode_opd", "opd", "pegawai_aktif", "terdaftar", "sedang_berjalan", "selesai", "persen_selesai"]
        rows = [[r.code, r.name, r.employees, r.enrolled, r.in_progress, r.completed, r.percent] for r in [*report.rows, report.totals]]
        return spreadsheet_response(
            filename=f"rekap-penyelesaian-{filters.as_of:%Y%m%d}", fmt=export, title="Laporan Penyelesaian Pelatihan",
            filters=filters.describe(), header=header, rows=rows,
        )
    heads_attach(report)
    query = request.GET.urlencode()
    rows = _display_rows(report, drilldown_base=reverse("reports_drilldown", args=[0])[: -len("0/")], query=query)
    # The rows and chart bars are rendered (and escaped) by templates: Jinja2's engine, through
    # Django's backend, for the two loops over every OPD; Django's for the page around them.
    rows_engine = engines["jinja2"]
    table_rows = mark_safe(rows_engine.get_template("reports/completion_table_rows.html").render({"rows": rows}))  # noqa: S308 - autoescaped by Jinja2
    chart_rows = mark_safe(rows_engine.get_template("reports/completion_chart_rows.html").render({"rows": rows}))  # noqa: S308 - autoescaped by Jinja2
    return TemplateResponse(
        request,
        "reports/completion.html",
        {"form": form, "report": report, "rows": rows, "table_rows": table_rows, "chart_rows": chart_rows,
         "filters": filters, "query": query, "chart_height": 22 * len(rows) + 10,
         "before_data": report.totals.enrolled == 0 and report.totals.employees > 0, "can_freeze": _can_freeze(request.user)},
    )


@require_safe
def learning_gain_view(request):
    """Pre-test against final quiz per OPD, for one course (its own page: at province scale
    it reads every attempt of the course)."""
    _require_reader(request)
    form = _bound_form(request)
    filters = None if form.errors else form.filters()
    gain = learning_gain(user=request.user, filters=filters) if filters and filters.course else []
    return TemplateResponse(request, "reports/learning_gain.html", {
        "form": form, "filters": filters, "gain": gain, "no_course": bool(filters) and filters.course is None,
    })


@require_safe
def drilldown_view(request, opd_id: int):
    _require_reader(request)
    opd = get_object_or_404(opds_visible_to(request.user), pk=opd_id)
    form = _bound_form(request)
    if form.errors or form.filters() is None:
        return TemplateResponse(request, "reports/drilldown.html", {"form": form, "opd": opd, "page_obj": None})
    filters = form.filters()
    status = request.GET.get("status", "")
    if status not in STATUS_LABELS:
        status = ""
    if filters.course is None:
        rows = mandatory_drilldown(user=request.user, filters=filters, opd=opd, status=status)
    else:
        rows = opd_drilldown(user=request.user, filters=filters, opd=opd, status=status)
    export = request.GET.get("format", "")
    _audit_if_needed(request, f"drilldown:{opd.code}", filters, export)
    if export in ("xlsx", "csv"):
        header = ["nip", "nama", "jabatan", "jenis_pegawai", "status", "pelajaran_selesai", "aktivitas_terakhir", "nomor_sertifikat"]
        lines = [
            [r["nip"] or "", r["full_name"], r["position"], r["employment_type"], str(STATUS_LABELS[r.get("status") or drilldown_status(r, filters.cutoff)]),
             r["lessons_done"] or 0, timezone.localtime(r["last_activity"]).strftime("%Y-%m-%d %H:%M") if r["last_activity"] else "", r["certificate"] or ""]
            for r in rows
        ]
        return spreadsheet_response(
            filename=f"peserta-{opd.code}-{filters.as_of:%Y%m%d}", fmt=export, title=f"Peserta {opd.name}",
            filters=[("OPD", opd.name), *filters.describe(), ("Status", str(STATUS_LABELS.get(status, "semua")))], header=header, rows=lines,
        )
    page_obj = Paginator(rows, 50).get_page(request.GET.get("hal"))
    for row in page_obj.object_list:
        row["status"] = row.get("status") or drilldown_status(row, filters.cutoff)
        row["status_label"] = STATUS_LABELS[row["status"]]
    query = request.GET.copy()
    query.pop("hal", None)
    return TemplateResponse(
        request, "reports/drilldown.html",
        {"form": form, "opd": opd, "filters": filters, "page_obj": page_obj, "status": status, "statuses": STATUS_LABELS, "query": query.urlencode()},
    )


def _can_freeze(user) -> bool:
    return sees_all_opds(user) and not is_read_only(user)


@require_POST
def freeze_view(request):
    """"Bekukan rekap": store today's figures for the current filters, with their hash."""
    if not _can_freeze(request.user):
        raise PermissionDenied
    form = ReportForm(request.POST)
    if not form.is_valid() or form.filters() is None:
        messages.error(request, _("Filter laporan tidak sah; rekap tidak dibekukan."))
        return redirect("reports_completion")
    report = completion_report(user=request.user, filters=form.filters())
    recap = recap_freeze(report=report, note=request.POST.get("note", ""), acting_user=request.user)
    messages.success(request, _("Rekap dibekukan. SHA-256: %(hash)s") % {"hash": recap.sha256})
    return redirect("reports_recap", pk=recap.pk)


def _require_all_opd_reader(request):
    if not sees_all_opds(request.user):
        raise PermissionDenied


@require_safe
def recap_list_view(request):
    _require_all_opd_reader(request)
    page_obj = Paginator(FrozenRecap.objects.select_related("created_by"), 30).get_page(request.GET.get("hal"))
    return TemplateResponse(request, "reports/recap_list.html", {"page_obj": page_obj})


@require_safe
def recap_view(request, pk: int):
    _require_all_opd_reader(request)
    recap = get_object_or_404(FrozenRecap, pk=pk)
    export = request.GET.get("format", "")
    if export in ("xlsx", "csv"):
        audit_record(instance=recap, action="integritas.report_export", user=request.user, data={"report": "frozen_recap", "format": export, "sha256": recap.sha256})
        header = ["kode_opd", "opd", "pegawai_aktif", "terdaftar", "sedang_berjalan", "selesai", "persen_selesai"]
        rows = [[r[f] for f in FIELDS] for r in [*recap.rows, recap.totals]]
        meta = [*[tuple(pair) for pair in recap.filters], ("Dibekukan", timezone.localtime(recap.created_at).strftime("%Y-%m-%d %H:%M WITA")), ("SHA-256", recap.sha256)]
        return spreadsheet_response(filename=f"rekap-beku-{recap.pk}-{recap.as_of:%Y%m%d}", fmt=export, title="Rekap beku: Laporan Penyelesaian Pelatihan", filters=meta, header=header, rows=rows)
    return TemplateResponse(request, "reports/recap.html", {"recap": recap, "intact": recap_intact(recap)})


@require_safe
def jp_view(request):
    _require_reader(request)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("tahun") or today.year)
    except ValueError:
        year = today.year
    error = ""
    if not 2000 <= year <= today.year:
        error, year = _("Tahun harus antara 2000 dan tahun ini."), today.year
    opd = None
    if request.GET.get("opd"):
        opd = get_object_or_404(opds_visible_to(request.user), pk=request.GET["opd"]) if request.GET["opd"].isdigit() else None
    below_only = request.GET.get("semua") != "1"
    rows = jp_ledger(user=request.user, year=year, opd=opd, below_only=below_only)
    export = request.GET.get("format", "")
    if export in ("xlsx", "csv"):
        audit_record(instance=request.user, action="integritas.report_export", user=request.user, data={"report": "jp", "year": year, "opd": opd.code if opd else ""})
        lines = [[r["nip"] or "", r["full_name"], r["position"], r["opd__code"], r["opd__name"], r["jp"], JP_TARGET] for r in rows]
        meta = [("Tahun", str(year)), ("OPD", opd.name if opd else "semua dalam cakupan"), ("Tampil", "di bawah 20 JP" if below_only else "semua")]
        return spreadsheet_response(filename=f"jp-{year}", fmt=export, title="Jam pelajaran (JP) per pegawai", filters=meta,
                                    header=["nip", "nama", "jabatan", "opd_kode", "opd", "jp", "target"], rows=lines)
    page_obj = Paginator(rows, 50).get_page(request.GET.get("hal"))
    query = request.GET.copy()
    query.pop("hal", None)
    return TemplateResponse(request, "reports/jp.html", {
        "page_obj": page_obj, "year": year, "opd": opd, "below_only": below_only, "target": JP_TARGET, "error": error,
        "opds": opds_visible_to(request.user).order_by("name"), "query": query.urlencode(),
    })


@require_safe
def reminder_log_view(request):
    """Every reminder and digest email the mail server accepted, newest first."""
    from django.conf import settings

    from .models import ReminderKind, ReminderLog
    from .reminders import mail_problem

    _require_all_opd_reader(request)
    logs = ReminderLog.objects.select_related("employee", "user")
    kind = request.GET.get("jenis", "")
    if kind in ReminderKind.values:
        logs = logs.filter(kind=kind)
    page_obj = Paginator(logs, 50).get_page(request.GET.get("hal"))
    return TemplateResponse(request, "reports/reminder_log.html", {
        "page_obj": page_obj, "kind": kind, "kinds": ReminderKind.choices, "mail_problem": mail_problem(), "query": f"jenis={kind}" if kind else "",
        "interval": settings.REMINDER_INTERVAL_DAYS, "digest_interval": settings.DIGEST_INTERVAL_DAYS, "hour": settings.REMINDER_HOUR,
    })


def admin_urlpatterns():
    return [
        path("laporan/penyelesaian/", completion_view, name="reports_completion"),
        path("laporan/penyelesaian/opd/<int:opd_id>/", drilldown_view, name="reports_drilldown"),
        path("laporan/peningkatan/", learning_gain_view, name="reports_learning_gain"),
        path("laporan/bekukan/", freeze_view, name="reports_freeze"),
        path("laporan/jp/", jp_view, name="reports_jp"),
        path("laporan/rekap-beku/", recap_list_view, name="reports_recaps"),
        path("laporan/rekap-beku/<int:pk>/", recap_view, name="reports_recap"),
        path("laporan/pengingat/", reminder_log_view, name="reports_reminders"),
        path("laporan/paket-bukti/", evidence_views.evidence_list_view, name="reports_evidence"),
        path("laporan/paket-bukti/<int:pk>/", evidence_views.evidence_pack_view, name="reports_evidence_pack"),
        path("laporan/paket-bukti/<int:pk>/unduh/", evidence_views.evidence_download_view, name="reports_evidence_download"),
    ]
