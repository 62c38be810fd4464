"""The OPD head's review on the learner side: a box on Pembelajaran Saya and the review page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.models import Opd
from organizations.selectors import employee_for_user

from .models import OpdReview
from .selectors import ReportFilters, mandatory_report
from .services import opd_review_confirm


def learning_section(*, request, employee) -> str:
    opds = list(Opd.objects.filter(head=employee))
    if not opds:
        return ""
    return render_to_string("reports/includes/head_box.html", {"opds": opds}, request=request)


def _opd_figures(opd):
    scope = Opd.objects.filter(pk=opd.pk)
    return mandatory_report(user=None, filters=ReportFilters(course=None, as_of=timezone.localdate()), scope=scope).totals


@login_required
@require_http_methods(["GET", "POST"])
def head_review(request, opd_id: int):
    employee = employee_for_user(request.user)
    opd = Opd.objects.filter(pk=opd_id, head=employee).first() if employee else None
    if opd is None:
        raise Http404
    totals = _opd_figures(opd)
    if request.method == "POST":
        opd_review_confirm(employee=employee, opd=opd, completed=totals.completed, employees=totals.employees)
        messages.success(request, _("Terima kasih. Tinjauan Anda atas progres %(opd)s tercatat.") % {"opd": opd.name})
        return redirect("reports_head_review", opd_id=opd.pk)
    last = OpdReview.objects.filter(opd=opd).first()
    return TemplateResponse(request, "reports/head_review.html", {"opd": opd, "totals": totals, "last": last})
