"""Production: secrets have no default, and the demo relaxations are refused.

`manage.py check --deploy --settings=elearning.settings.production` prints no warning but the
one silenced below, with its reason.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEBUG, SECRET_KEY, SIGNING_PASSPHRASE, SIGNING_PKCS12, STAFF_MFA_REQUIRED, env_bool, env_int

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
# Django's own check (security.W009) asks for 50 characters and 5 different ones; a key that
# signs sessions, password resets and activation links must not merely be warned about.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be at least 50 random characters, e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`"
    )
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production")
if not STAFF_MFA_REQUIRED:
    raise ImproperlyConfigured("INTEGRITAS_STAFF_MFA_REQUIRED cannot be off in production")
# The demo signs with a DEMO CA; an official document must never carry that signature.
SIGNING_REFUSE_DEMO = True
if SIGNING_PKCS12:
    from certificates.signing_demo import pkcs12_is_demo

    if pkcs12_is_demo(SIGNING_PKCS12, SIGNING_PASSPHRASE):
        raise ImproperlyConfigured("INTEGRITAS_SIGNING_PKCS12 holds a DEMO signing key; production needs the city's own certificate")

# Every cookie only over HTTPS: session, CSRF, language (and messages, which follow the
# session's setting).
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

# TLS ends at the reverse proxy, which sets the header below. A request that reached the
# proxy over plain HTTP is redirected; the health check is answered as is, for probes that
# talk to the application server directly.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("INTEGRITAS_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# HSTS: a year, subdomains included, eligible for browsers' preload lists. A deployment on a
# shared parent domain whose other subdomains are not all on HTTPS turns the last two off.
SECURE_HSTS_SECONDS = env_int("INTEGRITAS_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("INTEGRITAS_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("INTEGRITAS_HSTS_PRELOAD", True)

ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

SILENCED_SYSTEM_CHECKS = [
    # security.W019 wants X-Frame-Options DENY. Wagtail's preview panel shows our own pages
    # in a frame of the admin, so we send SAMEORIGIN, and the Content-Security-Policy says
    # the same with frame-ancestors 'self': no other site can frame us.
    "security.W019",
]
