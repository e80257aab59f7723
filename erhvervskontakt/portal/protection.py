"""Protection of the public forms: rate limits per IP address and the honeypot field.

The limit counts in the shared Django cache (Redis in production, a file cache shared by the
local processes otherwise), so every web process sees the same count. The window is fixed:
simple, and good enough to stop a script without bothering a business that retries a form.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from erhvervskontakt.core import clock

log = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"


def client_ip(request) -> str:
    """The visitor's address; behind N trusted proxies, the address the outermost one saw."""
    hops = settings.PORTAL_TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops][:64]
    return request.META.get("REMOTE_ADDR", "")[:64] or "unknown"


def _parse(rate: str) -> tuple[int, int]:
    count, _slash, seconds = rate.partition("/")
    return int(count), int(seconds)


def hit(request, scope: str) -> bool:
    """Count one submission in ``scope``; False when the visitor is over the limit."""
    limit, window = _parse(settings.PORTAL_RATE_LIMITS.get(scope, settings.PORTAL_RATE_LIMITS["default"]))
    bucket = int(clock.now().timestamp()) // window
    ip = hashlib.sha256(client_ip(request).encode()).hexdigest()[:24]
    key = f"portal:rate:{scope}:{ip}:{bucket}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # The key expired between add and incr: start again.
        cache.set(key, 1, window + 5)
        count = 1
    if count > limit:
        if count == limit + 1:
            log.warning("portal: rate limit reached for scope %s from %s", scope, ip)
        return False
    return True


def honeypot_filled(request) -> bool:
    """A bot fills every field; people never see this one."""
    filled = bool(request.POST.get(HONEYPOT_FIELD, "").strip())
    if filled:
        log.info("portal: honeypot filled on %s; submission dropped", request.path)
    return filled
