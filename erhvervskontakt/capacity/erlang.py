"""Queueing formulas for staffing a contact centre: Erlang B, Erlang C, M/M/c and Erlang A.

Everything here is pure Python plus numpy/scipy; nothing imports Django, so the module can be used
from management commands, Celery tasks, notebooks and benchmarks alike.

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

from __future__ import annotations

import dataclasses
import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

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

# Comparisons against targets allow for floating-point noise, so that e.g. an occupancy of exactly 0.7
# is accepted for a 0.7 cap even if the division lands one ulp above.
_EPS = 1e-12

# Log-probability below the largest queue term at which the Erlang A queue is truncated.
# exp(-40) ~ 4e-18, so the discarded tail is far below anything a staffing decision can notice.
_LOG_TAIL = 40.0

# The Erlang A state space never grows beyond this many queue states; a plan that would need more is
# so overloaded (or so patient) that the question is not meaningful and we raise instead of eating memory.
_MAX_QUEUE_STATES = 2_000_000


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
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
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


# ---------------------------------------------------------------------------------------------------------
# Erlang A (M/M/N+M)
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangAResult:
    """Steady-state measures of an M/M/N+M queue (Erlang A).

    * ``p_wait``: probability an arriving caller finds all agents busy.
    * ``p_abandon``: probability an arriving caller hangs up before being answered.
    * ``service_level``: share of all arriving callers answered within the target time.
    * ``asa_seconds``: mean wait of answered callers (zero waits included); ``math.inf`` with no agents.
    * ``mean_wait_seconds``: mean time in queue over all callers, abandoned ones included.
    * ``occupancy``: share of agent time spent on calls = answered load / N.
    """

    agents: int
    traffic: float
    p_wait: float
    p_abandon: float
    service_level: float
    asa_seconds: float
    mean_wait_seconds: float
    occupancy: float


_A_FIELDS = ("p_wait", "p_abandon", "service_level", "asa_seconds", "mean_wait_seconds", "occupancy")


def _erlang_b_table(max_agents: int, traffic: float) -> list[float]:
    """B(n, A) for n = 0..max_agents in one pass of the recursion."""
    table = [1.0]
    b = 1.0
    for n in range(1, max_agents + 1):
        ab = traffic * b
        b = ab / (n + ab)
        table.append(b)
    return table


def _erlang_a_block(
    lam: np.ndarray,
    aht: np.ndarray,
    theta: np.ndarray,
    target: np.ndarray,
    agents: np.ndarray,
    blocking: np.ndarray,
    size: int,
) -> dict[str, np.ndarray]:
    """Erlang A for a block of rows that share one queue truncation ``size`` (see :func:`_erlang_a_rows`)."""
    rows = agents.size
    rate = (agents / aht)[:, None]  # N * mu
    lam_c = lam[:, None]
    theta_c = theta[:, None]
    while True:
        if size > _MAX_QUEUE_STATES:
            raise ValueError("Erlang A queue too long to evaluate; check calls, patience and agents")
        j = np.arange(1, size, dtype=float)[None, :]
        log_q = np.zeros((rows, size))
        # log q_k = sum_{j<=k} log(lambda / (N mu + j theta)); the cumulative sum keeps it in log space.
        np.cumsum(np.log(lam_c / (rate + j * theta_c)), axis=1, out=log_q[:, 1:])
        log_max = log_q.max(axis=1)
        relative = log_q - log_max[:, None]
        if (relative[:, -1] < -_LOG_TAIL).all():
            break
        size *= 2  # the estimate was short for some row; rare, so recomputing the block is fine

    # Drop columns that are negligible for every row: every later operation scales with the width.
    size = int(np.flatnonzero((relative >= -_LOG_TAIL).any(axis=0))[-1]) + 1
    weights = np.exp(relative[:, :size])  # q_k / max_k q_k, in (0, 1]
    total_q = weights.sum(axis=1)

    with np.errstate(divide="ignore", over="ignore"):
        # r = (weight of the states below N) / max_k q_k. Relative to state N those states weigh 1/B - 1,
        # so r = (1 - B) / (B * max_k q_k); infinite when B underflowed to 0 (the queue is unreachable).
        r = np.exp(np.log1p(-blocking) - np.log(blocking) - log_max)
    no_queue = np.isinf(r)
    r[no_queue] = 0.0
    denominator = r + total_q

    k = np.arange(size, dtype=float)[None, :]
    abandon_rate = (k + 1.0) * theta_c  # (k + 1) * theta: the tagged caller and the k ahead of it
    leave_rate = rate + abandon_rate
    answer_prob = rate / leave_rate  # P(answered | k ahead) = N mu / (N mu + (k+1) theta)

    # P(W <= t) for W = sum_{j=1..k+1} Exp(N mu + j theta) is the regularised incomplete beta
    # I_x(k+1, b) with x = 1 - exp(-theta t), b = N mu / theta + 1. For integer first argument that is the
    # upper tail of a negative binomial, 1 - sum_{i<=k} C(b+i-1, i) x^i (1-x)^b, which a cumulative sum
    # in log space gives for all k at once (scipy's betainc is ~10x slower per element here).
    b_param = rate / theta_c + 1.0
    with np.errstate(divide="ignore"):
        log_x = np.log(-np.expm1(-theta_c * target[:, None]))  # -inf when t = 0: only immediate answers
    log_nb = np.empty((rows, size))
    log_nb[:, :1] = -b_param * theta_c * target[:, None]  # log (1-x)^b = -b theta t
    if size > 1:
        i = k[:, 1:]
        np.cumsum(log_x + np.log((b_param + i - 1.0) / i), axis=1, out=log_nb[:, 1:])
        log_nb[:, 1:] += log_nb[:, :1]
    with np.errstate(invalid="ignore"):
        within_t = np.clip(1.0 - np.cumsum(np.exp(log_nb), axis=1), 0.0, 1.0)
    within_t *= answer_prob
    # Mean wait of a caller answered from state k: the mean of the tilted sum,
    # sum_{j=1..k+1} 1 / (N mu + j theta).
    mean_wait_answered = np.cumsum(1.0 / leave_rate, axis=1)

    weighted_answer = weights * answer_prob
    p_wait = total_q / denominator
    # Abandonment directly (not as 1 - answered) so that small probabilities keep their precision.
    p_abandon = (weights * (abandon_rate / leave_rate)).sum(axis=1) / denominator
    answered_share = (r + weighted_answer.sum(axis=1)) / denominator
    sl = (r + (weights * within_t).sum(axis=1)) / denominator
    waited_answered = (weighted_answer * mean_wait_answered).sum(axis=1) / denominator
    mean_queue = weights @ np.arange(size, dtype=float) / denominator

    # Rows where B underflowed behave as if nobody ever waits.
    p_wait[no_queue] = 0.0
    p_abandon[no_queue] = 0.0
    sl[no_queue] = 1.0
    mean_queue[no_queue] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        asa_seconds = np.where(answered_share > 0, waited_answered / answered_share, math.inf)
        occ = np.where(agents > 0, lam * aht * (1.0 - p_abandon) / agents, 0.0)
    asa_seconds[no_queue] = 0.0
    return {
        "p_wait": p_wait,
        "p_abandon": np.minimum(p_abandon, 1.0),
        "service_level": np.clip(sl, 0.0, 1.0),
        "asa_seconds": asa_seconds,
        "mean_wait_seconds": mean_queue / lam,
        "occupancy": np.minimum(occ, 1.0),
    }


def _erlang_a_rows(
    lam: np.ndarray,
    aht: np.ndarray,
    patience: np.ndarray,
    target: np.ndarray,
    agents: np.ndarray,
    blocking: np.ndarray,
) -> dict[str, np.ndarray]:
    """Evaluate Erlang A for many rows at once; every argument is a 1-D array with one entry per row.

    Row i has arrival rate ``lam[i]`` (calls/s, > 0), mean handling time ``aht[i]``, mean patience
    ``patience[i]``, service-level target ``target[i]`` seconds, ``agents[i]`` agents and the Erlang B
    value ``blocking[i]`` = B(agents[i], lam[i]*aht[i]) (passed in so callers can reuse one recursion).

    Derivation (states n = callers in the system; birth rate lambda, death rate
    min(n, N) mu + max(n - N, 0) theta with theta = 1/patience). Relative to state N:

    * the states below N weigh 1/B - 1 in total (Erlang B);
    * queue state N+k weighs q_k = prod_{j=1..k} lambda / (N mu + j theta).

    By PASTA an arrival sees state N+k with its stationary probability and then has k callers ahead.
    It moves up one place at rate N mu + j theta (a service completion or an abandonment ahead, j ahead)
    and abandons itself at rate theta. With V = sum_{j=0..k} Exp(N mu + j theta) its "offered wait":

    * P(answered | k) = E[exp(-theta V)] = N mu / (N mu + (k+1) theta) (the product telescopes);
    * tilting V by exp(-theta v) gives W = sum_{j=1..k+1} Exp(N mu + j theta), whose CDF is
      I_x(k+1, N mu/theta + 1) with x = 1 - exp(-theta t) (substitute x = exp(-theta v) in the density of
      the maximum of k+1 exponentials, which the sum without the N mu shift is distributed as), so
      P(answered within t | k) = P(answered | k) * I_x(k+1, N mu/theta + 1);
    * the mean wait of those answered is E[W] = sum_{j=1..k+1} 1 / (N mu + j theta).

    Callers finding a free agent are answered at once. The queue is truncated where its weight falls
    below exp(-40) of the largest one; rows are grouped by the truncation they need so that a
    long-queue row does not widen the arrays of all the others.
    """
    theta = 1.0 / patience
    rate = agents / aht
    # Queue weights rise until j* = (lambda - N mu) / theta and then fall roughly like
    # exp(-d^2 theta / (2 lambda)) at d states past the peak; this estimate is checked in the block.
    estimate = np.maximum(0.0, (lam - rate) / theta) + np.sqrt(2.0 * _LOG_TAIL * lam / theta) + 20.0
    bucket = np.ceil(np.log2(estimate)).astype(int)
    out = {name: np.empty(agents.size) for name in _A_FIELDS}
    for value in np.unique(bucket):
        index = np.flatnonzero(bucket == value)
        part = _erlang_a_block(
            lam[index],
            aht[index],
            theta[index],
            target[index],
            agents[index].astype(float),
            blocking[index],
            2 ** int(value),
        )
        for name in _A_FIELDS:
            out[name][index] = part[name]
    return out


def erlang_a(
    agents: int,
    arrival_rate: float,
    aht_seconds: float,
    patience_seconds: float,
    target_seconds: float = 0.0,
) -> ErlangAResult:
    """Erlang A (M/M/N+M) measures for ``agents`` agents.

    ``arrival_rate`` is calls per second, ``aht_seconds`` the mean handling time and
    ``patience_seconds`` the mean (exponential) patience of waiting callers. The service level is the
    share of all arriving callers answered within ``target_seconds``; abandoned callers count as not
    answered. Overloaded systems (N*mu < lambda) are valid: abandonment keeps the queue finite.
    """
    agents = _check_agents(agents)
    arrival_rate = _check_number("arrival_rate", arrival_rate)
    aht_seconds = _check_number("aht_seconds", aht_seconds, positive=True)
    patience_seconds = _check_number("patience_seconds", patience_seconds, positive=True)
    target_seconds = _check_number("target_seconds", target_seconds)
    traffic = arrival_rate * aht_seconds
    if arrival_rate == 0:
        return ErlangAResult(agents, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
    values = _erlang_a_rows(
        np.array([arrival_rate]),
        np.array([aht_seconds]),
        np.array([patience_seconds]),
        np.array([target_seconds]),
        np.array([agents]),
        np.array([_erlang_b_unchecked(agents, traffic)]),
    )
    return ErlangAResult(
        agents=agents, traffic=traffic, **{name: float(values[name][0]) for name in _A_FIELDS}
    )


# ---------------------------------------------------------------------------------------------------------
# Staffing
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffingResult:
    """Staffing for one interval.

    ``agents`` is the number needed on the phones; ``agents_with_shrinkage`` the number to roster,
    ceil(agents / (1 - shrinkage)). ``service_level`` is P(wait <= target) for Erlang C and the share
    of all arriving callers answered within the target for Erlang A. ``asa_seconds`` is the mean wait
    of answered callers (``math.inf`` when the queue is unstable or nobody is answered). ``p_abandon``
    is None for Erlang C (no patience given). ``meets_targets`` says whether ``agents`` satisfies every
    target (always True when the function chose the number itself).
    """

    agents: int
    agents_with_shrinkage: int
    traffic_erlangs: float
    service_level: float
    p_wait: float
    asa_seconds: float
    occupancy: float
    p_abandon: float | None
    model: str
    meets_targets: bool

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the fields (for JSON or templates)."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class _Request:
    """Validated arguments of :func:`staffing`."""

    calls: float
    interval_seconds: float
    aht_seconds: float
    target_seconds: float
    target_level: float
    shrinkage: float
    max_occupancy: float
    patience_seconds: float | None
    max_abandon: float | None
    agents: int | None

    @property
    def traffic(self) -> float:
        return self.calls * self.aht_seconds / self.interval_seconds

    @property
    def arrival_rate(self) -> float:
        return self.calls / self.interval_seconds

    @property
    def model(self) -> str:
        return "erlang_c" if self.patience_seconds is None else "erlang_a"


def _validate(
    calls: Any,
    interval_seconds: Any,
    aht_seconds: Any,
    target_seconds: Any,
    target_level: Any,
    shrinkage: Any = 0.0,
    max_occupancy: Any = 1.0,
    patience_seconds: Any = None,
    max_abandon: Any = None,
    agents: Any = None,
) -> _Request:
    if patience_seconds is not None:
        if isinstance(patience_seconds, int | float) and patience_seconds == math.inf:
            patience_seconds = None  # infinitely patient callers are exactly Erlang C
        else:
            patience_seconds = _check_number("patience_seconds", patience_seconds, positive=True)
    if max_abandon is not None:
        if patience_seconds is None:
            raise ValueError("max_abandon needs patience_seconds (abandonment is only modelled by Erlang A)")
        max_abandon = _check_fraction("max_abandon", max_abandon, low_open=True, high_open=False)
    return _Request(
        calls=_check_number("calls", calls),
        interval_seconds=_check_number("interval_seconds", interval_seconds, positive=True),
        aht_seconds=_check_number("aht_seconds", aht_seconds, positive=True),
        target_seconds=_check_number("target_seconds", target_seconds),
        target_level=_check_fraction("target_level", target_level, low_open=False, high_open=True),
        shrinkage=_check_fraction("shrinkage", shrinkage, low_open=False, high_open=True),
        max_occupancy=_check_fraction("max_occupancy", max_occupancy, low_open=True, high_open=False),
        patience_seconds=patience_seconds,
        max_abandon=max_abandon,
        agents=None if agents is None else _check_agents(agents),
    )


def _with_shrinkage(agents: int, shrinkage: float) -> int:
    if agents == 0:
        return 0
    # Without the epsilon, 14 / (1 - 0.3) = 20.000000000000004 would round up to 21.
    return math.ceil(agents / (1.0 - shrinkage) - 1e-9)


def _meets(request: _Request, values: Mapping[str, Any]) -> bool:
    ok = (
        values["service_level"] >= request.target_level - _EPS
        and values["occupancy"] <= request.max_occupancy + _EPS
    )
    if request.max_abandon is not None:
        ok = ok and values["p_abandon"] <= request.max_abandon + _EPS
    return bool(ok)


def _result(request: _Request, agents: int, values: Mapping[str, float]) -> StaffingResult:
    return StaffingResult(
        agents=agents,
        agents_with_shrinkage=_with_shrinkage(agents, request.shrinkage),
        traffic_erlangs=request.traffic,
        service_level=float(values["service_level"]),
        p_wait=float(values["p_wait"]),
        asa_seconds=float(values["asa_seconds"]),
        occupancy=float(values["occupancy"]),
        p_abandon=None if request.patience_seconds is None else float(values["p_abandon"]),
        model=request.model,
        meets_targets=_meets(request, values),
    )


_IDLE = {"service_level": 1.0, "p_wait": 0.0, "asa_seconds": 0.0, "occupancy": 0.0, "p_abandon": 0.0}


def _erlang_c_values(agents: int, traffic: float, b: float, aht: float, target: float) -> dict[str, float]:
    c = _erlang_c_from_b(agents, traffic, b)
    stable = agents > traffic
    return {
        "service_level": _sl_c(agents, traffic, c, aht, target),
        "p_wait": c,
        "asa_seconds": c * aht / (agents - traffic) if stable else math.inf,
        "occupancy": min(1.0, traffic / agents) if agents else 0.0,
    }


def _search_erlang_c(
    traffic: float, aht: float, target: float, level: float, max_occupancy: float
) -> tuple[int, dict[str, float]]:
    """Smallest N > A with Erlang C service level >= level and A/N <= max_occupancy."""
    # N must exceed A for a steady state and satisfy A/N <= max occupancy, so start at the larger bound.
    n = max(math.floor(traffic) + 1, math.ceil(traffic / max_occupancy - _EPS), 1)
    b = _erlang_b_unchecked(n, traffic)
    while True:
        values = _erlang_c_values(n, traffic, b, aht, target)
        if values["service_level"] >= level - _EPS and values["occupancy"] <= max_occupancy + _EPS:
            return n, values
        n += 1
        ab = traffic * b
        b = ab / (n + ab)


class _ASearch:
    """State of the search for the smallest feasible N of one Erlang A request.

    Feasibility (service level, occupancy and abandonment targets) is monotone in N, so the search keeps
    a bracket: ``bad`` is the largest N known to fail, ``good`` the smallest known to pass.
    """

    width = 5  # candidates evaluated per round

    def __init__(self, request: _Request) -> None:
        self.request = request
        traffic = request.traffic
        # Answered calls cannot exceed N/A of the offered ones, so SL <= N/A gives a lower bound; with an
        # abandonment cap, occupancy = A (1 - P_ab) / N >= A (1 - max_abandon) / N gives another.
        lower = max(1, math.ceil(traffic * request.target_level - _EPS))
        if request.max_abandon is not None:
            lower = max(
                lower, math.ceil(traffic * (1.0 - request.max_abandon) / request.max_occupancy - _EPS)
            )
        self.bad = lower - 1
        self.good: tuple[int, dict[str, float]] | None = None
        self.span = self.width
        self.limit = math.ceil(traffic + 50.0 * math.sqrt(traffic) + 1000.0)
        # The Erlang C answer is usually within a couple of agents of the Erlang A one, so the first
        # round looks at a window around it.
        guess, _ = _search_erlang_c(
            traffic, request.aht_seconds, request.target_seconds, request.target_level, request.max_occupancy
        )
        start = max(lower, guess - 3)
        self.candidates: list[int] = list(range(start, start + self.width))
        self.table = _erlang_b_table(start + 2 * self.width, traffic)

    def blocking(self, agents: int) -> float:
        if agents >= len(self.table):
            self.table = _erlang_b_table(2 * agents, self.request.traffic)
        return self.table[agents]

    def next_round(self) -> bool:
        """Choose the next candidates; False when the answer is known."""
        if self.good is None:
            if self.bad > self.limit:
                raise ValueError("no number of agents meets these targets; check max_abandon and the targets")
            self.span *= 2  # gallop upwards
            points = np.linspace(self.bad + 1, self.bad + self.span, self.width)
        else:
            inside = self.good[0] - self.bad - 1
            if inside <= 0:
                return False
            points = np.linspace(self.bad + 1, self.good[0] - 1, min(self.width, inside))
        self.candidates = sorted({int(round(p)) for p in points})
        return True


def _solve_erlang_a(requests: list[_Request]) -> list[tuple[int, dict[str, float]]]:
    """Smallest feasible N for each Erlang A request; each round evaluates all open searches at once."""
    searches = [_ASearch(request) for request in requests]
    active = list(range(len(searches)))
    while active:
        owners: list[int] = []
        rows: list[tuple[float, ...]] = []
        for position in active:
            search = searches[position]
            request = search.request
            max_abandon = math.inf if request.max_abandon is None else request.max_abandon
            for n in search.candidates:
                owners.append(position)
                rows.append(
                    (
                        request.arrival_rate,
                        request.aht_seconds,
                        request.patience_seconds,  # type: ignore[arg-type]
                        request.target_seconds,
                        n,
                        search.blocking(n),
                        request.target_level,
                        request.max_occupancy,
                        max_abandon,
                    )
                )
        columns = np.array(rows).T
        agents = columns[4].astype(np.int64)
        grid = _erlang_a_rows(columns[0], columns[1], columns[2], columns[3], agents, columns[5])
        # The same test as _meets, for all rows at once.
        ok = (
            (grid["service_level"] >= columns[6] - _EPS)
            & (grid["occupancy"] <= columns[7] + _EPS)
            & (grid["p_abandon"] <= columns[8] + _EPS)
        )
        for row, (owner, n, passed) in enumerate(zip(owners, agents.tolist(), ok.tolist(), strict=True)):
            search = searches[owner]
            if passed:
                if search.good is None or n < search.good[0]:
                    search.good = (n, {name: float(grid[name][row]) for name in _A_FIELDS})
            else:
                search.bad = max(search.bad, n)
        active = [position for position in active if searches[position].next_round()]
    return [search.good for search in searches]  # type: ignore[misc]


def _evaluate(request: _Request, agents: int) -> dict[str, float]:
    """Performance measures of ``agents`` agents for a request with calls > 0."""
    traffic = request.traffic
    b = _erlang_b_unchecked(agents, traffic)
    if request.patience_seconds is None:
        return _erlang_c_values(agents, traffic, b, request.aht_seconds, request.target_seconds)
    grid = _erlang_a_rows(
        np.array([request.arrival_rate]),
        np.array([request.aht_seconds]),
        np.array([request.patience_seconds]),
        np.array([request.target_seconds]),
        np.array([agents]),
        np.array([b]),
    )
    return {name: float(grid[name][0]) for name in _A_FIELDS}


def _solve(requests: list[_Request]) -> list[StaffingResult]:
    """Results for validated requests, batching the Erlang A searches into shared numpy rounds."""
    results: list[StaffingResult | None] = [None] * len(requests)
    pending: list[int] = []
    for position, request in enumerate(requests):
        if request.calls == 0:
            results[position] = _result(request, request.agents or 0, _IDLE)
        elif request.agents is not None:
            results[position] = _result(request, request.agents, _evaluate(request, request.agents))
        elif request.patience_seconds is None:
            n, values = _search_erlang_c(
                request.traffic,
                request.aht_seconds,
                request.target_seconds,
                request.target_level,
                request.max_occupancy,
            )
            results[position] = _result(request, n, values)
        else:
            pending.append(position)
    if pending:
        for position, (n, values) in zip(
            pending, _solve_erlang_a([requests[p] for p in pending]), strict=True
        ):
            results[position] = _result(requests[position], n, values)
    return results  # type: ignore[return-value]


def staffing(
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target_seconds: float,
    target_level: float,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
    patience_seconds: float | None = None,
    max_abandon: float | None = None,
    agents: int | None = None,
) -> StaffingResult:
    """Agents needed (or, with ``agents``, the performance of that many) for one interval.

    Without ``patience_seconds`` the model is Erlang C; with it, Erlang A and the service level is the
    share of all arriving callers answered within ``target_seconds``. Without ``agents`` the result is
    the smallest N with service level >= ``target_level``, occupancy <= ``max_occupancy`` and (Erlang A
    with ``max_abandon``) P(abandon) <= ``max_abandon``. An interval with no calls needs no agents.

    Raises ValueError for negative or non-finite inputs, a zero interval or handling time, shrinkage
    outside [0, 1), target_level outside [0, 1), max_occupancy outside (0, 1], max_abandon outside
    (0, 1] or given without patience, and when no number of agents can meet the targets.
    """
    request = _validate(
        calls,
        interval_seconds,
        aht_seconds,
        target_seconds,
        target_level,
        shrinkage,
        max_occupancy,
        patience_seconds,
        max_abandon,
        agents,
    )
    return _solve([request])[0]


# ---------------------------------------------------------------------------------------------------------
# Plans: many intervals at once
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """One planning interval; the fields mirror the arguments of :func:`staffing`."""

    calls: float
    aht_seconds: float
    target_seconds: float
    target_level: float
    interval_seconds: float = 1800.0
    shrinkage: float = 0.0
    max_occupancy: float = 1.0
    patience_seconds: float | None = None
    max_abandon: float | None = None
    agents: int | None = None


_INTERVAL_FIELDS = tuple(field.name for field in dataclasses.fields(Interval))
_INTERVAL_DEFAULTS = {
    field.name: field.default
    for field in dataclasses.fields(Interval)
    if field.default is not dataclasses.MISSING
}


def plan(intervals: Iterable[Interval | Mapping[str, Any]], **defaults: Any) -> list[StaffingResult]:
    """Staffing for every interval, in order (same semantics as :func:`staffing` per interval).

    Each item is an :class:`Interval` or a mapping with the same keys; keys missing from a mapping are
    taken from ``defaults`` (e.g. ``plan(rows, target_seconds=20, target_level=0.8, patience_seconds=300)``)
    and then from the :class:`Interval` defaults (30-minute intervals, no shrinkage, Erlang C).

    Speed: identical intervals are computed once, intervals without calls cost nothing, Erlang C
    searches are scalar loops starting at ceil(A), and all Erlang A searches run together so that each
    search round is one set of numpy operations over every open interval. Errors name the interval.
    """
    unknown = set(defaults) - set(_INTERVAL_FIELDS)
    if unknown:
        raise ValueError(f"unknown plan defaults: {', '.join(sorted(unknown))}")
    unique: dict[_Request, int] = {}
    slots: list[int] = []
    for position, item in enumerate(intervals):
        if isinstance(item, Interval):
            params = {name: getattr(item, name) for name in _INTERVAL_FIELDS}
        elif isinstance(item, Mapping):
            extra = set(item) - set(_INTERVAL_FIELDS)
            if extra:
                raise ValueError(f"interval {position}: unknown keys {', '.join(sorted(extra))}")
            params = {**_INTERVAL_DEFAULTS, **defaults, **item}
            missing = {"calls", "aht_seconds", "target_seconds", "target_level"} - set(params)
            if missing:
                raise ValueError(f"interval {position}: missing {', '.join(sorted(missing))}")
        else:
            raise ValueError(
                f"interval {position}: expected an Interval or a mapping, got {type(item).__name__}"
            )
        try:
            request = _validate(**params)
        except ValueError as exc:
            raise ValueError(f"interval {position}: {exc}") from None
        slots.append(unique.setdefault(request, len(unique)))
    solved = _solve(list(unique))
    return [solved[slot] for slot in slots]
