"""Reference numbers are unique and never reused, also when registrations happen at once."""

import threading

import pytest
from django.db import connection, transaction

from erhvervskontakt.core.references import find_references, format_reference, next_reference
from tests import factories


@pytest.mark.django_db
def test_format_and_sequence():
    first = next_reference(year=2026)
    second = next_reference(year=2026)
    assert first == "EK-2026-000001"
    assert second == "EK-2026-000002"
    assert next_reference(year=2027) == "EK-2027-000001"
    assert format_reference("EK", 2026, 123) == "EK-2026-000123"


def test_find_references_in_subject(settings):
    assert find_references("SV: [EK-2026-000123] Udeservering") == ["EK-2026-000123"]
    assert find_references("Re: XX-2026-000123 and EK-2025-1234567") == ["EK-2025-1234567"]
    assert find_references("no number") == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(org, catalogue):
    """Eight threads registering inquiries at once never share a reference number."""
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            for _ in range(5):
                inquiry = factories.register([catalogue.generel], send_receipt=False)
                results.append(inquiry.reference)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == 40
    assert len(set(results)) == 40
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in results)
    assert numbers == list(range(1, 41))


@pytest.mark.django_db(transaction=True)
def test_number_of_rolled_back_registration_is_not_skipped_or_duplicated():
    with pytest.raises(RuntimeError), transaction.atomic():
        next_reference(year=2030)
        raise RuntimeError("registration failed")
    assert next_reference(year=2030) == "EK-2030-000001"
    assert next_reference(year=2030) == "EK-2030-000002"
