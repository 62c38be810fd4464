from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.files import private_name, private_storage


class FrozenRecap(models.Model):
    """The per-OPD numbers as shown on a given day, stored with a hash so the same figures
    can be shown again, unchanged, on observation day and after."""

    created_at = models.DateTimeField(_("dibekukan"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    as_of = models.DateField(_("per tanggal"))
    filters = models.JSONField(_("filter"))
    rows = models.JSONField(_("baris"))
    totals = models.JSONField(_("total"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("rekap beku")
        verbose_name_plural = _("rekap beku")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.as_of} · {self.sha256[:12]}"


class OpdReview(models.Model):
    """An OPD head's confirmation "Saya telah meninjau progres OPD" (KPK indicator on the
    commitment of OPD heads)."""

    opd = models.ForeignKey("organizations.Opd", on_delete=models.PROTECT, related_name="reviews")
    employee = models.ForeignKey("organizations.Employee", on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("ditinjau"), auto_now_add=True)
    completed = models.PositiveIntegerField(_("selesai saat ditinjau"))
    employees = models.PositiveIntegerField(_("pegawai saat ditinjau"))

    class Meta:
        verbose_name = _("tinjauan kepala OPD")
        verbose_name_plural = _("tinjauan kepala OPD")
        ordering = ["-reviewed_at"]

    def __str__(self):
        return f"{self.opd} · {self.reviewed_at:%Y-%m-%d}"


class EvidencePackStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Sedang dibuat")
    DONE = "done", _("Siap diunduh")
    FAILED = "failed", _("Gagal")
    EXPIRED = "expired", _("Kedaluwarsa")


EVIDENCE_STAGES = {
    "rekap": _("menghitung rekap"),
    "peserta": _("menulis daftar peserta"),
    "sertifikat": _("menyalin sertifikat"),
    "ringkasan": _("membuat ringkasan PDF"),
}


def evidence_pack_file_name(instance, filename: str) -> str:
    """evidence/<year>/<random>.zip in private storage; the download is named by the view."""
    return private_name("evidence", filename)


class EvidencePack(models.Model):
    """An evidence pack requested from the admin and built by a background task. The
    request keeps only ids; the task re-applies the requester's scope when it runs."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    opd_ids = models.JSONField(_("OPD yang diminta"), default=list, blank=True)
    course_ids = models.JSONField(_("kursus yang diminta"), default=list, blank=True)
    as_of = models.DateField(_("per tanggal"))
    status = models.CharField(_("status"), max_length=10, choices=EvidencePackStatus.choices, default=EvidencePackStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stage = models.CharField(max_length=40, blank=True)
    file = models.FileField(upload_to=evidence_pack_file_name, max_length=255, blank=True, storage=private_storage)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"), null=True, blank=True)

    class Meta:
        verbose_name = _("paket bukti")
        verbose_name_plural = _("paket bukti")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.as_of} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == EvidencePackStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def stage_label(self) -> str:
        return str(EVIDENCE_STAGES.get(self.stage, self.stage))

    @property
    def finished(self) -> bool:
        return self.status in (EvidencePackStatus.DONE, EvidencePackStatus.FAILED, EvidencePackStatus.EXPIRED)


class ReminderKind(models.TextChoices):
    LEARNER = "learner", _("Pengingat peserta")
    DIGEST = "digest", _("Ringkasan mingguan koordinator")


class ReminderLog(models.Model):
    """One email actually handed to the mail server: written only after it was accepted,
    so a failed run leaves nobody marked as reminded."""

    kind = models.CharField(_("jenis"), max_length=10, choices=ReminderKind.choices)
    employee = models.ForeignKey("organizations.Employee", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    address = models.EmailField(_("alamat"))
    subject = models.CharField(_("subjek"), max_length=200)
    payload = models.JSONField(_("isi"), default=dict)
    sent_at = models.DateTimeField(_("dikirim"), auto_now_add=True)

    class Meta:
        verbose_name = _("log pengingat")
        verbose_name_plural = _("log pengingat")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["kind", "employee", "sent_at"]), models.Index(fields=["kind", "user", "sent_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.address}"
