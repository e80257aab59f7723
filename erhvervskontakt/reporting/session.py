"""Database settings for the duration of a report: reports aggregate hundreds of thousands of rows.

PostgreSQL's defaults suit the short queries of case handling: 4 MB of sort memory (a
yearly report's grouping then spills to disk) and just-in-time compilation (which spends
hundreds of milliseconds compiling each big aggregate). Inside ``reporting_session`` both are
set for the current transaction only (``SET LOCAL``), so other requests never see them.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction


@contextmanager
def reporting_session():
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.REPORTING_WORK_MEM])
            cursor.execute("SELECT set_config('jit', 'off', true)")
        yield
