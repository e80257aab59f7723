"""Strict parsers for settings read from environment variables.

A malformed value stops start-up with a message naming the variable, instead of a
surprise much later (healthchecks' settings do the same). Each parser also accepts
``<NAME>_FILE`` pointing at a file holding the value, for secrets mounted as files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def raw(name: str, default: str | None = None) -> str | None:
    """Return the variable's text, reading ``NAME_FILE`` when that is set instead."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            with open(file_name, encoding="utf-8") as fh:
                return fh.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def _parse(name: str, default: T, parse: Callable[[str], T], expected: str) -> T:
    value = raw(name)
    if value is None:
        return default
    try:
        return parse(value)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"Environment variable {name}={value!r} is not {expected}: {exc}") from exc


def string(name: str, default: str = "") -> str:
    value = raw(name)
    return default if value is None else value


def boolean(name: str, default: bool = False) -> bool:
    def parse(value: str) -> bool:
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError("use 1/0, true/false, yes/no or on/off")

    return _parse(name, default, parse, "a boolean")


def integer(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    def parse(value: str) -> int:
        number = int(value.strip())
        if minimum is not None and number < minimum:
            raise ValueError(f"must be at least {minimum}")
        if maximum is not None and number > maximum:
            raise ValueError(f"must be at most {maximum}")
        return number

    return _parse(name, default, parse, "an integer")


def decimal(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    def parse(value: str) -> float:
        number = float(value.strip())
        if minimum is not None and number < minimum:
            raise ValueError(f"must be at least {minimum}")
        if maximum is not None and number > maximum:
            raise ValueError(f"must be at most {maximum}")
        return number

    return _parse(name, default, parse, "a number")


def string_list(name: str, default: list[str]) -> list[str]:
    def parse(value: str) -> list[str]:
        return [item.strip() for item in value.split(",") if item.strip()]

    return _parse(name, default, parse, "a comma-separated list")


def url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    def parse(value: str) -> str:
        value = value.strip()
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in schemes:
            raise ValueError(f"scheme must be one of {', '.join(schemes)}")
        return value

    return _parse(name, default, parse, "a URL")
