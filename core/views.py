from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception as exc:  # a monitor wants the reason, not a 500 page
        return JsonResponse(
            {"status": "error", "database": "error", "detail": exc.__class__.__name__},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": database, "vendor": connection.vendor})


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (a page left open past its session, cookies blocked):
    the site's page in Indonesian with what to do, instead of Django's bare English one."""
    from django.shortcuts import render

    return render(request, "403_csrf.html", status=403)
