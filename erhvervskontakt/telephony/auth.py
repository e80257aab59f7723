"""How a telephone platform proves it may fetch menus or post call events.

Two ways, per integration:

- a bearer token (``Authorization: Bearer <token>``, the ``X-EK-Token`` header, or a ``token``
  query parameter for platforms that can only be given a URL); only its SHA-256 is stored;
- a request signature the way Twilio signs webhooks (``X-Twilio-Signature``): base64 of
  HMAC-SHA1 over the full URL followed by the POST parameters sorted by name, each as
  name + value, keyed with the integration's signing secret.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from erhvervskontakt.core import clock
from erhvervskontakt.telephony.models import Integration

TOKEN_PREFIX = "ekt_"  # noqa: S105 - a prefix that makes leaked tokens recognisable, not a secret
SIGNATURE_HEADER = "HTTP_X_TWILIO_SIGNATURE"
PURPOSES = ("ivr", "cti")


class NotAuthenticated(Exception):
    """No usable credentials: answered with 401 and a WWW-Authenticate header."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_token(integration: Integration) -> str:
    """Give the integration a new token (the old one stops working) and return it; shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    integration.token_hash = hash_token(token)
    integration.token_hint = token[:10]
    integration.save(update_fields=["token_hash", "token_hint"])
    return token


@transaction.atomic
def issue_signing_secret(integration: Integration) -> str:
    integration.signing_secret = secrets.token_urlsafe(32)
    integration.save(update_fields=["signing_secret"])
    return integration.signing_secret


def create_integration(name: str, *, signing: bool = True, ivr: bool = True, cti: bool = True):
    """Create an integration; return it with its token (and signing secret, or "")."""
    with transaction.atomic():
        integration = Integration.objects.create(name=name, allow_ivr=ivr, allow_cti=cti)
        token = issue_token(integration)
        secret = issue_signing_secret(integration) if signing else ""
    return integration, token, secret


def signature(secret: str, url: str, params: Iterable[tuple[str, str]] = ()) -> str:
    """Twilio's request signature: base64(HMAC-SHA1(secret, url + sorted name+value pairs))."""
    payload = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(secret.encode("utf-8"), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _request_token(request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.META.get("HTTP_X_EK_TOKEN", "").strip() or request.GET.get("token", "").strip()


def _candidate_urls(request) -> list[str]:
    """The URL the platform may have signed: as this server sees it, and as the public address."""
    urls = [request.build_absolute_uri()]
    public = settings.TELEPHONY_PUBLIC_URL + request.get_full_path()
    if public not in urls:
        urls.append(public)
    return urls


def _signed_params(request) -> list[tuple[str, str]]:
    if request.method != "POST":
        return []
    return [(name, value) for name in request.POST for value in request.POST.getlist(name)]


def _allowed(integration: Integration, purpose: str) -> bool:
    return integration.is_active and getattr(integration, f"allow_{purpose}")


def _touch(integration: Integration) -> None:
    # At most one write a minute per integration, however many events arrive.
    now = clock.now()
    Integration.objects.filter(pk=integration.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - dt.timedelta(minutes=1))
    ).update(last_used_at=now)


def authenticate(request, purpose: str) -> Integration:
    """The integration behind ``request``; NotAuthenticated (401) or PermissionDenied (403) if none."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    token = _request_token(request)
    if token:
        integration = (
            Integration.objects.filter(token_hash=hash_token(token)).first() if len(token) < 200 else None
        )
        if integration is None:
            raise NotAuthenticated("unknown token")
        if not _allowed(integration, purpose):
            raise PermissionDenied
        _touch(integration)
        return integration
    given = request.META.get(SIGNATURE_HEADER, "")
    if given and purpose == "ivr":
        params = _signed_params(request)
        urls = _candidate_urls(request)
        for integration in Integration.objects.exclude(signing_secret=""):
            for url in urls:
                if hmac.compare_digest(signature(integration.signing_secret, url, params), given):
                    if not _allowed(integration, purpose):
                        raise PermissionDenied
                    _touch(integration)
                    return integration
        raise PermissionDenied
    raise NotAuthenticated("no credentials")
