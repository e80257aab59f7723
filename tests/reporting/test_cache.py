"""A report is computed once per time slot, and again as soon as the data changes."""

from __future__ import annotations

import pytest
from django.core.cache import cache as django_cache

from erhvervskontakt.inquiries import services
from erhvervskontakt.reporting import cache, periods, report
from erhvervskontakt.reporting.scope import Scope
from tests.reporting.conftest import at, moment

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.REPORTING_CACHE_SECONDS = 300
    django_cache.clear()
    yield
    django_cache.clear()


def test_the_same_report_is_computed_once_until_the_data_changes(story, cached, monkeypatch):
    builds = []
    original = report.build
    monkeypatch.setattr(report, "build", lambda *a, **k: builds.append(1) or original(*a, **k))
    with moment(at(2026, 1, 12, 10, 0)):
        first = cache.build(periods.year(2025), Scope())
        second = cache.build(periods.year(2025), Scope())
        assert len(builds) == 1 and second.values() == first.values()
        cache.build(periods.year(2025), Scope(channel="phone"))  # other filters: another report
        assert len(builds) == 2
        matter = story.inquiries["I7"].matters.get()
        services.matter_log_call(matter, actor=story.personas.caseworker_a, text="Ringede op")  # a change
        third = cache.build(periods.year(2025), Scope())
    assert len(builds) == 3
    assert third.value("response_days.responded") == first.value("response_days.responded") + 1
    with moment(at(2026, 1, 12, 10, 6)):  # the next five-minute slot
        cache.build(periods.year(2025), Scope())
    assert len(builds) == 4
