from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running Integritas in production: worker heartbeats, reconciliation of lost work,
    the periodic-job scheduler (one run per period across nodes), readiness and metrics.
    Sits above every other app of ours: it may import all of them."""

    name = "operations"
    verbose_name = "Operasional"

    def ready(self):
        from django.core.signals import request_finished

        from . import metrics  # noqa: F401  (registers the collectors)
        from .logs import request_id_clear

        request_finished.connect(request_id_clear, dispatch_uid="operations_request_id_clear")
