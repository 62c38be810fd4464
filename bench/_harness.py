"""Shared pieces of the benchmarks: a PostgreSQL database of their own, a gunicorn server on
127.0.0.1, and a bounded HTTP load generator that reports latency percentiles.

Figures are printed as ratios against floors measured in the same run on the same machine,
never as absolute targets: absolute numbers depend on the machine, ratios much less.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


# Each bench has its own Redis database, so benches can run in any order (or side by side)
# without reading each other's cached pages, outlines or sessions. BENCH_REDIS_URL sets the
# server (default redis://127.0.0.1:6379); BENCH_CACHE_URL, when set, overrides all of this.
REDIS_DBS = {"lesson_page": 11, "quiz": 12, "certificates": 13, "report": 14}


# The report reads every OPD of its database: the demo another bench seeds (seed_demo adds
# the city's 62 OPDs and their staff) would change its rows, so it keeps a database of its own.
OWN_DATABASE = {"report": "_report"}


def bench_database(bench: str) -> str:
    """The bench's PostgreSQL database URL: $BENCH_DB_NAME (default integritas_bench), plus
    the suffix of OWN_DATABASE for a bench that needs its own, on the server of
    $BENCH_DATABASE_URL, created when missing."""
    admin_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return ensure_database(admin_url, os.environ.get("BENCH_DB_NAME", "integritas_bench") + OWN_DATABASE.get(bench, ""))


def bench_env(database_url: str, bench: str) -> dict[str, str]:
    """The environment of the bench's server and management commands; clears the bench's
    own Redis database, whose content may come from another PostgreSQL database."""
    env = dict(os.environ)
    redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    cache_url = os.environ.get("BENCH_CACHE_URL") or f"{redis}/{REDIS_DBS[bench]}"
    env.update(
        DJANGO_SETTINGS_MODULE="elearning.settings.production",
        # production settings refuse a key shorter than 50 characters
        DJANGO_SECRET_KEY="bench-only-not-a-secret-" + "0123456789abcdefghijklmnopqrstuvwxyz",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        # production runs a shared Redis cache; so does the benchmark
        CACHE_URL=cache_url,
        TASK_BACKEND="immediate",
        EMAIL_URL="locmem://",
        DJANGO_STATIC_ROOT=str(ROOT / "var" / "bench-static"),
        DJANGO_MEDIA_ROOT=str(ROOT / "var" / "bench-media"),
        INTEGRITAS_PRIVATE_ROOT=str(ROOT / "var" / "bench-private"),
        PYTHONPATH=str(ROOT),
    )
    print(f"[bench] {bench}: database {urlparse(database_url).path.lstrip('/')}, cache {cache_url}", flush=True)
    manage(env, "shell", "-c", "from django.core.cache import cache; cache.clear()")
    return env


def ensure_database(admin_url: str, name: str) -> str:
    """Create database `name` next to `admin_url` if missing; return its URL."""
    import psycopg

    parsed = urlparse(admin_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()


class BenchStepFailed(SystemExit):
    pass


def manage(env, *args, capture=False) -> str:
    """Run a management command; when it fails, print the step, its output and its
    traceback (stderr) and stop the bench with that message."""
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, text=True,
        capture_output=capture,
    )
    if result.returncode != 0:
        step = f"shell -c {args[2].strip().splitlines()[0][:80]!r}…" if args[:1] == ("shell",) else " ".join(args)
        if capture:
            sys.stderr.write(result.stdout[-4000:])
            sys.stderr.write(result.stderr)
        raise BenchStepFailed(f"\nbench step failed (exit {result.returncode}): manage.py {step}\n"
                              "its traceback is printed above")
    return result.stdout if capture else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, env, workers: int = 2, threads: int = 1):
        self.port = free_port()
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "elearning.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--threads", str(threads), "--log-level", "warning"],
            env=env, cwd=ROOT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class Result:
    label: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(99)


def load(port: int, path: str = "", *, label: str, requests: int, concurrency: int, cookie: str = "",
         method: str = "GET", body: bytes | None = None, headers: dict | None = None,
         expect_status: int = 200, make_request=None) -> Result:
    """Send `requests` requests with `concurrency` keep-alive connections; a bounded run.

    `make_request(worker, n)`, when given, returns (method, path, body, headers, expected
    status) for the n-th request of a worker, for requests that differ per learner."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    remaining = [requests]
    # as the TLS-ending reverse proxy in front of gunicorn does: production redirects plain HTTP
    all_headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **(headers or {})}
    if cookie:
        all_headers["Cookie"] = cookie

    def fixed(worker_index, n):
        return method, path, body, all_headers, expect_status

    build = make_request or fixed

    def worker(worker_index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            req_method, req_path, req_body, req_headers, req_expect = build(worker_index, n)
            n += 1
            started = time.perf_counter()
            try:
                conn.request(req_method, req_path, body=req_body, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **req_headers})
                response = conn.getresponse()
                response.read()
                ok = response.status == req_expect
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(label, requests, errors[0], time.perf_counter() - started, latencies)


def load_interleaved(port: int, targets: dict[str, str], *, requests: int, concurrency: int, rounds: int = 10,
                     cookie: str = "") -> dict[str, Result]:
    """`load` each target in turn, `rounds` times, `requests` // `rounds` at a time, and pool
    each target's latencies: a floor and the page compared with it then share whatever the
    machine did during the run (measured sequentially, one block each, the same page's p50
    moved by a third between two blocks on a shared 2-core machine)."""
    per_round = max(1, requests // rounds)
    pooled = {label: Result(label, 0, 0, 0.0, []) for label in targets}
    for _ in range(rounds):
        for label, path in targets.items():
            result = load(port, path, label=label, requests=per_round, concurrency=concurrency, cookie=cookie)
            total = pooled[label]
            total.requests += result.requests
            total.errors += result.errors
            total.seconds += result.seconds
            total.latencies += result.latencies
    return pooled


def report(results: list[Result], floor: Result) -> None:
    print(f"{'target':<28}{'req':>6}{'err':>5}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p50 ×floor':>12}{'req/s ×floor':>14}")
    for result in results:
        print(
            f"{result.label:<28}{result.requests:>6}{result.errors:>5}{result.rps:>9.0f}"
            f"{result.p50 * 1000:>9.1f}{result.p99 * 1000:>9.1f}"
            f"{result.p50 / floor.p50:>12.2f}{result.rps / floor.rps:>14.2f}"
        )
