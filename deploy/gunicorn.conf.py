"""gunicorn configuration for Integritas (systemd: deploy/systemd/integritas-web.service).

Every value can be overridden from the environment file (GUNICORN_*) without editing this."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "unix:/run/integritas/gunicorn.sock")
# Sync workers: 2 per core + 1. Requests are short; PDFs and packs are built by task workers.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "sync" if threads == 1 else "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (slow leaks in third-party code), staggered.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# nginx on the same machine (socket) or on the front nodes: trust X-Forwarded-* from them only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
limit_request_line = 8190
accesslog = None  # nginx writes the access log (JSON, with the request id)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# gunicorn 27's control socket: in the runtime directory (the home is read-only under systemd).
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "/run/integritas/gunicorn.ctl")
preload_app = False  # each worker opens its own database connections


def child_exit(server, worker):
    """Prometheus multiprocess mode: a dead worker's live gauges are dropped."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
