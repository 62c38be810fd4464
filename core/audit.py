"""Audit records for actions that matter as evidence (DESIGN.md invariant 8).

Entries are Wagtail log entries, so auditors read them in the admin's "Riwayat situs"
report next to Wagtail's own page history. Each app registers its action names and
labels in its `wagtail_hooks.py` (hook `register_log_actions`).
"""

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.log_actions import log


def audit_record(*, instance, action: str, user=None, data: dict[str, Any] | None = None):
    """Record who did `action` on `instance`, with `data` (counts, reasons) attached.

    `data` is made JSON-safe (dates, decimals) so callers can pass what they have.
    """
    import json

    safe = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    return log(instance=instance, action=action, user=user, data=safe)
