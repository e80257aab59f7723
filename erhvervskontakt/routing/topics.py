"""What a suggestion shows about its topic (name, unit, department, authority, link), per language.

Read once into a process-local table instead of two queries per suggestion list: the table is
rebuilt when a topic, link, unit or department is saved or deleted in this process, and at least
every ``ROUTING_CHECK_SECONDS`` so that edits made in other processes show within that time (as a
newly activated model does).
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.utils import translation

from erhvervskontakt.catalogue.models import Topic

_lock = threading.Lock()
_tables: dict[str, tuple[float, dict[str, dict]]] = {}


def clear(**_kwargs) -> None:
    with _lock:
        _tables.clear()


def _build() -> dict[str, dict]:
    table = {}
    qs = Topic.objects.filter(is_active=True).select_related("unit", "department").prefetch_related("links")
    for topic in qs:
        link = next(iter(topic.links.all()), None) if topic.is_external else None
        table[topic.code] = {
            "name": topic.name,
            "unit": topic.unit.name,
            "department": topic.department.code,
            "is_external": topic.is_external,
            "unit_code": topic.unit.code,
            "authority": topic.unit.name if topic.is_external else "",
            "link_url": link.url if link else "",
            "link_title": link.title if link else "",
        }
    return table


def active_topics() -> dict[str, dict]:
    """Active topic code → display fields in the current language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    now = time.monotonic()
    with _lock:
        entry = _tables.get(language)
        if entry is not None and now - entry[0] < settings.ROUTING_CHECK_SECONDS:
            return entry[1]
    table = _build()
    with _lock:
        _tables[language] = (now, table)
    return table
