"""Handing a private file (certificate, evidence pack) to the user after a permission check.

Behind nginx (INTEGRITAS_PRIVATE_ACCEL_PREFIX set, e.g. "/_private/"), the view answers with
an empty response and `X-Accel-Redirect`; nginx sends the file from an `internal` location
that no outside URL reaches (deploy/nginx/integritas.conf). Otherwise Django streams it."""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def private_file_response(fieldfile, *, filename: str, content_type: str) -> HttpResponse:
    prefix = settings.PRIVATE_ACCEL_PREFIX
    if prefix:
        if not fieldfile.name or not fieldfile.storage.exists(fieldfile.name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(fieldfile.name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
