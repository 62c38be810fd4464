"""Prometheus metrics.

Per process: HTTP requests and latencies (middleware below). Under gunicorn with several
workers, set PROMETHEUS_MULTIPROC_DIR (deploy/integritas.env does) so every worker's
counters are added up at scrape time. From the database at scrape time: queue depth,
certificates issued, failed tasks, the age of the freshest worker heartbeat.
"""

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import REGISTRY, GaugeMetricFamily

REQUESTS = Counter("integritas_http_requests_total", "HTTP requests answered", ["method", "status"])
LATENCY = Histogram(
    "integritas_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class DomainCollector:
    """Read at scrape time from the database: the same answer from every node."""

    def collect(self):
        from django.utils import timezone

        from certificates.models import Certificate

        from .services import last_heartbeat_age, queue_state

        try:
            state = queue_state()
            issued = Certificate.objects.count()
            age = last_heartbeat_age(timezone.now())
        except Exception:  # the database or Redis is away: readiness says so; metrics stay readable
            return
        queue = GaugeMetricFamily("integritas_task_queue", "Background tasks by state", labels=["backend", "state"])
        queue.add_metric([state.backend, "waiting"], state.waiting)
        queue.add_metric([state.backend, "running"], state.running)
        queue.add_metric([state.backend, "failed"], state.failed)
        yield queue
        yield GaugeMetricFamily("integritas_tasks_failed", "Background tasks that failed (kept results)", value=state.failed)
        yield GaugeMetricFamily("integritas_certificates_issued", "Certificates issued, all time", value=issued)
        if age is not None:
            yield GaugeMetricFamily("integritas_worker_heartbeat_age_seconds", "Seconds since the freshest worker heartbeat", value=age)


_domain = DomainCollector()


def render() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_domain)
        return generate_latest(registry)
    registry = CollectorRegistry()
    registry.register(_domain)
    return generate_latest(REGISTRY) + generate_latest(registry)
