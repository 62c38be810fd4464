"""Production: secrets have no default, and the demo relaxations are refused."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEBUG, SECRET_KEY, STAFF_MFA_REQUIRED

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production")
if not STAFF_MFA_REQUIRED:
    raise ImproperlyConfigured("INTEGRITAS_STAFF_MFA_REQUIRED cannot be off in production")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = False  # TLS ends at the reverse proxy, which sets the header below
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 30
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
