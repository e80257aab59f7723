"""Queueing formulas for staffing a contact centre: Erlang B, Erlang C, M/M/c and Erlang A.

Everything here is pure Python plus numpy/scipy; nothing imports Django, so the module can be used
from management commands, Celery tasks, notebooks and benchmarks alike.

This module is the public interface; the code is split by concept into ``erlang_bc`` (Erlang B and C,
M/M/c and the argument checks), ``erlang_a`` (abandonment) and ``erlang_staffing`` (searching for the
smallest staffing, one interval or a whole plan). Import from here.

Vocabulary and units
--------------------
* ``traffic`` (A) is the offered load in Erlangs: ``calls * aht_seconds / interval_seconds``.
* ``agents`` (N) is the number of agents on the phones (after shrinkage has been taken out).
* Times are in seconds unless a function says otherwise (``mmc`` works in any consistent unit).
* Probabilities and service levels are fractions (0.8, not 80).

Models
------
* Erlang B: M/M/N/N loss system (blocked calls are lost).
* Erlang C: M/M/N, callers wait forever. Service level = P(wait <= t).
* Erlang A: M/M/N+M, callers abandon after an exponentially distributed patience. Service level is the
  share of *all* arriving callers who are answered within t seconds; callers who abandon (at any time)
  count as not answered.

Numerical approach
------------------
Erlang B uses the recursion ``B(0) = 1, B(n) = A*B(n-1) / (n + A*B(n-1))``, which never forms a factorial
or a power and therefore works for thousands of agents. Erlang C is derived from Erlang B. Erlang A is
computed from the birth-death chain, with the queue part handled in log space and truncated where the
remaining probability mass is below ~1e-17; see :func:`erlang_a` for the derivation of the service level.
"""

from erhvervskontakt.capacity.erlang_a import ErlangAResult, erlang_a
from erhvervskontakt.capacity.erlang_bc import (
    MMCResult,
    asa,
    erlang_b,
    erlang_c,
    mmc,
    occupancy,
    p_wait_longer_than,
    service_level,
    traffic_erlangs,
)
from erhvervskontakt.capacity.erlang_staffing import (
    _INTERVAL_FIELDS,  # noqa: F401 - the plan keys, read by tests and callers checking rows
    Interval,
    StaffingResult,
    plan,
    staffing,
)

__all__ = [
    "ErlangAResult",
    "Interval",
    "MMCResult",
    "StaffingResult",
    "asa",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "mmc",
    "occupancy",
    "p_wait_longer_than",
    "plan",
    "service_level",
    "staffing",
    "traffic_erlangs",
]
