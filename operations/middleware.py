import re
import time
import uuid

from .logs import request_id_var
from .metrics import LATENCY, REQUESTS

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Every request gets an id: nginx's X-Request-ID when it sends a sane one, else a new
    one. It is in every log line of the request and in the response's X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Not reset on the way out: Django logs a 4xx/5xx after the middleware chain returns;
        # request_finished clears it (operations.apps).
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        LATENCY.labels(request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, str(response.status_code)).inc()
        response["X-Request-ID"] = request_id
        return response
