"""The cluster check: two app nodes behind nginx, killed and restarted under a Locust load,
then the database is asked whether anything was lost or duplicated.

    make cluster-check            (or: .venv/bin/python bench/cluster_check.py)

On this machine, all on 127.0.0.1 and without root (nginx runs with its own prefix, every
pid and log file is under var/cluster/):

- its own PostgreSQL database (dropped and created again: $CLUSTER_DB_NAME, default
  integritas_cluster) and its own redis-server (port $CLUSTER_REDIS_PORT, default 6390), so
  that restarting Redis disturbs nobody else;
- two gunicorn nodes (deploy/gunicorn.conf.py, 2 sync workers each), nginx from Debian in
  front over HTTPS (self-signed, made for the run) with round robin and a retry on the other
  node (deploy/nginx/integritas_proxy.conf is included as it ships), two RQ workers
  (`run_worker`), one scheduler (`run_schedule`), private files on one shared directory;
- Locust, headless, $CLUSTER_USERS learners (40) for $CLUSTER_SECONDS (80) seconds
  (bench/cluster_locustfile.py): log in, enroll, lessons, final quiz, autosave, submit; and
  8 attempts seeded to expire during the load, which only the scheduler can close;
- chaos, at fixed moments of the run: node A gets SIGKILL (master and workers) and is started
  again; Redis is restarted (without persistence: the queue and the cache are emptied); a
  backlog of certificates is queued and the worker issuing one gets SIGKILL (with its work
  horse), then a new worker starts; every PostgreSQL connection of the check's database is
  terminated (what a PostgreSQL restart does to the application);
- afterwards it waits (bounded) for the queue to drain and the reconciliation to re-queue what
  was lost, stops the scheduler, and checks from the database (bench/cluster_db.py).

Prints the load (requests, error rate after nginx's retry, p50/p95/p99), what was killed, the
checks and the figures the sizing in deploy/README.md uses. Exits 1 when anything was lost or
duplicated (or a step failed). Every process it started is killed at exit, even on failure.
"""

import atexit
import csv
import hashlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
VAR = ROOT / "var" / "cluster"
STATIC = ROOT / "var" / "cluster-static"  # kept between runs: collectstatic then copies nothing

USERS = int(os.environ.get("CLUSTER_USERS", 40))
SECONDS = int(os.environ.get("CLUSTER_SECONDS", 80))
SPAWN_RATE = float(os.environ.get("CLUSTER_SPAWN_RATE", 10))
NODE_WORKERS = int(os.environ.get("CLUSTER_NODE_WORKERS", 2))
DB_NAME = os.environ.get("CLUSTER_DB_NAME", "integritas_cluster")
ADMIN_URL = os.environ.get("CLUSTER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_PORT = int(os.environ.get("CLUSTER_REDIS_PORT", 6390))
DRAIN_SECONDS = int(os.environ.get("CLUSTER_DRAIN_SECONDS", 100))
BACKLOG = int(os.environ.get("CLUSTER_BACKLOG", 16))
PASSWORD = "klaster-" + secrets.token_urlsafe(12)
SCHEDULER_PERIOD = 60  # run_schedule ticks once a minute
DEAD_SECONDS = 10

T0 = time.monotonic()
PROCS: dict[str, subprocess.Popen] = {}
EVENTS: list[str] = []
LOCK = threading.Lock()


def say(message: str) -> None:
    print(f"[cluster {time.monotonic() - T0:6.1f}s] {message}", flush=True)


class CheckFailed(Exception):
    pass


# --- processes ---------------------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    """`sig` to the process, its group and every descendant (RQ's work horse has a session of
    its own, so the group alone would spare it)."""
    for pid in [*_descendants(process.pid), process.pid]:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        kill_tree(process, signal.SIGKILL)


def start(name: str, args: list[str], env: dict) -> subprocess.Popen:
    log = (VAR / "logs" / f"{name}.log").open("a")
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    with LOCK:
        PROCS[name] = process
    return process


def cleanup() -> None:
    with LOCK:
        procs = list(PROCS.items())
        PROCS.clear()
    for _name, process in procs:
        if process.poll() is None:
            kill_tree(process)


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as redis-server binds
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until(predicate, *, timeout: float, what: str, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise CheckFailed(f"timed out after {timeout:.0f} s waiting for {what}")


def http_ok(port: int, path: str = "/healthz", tls: bool = False) -> bool:
    try:
        if tls:
            conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5, context=ssl._create_unverified_context())
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def manage(env: dict, *args: str, timeout: int = 300) -> str:
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-5000:])
        raise CheckFailed(f"manage.py {' '.join(args)[:80]} failed (exit {result.returncode})")
    return result.stdout


def db_call(env: dict, call: str, timeout: int = 300):
    out = manage(env, "shell", "-c", f"import cluster_db; cluster_db.{call}", timeout=timeout)
    line = next((line for line in out.splitlines() if line.startswith("CLUSTER-JSON ")), None)
    if line is None:
        raise CheckFailed(f"cluster_db.{call[:40]} printed no result:\n{out[-2000:]}")
    return json.loads(line[len("CLUSTER-JSON "):])


# --- the pieces ---------------------------------------------------------------------------------


def ensure_tools() -> str:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    missing = [p for p, found in (("nginx", nginx), ("redis-server", shutil.which("redis-server")), ("openssl", shutil.which("openssl"))) if not found]
    if missing and os.geteuid() == 0:
        say(f"installing Debian's {' '.join(missing)}")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        packages = ["nginx-light" if m == "nginx" else "redis-server" if m == "redis-server" else m for m in missing]
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    elif missing:
        raise CheckFailed(f"missing {', '.join(missing)}: apt-get install nginx-light redis-server openssl")
    return nginx


def migrations_fingerprint() -> str:
    digest = hashlib.sha256((ROOT / "constraints.txt").read_bytes())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:32]


def fresh_database(env_for) -> tuple[str, dict]:
    """A new database, copied from a migrated template ($CLUSTER_DB_NAME_tpl) that is made
    again whenever a migration (or a pinned package) changed; the template's comment holds
    the fingerprint. Migrating from scratch takes half a minute; copying, a second."""
    import psycopg

    template = f"{DB_NAME}_tpl"
    fingerprint = migrations_fingerprint()
    url = urlparse(ADMIN_URL)
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template]
        ).fetchone()
        if row is None or row[0] != fingerprint:
            say("migrating a new template database (migrations changed or first run)")
            conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{template}"')
            manage(env_for(url._replace(path=f"/{template}").geturl()), "migrate", "--noinput", "-v0")
            conn.execute(f"COMMENT ON DATABASE \"{template}\" IS '{fingerprint}'")
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}" TEMPLATE "{template}"')
    database_url = url._replace(path=f"/{DB_NAME}").geturl()
    return database_url, env_for(database_url)


def django_env(database_url: str, nginx_port: int) -> dict:
    shared = VAR / "shared"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="elearning.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{nginx_port}",
        INTEGRITAS_BASE_URL=f"https://127.0.0.1:{nginx_port}",
        DATABASE_URL=database_url,
        CACHE_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        TASK_BACKEND="rq",
        RQ_URL=f"redis://127.0.0.1:{REDIS_PORT}/1",
        EMAIL_URL="locmem://",
        DJANGO_STATIC_ROOT=str(STATIC),
        # one shared directory for every node and worker, as an NFS mount would be
        DJANGO_MEDIA_ROOT=str(shared / "media"),
        INTEGRITAS_PRIVATE_ROOT=str(shared / "private"),
        INTEGRITAS_PRIVATE_ACCEL_PREFIX="/_private/",
        INTEGRITAS_TRUSTED_PROXIES="1",  # nginx; the learner's address is in X-Forwarded-For
        INTEGRITAS_WORKER_HEARTBEAT_SECONDS="2",
        INTEGRITAS_WORKER_DEAD_SECONDS=str(DEAD_SECONDS),
        INTEGRITAS_CERTIFICATE_GRACE_MINUTES="0",
        INTEGRITAS_RECONCILE_SECONDS=str(SCHEDULER_PERIOD),
        INTEGRITAS_LOG_JSON="1",
        GUNICORN_WORKERS=str(NODE_WORKERS),
        GUNICORN_LOGLEVEL="warning",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
    )
    for variable in ("INTEGRITAS_SIGNING_PKCS12", "INTEGRITAS_SIGNING_PASSPHRASE", "INTEGRITAS_SIGNING_TRUST_ROOTS"):
        env.pop(variable, None)  # production refuses the demo key; the check issues unsigned certificates
    return env


def start_redis() -> None:
    (VAR / "redis").mkdir(exist_ok=True)
    start("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no",
                    "--dir", str(VAR / "redis"), "--pidfile", str(VAR / "redis" / "redis.pid")], os.environ.copy())

    def ping():
        try:
            with socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    wait_until(ping, timeout=15, what="redis-server")


def start_node(name: str, port: int, env: dict) -> None:
    node_env = {**env, "GUNICORN_CONTROL_SOCKET": str(VAR / f"{name}.ctl")}
    start(name, [PY, "-m", "gunicorn", "elearning.wsgi", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                 "--bind", f"127.0.0.1:{port}", "--pid", str(VAR / f"{name}.pid")], node_env)
    wait_until(lambda: http_ok(port), timeout=40, what=f"gunicorn {name} on port {port}")


def start_worker(name: str, env: dict) -> subprocess.Popen:
    return start(name, [PY, "manage.py", "run_worker"], env)


NGINX_CONF = """\
# Made by bench/cluster_check.py for one run; production's site is deploy/nginx/integritas.conf.
{user}worker_processes 1;
daemon off;
pid {var}/nginx/nginx.pid;
error_log {var}/logs/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {var}/nginx/client_body;
    proxy_temp_path {var}/nginx/proxy;
    fastcgi_temp_path {var}/nginx/fastcgi;
    uwsgi_temp_path {var}/nginx/uwsgi;
    scgi_temp_path {var}/nginx/scgi;

    upstream integritas_app {{
        # round robin; a node that fails is left alone for 5 s, then tried again
        server 127.0.0.1:{port_a} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{port_b} max_fails=1 fail_timeout=5s;
        keepalive 16;
    }}
    map $http_x_request_id $integritas_request_id {{
        default   $request_id;
        "~^[A-Za-z0-9._-]{{8,64}}$" $http_x_request_id;
    }}
    log_format integritas_json escape=json
        '{{"time":"$time_iso8601","request_id":"$integritas_request_id","method":"$request_method",'
        '"uri":"$request_uri","status":$status,"duration":$request_time,"upstream":"$upstream_addr",'
        '"upstream_status":"$upstream_status"}}';

    server {{
        listen 127.0.0.1:{port} ssl;
        server_name 127.0.0.1;
        ssl_certificate {var}/tls/cert.pem;
        ssl_certificate_key {var}/tls/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:integritas_tls:1m;
        access_log {var}/logs/nginx-access.log integritas_json;
        # Every learner comes from 127.0.0.1 here; Locust names a distinct address per learner
        # in X-Forwarded-For, which nginx takes as the client's, as if each had connected
        # directly. Django then trusts one proxy (INTEGRITAS_TRUSTED_PROXIES=1), as in production.
        set_real_ip_from 127.0.0.1;
        real_ip_header X-Forwarded-For;
        client_max_body_size 12m;
        keepalive_timeout 30s;

        # as in deploy/nginx/integritas.conf: another node when one fails to answer; the
        # learner's own requests (quiz, lessons, login) also when they are POSTs, because the
        # application makes each of them idempotent (see the comment there)
        proxy_next_upstream error timeout http_502 http_503;

        location /static/ {{ alias {static}/; expires 1y; }}
        location /media/ {{ return 404; }}
        location /_private/ {{ internal; alias {private}/; }}
        location ~ ^/(kuis|belajar|akun/login)/ {{
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            include {root}/deploy/nginx/integritas_proxy.conf;
        }}
        location / {{
            include {root}/deploy/nginx/integritas_proxy.conf;
        }}
    }}
}}
"""


def start_nginx(nginx: str, port: int, port_a: int, port_b: int) -> None:
    prefix = VAR / "nginx"
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    (VAR / "tls").mkdir(exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(VAR / "tls" / "key.pem"), "-out", str(VAR / "tls" / "cert.pem")],
                   check=True, capture_output=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root nginx would switch to nobody, who cannot read var/
    conf = NGINX_CONF.format(user=user, var=VAR, port=port, port_a=port_a, port_b=port_b, static=STATIC,
                             private=VAR / "shared" / "private", root=ROOT)
    (prefix / "nginx.conf").write_text(conf)
    test = subprocess.run([nginx, "-t", "-q", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], capture_output=True, text=True)
    if test.returncode != 0:
        raise CheckFailed(f"nginx -t failed:\n{test.stderr}")
    start("nginx", [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")], os.environ.copy())
    wait_until(lambda: http_ok(port, tls=True), timeout=20, what="nginx")


# --- measurement ----------------------------------------------------------------------------------


def _cpu_ticks(pid: int) -> int:
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return -1


def _cpu_ticks_with_children(pid: int) -> int:
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(f) for f in fields[11:15])  # utime + stime + cutime + cstime (reaped children)
    except (OSError, IndexError, ValueError):
        return -1


class CpuSampler(threading.Thread):
    """CPU seconds used by process trees, sampled every second; a process killed between two
    samples loses at most that second.

    tree=True (gunicorn nodes): the master and its long-lived workers, each on its own.
    tree=False (RQ workers): the worker with the CPU of its reaped children, i.e. the work
    horse forked for each job, which lives too short to be sampled itself."""

    def __init__(self, names: list[str], tree: bool = True):
        super().__init__(daemon=True, name="cpu-sampler")
        self.names, self.tree = names, tree
        self.stop = threading.Event()
        self.seconds = 0.0
        self.timeline: list[tuple[float, float]] = []
        self.hz = os.sysconf("SC_CLK_TCK")

    def run(self):
        last: dict[int, int] = {}
        while not self.stop.wait(1.0):
            with LOCK:
                roots = [PROCS[name].pid for name in self.names if name in PROCS]
            now: dict[int, int] = {}
            for root in roots:
                for pid in [root, *_descendants(root)] if self.tree else [root]:
                    ticks = _cpu_ticks(pid) if self.tree else _cpu_ticks_with_children(pid)
                    if ticks >= 0:
                        now[pid] = ticks
            used = sum(ticks - last.get(pid, 0) for pid, ticks in now.items() if ticks >= last.get(pid, 0))
            self.seconds += used / self.hz
            self.timeline.append((time.monotonic(), used / self.hz))
            last = now


# --- chaos --------------------------------------------------------------------------------------


def rq_started_job(worker_pids: dict[str, int]):
    """(worker name, job id) of a job running on one of our workers, or None."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=1, socket_timeout=2)
    try:
        for member in client.zrange("rq:wip:default", 0, -1):
            job_id = member.decode().split(":")[0]  # RQ 2+: "<job id>:<execution id>"
            worker = client.hget(f"rq:job:{job_id}", "worker_name")
            worker = worker.decode() if worker else ""
            for name, pid in worker_pids.items():
                if worker.endswith(f"-{pid}"):
                    return name, job_id
    except redis.RedisError:
        return None
    return None


def terminate_backends() -> int:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [DB_NAME]
        ).fetchall()
    return sum(1 for (ok,) in rows if ok)


def job_in_started_registry(job_id: str) -> bool:
    import redis

    client = redis.Redis(host="127.0.0.1", port=REDIS_PORT, db=1, socket_timeout=2)
    return any(m.decode().split(":")[0] == job_id for m in client.zrange("rq:wip:default", 0, -1))


class Chaos(threading.Thread):
    def __init__(self, env: dict, node_a_port: int, started: float):
        super().__init__(daemon=True, name="chaos")
        self.env, self.node_a_port, self.started = env, node_a_port, started
        self.problems: list[str] = []
        self.worker_killed_at: float | None = None

    def at(self, offset: float):
        delay = self.started + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def note(self, text: str):
        line = f"t={time.monotonic() - self.started:5.1f}s  {text}"
        EVENTS.append(line)
        say(text)

    def run(self):
        try:
            self._run()
        except Exception as exc:  # a chaos step that fails is a failed check, not a crash
            self.problems.append(f"chaos: {exc!r}")
            say(f"chaos step failed: {exc!r}")

    def _run(self):
        # node A: SIGKILL at a fifth of the run, started again 8 s later
        self.at(0.2 * SECONDS)
        with LOCK:
            node = PROCS["node-a"]
        pids = [node.pid, *_descendants(node.pid)]
        kill_tree(node)
        self.note(f"SIGKILL node A (gunicorn master and {len(pids) - 1} workers, pids {pids})")
        self.at(0.2 * SECONDS + 8)
        begun = time.monotonic()
        start_node("node-a", self.node_a_port, self.env)
        self.note(f"node A started again (answering after {time.monotonic() - begun:.1f} s)")

        # Redis: restarted empty, so the certificate tasks it held are gone until the
        # reconciliation queues them again
        self.at(0.3 * SECONDS)
        with LOCK:
            redis_proc = PROCS["redis"]
        kill_tree(redis_proc, signal.SIGTERM)
        begun = time.monotonic()
        start_redis()
        self.note(f"Redis restarted (SIGTERM, no persistence: queue and cache emptied; down {time.monotonic() - begun:.1f} s)")

        # a worker killed while issuing: early enough before one of the scheduler's ticks
        # (a second past each minute) that the worker is dead for it, so the reconciliation
        # re-queues its job during the run rather than a minute after it
        self.at(0.35 * SECONDS)
        while 60 - (time.time() - 1) % 60 < DEAD_SECONDS + 8:
            time.sleep(0.5)
        queued = db_call(self.env, "backlog()")["completed"]
        self.note(f"backlog: {queued} enrollments completed at once, {queued} certificate tasks queued")
        for _try in range(3):  # a job that ends between finding it and the kill is a miss: again
            with LOCK:
                workers = {name: PROCS[name].pid for name in ("worker-1", "worker-2") if name in PROCS}
            name, job_id = wait_until(lambda w=workers: rq_started_job(w), timeout=30, what="a worker issuing a certificate", interval=0.02)
            with LOCK:
                victim = PROCS[name]
            pids = [victim.pid, *_descendants(victim.pid)]
            kill_tree(victim)
            hit = job_in_started_registry(job_id)  # a finished job leaves it; a killed one stays
            self.worker_killed_at = time.monotonic()
            self.note(f"SIGKILL {name} (pids {pids}, work horse included) while it ran job {job_id}: "
                      + ("killed mid-task, the job stays in the started registry" if hit else "missed, the job had just finished"))
            time.sleep(3)
            replacement = start_worker(name, self.env)
            self.note(f"{name} started again as pid {replacement.pid}")
            if hit:
                break
        else:
            self.problems.append("no worker was caught in the middle of issuing a certificate")

        # PostgreSQL: every connection to the check's database is cut, as a restart cuts them
        # (the server is shared with other work on this machine, so it is not restarted itself)
        self.at(0.6 * SECONDS)
        cut = terminate_backends()
        self.note(f"PostgreSQL: {cut} connections of every node, worker and the scheduler terminated (pg_terminate_backend)")


# --- results --------------------------------------------------------------------------------------


def locust_stats() -> dict:
    with open(VAR / "locust_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_name = {row["Name"]: row for row in rows}
    history = []
    if (VAR / "locust_stats_history.csv").exists():
        with open(VAR / "locust_stats_history.csv", newline="") as handle:
            history = [row for row in csv.DictReader(handle) if row.get("Name") == "Aggregated"]
    return {"rows": rows, "total": by_name["Aggregated"], "history": history}


def nginx_log() -> dict:
    counts = {"requests": 0, "retried": 0, "5xx": 0, "by_upstream": {}}
    path = VAR / "logs" / "nginx-access.log"
    if not path.exists():
        return counts
    for line in path.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        counts["requests"] += 1
        upstreams = [u.strip() for u in entry.get("upstream", "").split(",") if u.strip()]
        if len(upstreams) > 1:
            counts["retried"] += 1
        if entry.get("status", 0) >= 500:
            counts["5xx"] += 1
        if upstreams:
            last = upstreams[-1]
            counts["by_upstream"][last] = counts["by_upstream"].get(last, 0) + 1
    return counts


def busiest(history: list[dict], window: int = 10) -> tuple[float, int]:
    """The highest request rate over `window` seconds of the run, with the users at that time."""
    rates = [(float(row.get("Requests/s") or 0), int(row.get("User Count") or 0)) for row in history]
    best, users = 0.0, 0
    for i in range(max(0, len(rates) - window + 1)):
        chunk = rates[i:i + window]
        mean = sum(r for r, _u in chunk) / len(chunk)
        if mean > best:
            best, users = mean, max(u for _r, u in chunk)
    return best, users


def main() -> int:
    atexit.register(cleanup)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    shutil.rmtree(VAR, ignore_errors=True)
    (VAR / "logs").mkdir(parents=True)
    (VAR / "shared" / "media").mkdir(parents=True)
    (VAR / "shared" / "private").mkdir(parents=True)
    nginx = ensure_tools()
    global REDIS_PORT
    if not port_free(REDIS_PORT):
        REDIS_PORT = free_port()
    port, port_a, port_b = free_port(), free_port(), free_port()

    say(f"database {DB_NAME}, redis-server on {REDIS_PORT}, nginx on https://127.0.0.1:{port}, nodes on {port_a} and {port_b}")
    start_redis()
    _url, env = fresh_database(lambda url: django_env(url, port))
    manage({**env, "DJANGO_SETTINGS_MODULE": "cluster_static_settings"}, "collectstatic", "--noinput", "-v0")
    learners = max(USERS * 6, 60)
    setup = db_call(env, f"seed(learners={learners}, backlog={BACKLOG}, walkaways=8, password={PASSWORD!r}, time_limit_minutes=1)")
    (VAR / "setup.json").write_text(json.dumps(setup))
    say(f"seeded: 1 course, {len(setup['lessons'])} lessons, final quiz (6 of 12 questions, 1 minute), {learners} learner accounts, backlog of {BACKLOG}, "
        f"{len(setup['walkaways'])} attempts left open to expire during the load")

    start_node("node-a", port_a, env)
    start_node("node-b", port_b, env)
    start_worker("worker-1", env)
    start_worker("worker-2", env)
    start("scheduler", [PY, "manage.py", "run_schedule"], env)
    start_nginx(nginx, port, port_a, port_b)
    say("cluster up: nginx, 2 gunicorn nodes × 2 workers, 2 RQ workers, 1 scheduler")

    sampler = CpuSampler(["node-a", "node-b"])
    sampler.start()
    worker_sampler = CpuSampler(["worker-1", "worker-2"], tree=False)
    worker_sampler.start()
    locust_env = {**env, "CLUSTER_SETUP": str(VAR / "setup.json"), "CLUSTER_PASSWORD": PASSWORD,
                  "CLUSTER_ACCEPTED": str(VAR / "accepted.jsonl")}
    started = time.monotonic()
    load = start("locust", [PY, "-m", "locust", "-f", str(ROOT / "bench" / "cluster_locustfile.py"), "--headless",
                            "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE), "--run-time", f"{SECONDS}s",
                            "--stop-timeout", "10", "--host", f"https://127.0.0.1:{port}", "--csv", str(VAR / "locust"),
                            "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"], locust_env)
    say(f"Locust: {USERS} users, {SPAWN_RATE:g}/s spawn rate, {SECONDS} s")
    chaos = Chaos(env, port_a, started)
    chaos.start()
    try:
        load.wait(timeout=SECONDS + 60)
    except subprocess.TimeoutExpired:
        raise CheckFailed("Locust did not stop in time") from None
    duration = time.monotonic() - started
    sampler.stop.set()
    chaos.join(timeout=60)
    if load.returncode != 0:
        raise CheckFailed(f"Locust exited {load.returncode}: see {VAR / 'logs' / 'locust.log'}")
    say(f"load done after {duration:.0f} s; waiting (≤ {DRAIN_SECONDS} s) for the queue and the reconciliation")

    drain_started = time.monotonic()
    last = {}
    while time.monotonic() - drain_started < DRAIN_SECONDS:
        last = db_call(env, "progress()")
        if not (last["waiting"] or last["running"] or last["without_certificate"]):
            break
        time.sleep(3)
    drained = not (last.get("waiting") or last.get("running") or last.get("without_certificate"))
    say(f"queue {'drained' if drained else 'NOT drained'} after {time.monotonic() - drain_started:.0f} s: {last}")
    with LOCK:
        scheduler = PROCS.pop("scheduler")
    kill_tree(scheduler, signal.SIGTERM)  # no new completions (closing attempts) while we count
    if drained:
        wait_until(lambda: (lambda p: not (p["waiting"] or p["running"] or p["without_certificate"]))(db_call(env, "progress()")),
                   timeout=60, what="the last certificates after the scheduler stopped", interval=2)

    worker_sampler.stop.set()
    result = db_call(env, f"verify(accepted_path={str(VAR / 'accepted.jsonl')!r}, scheduler_period={SCHEDULER_PERIOD}, "
                          f"seed_db_bytes={setup['db_bytes']}, walkaways={setup['walkaways']!r})")
    stats = locust_stats()
    proxy = nginx_log()
    return report(result, stats, proxy, chaos, sampler, worker_sampler, duration, last, setup["walkaways"])


def report(result, stats, proxy, chaos, sampler, worker_sampler, duration, last, walkaways) -> int:
    total = stats["total"]
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    rate = failures / requests if requests else 1.0
    print("\n" + "=" * 78)
    print(f"Cluster check: {USERS} users (spawn {SPAWN_RATE:g}/s), {duration:.0f} s of load, 2 nodes × {NODE_WORKERS} gunicorn "
          f"workers, 2 RQ workers, 1 scheduler, nginx, PostgreSQL, Redis")
    print("-" * 78)
    print(f"{'request':<16}{'count':>7}{'fail':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>9}")
    for row in stats["rows"]:
        print(f"{row['Name'][:16]:<16}{int(row['Request Count']):>7}{int(row['Failure Count']):>6}{row['50%']:>8}{row['95%']:>8}"
              f"{row['99%']:>8}{float(row['Max Response Time']):>9.0f}")
    print(f"\nrequests {requests}, failed as seen by learners (after nginx's retry) {failures}: error rate {rate:.3%}")
    print(f"p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms, {requests / duration:.1f} req/s on average")
    print(f"nginx: {proxy['requests']} requests, {proxy['retried']} retried on the other node, {proxy['5xx']} answered 5xx; "
          f"by node {proxy['by_upstream']}")
    print("\nwhat was done to the cluster:")
    for line in EVENTS:
        print(f"  {line}")
    for problem in chaos.problems:
        print(f"  PROBLEM {problem}")
    print(f"  reconciliation and scheduler runs (last): {last.get('last_runs', {})}")
    print("\nchecks (from the database):")
    failed = bool(chaos.problems)
    for check in result["checks"]:
        mark = "ok  " if check["ok"] else "FAIL"
        print(f"  [{mark}] {check['name']}: {check['detail']}" + ("" if check["ok"] else f" — {check['count']} problem(s)"))
        for problem in check["problems"]:
            print(f"           {problem}")
        failed |= not check["ok"]
    counts = result["counts"]
    print(f"\ncounts: {json.dumps({k: v for k, v in counts.items() if 'bytes' not in k})}")
    # the figures deploy/README.md's sizing uses
    peak, peak_users = busiest(stats["history"])
    cpu = sampler.seconds
    growth = counts["db_bytes"] - counts["seed_db_bytes"]
    completed = max(1, counts["completed"])
    print("\nsizing inputs:")
    print(f"  app CPU (gunicorn trees, both nodes): {cpu:.1f} core-s for {requests} requests = {1000 * cpu / max(1, requests):.1f} ms/request "
          f"-> {requests / max(cpu, 0.001):.0f} requests/s per busy core")
    logins = max(1, int(next((r["Request Count"] for r in stats["rows"] if r["Name"] == "login"), 1)))
    other = (cpu - logins * counts["login_cpu_s"]) / max(1, requests - logins)
    print(f"  a login hashes the password: {counts['login_cpu_s']:.2f} core-s; the other requests: "
          f"({cpu:.1f} - {logins} × {counts['login_cpu_s']:.2f}) ÷ {requests - logins} = {1000 * other:.1f} ms each")
    print(f"  a learner's session (login to result): {requests / logins:.1f} requests, {cpu / logins:.2f} app core-s")
    print(f"  RQ workers: {worker_sampler.seconds:.1f} core-s while {counts['certificates']} certificates were issued = "
          f"{worker_sampler.seconds / max(1, counts['certificates']):.2f} core-s each (heartbeats and idle polling included)")
    print(f"  busiest 10 s: {peak:.1f} req/s with {peak_users} users")
    live = counts["live_db_bytes"] - counts["seed_db_bytes"]
    by_learners = max(1, counts["completed"] - BACKLOG - len(walkaways))
    print(f"  database grew {growth / 1e6:.2f} MB for {counts['completed']} completions ({growth / completed / 1024:.1f} KiB each, "
          f"all tables and indexes); {live / 1e6:.2f} MB live after VACUUM FULL: {live / completed / 1024:.1f} KiB per completion, "
          f"{live / by_learners / 1024:.1f} KiB per completion by a Locust learner (the others were partly seeded before the baseline)")
    print(f"  certificate PDFs {counts['pdf_bytes'] / max(1, counts['certificates']) / 1024:.0f} KiB each")
    print("=" * 78)
    print("CLUSTER CHECK " + ("FAILED: something was lost or duplicated" if failed else "PASSED: nothing lost, nothing duplicated"))
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        code = main()
    except CheckFailed as exc:
        print(f"\nCLUSTER CHECK FAILED: {exc}", file=sys.stderr)
        code = 1
    finally:
        cleanup()
    say(f"done in {time.monotonic() - T0:.0f} s")
    sys.exit(code)
