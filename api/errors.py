"""API errors: a JSON body `{"error": {"code", "message", "details"}}` with a stable code.

Codes are part of the API contract (clients branch on them); messages are Indonesian text
for the person reading the log.
"""

from django.http import JsonResponse


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details=None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = str(message)
        self.details = details
        self.headers = headers or {}


def error_body(code: str, message: str, details=None) -> dict:
    body = {"error": {"code": code, "message": str(message)}}
    if details is not None:
        body["error"]["details"] = details
    return body


def error_response(status: int, code: str, message: str, details=None, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse(error_body(code, message, details), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
