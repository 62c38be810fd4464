"""Who is calling: the API key, its client's state, IP allow-list, rate limit and scopes."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from .errors import ApiError
from .keys import key_matches, key_split
from .models import ApiClient

LAST_USED_RESOLUTION_SECONDS = 300


def _invalid_key():
    return ApiError(401, "invalid_key", _("Kunci API tidak dikenal. Kirim header Authorization: Bearer itg_…"))


def client_for_key(key: str) -> ApiClient:
    """The client of `key`, or ApiError (401) for a wrong, revoked or expired key."""
    parts = key_split(key)
    if parts is None:
        raise _invalid_key()
    prefix, secret = parts
    client = ApiClient.objects.select_related("owner").filter(key_prefix=prefix).first()
    if client is None or not key_matches(secret, client.key_hash):
        raise _invalid_key()
    if client.is_revoked:
        raise ApiError(401, "key_revoked", _("Kunci API ini sudah dicabut."))
    if client.is_expired():
        raise ApiError(401, "key_expired", _("Kunci API ini sudah kedaluwarsa."))
    return client


def ip_allowed(client: ApiClient, address: str) -> bool:
    lines = [line.strip() for line in (client.allowed_ips or "").splitlines() if line.strip()]
    if not lines:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for line in lines:
        try:
            if ip in ipaddress.ip_network(line, strict=False):
                return True
        except ValueError:
            continue
    return False


def rate_limit_consume(client: ApiClient) -> None:
    """Count one request in the client's current minute (in the shared cache); 429 past the limit."""
    limit = client.rate_limit_per_minute or settings.API_RATE_LIMIT_PER_MINUTE
    now = time.time()
    window = int(now // 60)
    key = f"api-rate:{client.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        retry = max(1, int(60 - now % 60))
        raise ApiError(
            429,
            "rate_limited",
            _("Terlalu banyak permintaan: batasnya %(limit)d per menit. Coba lagi sebentar lagi.") % {"limit": limit},
            headers={"Retry-After": str(retry)},
        )


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer itg_<prefix>_<secret>`."""

    openapi_description = "Kunci API klien: itg_<awalan>_<rahasia>"

    def __call__(self, request):
        header = request.headers.get(self.header)
        if not header:
            raise ApiError(401, "missing_key", _("Kunci API tidak dikirim. Kirim header Authorization: Bearer itg_…"))
        return super().__call__(request)

    def authenticate(self, request, token):
        client = client_for_key(token)
        if not ip_allowed(client, request.META.get("REMOTE_ADDR", "")):
            raise ApiError(403, "ip_not_allowed", _("Alamat IP ini tidak diizinkan untuk klien API ini."))
        rate_limit_consume(client)
        now = timezone.now()
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        request.api_client = client
        return client


def require_scope(request, scope: str) -> ApiClient:
    client: ApiClient = request.auth
    if not client.has_scope(scope):
        raise ApiError(403, "missing_scope", _("Klien API ini tidak punya hak akses %(scope)s.") % {"scope": scope})
    return client
