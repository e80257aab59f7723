"""Encrypt and decrypt retained raw emails (Fernet: AES-128-CBC with HMAC-SHA256).

``MAIL_RAW_KEYS`` holds one or more Fernet keys; the first encrypts, all decrypt, so a key can
be rotated by putting the new one first. Without keys (development only; settings refuse it in
production when mailboxes are configured) a key is derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "open_raw", "seal_raw"]


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(f"erhvervskontakt-mail-raw:{secret}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode("ascii"),)
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.MAIL_RAW_KEYS), settings.SECRET_KEY)


def seal_raw(raw: bytes) -> bytes:
    return _current().encrypt(raw)


def open_raw(token: bytes) -> bytes:
    """Decrypt; raises ``InvalidToken`` when no configured key fits."""
    return _current().decrypt(bytes(token))
