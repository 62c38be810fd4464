"""Writes of the reports app: freezing a recap (reports writes nothing of the other apps)."""

import hashlib
import json

from django.db import transaction

from core.audit import audit_record

from .models import FrozenRecap
from .selectors import CompletionReport

FIELDS = ["code", "name", "employees", "enrolled", "in_progress", "completed", "percent"]


def recap_payload(*, as_of: str, filters: list, rows: list, totals: dict) -> bytes:
    """The canonical bytes a recap's hash covers: sorted keys, no whitespace, UTF-8."""
    return json.dumps({"as_of": as_of, "filters": filters, "rows": rows, "totals": totals}, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def recap_freeze(*, report: CompletionReport, note: str, acting_user) -> FrozenRecap:
    rows = [{field: getattr(row, field) for field in FIELDS} for row in report.rows]
    totals = {field: getattr(report.totals, field) for field in FIELDS}
    filters = [list(pair) for pair in report.filters.describe()]
    as_of = report.filters.as_of.isoformat()
    digest = hashlib.sha256(recap_payload(as_of=as_of, filters=filters, rows=rows, totals=totals)).hexdigest()
    with transaction.atomic():
        recap = FrozenRecap.objects.create(
            created_by=acting_user, note=note.strip()[:300], as_of=report.filters.as_of, filters=filters, rows=rows, totals=totals, sha256=digest
        )
        audit_record(instance=recap, action="integritas.recap_freeze", user=acting_user, data={"sha256": digest, "as_of": as_of, "opds": len(rows)})
    return recap


def recap_intact(recap: FrozenRecap) -> bool:
    payload = recap_payload(as_of=recap.as_of.isoformat(), filters=recap.filters, rows=recap.rows, totals=recap.totals)
    return hashlib.sha256(payload).hexdigest() == recap.sha256


def opd_review_confirm(*, employee, opd, completed: int, employees: int):
    """The head of `opd` confirms having reviewed its progress; the figures seen are kept."""
    from django.core.exceptions import PermissionDenied

    from .models import OpdReview

    if opd.head_id != employee.pk:
        raise PermissionDenied
    with transaction.atomic():
        review = OpdReview.objects.create(opd=opd, employee=employee, completed=completed, employees=employees)
        audit_record(
            instance=review, action="integritas.opd_review", user=employee.user,
            data={"opd": opd.code, "completed": completed, "employees": employees},
        )
    return review
