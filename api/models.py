"""API clients (one per HR system), their keys, and the bookkeeping of roster writes.

A key is `itg_<prefix>_<secret>`: the prefix finds the client, the secret is checked against
its SHA-256 in constant time. The key itself is shown once, when it is made, and never kept.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    ROSTER_WRITE = "roster:write", _("roster:write — kirim data pegawai")
    ROSTER_READ = "roster:read", _("roster:read — baca data pegawai")
    PROGRESS_READ = "progress:read", _("progress:read — baca pendaftaran, JP dan sertifikat")
    CERTIFICATES_VERIFY = "certificates:verify", _("certificates:verify — periksa keaslian sertifikat")


class ApiClient(models.Model):
    name = models.CharField(_("nama sistem"), max_length=120, unique=True, help_text=_("Misalnya SIMPEG BKPSDM."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penanggung jawab"),
        on_delete=models.PROTECT,
        related_name="api_clients",
        help_text=_("Staf yang bertanggung jawab; klien hanya melihat dan mengubah apa yang boleh dilihat dan diubah staf ini."),
    )
    scopes = models.JSONField(_("hak akses"), default=list)
    all_opds = models.BooleanField(_("semua OPD"), default=False)
    opds = models.ManyToManyField("organizations.Opd", verbose_name=_("OPD yang diizinkan"), blank=True, related_name="+")
    allowed_ips = models.TextField(
        _("alamat IP yang diizinkan"),
        blank=True,
        help_text=_("Satu alamat atau jaringan per baris (misalnya 10.1.2.3 atau 10.1.0.0/16). Kosong: dari mana saja."),
    )
    expires_at = models.DateTimeField(_("berlaku sampai"), null=True, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("batas permintaan per menit"), null=True, blank=True, help_text=_("Kosong: bawaan sistem.")
    )
    key_prefix = models.CharField(_("awalan kunci"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    key_created_at = models.DateTimeField(_("kunci dibuat"), default=timezone.now)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("klien API")
        verbose_name_plural = _("klien API")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at

    @property
    def status_label(self) -> str:
        if self.is_revoked:
            return str(_("Dicabut"))
        if self.is_expired():
            return str(_("Kedaluwarsa"))
        return str(_("Aktif"))

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class IdempotencyRecord(models.Model):
    """A roster write under an Idempotency-Key: the first call's answer, replayed to retries.

    The row is inserted in the same transaction as the write, so concurrent retries wait on
    the unique constraint and then find the answer; a failed call leaves no row.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_key_once_per_client")]

    def __str__(self):
        return f"{self.client_id}: {self.key}"


class RosterJobStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    APPLIED = "applied", _("Diterapkan")
    REJECTED = "rejected", _("Ditolak")
    FAILED = "failed", _("Gagal")


class RosterJob(models.Model):
    """A large roster write handed to a background task; its status is read at a URL."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="roster_jobs")
    payload = models.JSONField()
    request_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=RosterJobStatus.choices, default=RosterJobStatus.QUEUED)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "applied", "rejected", "failed"]), name="api_roster_job_status_known"
            )
        ]

    def __str__(self):
        return f"{self.client_id}: {self.pk} ({self.status})"
