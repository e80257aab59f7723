"""Staffing: the smallest number of agents meeting the targets, one interval or a whole plan at once.

Part of :mod:`erhvervskontakt.capacity.erlang` (import from there).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from erhvervskontakt.capacity.erlang_a import _A_FIELDS, _erlang_a_rows, _erlang_b_table
from erhvervskontakt.capacity.erlang_bc import (
    _EPS,
    _check_agents,
    _check_fraction,
    _check_number,
    _erlang_b_unchecked,
    _erlang_c_from_b,
    _sl_c,
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
    if request.patience_seconds is None:
        traffic = request.traffic
        b = _erlang_b_unchecked(agents, traffic)
        return _erlang_c_values(agents, traffic, b, request.aht_seconds, request.target_seconds)
    return _evaluate_erlang_a([request])[0]


def _evaluate_erlang_a(requests: list[_Request]) -> list[dict[str, float]]:
    """Erlang A measures of the given agents for many requests (calls > 0) in one set of numpy rounds.

    A plan evaluates the rostered agents of every interval; one call per interval would cost about a
    millisecond each in numpy overhead, which dominated a four-week plan.
    """
    grid = _erlang_a_rows(
        np.array([r.arrival_rate for r in requests]),
        np.array([r.aht_seconds for r in requests]),
        np.array([r.patience_seconds for r in requests], dtype=float),
        np.array([r.target_seconds for r in requests]),
        np.array([r.agents for r in requests]),
        np.array([_erlang_b_unchecked(r.agents, r.traffic) for r in requests]),  # type: ignore[arg-type]
    )
    return [{name: float(grid[name][row]) for name in _A_FIELDS} for row in range(len(requests))]


def _solve(requests: list[_Request]) -> list[StaffingResult]:
    """Results for validated requests, batching the Erlang A searches into shared numpy rounds."""
    results: list[StaffingResult | None] = [None] * len(requests)
    pending: list[int] = []
    evaluations: list[int] = []
    for position, request in enumerate(requests):
        if request.calls == 0:
            results[position] = _result(request, request.agents or 0, _IDLE)
        elif request.agents is not None and request.patience_seconds is not None:
            evaluations.append(position)  # evaluated together below
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
    if evaluations:
        evaluated = _evaluate_erlang_a([requests[p] for p in evaluations])
        for position, values in zip(evaluations, evaluated, strict=True):
            results[position] = _result(requests[position], requests[position].agents, values)  # type: ignore[arg-type]
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
