"""Erlang B, Erlang C and M/M/c, plus the argument checks every formula module shares.

Part of :mod:`erhvervskontakt.capacity.erlang` (import from there); see its docstring for units and
the numerical approach.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Any

import numpy as np

# Comparisons against targets allow for floating-point noise, so that e.g. an occupancy of exactly 0.7
# is accepted for a 0.7 cap even if the division lands one ulp above.
_EPS = 1e-12


# ---------------------------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------------------------


def _check_agents(agents: Any) -> int:
    """Return ``agents`` as a non-negative int or raise ValueError."""
    if isinstance(agents, bool):
        raise ValueError("agents must be a whole number, not a boolean")
    try:
        value = operator.index(agents)
    except TypeError:
        raise ValueError(f"agents must be a whole number, got {agents!r}") from None
    if value < 0:
        raise ValueError(f"agents must be zero or positive, got {value}")
    return value


def _check_number(name: str, value: Any, *, positive: bool = False, allow_zero: bool = True) -> float:
    """Return ``value`` as a finite float, rejecting negatives (and zero when ``allow_zero`` is False)."""
    # Plain floats and ints are checked by exact type first: a plan validates thousands of numbers, and
    # the isinstance test against four types was a third of a four-week plan's time.
    kind = type(value)
    if (kind is not float and kind is not int) and (
        isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating)
    ):
        raise ValueError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    if (positive or not allow_zero) and number == 0:
        raise ValueError(f"{name} must be greater than zero, got {value!r}")
    return number


def _check_fraction(name: str, value: Any, *, low_open: bool, high_open: bool) -> float:
    """Return ``value`` as a float fraction in the given interval of [0, 1] or raise a helpful ValueError."""
    number = _check_number(name, value)
    too_low = number <= 0 if low_open else number < 0
    too_high = number >= 1 if high_open else number > 1
    if too_low or too_high:
        low = "(0" if low_open else "[0"
        high = "1)" if high_open else "1]"
        hint = " (give a fraction such as 0.8, not a percentage)" if number > 1 else ""
        raise ValueError(f"{name} must be in {low}, {high}, got {value!r}{hint}")
    return number


# ---------------------------------------------------------------------------------------------------------
# Erlang B and Erlang C
# ---------------------------------------------------------------------------------------------------------


def traffic_erlangs(calls: float, interval_seconds: float, aht_seconds: float) -> float:
    """Offered load A in Erlangs: ``calls`` per ``interval_seconds``, each taking ``aht_seconds``."""
    calls = _check_number("calls", calls)
    interval_seconds = _check_number("interval_seconds", interval_seconds, positive=True)
    aht_seconds = _check_number("aht_seconds", aht_seconds, positive=True)
    return calls * aht_seconds / interval_seconds


def _erlang_b_unchecked(agents: int, traffic: float) -> float:
    # The recursion only ever divides numbers of comparable size, so it neither overflows nor loses
    # precision; for N far above A it underflows gracefully towards 0, which is the correct limit.
    b = 1.0
    for n in range(1, agents + 1):
        ab = traffic * b
        b = ab / (n + ab)
    return b


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of an M/M/N/N loss system with ``agents`` lines and ``traffic`` Erlangs.

    Uses the stable recursion B(0)=1, B(n)=A*B(n-1)/(n+A*B(n-1)); cost is O(agents).
    """
    agents = _check_agents(agents)
    traffic = _check_number("traffic", traffic)
    return _erlang_b_unchecked(agents, traffic)


def _erlang_c_from_b(agents: int, traffic: float, b: float) -> float:
    if agents <= traffic:
        # No steady state: the queue grows without bound, so every caller waits.
        return 1.0
    return agents * b / (agents - traffic * (1.0 - b))


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a caller has to wait (Erlang C, M/M/N with infinite patience).

    Computed from Erlang B as C = N*B / (N - A*(1-B)). Returns 1.0 when ``agents <= traffic``
    (the queue is unstable and everybody waits).
    """
    agents = _check_agents(agents)
    traffic = _check_number("traffic", traffic)
    if traffic == 0:
        return 0.0
    return _erlang_c_from_b(agents, traffic, _erlang_b_unchecked(agents, traffic))


def _sl_c(agents: int, traffic: float, c: float, aht_seconds: float, target_seconds: float) -> float:
    if agents <= traffic:
        return 0.0
    return 1.0 - c * math.exp(-(agents - traffic) * target_seconds / aht_seconds)


def service_level(agents: int, traffic: float, aht_seconds: float, target_seconds: float) -> float:
    """Erlang C service level: P(wait <= target) = 1 - C * exp(-(N - A) * t / AHT).

    Returns 0.0 when the queue is unstable (``agents <= traffic``) and 1.0 when there is no traffic.
    """
    agents = _check_agents(agents)
    traffic = _check_number("traffic", traffic)
    aht_seconds = _check_number("aht_seconds", aht_seconds, positive=True)
    target_seconds = _check_number("target_seconds", target_seconds)
    if traffic == 0:
        return 1.0
    return _sl_c(agents, traffic, erlang_c(agents, traffic), aht_seconds, target_seconds)


def p_wait_longer_than(agents: int, traffic: float, aht_seconds: float, seconds: float) -> float:
    """Erlang C probability that a caller waits strictly longer than ``seconds`` (= 1 - service level)."""
    return 1.0 - service_level(agents, traffic, aht_seconds, seconds)


def asa(agents: int, traffic: float, aht_seconds: float) -> float:
    """Erlang C average speed of answer in seconds: C * AHT / (N - A); ``math.inf`` if unstable."""
    agents = _check_agents(agents)
    traffic = _check_number("traffic", traffic)
    aht_seconds = _check_number("aht_seconds", aht_seconds, positive=True)
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return erlang_c(agents, traffic) * aht_seconds / (agents - traffic)


def occupancy(agents: int, traffic: float) -> float:
    """Share of agent time spent handling calls in Erlang C: A / N, capped at 1 when overloaded."""
    agents = _check_agents(agents)
    traffic = _check_number("traffic", traffic)
    if agents == 0:
        return 0.0
    return min(1.0, traffic / agents)


# ---------------------------------------------------------------------------------------------------------
# M/M/c in textbook notation
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MMCResult:
    """Steady-state measures of an M/M/c queue (times in the unit of the inputs).

    ``lq``/``l`` are mean numbers waiting / in the system, ``wq``/``w`` mean times waiting / in the
    system, ``p0`` the probability of an empty system, ``p_wait`` the Erlang C probability of waiting.
    """

    servers: int
    traffic: float
    utilisation: float
    p0: float
    p_wait: float
    lq: float
    wq: float
    w: float
    l: float  # noqa: E741 - the textbook name for the mean number in the system


def mmc(arrival_rate: float, mean_service_time: float, servers: int) -> MMCResult:
    """Classic M/M/c measures (Lq, Wq, W, L, P0) for any consistent time unit.

    Example: 300 arrivals per year with a mean service of 2 days on 3 servers is
    ``mmc(300 / 365, 2.0, 3)`` in days. Raises ValueError if the queue is unstable (rho >= 1).
    """
    arrival_rate = _check_number("arrival_rate", arrival_rate, positive=True)
    mean_service_time = _check_number("mean_service_time", mean_service_time, positive=True)
    servers = _check_agents(servers)
    if servers == 0:
        raise ValueError("servers must be at least 1")
    traffic = arrival_rate * mean_service_time
    rho = traffic / servers
    if rho >= 1:
        raise ValueError(
            f"unstable queue: arrival_rate * mean_service_time = {traffic:.4g} "
            f"must be below servers = {servers}"
        )
    c = erlang_c(servers, traffic)
    lq = c * rho / (1.0 - rho)
    wq = lq / arrival_rate
    w = wq + mean_service_time
    # P(N = c) = C * (1 - rho) and P(0) = P(N = c) * c! / A^c; the ratio is taken in log space so that
    # large c does not overflow (it underflows to 0 instead, which is the right answer).
    p0 = c * (1.0 - rho) * math.exp(math.lgamma(servers + 1) - servers * math.log(traffic))
    return MMCResult(
        servers=servers,
        traffic=traffic,
        utilisation=rho,
        p0=p0,
        p_wait=c,
        lq=lq,
        wq=wq,
        w=w,
        l=arrival_rate * w,
    )
