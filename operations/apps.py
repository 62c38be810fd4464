from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running Integritas in production: worker heartbeats, reconciliation of lost work,
    the periodic-job scheduler (one run per period across nodes), readiness and metrics.
    Sits above every other app of ours: it may import all of them."""

    name = "operations"
    verbose_name = "Operasional"

    def ready(self):
        from . import metrics  # noqa: F401  (registers the collectors)
