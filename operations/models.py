from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life, written by `run_worker` every few seconds. A worker whose
    heartbeat is older than INTEGRITAS_WORKER_DEAD_SECONDS is taken as dead: its tasks that
    are still marked running are queued again by the reconciliation."""

    worker_id = models.CharField(_("ID pekerja"), max_length=64, unique=True)
    hostname = models.CharField(_("mesin"), max_length=255)
    pid = models.PositiveIntegerField(_("PID"))
    backend = models.CharField(_("antrean"), max_length=20)
    started_at = models.DateTimeField(_("mulai"))
    last_seen = models.DateTimeField(_("detak terakhir"), db_index=True)

    class Meta:
        verbose_name = _("detak pekerja")
        verbose_name_plural = _("detak pekerja")
        ordering = ["-last_seen"]

    def __str__(self):
        return self.worker_id


class ScheduledRun(models.Model):
    """The claim of one periodic job for one period. The unique constraint is the lock: of
    several schedulers (one per node), only the one whose INSERT succeeds runs the job."""

    job = models.CharField(_("pekerjaan"), max_length=60)
    period = models.CharField(_("periode"), max_length=40)
    node = models.CharField(_("node"), max_length=120)
    started_at = models.DateTimeField(_("mulai"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    result = models.TextField(_("hasil"), blank=True)

    class Meta:
        verbose_name = _("jalannya pekerjaan berkala")
        verbose_name_plural = _("jalannya pekerjaan berkala")
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="operations_scheduledrun_one_per_period")]
        indexes = [models.Index(fields=["started_at"], name="operations_run_started_idx")]

    def __str__(self):
        return f"{self.job} {self.period}"
