"""Refuse oversized API bodies before anything reads them."""

import io

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import error_response

API_PREFIX = "/api/"


class ApiBodyLimitMiddleware:
    """A body over API_MAX_BODY_BYTES is refused from its Content-Length alone (413), so a
    10 MB upload is never read into memory. Smaller bodies are read here once, which also
    lifts Django's form-oriented DATA_UPLOAD_MAX_MEMORY_SIZE for the API alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX) and request.method not in ("GET", "HEAD", "OPTIONS"):
            limit = settings.API_MAX_BODY_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return self._too_large(limit)
            body = request.read(limit + 1) if length else b""
            if len(body) > limit:
                return self._too_large(limit)
            request._body = body
            request._stream = io.BytesIO(body)
        return self.get_response(request)

    @staticmethod
    def _too_large(limit):
        response = error_response(
            413,
            "body_too_large",
            _("Isi permintaan terlalu besar; batasnya %(max)s MB.") % {"max": f"{limit / 1048576:.0f}"},
        )
        response["Connection"] = "close"
        return response
