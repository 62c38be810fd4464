"""Writes of the API app: clients and keys (audited), and roster writes with idempotency."""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from organizations.services import RosterRejected, roster_import_records

from .errors import ApiError, error_body
from .keys import key_generate
from .models import ApiClient, IdempotencyRecord, RosterJob, RosterJobStatus

ROSTER_COLUMNS = ("nip", "nama", "email", "opd_kode", "jabatan", "jenis_pegawai", "kepala_opd")


# --- Clients and keys --------------------------------------------------------------------------


def _client_facts(client: ApiClient) -> dict:
    return {
        "name": client.name,
        "owner": str(client.owner),
        "scopes": list(client.scopes or []),
        "all_opds": client.all_opds,
        "opds": sorted(client.opds.values_list("code", flat=True)),
        "allowed_ips": [line.strip() for line in client.allowed_ips.splitlines() if line.strip()],
        "expires_at": client.expires_at,
        "key_prefix": client.key_prefix,
    }


def api_client_save(*, client: ApiClient, opds, acting_user) -> tuple[ApiClient, str | None]:
    """Create (with a new key) or update a client. Returns (client, key); the key is
    returned for a new client only, and is never stored."""
    creating = client.pk is None
    key = None
    with transaction.atomic():
        if creating:
            key, client.key_prefix, client.key_hash = key_generate()
            client.key_created_at = timezone.now()
            client.created_by = acting_user
        client.save()
        client.opds.set([] if client.all_opds else list(opds))
        audit_record(
            instance=client,
            action="integritas.api_client_create" if creating else "integritas.api_client_change",
            user=acting_user,
            data={"api_client": client.name, **_client_facts(client)},
        )
    return client, key


def api_client_rotate(*, client: ApiClient, acting_user) -> str:
    """A new key replaces the old one at once; the old key stops working."""
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        if client.is_revoked:
            raise ValueError(_("Klien yang sudah dicabut tidak dapat diberi kunci baru."))
        old_prefix = client.key_prefix
        key, client.key_prefix, client.key_hash = key_generate()
        client.key_created_at = timezone.now()
        client.save(update_fields=["key_prefix", "key_hash", "key_created_at"])
        audit_record(
            instance=client,
            action="integritas.api_key_rotate",
            user=acting_user,
            data={"api_client": client.name, "old_prefix": old_prefix, "key_prefix": client.key_prefix},
        )
    return key


def api_client_revoke(*, client: ApiClient, acting_user) -> ApiClient:
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.save(update_fields=["revoked_at"])
            audit_record(
                instance=client,
                action="integritas.api_client_revoke",
                user=acting_user,
                data={"api_client": client.name, "key_prefix": client.key_prefix},
            )
    return client


# --- Roster -------------------------------------------------------------------------------------


@dataclass
class ApiAnswer:
    status: int
    body: dict
    replayed: bool = False


def request_fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _records(rows: list[dict]) -> list[tuple[int, dict[str, str]]]:
    return [(number, {column: (row.get(column) or "") for column in ROSTER_COLUMNS}) for number, row in enumerate(rows, start=1)]


def _row_out(row) -> dict:
    return {
        "row": row.line,
        "nip": row.nip or row.nip_input or None,
        "email": row.email,
        "status": row.status,
        "errors": list(row.errors),
        "changes": {name: {"from": old, "to": new} for name, (old, new) in row.changes.items()},
    }


def _preview_body(preview, *, dry_run: bool, applied: bool) -> dict:
    return {
        "dry_run": dry_run,
        "applied": applied,
        "counts": preview.counts,
        "rows": [_row_out(row) for row in preview.rows],
        "deactivated": [e.nip or e.email for e in preview.to_deactivate],
    }


def roster_write(*, client: ApiClient, payload: dict, opd_scope: frozenset[int] | None) -> ApiAnswer:
    """Check, and unless dry-run apply, roster rows sent by `client`. All or nothing.

    Raises ApiError (422, roster_rejected) listing every bad row; nothing is written then.
    """
    rows = payload["rows"]
    content = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    try:
        result = roster_import_records(
            records=_records(rows),
            label=f"API: {client.name}",
            content=content,
            acting_user=None,
            deactivate_missing=payload.get("deactivate_missing", False),
            dry_run=payload.get("dry_run", False),
            source="api",
            opd_scope=opd_scope,
            audit_data={"api_client": client.name, "api_client_id": client.pk, "key_prefix": client.key_prefix},
        )
    except RosterRejected as exc:
        raise ApiError(
            422,
            "roster_rejected",
            str(exc),
            details=_preview_body(exc.preview, dry_run=payload.get("dry_run", False), applied=False),
        ) from exc
    return ApiAnswer(200, _preview_body(result.preview, dry_run=result.dry_run, applied=not result.dry_run))


def roster_job_queue(*, client: ApiClient, payload: dict, fingerprint: str) -> RosterJob:
    from .tasks import roster_job_task

    job = RosterJob.objects.create(client=client, payload=payload, request_sha256=fingerprint)
    transaction.on_commit(lambda: roster_job_task.enqueue(job.pk))
    return job


def roster_job_run(job_id: int) -> str:
    """Apply a queued roster job once; a duplicate task finds it no longer queued."""
    from .selectors import client_write_scope

    with transaction.atomic():
        job = RosterJob.objects.select_for_update().select_related("client", "client__owner").filter(pk=job_id).first()
        if job is None or job.status != RosterJobStatus.QUEUED:
            return "skipped"
        job.status = RosterJobStatus.RUNNING
        job.save(update_fields=["status"])
    client = job.client
    # scope is re-applied here, as the client is now (its OPDs or owner may have changed)
    try:
        with transaction.atomic():
            answer = roster_write(client=client, payload=job.payload, opd_scope=client_write_scope(client))
        job.status, job.result = RosterJobStatus.APPLIED, answer.body
    except ApiError as exc:
        job.status, job.result = RosterJobStatus.REJECTED, error_body(exc.code, exc.message, exc.details)
    except Exception as exc:  # noqa: BLE001 - the job must end in a state the client can read
        job.status, job.result = RosterJobStatus.FAILED, error_body("job_failed", _("Pemrosesan gagal; hubungi BKPSDM."))
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "result", "finished_at"])
        raise exc
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "finished_at"])
    return job.status


def roster_put(
    *, client: ApiClient, payload: dict, idempotency_key: str | None, opd_scope: frozenset[int] | None, status_url
) -> ApiAnswer:
    """PUT /roster: the write, applied at most once per Idempotency-Key.

    The key's row is inserted in the write's own transaction: concurrent retries block on
    the unique constraint until the first call commits, then replay its answer. A failed
    call rolls the row back, so it can be retried with the same key.
    """
    fingerprint = request_fingerprint(payload)
    large = len(payload["rows"]) > settings.API_ROSTER_SYNC_MAX_ROWS and not payload.get("dry_run")
    with transaction.atomic():
        if idempotency_key:
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(client=client, key=idempotency_key, request_sha256=fingerprint)
            except IntegrityError:
                record = None
            if record is None:
                existing = IdempotencyRecord.objects.get(client=client, key=idempotency_key)
                if existing.request_sha256 != fingerprint:
                    raise ApiError(
                        409,
                        "idempotency_key_reused",
                        _("Idempotency-Key ini sudah dipakai untuk permintaan dengan isi berbeda; pakai kunci baru."),
                    )
                return ApiAnswer(existing.status_code, existing.response, replayed=True)
        if large:
            job = roster_job_queue(client=client, payload=payload, fingerprint=fingerprint)
            answer = ApiAnswer(202, {"job_id": job.pk, "status": job.status, "status_url": status_url(job)})
        else:
            answer = roster_write(client=client, payload=payload, opd_scope=opd_scope)
        if idempotency_key:
            record.status_code, record.response = answer.status, answer.body
            record.save(update_fields=["status_code", "response"])
    return answer
