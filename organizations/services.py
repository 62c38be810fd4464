"""Writes to the roster, roles and accounts. Each service validates, writes inside one
transaction and leaves an audit record when the change matters as evidence.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record

from .models import Employee, Opd, Role, RoleAssignment, RosterImport, RosterImportStatus
from .permissions import forget_roles
from .roster import (
    STATUS_CHANGED,
    STATUS_NEW,
    RosterFileError,
    RosterPreview,
    roster_check,
    roster_parsed_pack,
    roster_parsed_unpack,
    roster_preview,
    roster_preview_pack,
    roster_preview_records,
    roster_preview_unpack,
    roster_read,
)

EDITOR_GROUP_NAME = "Editor Konten"


class RosterRejected(Exception):
    """The file has bad rows; nothing was written. `preview` lists every row and reason."""

    def __init__(self, preview: RosterPreview):
        super().__init__(_("Berkas ditolak: %(n)d baris salah.") % {"n": len(preview.error_rows)})
        self.preview = preview


@dataclass
class RosterImportResult:
    roster_import: RosterImport | None
    preview: RosterPreview
    dry_run: bool

    @property
    def counts(self) -> dict[str, int]:
        return self.preview.counts


# --- Roster ----------------------------------------------------------------------------------


def roster_upload_stage(*, filename: str, content: bytes, deactivate_missing: bool, acting_user) -> RosterImport:
    """Keep an uploaded file for the confirm step. A file up to ROSTER_SYNC_MAX_BYTES is read
    here (RosterFileError if it cannot be); a larger one is kept as READING and read once by
    a task (`roster_import_work`) while the preview page shows its progress."""
    fields = {
        "filename": filename[:255],
        "content": content,
        "sha256": hashlib.sha256(content).hexdigest(),
        "deactivate_missing": deactivate_missing,
        "uploaded_by": acting_user,
    }
    if len(content) > settings.ROSTER_SYNC_MAX_BYTES:
        record = RosterImport.objects.create(**fields, status=RosterImportStatus.READING, queued_at=timezone.now())
        _roster_task_on_commit(record.pk)
        return record
    records, notices = roster_read(filename=filename, content=content)
    preview = roster_check(records=records, notices=notices, deactivate_missing=deactivate_missing)
    return RosterImport.objects.create(**fields, **_roster_read_fields(records, notices, preview))


def _roster_read_fields(records, notices, preview: RosterPreview) -> dict:
    return {
        "status": RosterImportStatus.REJECTED if preview.has_errors else RosterImportStatus.PREVIEWED,
        "counts": preview.counts,
        "parsed": {**roster_parsed_pack(records, notices), "preview": roster_preview_pack(preview)},
    }


def _roster_task_on_commit(pk: int) -> None:
    from .tasks import roster_import_task

    transaction.on_commit(lambda: roster_import_task.enqueue(pk))


def roster_runs_in_background(record: RosterImport) -> bool:
    return len(record.content) > settings.ROSTER_SYNC_MAX_BYTES


def roster_import_confirm_queue(*, roster_import_id: int, acting_user) -> RosterImport:
    """HR confirmed the preview of a large file: it is applied by a task (APPLYING)."""
    with transaction.atomic():
        record = RosterImport.objects.select_for_update().get(pk=roster_import_id)
        if record.status != RosterImportStatus.PREVIEWED:
            raise ValidationError(_("Impor ini sudah diproses atau ditolak; unggah ulang berkasnya."))
        record.status, record.confirmed_by, record.queued_at = RosterImportStatus.APPLYING, acting_user, timezone.now()
        record.stage = ""
        record.save(update_fields=["status", "confirmed_by", "queued_at", "stage"])
        _roster_task_on_commit(record.pk)
    return record


def roster_import_work(roster_import_id: int) -> str:
    """The task's body: read a large upload once, or apply a confirmed one. Runs again safely
    (a duplicate or a retry after a dead worker finds the state it left and goes on)."""
    record = RosterImport.objects.filter(pk=roster_import_id).only("pk", "status").first()
    if record is None or record.status not in (RosterImportStatus.READING, RosterImportStatus.APPLYING):
        return "nothing to do"
    if record.status == RosterImportStatus.APPLYING:
        return _roster_work_apply(roster_import_id)
    return _roster_work_read(roster_import_id)


def _roster_work_read(pk: int) -> str:
    reading = RosterImport.objects.filter(pk=pk, status=RosterImportStatus.READING)
    if not reading.update(stage="reading"):
        return "nothing to do"
    record = RosterImport.objects.get(pk=pk)
    try:
        records, notices = roster_read(filename=record.filename, content=bytes(record.content))
        reading.update(stage="checking", counts={"rows": len(records)})
        preview = roster_check(records=records, notices=notices, deactivate_missing=record.deactivate_missing)
    except RosterFileError as exc:
        reading.update(status=RosterImportStatus.REJECTED, stage="", error=exc.message)
        return "rejected"
    reading.update(stage="", **_roster_read_fields(records, notices, preview))
    return f"read {len(records)} rows"


def _roster_work_apply(pk: int) -> str:
    RosterImport.objects.filter(pk=pk, status=RosterImportStatus.APPLYING).update(stage="applying")
    acting_user = RosterImport.objects.get(pk=pk).confirmed_by
    try:
        result = roster_import_confirm(roster_import_id=pk, acting_user=acting_user, status=RosterImportStatus.APPLYING)
    except RosterRejected:
        message = _("Data berubah sejak pratinjau dan kini ada baris yang salah; tidak ada yang disimpan.")
    except ValidationError as exc:
        message = " ".join(exc.messages)
    else:
        RosterImport.objects.filter(pk=pk).update(stage="")
        return "applied: {new} new, {changed} changed".format(**result.counts)
    RosterImport.objects.filter(pk=pk).update(stage="", error=message)
    return "refused"


def roster_staged_preview(*, roster_import: RosterImport, fresh: bool = False) -> RosterPreview:
    """The preview of a staged upload: as computed at upload, or (`fresh`, for the confirm
    step) its rows checked again against the database as it is now. The file itself is
    parsed again only for uploads staged before rows were kept. Raises RosterFileError."""
    parsed = roster_import.parsed or {}
    if not fresh and "preview" in parsed:
        return roster_preview_unpack(parsed["preview"], deactivate_missing=roster_import.deactivate_missing)
    if parsed:
        records, notices = roster_parsed_unpack(roster_import.parsed)
    else:
        records, notices = roster_read(filename=roster_import.filename, content=bytes(roster_import.content))
    return roster_check(records=records, notices=notices, deactivate_missing=roster_import.deactivate_missing)


def roster_import(
    *,
    filename: str,
    content: bytes,
    acting_user=None,
    deactivate_missing: bool = False,
    dry_run: bool = False,
    source: str = "command",
) -> RosterImportResult:
    """Import a whole roster file, all or nothing.

    Raises RosterFileError for an unreadable file and RosterRejected when any row is bad;
    in both cases nothing is written. Idempotent by NIP (by email for staff without NIP).
    """
    preview = roster_preview(filename=filename, content=content, deactivate_missing=deactivate_missing)
    return _roster_commit(
        preview=preview, label=filename, content=content, acting_user=acting_user,
        deactivate_missing=deactivate_missing, dry_run=dry_run, source=source,
    )


def _roster_commit(*, preview, label, content, acting_user, deactivate_missing, dry_run, source, audit_data=None):
    """The all-or-nothing end of every roster import: refuse on any bad row, stop at a dry
    run, otherwise keep what was sent (with its SHA-256) and apply it in one transaction."""
    if preview.has_errors:
        raise RosterRejected(preview)
    if dry_run:
        return RosterImportResult(roster_import=None, preview=preview, dry_run=True)
    with transaction.atomic():
        record = RosterImport.objects.create(
            filename=label[:255],
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            deactivate_missing=deactivate_missing,
            uploaded_by=acting_user,
        )
        _roster_apply(record=record, preview=preview, acting_user=acting_user, source=source, audit_data=audit_data)
    return RosterImportResult(roster_import=record, preview=preview, dry_run=False)


def roster_import_records(
    *,
    records: list[tuple[int, dict[str, str]]],
    label: str,
    content: bytes,
    acting_user=None,
    deactivate_missing: bool = False,
    dry_run: bool = False,
    source: str = "api",
    opd_scope: frozenset[int] | None = None,
    audit_data: dict | None = None,
) -> RosterImportResult:
    """Import roster rows that arrived as data rather than a file (the HR systems' API):
    the same checks, messages and all-or-nothing rule as `roster_import`.

    `content` is what was sent (kept as evidence, with its SHA-256); `label` names it in the
    import history. Raises RosterRejected when any row is bad; nothing is written then.
    """
    preview = roster_preview_records(records=records, deactivate_missing=deactivate_missing, opd_scope=opd_scope)
    return _roster_commit(
        preview=preview, label=label, content=content, acting_user=acting_user,
        deactivate_missing=deactivate_missing, dry_run=dry_run, source=source, audit_data=audit_data,
    )


def roster_import_confirm(
    *, roster_import_id: int, acting_user, status: str = RosterImportStatus.PREVIEWED
) -> RosterImportResult:
    """Apply a staged upload after HR confirmed its preview (`status`: APPLYING when the
    task of a large file does it, see roster_import_confirm_queue).

    The file is checked again against the database as it is now; if it has become wrong
    in the meantime (someone else imported), nothing is written.
    """
    refusal: Exception | None = None
    with transaction.atomic():
        record = RosterImport.objects.select_for_update().get(pk=roster_import_id)
        if record.status != status:
            raise ValidationError(_("Impor ini sudah diproses atau ditolak; unggah ulang berkasnya."))
        # A refusal marks the upload rejected; it is raised after the block so that the mark
        # is committed rather than rolled back with the exception.
        try:
            preview = roster_staged_preview(roster_import=record, fresh=True)
        except RosterFileError as exc:
            record.status = RosterImportStatus.REJECTED
            record.save(update_fields=["status"])
            refusal = ValidationError(exc.message)
        else:
            if preview.has_errors:
                refusal = RosterRejected(preview)
            elif record.counts and preview.counts != record.counts:
                # The preview HR confirmed was computed at upload; the database has changed
                # since (another import, an edit): what would be applied is not what was shown.
                refusal = ValidationError(
                    _("Data pegawai berubah sejak pratinjau; unggah ulang berkasnya untuk melihat pratinjau terbaru. Tidak ada yang disimpan.")
                )
            if refusal is not None:
                record.status = RosterImportStatus.REJECTED
                record.counts = preview.counts
                record.save(update_fields=["status", "counts"])
            else:
                _roster_apply(record=record, preview=preview, acting_user=acting_user, source="admin")
    if refusal is not None:
        raise refusal
    return RosterImportResult(roster_import=record, preview=preview, dry_run=False)


def _apply_heads(preview: RosterPreview) -> None:
    """The kepala_opd column: "ya" makes the row's employee head of their OPD, "tidak"
    removes them. Then no OPD keeps a head who has moved to another OPD or left the roster."""
    marked = [row for row in preview.rows if row.is_head is not None]
    if marked:
        by_nip = dict(Employee.objects.filter(nip__in=[r.nip for r in marked if r.nip]).values_list("nip", "pk"))
        by_email = dict(Employee.objects.filter(nip__isnull=True, email__in=[r.email for r in marked if not r.nip]).values_list("email", "pk"))
        for row in marked:
            employee_id = by_nip.get(row.nip) if row.nip else by_email.get(row.email)
            if row.is_head:
                Opd.objects.filter(pk=row.opd_id).update(head_id=employee_id)
            else:
                Opd.objects.filter(head_id=employee_id).update(head=None)
    Opd.objects.filter(head__isnull=False).filter(Q(head__active=False) | ~Q(head__opd=F("pk"))).update(head=None)


def _roster_apply(*, record: RosterImport, preview: RosterPreview, acting_user, source: str, audit_data: dict | None = None) -> None:
    now = timezone.now()
    new_rows = [row for row in preview.rows if row.status == STATUS_NEW]
    changed_rows = [row for row in preview.rows if row.status == STATUS_CHANGED]

    Employee.objects.bulk_create(
        [
            Employee(
                nip=row.nip,
                full_name=row.full_name,
                email=row.email,
                opd_id=row.opd_id,
                position=row.position,
                pangkat_golongan=row.pangkat_golongan or "",
                employment_type=row.employment_type,
                active=True,
            )
            for row in new_rows
        ],
        batch_size=1000,
    )
    if changed_rows:
        employees = Employee.objects.in_bulk([row.employee_id for row in changed_rows])
        reactivated = []
        for row in changed_rows:
            employee = employees[row.employee_id]
            if not employee.active:
                reactivated.append(employee.pk)
            employee.full_name = row.full_name
            employee.email = row.email
            employee.opd_id = row.opd_id
            employee.position = row.position
            if row.pangkat_golongan is not None:
                employee.pangkat_golongan = row.pangkat_golongan
            employee.employment_type = row.employment_type
            employee.active = True
            employee.updated_at = now
        Employee.objects.bulk_update(
            employees.values(),
            ["full_name", "email", "opd", "position", "pangkat_golongan", "employment_type", "active", "updated_at"],
            batch_size=1000,
        )
        _sync_user_active(employee_ids=reactivated, active=True)

    deactivated = [employee.pk for employee in preview.to_deactivate]
    if deactivated:
        Employee.objects.filter(pk__in=deactivated).update(active=False, updated_at=now)
        _sync_user_active(employee_ids=deactivated, active=False)
    _apply_heads(preview)

    counts = preview.counts
    record.status = RosterImportStatus.APPLIED
    record.applied_at = now
    record.counts = counts
    record.save(update_fields=["status", "applied_at", "counts"])
    audit_record(
        instance=record,
        action="integritas.roster_import",
        user=acting_user,
        data={
            "source": source,
            "filename": record.filename,
            "sha256": record.sha256,
            "counts": counts,
            "deactivated_nips": [e.nip or e.email for e in preview.to_deactivate],
            **(audit_data or {}),
        },
    )


def _sync_user_active(*, employee_ids: list[int], active: bool) -> None:
    """An inactive employee cannot log in; a staff role keeps its holder's login."""
    if not employee_ids:
        return
    User = get_user_model()
    users = User.objects.filter(employee__pk__in=employee_ids)
    if not active:
        users = users.exclude(role_assignments__approved_at__isnull=False).exclude(is_superuser=True)
    users.update(is_active=active)


def employee_set_active(*, employee: Employee, active: bool, acting_user, reason: str = "") -> Employee:
    with transaction.atomic():
        employee = Employee.objects.select_for_update().get(pk=employee.pk)
        if employee.active == active:
            return employee
        employee.active = active
        employee.save(update_fields=["active", "updated_at"])
        _sync_user_active(employee_ids=[employee.pk], active=active)
        audit_record(
            instance=employee,
            action="integritas.employee_activate" if active else "integritas.employee_deactivate",
            user=acting_user,
            data={"nip": employee.nip, "opd": employee.opd.code, "reason": reason},
        )
    return employee


def employee_save(*, employee: Employee, changed_fields: list[str], acting_user) -> Employee:
    """Save an employee edited by HR in the admin. A change of `active` is audited and
    follows through to the login, like a roster import."""
    with transaction.atomic():
        created = employee.pk is None
        employee.full_clean()
        employee.save()
        if created:
            audit_record(
                instance=employee,
                action="integritas.employee_create",
                user=acting_user,
                data={"nip": employee.nip, "opd": employee.opd.code},
            )
        elif "active" in changed_fields:
            _sync_user_active(employee_ids=[employee.pk], active=employee.active)
            audit_record(
                instance=employee,
                action="integritas.employee_activate" if employee.active else "integritas.employee_deactivate",
                user=acting_user,
                data={"nip": employee.nip, "opd": employee.opd.code, "source": "admin"},
            )
    return employee


# --- Roles ----------------------------------------------------------------------------------------


# Roles whose grant needs a second person (separation of duties, issue 14): HR manages
# roles and the roster, auditors revoke certificates and change their settings, a superuser
# does everything. A superuser grant is asked for and approved by superusers only.
ROLES_NEEDING_APPROVAL = frozenset({Role.HR, Role.AUDITOR, Role.SUPERUSER})


def role_assign(
    *,
    user,
    role: str,
    acting_user,
    opds: list[Opd] | None = None,
    valid_until=None,
) -> RoleAssignment:
    """Give `user` a staff role (or update it). Coordinators need OPDs; observers an expiry.

    Nobody grants or changes their own role. An HR or auditor grant made by a person waits,
    granting nothing, until another HR holder or a superuser approves it (`role_approve`)
    within ROLE_APPROVAL_HOURS. `acting_user=None` is the server's own hand (management
    commands, the demo, migrations of data) and applies at once.
    """
    opds = list(opds or [])
    if role not in Role.values:
        raise ValidationError(_("Peran tidak dikenal."))
    if acting_user is not None and acting_user.pk == user.pk:
        raise ValidationError(
            _("Anda tidak dapat memberi atau mengubah peran Anda sendiri; minta staf HR lain melakukannya.")
        )
    if role == Role.SUPERUSER and acting_user is not None and not acting_user.is_superuser:
        raise ValidationError(_("Hanya superuser yang dapat meminta peran superuser untuk orang lain."))
    if role == Role.SUPERUSER and valid_until is not None:
        raise ValidationError({"valid_until": _("Peran superuser tidak memakai tanggal berakhir; cabut bila tidak diperlukan lagi.")})
    if role == Role.COORDINATOR and not opds:
        raise ValidationError({"opds": _("Koordinator OPD harus diberi minimal satu OPD.")})
    if role != Role.COORDINATOR and opds:
        raise ValidationError({"opds": _("Hanya Koordinator OPD yang diberi OPD.")})
    if role == Role.OBSERVER:
        if valid_until is None:
            raise ValidationError({"valid_until": _("Akses Pengamat wajib punya tanggal berakhir.")})
        if valid_until <= timezone.now():
            raise ValidationError({"valid_until": _("Tanggal berakhir harus di masa depan.")})
    if not user.is_active:
        raise ValidationError(_("Akun ini tidak aktif."))
    needs_approval = role in ROLES_NEEDING_APPROVAL and acting_user is not None

    with transaction.atomic():
        now = timezone.now()
        pending_until = now + timedelta(hours=settings.ROLE_APPROVAL_HOURS) if needs_approval else None
        assignment, created = RoleAssignment.objects.select_for_update().get_or_create(
            user=user,
            role=role,
            defaults={
                "valid_until": valid_until,
                "granted_by": acting_user,
                "approved_at": None if needs_approval else now,
                "pending_until": pending_until,
            },
        )
        before = {
            "opds": sorted(assignment.opds.values_list("code", flat=True)) if not created else [],
            "valid_until": None if created else assignment.valid_until,
        }
        pending = needs_approval and (created or assignment.is_pending)
        if not created:
            if needs_approval and not assignment.is_pending and _extends(assignment.valid_until, valid_until):
                raise ValidationError(
                    _(
                        "Masa berlaku peran ini hanya dapat diperpendek. Untuk memperpanjang, cabut "
                        "perannya lalu berikan lagi (perlu persetujuan staf HR lain)."
                    )
                )
            assignment.valid_until = valid_until
            assignment.granted_by = acting_user
            fields = ["valid_until", "granted_by"]
            if pending:  # a new grantor renews the request; the approver must be someone else
                assignment.approved_at, assignment.pending_until = None, pending_until
                fields += ["approved_at", "pending_until"]
            assignment.save(update_fields=fields)
        assignment.opds.set(opds)
        if role == Role.EDITOR:
            user.groups.add(editor_group_ensure())
        if not pending:
            _superuser_sync(assignment)
        if pending:
            action = "integritas.role_request"
        else:
            action = "integritas.role_assign" if created else "integritas.role_change"
        data = {
            "user": user.email,
            "role": role,
            "opds": sorted(opd.code for opd in opds),
            "valid_until": valid_until,
            "before": before,
        }
        if pending:
            data["pending_until"] = pending_until
        audit_record(instance=assignment, action=action, user=acting_user, data=data)
        if role in ROLES_NEEDING_APPROVAL:
            _role_notify_on_commit(assignment=assignment, event=action, acting_user=acting_user)
    forget_roles(user)
    return assignment


def _extends(old, new) -> bool:
    """Whether validity `new` lasts longer than `old` (None: without end)."""
    if new is None:
        return old is not None
    return old is not None and new > old


def role_can_approve(*, assignment: RoleAssignment, user) -> bool:
    """Another person than the grantor and the grantee, holding HR or superuser."""
    from .permissions import has_role, is_read_only

    if user is None or not user.is_authenticated or not user.is_active or is_read_only(user):
        return False
    if user.pk in (assignment.user_id, assignment.granted_by_id):
        return False
    if assignment.role == Role.SUPERUSER:
        return bool(user.is_superuser)
    return bool(user.is_superuser or has_role(user, Role.HR))


def _superuser_sync(assignment: RoleAssignment, *, removed: bool = False) -> None:
    """The superuser role is the only road to `User.is_superuser` (Wagtail's user form has no
    such box, see accounts.users_admin): an approved grant sets it, a revocation clears it."""
    if assignment.role != Role.SUPERUSER:
        return
    user = assignment.user
    user.is_superuser = not removed
    user.is_staff = user.is_staff or not removed
    user.save(update_fields=["is_superuser", "is_staff"])


def _role_decision_check(*, assignment: RoleAssignment, acting_user) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().select_related("user").get(pk=assignment.pk)
    if not assignment.is_pending:
        raise ValidationError(_("Peran ini tidak sedang menunggu persetujuan."))
    if assignment.pending_until is None or assignment.pending_until <= timezone.now():
        raise ValidationError(_("Permintaan peran ini sudah kedaluwarsa; berikan ulang bila masih diperlukan."))
    if acting_user is not None and acting_user.pk == assignment.granted_by_id:
        raise ValidationError(_("Pemberi peran tidak dapat menyetujui atau menolak permintaannya sendiri."))
    if not role_can_approve(assignment=assignment, user=acting_user):
        if assignment.role == Role.SUPERUSER:
            raise ValidationError(_("Hanya superuser lain yang dapat menyetujui peran superuser."))
        raise ValidationError(_("Hanya staf HR lain atau superuser yang dapat menyetujui peran ini."))
    return assignment


def role_approve(*, assignment: RoleAssignment, acting_user) -> RoleAssignment:
    """The second person's approval of a pending HR or auditor grant: from now it counts."""
    with transaction.atomic():
        assignment = _role_decision_check(assignment=assignment, acting_user=acting_user)
        assignment.approved_at = timezone.now()
        assignment.approved_by = acting_user
        assignment.pending_until = None
        assignment.save(update_fields=["approved_at", "approved_by", "pending_until"])
        _superuser_sync(assignment)
        audit_record(
            instance=assignment,
            action="integritas.role_approve",
            user=acting_user,
            data={
                "user": assignment.user.email,
                "role": assignment.role,
                "granted_by": assignment.granted_by.email if assignment.granted_by else None,
            },
        )
        _role_notify_on_commit(assignment=assignment, event="integritas.role_approve", acting_user=acting_user)
    forget_roles(assignment.user)
    return assignment


def role_refuse(*, assignment: RoleAssignment, acting_user, reason: str = "") -> None:
    """Refuse a pending grant: the request is removed and the refusal kept in the audit trail."""
    with transaction.atomic():
        assignment = _role_decision_check(assignment=assignment, acting_user=acting_user)
        _role_request_drop(assignment=assignment, action="integritas.role_refuse", acting_user=acting_user, reason=reason)


def role_requests_expire() -> int:
    """Remove grants left unapproved past their time (run_schedule). Returns how many."""
    expired = 0
    stale = RoleAssignment.objects.filter(approved_at__isnull=True, pending_until__lte=timezone.now())
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            assignment = (
                RoleAssignment.objects.select_for_update()
                .select_related("user")
                .filter(pk=pk, approved_at__isnull=True, pending_until__lte=timezone.now())
                .first()
            )
            if assignment is None:
                continue
            _role_request_drop(assignment=assignment, action="integritas.role_request_expire", acting_user=None)
            expired += 1
    return expired


def _role_request_drop(*, assignment: RoleAssignment, action: str, acting_user, reason: str = "") -> None:
    user = assignment.user
    data = {
        "user": user.email,
        "role": assignment.role,
        "granted_by": assignment.granted_by.email if assignment.granted_by else None,
        "requested_at": assignment.created_at,
    }
    if reason:
        data["reason"] = reason
    # The log entry points at the user: the assignment row is about to go.
    audit_record(instance=user, action=action, user=acting_user, data=data)
    snapshot = RoleAssignment(
        pk=assignment.pk, user=user, role=assignment.role, granted_by=assignment.granted_by
    )
    assignment.delete()
    _role_notify_on_commit(assignment=snapshot, event=action, acting_user=acting_user, reason=reason)
    forget_roles(user)


_ROLE_EVENT_SUBJECTS = {
    "integritas.role_request": gettext_lazy("Permintaan peran %(role)s untuk %(user)s menunggu persetujuan"),
    "integritas.role_assign": gettext_lazy("Peran %(role)s diberikan kepada %(user)s"),
    "integritas.role_change": gettext_lazy("Peran %(role)s milik %(user)s diubah"),
    "integritas.role_approve": gettext_lazy("Peran %(role)s untuk %(user)s disetujui"),
    "integritas.role_refuse": gettext_lazy("Permintaan peran %(role)s untuk %(user)s ditolak"),
    "integritas.role_request_expire": gettext_lazy("Permintaan peran %(role)s untuk %(user)s kedaluwarsa"),
    "integritas.role_revoke": gettext_lazy("Peran %(role)s milik %(user)s dicabut"),
}


def role_notice_recipients(*, assignment: RoleAssignment, acting_user) -> list[str]:
    """The other holders of the role, and (for HR and auditor requests) those who may approve
    it: active HR holders and superusers. Never the person acting."""
    User = get_user_model()
    holders = Q(role_assignments__in=RoleAssignment.objects.active().filter(role=assignment.role))
    approvers = Q(role_assignments__in=RoleAssignment.objects.active().filter(role=Role.HR)) | Q(is_superuser=True)
    users = User.objects.filter(is_active=True).filter(holders | approvers).exclude(email="")
    if acting_user is not None:
        users = users.exclude(pk=acting_user.pk)
    return sorted(set(users.values_list("email", flat=True)))


def _role_notify_on_commit(*, assignment: RoleAssignment, event: str, acting_user, reason: str = "") -> None:
    role_label = Role(assignment.role).label
    user_label = assignment.user.get_full_name() or assignment.user.email
    recipients = role_notice_recipients(assignment=assignment, acting_user=acting_user)
    if not recipients:
        return
    subject = str(_ROLE_EVENT_SUBJECTS[event]) % {"role": role_label, "user": user_label}
    actor = (acting_user.get_full_name() or acting_user.email) if acting_user is not None else _("sistem")
    lines = [
        subject + ".",
        "",
        _("Pengguna: %(user)s (%(email)s)") % {"user": user_label, "email": assignment.user.email},
        _("Peran: %(role)s") % {"role": role_label},
        _("Oleh: %(actor)s") % {"actor": actor},
    ]
    if reason:
        lines.append(_("Alasan: %(reason)s") % {"reason": reason})
    if event == "integritas.role_request":
        lines += [
            "",
            (
                _("Peran ini belum berlaku. Superuser lain dapat menyetujui atau menolaknya sebelum %(until)s di %(link)s")
                if assignment.role == Role.SUPERUSER
                else _(
                    "Peran ini belum berlaku. Staf HR lain atau superuser dapat menyetujui atau menolaknya sebelum %(until)s di %(link)s"
                )
            )
            % {
                "until": formats.date_format(timezone.localtime(assignment.pending_until), "DATETIME_FORMAT"),
                "link": f"{settings.SITE_BASE_URL}{reverse('organizations_role:review', args=[assignment.pk])}",
            },
        ]
    lines += ["", _("Pesan ini dikirim kepada pemegang peran tersebut dan staf yang dapat menyetujui peran.")]
    body = "\n".join(lines)
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))


def editor_group_ensure() -> Group:
    """The Wagtail group behind the editor role: write pages, images and documents of the
    whole site; publishing goes through review (see courses.setup). Wagtail keeps those
    permissions per page tree and per collection, not per model."""
    from django.contrib.auth.models import Permission
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    group, _created = Group.objects.get_or_create(name=EDITOR_GROUP_NAME)
    root_page = Page.get_first_root_node()
    if root_page is not None:
        # No publish permission: editors submit pages to the review workflow, reviewers publish.
        GroupPagePermission.objects.filter(group=group, permission__codename="publish_page").delete()
        for codename in ("add_page", "change_page", "lock_page", "unlock_page"):
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=permission)
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for app_label, codenames in (
            ("wagtailimages", ("add_image", "change_image", "choose_image")),
            ("wagtaildocs", ("add_document", "change_document", "choose_document")),
        ):
            for codename in codenames:
                permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
    return group


def role_revoke(*, assignment: RoleAssignment, acting_user) -> None:
    with transaction.atomic():
        user = assignment.user
        data = {
            "user": user.email,
            "role": assignment.role,
            "opds": sorted(assignment.opds.values_list("code", flat=True)),
        }
        # The log entry points at the user: the assignment row is about to go.
        audit_record(instance=user, action="integritas.role_revoke", user=acting_user, data=data)
        if assignment.role == Role.EDITOR:
            user.groups.remove(*Group.objects.filter(name=EDITOR_GROUP_NAME))
        if assignment.approved_at is not None:
            _superuser_sync(assignment, removed=True)
        if assignment.role in ROLES_NEEDING_APPROVAL:
            _role_notify_on_commit(assignment=assignment, event="integritas.role_revoke", acting_user=acting_user)
        assignment.delete()
    forget_roles(user)


# --- Account activation from the roster -----------------------------------------------------------


class ActivationRefused(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def employee_find_for_activation(*, nip: str, email: str) -> Employee:
    """The active roster row matching both NIP and email, or ActivationRefused with a reason."""
    qs = Employee.objects.select_related("user").filter(email__iexact=email)
    employee = qs.filter(nip=nip).first() if nip else qs.filter(nip__isnull=True).first()
    if employee is None:
        raise ActivationRefused(
            _(
                "NIP dan email ini tidak cocok dengan data pegawai aktif. Periksa kembali, atau "
                "minta BKPSDM/koordinator OPD Anda memperbarui data kepegawaian."
            ),
            code="no_match",
        )
    if not employee.active:
        raise ActivationRefused(
            _("Data kepegawaian Anda berstatus tidak aktif. Hubungi BKPSDM bila ini keliru."),
            code="inactive",
        )
    if employee.user_id:
        raise ActivationRefused(
            _("Akun untuk pegawai ini sudah aktif. Silakan masuk, atau gunakan \"Lupa kata sandi\"."),
            code="already_active",
        )
    return employee


def account_activate(*, employee_id: int, email: str, password: str):
    """Create the login of a roster employee whose email was just proven by the emailed link."""
    User = get_user_model()
    with transaction.atomic():
        employee = Employee.objects.select_for_update().get(pk=employee_id)
        if not employee.active or employee.user_id or employee.email.lower() != email.lower():
            raise ActivationRefused(
                _("Tautan aktivasi ini tidak berlaku lagi. Mulai aktivasi dari awal."), code="stale"
            )
        if User.objects.filter(email__iexact=email).exists():
            raise ActivationRefused(
                _("Email ini sudah dipakai akun lain. Hubungi BKPSDM."), code="email_taken"
            )
        username = employee.nip or f"pegawai-{employee.pk}"
        user = User(username=username, email=email.lower(), first_name=employee.full_name[:150])
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        employee.user = user
        employee.save(update_fields=["user", "updated_at"])
        audit_record(
            instance=employee,
            action="integritas.account_activate",
            user=user,
            data={"nip": employee.nip, "opd": employee.opd.code},
        )
    return user
