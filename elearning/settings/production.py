"""Production: secrets have no default, and the demo relaxations are refused."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEBUG, SECRET_KEY, SIGNING_PASSPHRASE, SIGNING_PKCS12, STAFF_MFA_REQUIRED

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
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

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = False  # TLS ends at the reverse proxy, which sets the header below
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 30
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
