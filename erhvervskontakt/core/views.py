import logging

from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        log.warning("healthz: database unreachable", exc_info=True)
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def error_403(request, exception=None):
    from django.shortcuts import render

    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    from django.shortcuts import render

    return render(request, "404.html", status=404)


def error_500(request):
    from django.shortcuts import render

    return render(request, "500.html", status=500)
