"""Settings shared by every environment.

The environment is read here, once. dev/test/production only change speed, isolation
and safety defaults; see `.env.example` for every variable.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
import jinja2
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from core.client_ip import trusted_proxies_parse

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


# --- Environment (read once) ------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")  # production.py refuses to start without it
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_BASE_URL = env_str("INTEGRITAS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
CACHE_URL = env_str("CACHE_URL", "db://integritas_cache")
TASK_BACKEND = env_str("TASK_BACKEND", "database")  # immediate | database | rq
RQ_URL = env_str("RQ_URL", "redis://127.0.0.1:6379/1")

EMAIL_URL = env_str("EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Integritas <no-reply@integritas.local>")

# Staff (HR, coordinators, auditors, editors, observers) must set up TOTP before they
# reach the admin. Only a local demo may turn this off; production.py forbids it.
STAFF_MFA_REQUIRED = env_bool("INTEGRITAS_STAFF_MFA_REQUIRED", True)

# Reverse proxies in front of Django (README "Deployment", core/client_ip.py): how many, or
# better their addresses/networks ("10.0.0.5,10.1.0.0/16"). Rate limits count per client IP:
# unset behind a proxy, every user shares the proxy's bucket; set without a proxy, a client
# could name its own IP in X-Forwarded-For.
try:
    TRUSTED_PROXIES = trusted_proxies_parse(os.environ.get("INTEGRITAS_TRUSTED_PROXIES", ""))
except ValueError as exc:
    raise ImproperlyConfigured(
        "INTEGRITAS_TRUSTED_PROXIES must be a number or a comma list of IP addresses/networks"
    ) from exc

# An HR or auditor role granted by one person waits this long for a second person's approval.
ROLE_APPROVAL_HOURS = env_int("INTEGRITAS_ROLE_APPROVAL_HOURS", 72)

ROSTER_MAX_UPLOAD_BYTES = env_int("INTEGRITAS_ROSTER_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
ROSTER_MAX_ROWS = env_int("INTEGRITAS_ROSTER_MAX_ROWS", 200_000)
# A roster file larger than this is read and applied by a background task with progress
# (~3,000 rows take about 2 s in the request; 60,000 rows took 31 s, too long for a request).
ROSTER_SYNC_MAX_BYTES = env_int("INTEGRITAS_ROSTER_SYNC_MAX_BYTES", 256 * 1024)
API_RATE_LIMIT_PER_MINUTE = env_int("INTEGRITAS_API_RATE_LIMIT_PER_MINUTE", 600)  # per client; a client may set its own
API_MAX_BODY_BYTES = env_int("INTEGRITAS_API_MAX_BODY_BYTES", 5 * 1024 * 1024)
API_ROSTER_SYNC_MAX_ROWS = env_int("INTEGRITAS_API_ROSTER_SYNC_MAX_ROWS", 2_000)  # larger writes run as a task
# Evidence packs built from the admin are deleted this many hours after they are ready.
EVIDENCE_PACK_TTL_HOURS = env_int("INTEGRITAS_EVIDENCE_PACK_TTL_HOURS", 24)
# Reminders: a learner gets at most one reminder email per this many days; coordinators
# get their OPD digest at most once per DIGEST_INTERVAL_DAYS.
REMINDER_INTERVAL_DAYS = env_int("INTEGRITAS_REMINDER_INTERVAL_DAYS", 7)
DIGEST_INTERVAL_DAYS = env_int("INTEGRITAS_DIGEST_INTERVAL_DAYS", 7)
# `run_schedule` queues the day's reminders from this hour (WITA) on.
REMINDER_HOUR = env_int("INTEGRITAS_REMINDER_HOUR", 8)
# Electronic signature (PAdES) of issued documents: the signing official's key and chain as
# PKCS#12, its passphrase, and the roots a signature is checked against (comma separated).
# Without a key, certificates are issued unsigned and the admin says so.
SIGNING_PKCS12 = env_str("INTEGRITAS_SIGNING_PKCS12", "")
SIGNING_PASSPHRASE = env_str("INTEGRITAS_SIGNING_PASSPHRASE", "")
SIGNING_TRUST_ROOTS = env_list("INTEGRITAS_SIGNING_TRUST_ROOTS", [])
SIGNING_LOCATION = env_str("INTEGRITAS_SIGNING_LOCATION", "Banjarbaru")
SIGNING_REFUSE_DEMO = False  # production.py turns this on
# Operations: worker heartbeats, reconciliation, scheduler, metrics, logs (operations app).
WORKER_HEARTBEAT_SECONDS = env_int("INTEGRITAS_WORKER_HEARTBEAT_SECONDS", 10)
# A worker silent this long is dead: its running tasks are queued again.
WORKER_DEAD_SECONDS = env_int("INTEGRITAS_WORKER_DEAD_SECONDS", 60)
# An evidence pack still queued or running this long after its request is queued again.
STUCK_AFTER_MINUTES = env_int("INTEGRITAS_STUCK_AFTER_MINUTES", 60)
# A completed enrollment without a certificate this long after completion gets its task again.
CERTIFICATE_GRACE_MINUTES = env_int("INTEGRITAS_CERTIFICATE_GRACE_MINUTES", 10)
RECONCILE_SECONDS = env_int("INTEGRITAS_RECONCILE_SECONDS", 300)
SCHEDULE_KEEP_DAYS = env_int("INTEGRITAS_SCHEDULE_KEEP_DAYS", 14)
# /metrics: readable with "Authorization: Bearer <token>" or from these networks (nginx's address).
METRICS_TOKEN = env_str("INTEGRITAS_METRICS_TOKEN", "")
METRICS_NETWORKS = env_list("INTEGRITAS_METRICS_NETWORKS", ["127.0.0.1/32", "::1/128"])
# Private files (issued certificates, evidence packs): a directory of their own, never under
# MEDIA_ROOT or STATIC_ROOT, never served by a URL (core.files). Shared by every app node.
PRIVATE_ROOT = Path(env_str("INTEGRITAS_PRIVATE_ROOT", str(BASE_DIR / "var" / "private")))
# Behind nginx: private files are handed over by X-Accel-Redirect to this internal location.
PRIVATE_ACCEL_PREFIX = env_str("INTEGRITAS_PRIVATE_ACCEL_PREFIX", "")
LOG_JSON = env_bool("INTEGRITAS_LOG_JSON", False)
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))

# --- Applications -----------------------------------------------------------------------

INSTALLED_APPS = [
    # ours, in dependency order (see DESIGN.md): an app imports only from apps above it
    "core.apps.CoreConfig",
    "accounts.apps.AccountsConfig",
    "organizations.apps.OrganizationsConfig",
    "courses.apps.CoursesConfig",
    "quizzes.apps.QuizzesConfig",
    "certificates.apps.CertificatesConfig",
    "reports.apps.ReportsConfig",
    "api.apps.ApiConfig",  # the HR systems' API: above reports, calls the apps' services
    "ninja",  # django-ninja's local Swagger UI assets (no CDN on the intranet)
    "operations.apps.OperationsConfig",
    # wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.apps.IntegritasUsersAppConfig",  # wagtail.users, see accounts.users_admin
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "csp",
    # accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # background tasks
    "django_tasks",
    "django_tasks_db",
    # django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "operations.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "api.middleware.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "organizations.middleware.StaffMfaMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "courses.middleware.PublishRefusedMiddleware",
]

ROOT_URLCONF = "elearning.urls"
WSGI_APPLICATION = "elearning.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
    # Only for the long loops of plain values Django's engine renders too slowly (the report's
    # 500 OPD rows, issue 17); asked for by name (`engines["jinja2"]`), never found by default
    # since Django's engine comes first. Templates live in <app>/jinja2/; autoescape on.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": True, "undefined": jinja2.StrictUndefined},
    },
]

# --- Database, cache, tasks, email ---------------------------------------------------------

# A connection kept for 60 s is checked (one ping) before a request reuses it: after a
# PostgreSQL restart the first request of each worker gets a new connection instead of a 500
# (the cluster check cuts every connection under load: bench/cluster_check.py).
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # WAL lets the task worker and the web server share the file without "database is locked"
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache_from_url(url: str) -> dict:
    """A real shared cache: allauth's rate limits must be counted across processes."""
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "core.cache.RedisCache", "LOCATION": url}
    if url.startswith("db://"):
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": url[5:]}
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": url[9:]}
    raise ImproperlyConfigured(f"CACHE_URL must be redis://, db:// or locmem://, got {url!r}")


CACHES = {
    "default": _cache_from_url(CACHE_URL),
    # Wagtail writes every rendition it serves to this cache; in the process, so a page with
    # many cover images costs no cache round trip per image (renditions are prefetched).
    "renditions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "renditions",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}


def _tasks_from_name(name: str) -> dict:
    if name == "immediate":
        return {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    if name == "database":
        return {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    if name == "rq":
        return {
            "default": {
                "BACKEND": "django_tasks_rq.RQBackend",
            }
        }
    raise ImproperlyConfigured(f"TASK_BACKEND must be immediate, database or rq, got {name!r}")


TASKS = _tasks_from_name(TASK_BACKEND)
RQ_QUEUES = {"default": {"URL": RQ_URL}}
if TASK_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")  # provides the rqworker command


def _email_from_url(url: str) -> dict:
    if url.startswith("console://"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("locmem://"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if url.startswith("file://"):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": url[7:] or str(BASE_DIR / "var" / "mail"),
        }
    if url.startswith(("smtp://", "smtps://", "smtp+tls://")):
        parsed = urlparse(url)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or 25,
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": parsed.scheme == "smtps",
            "EMAIL_USE_TLS": parsed.scheme == "smtp+tls",
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL must be console://, locmem://, file://PATH or smtp://, got {url!r}"
    )


globals().update(_email_from_url(EMAIL_URL))
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts --------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "organizations.auth_backends.RoleAwareModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Log in with email or NIP: a roster user's username is their NIP.
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "accounts.models.user_display"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Integritas] "
ACCOUNT_RATE_LIMITS = {
    # Per client IP, and an OPD's whole office often reaches us through one NAT address: the
    # cluster check saw allauth's default 30/m/ip turn away a class logging in for a quiz.
    # A deployment whose offices share fewer addresses may lower them.
    "login": env_str("INTEGRITAS_LOGIN_RATE", "120/m/ip"),
    # per IP, and per (account, IP): accounts.adapter puts the client IP into the key, so a
    # guesser's failures do not lock the owner out (issue 14, finding 11)
    "login_failed": env_str("INTEGRITAS_LOGIN_FAILED_RATE", "30/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    # ours: roster activation requests
    "activate": "10/m/ip,5/h/key",
    # ours: public certificate verification (scanning a QR code is a few requests, not hundreds)
    "verify_certificate": "30/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Integritas Banjarbaru"

# --- Internationalisation -----------------------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["elearning.formats"]
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media ------------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # under PRIVATE_ROOT, without a URL (core.files.PrivateStorage)
    "private": {"BACKEND": "core.files.PrivateStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Wagtail ---------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Integritas"
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # passwords are changed through allauth
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "mp4", "odt", "pdf", "pptx", "txt", "webm", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False  # closed government intranet: no outside calls
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatar requests to an outside service

# --- Security ----------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
# Every learner request reads its session: from Redis when the shared cache is Redis (one
# round trip instead of a query), kept in the database as well, so a Redis restart logs no
# one out (Django's cached_db engine).
if CACHES["default"]["BACKEND"] == "core.cache.RedisCache":
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# No script of ours or of Wagtail's reads the CSRF cookie (forms carry the token, the admin
# reads it from its wagtail-config block), so scripts do not see it either; wapiti flagged it.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp), enforced everywhere so that tests and the demo run
# under the production policy. Nothing comes from another origin (no CDN, no outside service).
# Scripts: our files, plus inline scripts that carry the request's nonce. Styles allow
# 'unsafe-inline' because templates and the Wagtail admin set style attributes; CSS cannot
# run script. The Wagtail admin gets its own script rule (core.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# Wagtail 8's admin widgets (date and time choosers, inline panels) write inline <script>
# elements that cannot carry a nonce, so under /admin/ scripts may be inline; the rest of
# the policy stays (no other origin, no plugins, no framing by others). The admin is
# behind login and TOTP.
CONTENT_SECURITY_POLICY_ADMIN_SCRIPT_SRC = [SELF, "'unsafe-inline'"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "operations.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "operations.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], **({"formatter": "json"} if LOG_JSON else {})}
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"integritas": {"level": "INFO"}},
}
