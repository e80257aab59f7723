"""Database settings for the duration of a report: reports aggregate hundreds of thousands of rows.

PostgreSQL's defaults suit the short queries of case handling: 4 MB of sort memory (a
yearly report's grouping then spills to disk), just-in-time compilation (which spends
hundreds of milliseconds compiling each big aggregate) and a random-read cost meant for
spinning disks. Inside ``reporting_session`` these are set for the current transaction only
(``SET LOCAL``), so other requests never see them.
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
            # The inquiry tables are read from memory or SSD, not spinning disks: let the planner
            # use indexes for the small sets (multi-matter inquiries) instead of hashing tables.
            cursor.execute(
                "SELECT set_config('random_page_cost', %s, true)", [settings.REPORTING_RANDOM_PAGE_COST]
            )
        yield
