"""Erlang A (M/M/N+M): waiting callers hang up after an exponentially distributed patience.

Part of :mod:`erhvervskontakt.capacity.erlang` (import from there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from erhvervskontakt.capacity.erlang_bc import _check_agents, _check_number, _erlang_b_unchecked

# Log-probability below the largest queue term at which the Erlang A queue is truncated.
# exp(-40) ~ 4e-18, so the discarded tail is far below anything a staffing decision can notice.
_LOG_TAIL = 40.0

# The Erlang A state space never grows beyond this many queue states; a plan that would need more is
# so overloaded (or so patient) that the question is not meaningful and we raise instead of eating memory.
_MAX_QUEUE_STATES = 2_000_000


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
