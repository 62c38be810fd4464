"""Reads for API clients, scoped exactly like the admin.

A client sees what its owner sees in the admin (`*_visible_to(owner)`), narrowed to the
client's OPDs unless it was given all of them. An owner who loses their role takes the
client's sight with them.
"""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from certificates.models import Certificate
from certificates.selectors import certificates_visible_to
from courses.models import CoursePage, Enrollment
from organizations.models import Employee, Opd
from organizations.permissions import can_manage_roster, is_read_only
from organizations.selectors import employees_visible_to, opds_visible_to
from reports.selectors import jp_ledger

from .models import ApiClient, RosterJob


def client_opds(client: ApiClient) -> QuerySet[Opd]:
    opds = opds_visible_to(client.owner)
    if not client.all_opds:
        opds = opds.filter(pk__in=client.opds.values("pk"))
    return opds


def client_write_scope(client: ApiClient) -> frozenset[int] | None:
    """The OPD ids a client may write the roster of: None for every OPD. Only a client whose
    owner may import the roster in the admin writes at all (empty scope otherwise)."""
    if not can_manage_roster(client.owner) or is_read_only(client.owner):
        return frozenset()
    if client.all_opds:
        return None
    return frozenset(client_opds(client).values_list("pk", flat=True))


def employees_for_client(client: ApiClient) -> QuerySet[Employee]:
    employees = employees_visible_to(client.owner)
    if not client.all_opds:
        employees = employees.filter(opd__in=client.opds.values("pk"))
    return employees


def enrollments_for_client(client: ApiClient) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(employee__in=employees_for_client(client).values("pk"))


def certificates_for_client(client: ApiClient) -> QuerySet[Certificate]:
    certificates = certificates_visible_to(client.owner)
    if not client.all_opds:
        opds = client.opds.values("pk")
        certificates = certificates.filter(Q(opd__in=opds) | Q(employee__opd__in=opds))
    return certificates


def jp_for_client(client: ApiClient, *, year: int):
    """Per active employee in scope, the JP of the courses completed in `year` (WITA): the
    reports' JP ledger, narrowed to the client's OPDs."""
    rows = jp_ledger(user=client.owner, year=year, below_only=False)
    if not client.all_opds:
        rows = rows.filter(opd__in=client.opds.values("pk"))
    return rows


def employees_list(*, client: ApiClient, opd: str = "", course: str = "", updated_since: datetime.datetime | None = None):
    employees = employees_for_client(client).select_related("opd").order_by("pk")
    if opd:
        employees = employees.filter(opd__code__iexact=opd)
    if course:
        employees = employees.filter(enrollments__course__slug=course)
    if updated_since:
        employees = employees.filter(updated_at__gte=updated_since)
    return employees


def enrollments_list(
    *, client: ApiClient, opd: str = "", course: str = "", status: str = "", updated_since: datetime.datetime | None = None
):
    enrollments = enrollments_for_client(client).select_related("employee", "employee__opd", "course").order_by("pk")
    if opd:
        enrollments = enrollments.filter(employee__opd__code__iexact=opd)
    if course:
        enrollments = enrollments.filter(course__slug=course)
    if status:
        enrollments = enrollments.filter(status=status)
    if updated_since:
        enrollments = enrollments.filter(
            Q(enrolled_at__gte=updated_since) | Q(last_activity_at__gte=updated_since) | Q(completed_at__gte=updated_since)
        )
    return enrollments


def certificates_list(*, client: ApiClient, opd: str = "", course: str = "", updated_since: datetime.datetime | None = None):
    certificates = certificates_for_client(client).select_related("enrollment", "employee", "employee__opd").order_by("pk")
    return certificates_filter(certificates, opd=opd, course=course, updated_since=updated_since)


def certificates_filter(certificates, *, opd: str = "", course: str = "", updated_since=None):
    if opd:
        certificates = certificates.filter(Q(opd_code__iexact=opd) | Q(employee__opd__code__iexact=opd))
    if course:
        certificates = certificates.filter(course_slug=course)
    if updated_since:
        certificates = certificates.filter(Q(issued_at__gte=updated_since) | Q(revoked_at__gte=updated_since))
    return certificates


def courses_known() -> QuerySet[CoursePage]:
    return CoursePage.objects.all()


def access_roster_job(client: ApiClient, pk) -> RosterJob:
    """The client's own job; 404 for another client's job and for a missing one alike."""
    try:
        return RosterJob.objects.get(client=client, pk=pk)
    except (RosterJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def current_year() -> int:
    return timezone.localdate().year
