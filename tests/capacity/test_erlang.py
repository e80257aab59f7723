"""Erlang B/C/A and staffing: published values, an independent Erlang A reference, search and validation.

Pure Python: no database and no Django settings are needed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.linalg import expm

from erhvervskontakt.capacity import erlang
from erhvervskontakt.capacity.erlang import (
    Interval,
    erlang_a,
    erlang_b,
    erlang_c,
    mmc,
    p_wait_longer_than,
    plan,
    staffing,
)

# The textbook example: 100 calls per 30 minutes, 180 s handling time, 80 % answered within 20 s.
EXAMPLE = {
    "calls": 100,
    "interval_seconds": 1800,
    "aht_seconds": 180,
    "target_seconds": 20,
    "target_level": 0.8,
}


# --- Published values -------------------------------------------------------------------------------------


def test_example_needs_14_agents():
    result = staffing(**EXAMPLE)
    assert result.model == "erlang_c"
    assert result.traffic_erlangs == pytest.approx(10.0)
    assert result.agents == 14
    assert result.p_wait == pytest.approx(0.1741, abs=5e-5)
    assert result.service_level == pytest.approx(0.888, abs=5e-4)
    assert result.asa_seconds == pytest.approx(7.84, abs=5e-3)
    assert result.occupancy == pytest.approx(10 / 14)
    assert result.p_abandon is None
    assert result.meets_targets


def test_example_with_30_percent_shrinkage_needs_20_agents():
    # 14 / 0.7 is 20.000000000000004 in floating point; it must not round up to 21.
    result = staffing(**EXAMPLE, shrinkage=0.3)
    assert result.agents == 14
    assert result.agents_with_shrinkage == 20


def test_example_with_maximum_occupancy_70_percent():
    result = staffing(**EXAMPLE, shrinkage=0.3, max_occupancy=0.70)
    assert result.agents == 15
    assert result.agents_with_shrinkage == 22
    assert result.service_level == pytest.approx(0.941, abs=5e-4)
    assert result.p_wait == pytest.approx(0.102, abs=5e-4)
    assert result.occupancy == pytest.approx(10 / 15)


def test_13_agents_miss_the_target():
    result = staffing(**EXAMPLE, agents=13)
    assert result.agents == 13
    assert result.service_level < 0.8
    assert not result.meets_targets


@pytest.mark.parametrize(("aht", "expected"), [(60, 0.0779), (80, 0.1411)])
def test_two_agents_30_calls_per_hour_wait_over_10_seconds(aht, expected):
    traffic = 30 * aht / 3600
    assert p_wait_longer_than(2, traffic, aht, 10) == pytest.approx(expected, abs=5e-5)
    via_staffing = staffing(30, 3600, aht, 10, 0.5, agents=2)
    assert 1 - via_staffing.service_level == pytest.approx(expected, abs=5e-5)


def test_erlang_b_five_erlangs_on_ten_lines():
    assert erlang_b(10, 5.0) == pytest.approx(0.0184, abs=5e-5)


def test_mmc_three_servers():
    # 300 arrivals per year, mean service 2 days, 3 servers; in days.
    result = mmc(300 / 365, 2.0, 3)
    assert result.lq == pytest.approx(0.352, abs=5e-4)
    assert result.w == pytest.approx(2.429, abs=5e-4)
    assert result.p0 == pytest.approx(0.17754, abs=5e-6)
    assert result.wq == pytest.approx(result.lq / (300 / 365))
    assert result.l == pytest.approx(result.lq + result.traffic)
    assert result.utilisation == pytest.approx(300 / 365 * 2 / 3)


def test_large_centre_does_not_overflow():
    assert erlang_c(2000, 1950.0) == pytest.approx(0.1787, abs=5e-5)
    assert 0 < erlang_b(5000, 4900.0) < 1
    assert erlang_b(3000, 10.0) == pytest.approx(0.0, abs=1e-300)  # underflows gracefully
    assert erlang_c(3000, 10.0) == pytest.approx(0.0, abs=1e-300)
    result = staffing(1950 * 10, 1800, 180, 20, 0.8)
    assert 1950 < result.agents < 2100
    assert result.meets_targets


def test_erlang_a_published_example():
    result = erlang_a(14, 100 / 1800, 180, 300, 20)
    assert result.p_wait == pytest.approx(0.1453, abs=5e-5)
    assert result.p_abandon == pytest.approx(0.0140, abs=5e-5)
    assert result.service_level == pytest.approx(0.9168, abs=5e-5)
    via_staffing = staffing(**EXAMPLE, patience_seconds=300, agents=14)
    assert via_staffing.model == "erlang_a"
    assert via_staffing.service_level == pytest.approx(result.service_level)
    assert via_staffing.p_abandon == pytest.approx(result.p_abandon)
    assert via_staffing.occupancy == pytest.approx(10 * (1 - result.p_abandon) / 14)


# --- Erlang A against an independent brute-force reference ------------------------------------------------


def _erlang_a_reference(agents, lam, aht, patience, target, queue_states=600):
    """Stationary distribution by explicit products, waiting times by matrix exponentials.

    Independent of the closed forms in the module: P(answered within t | k ahead) comes from expm of
    the tagged caller's absorbing chain, the mean answered wait from its fundamental matrix.
    """
    mu, theta = 1 / aht, 1 / patience
    size = agents + queue_states
    log_p = np.zeros(size)
    for n in range(1, size):
        death = min(n, agents) * mu + max(n - agents, 0) * theta
        log_p[n] = log_p[n - 1] + math.log(lam / death)
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    queue = p[agents:]  # arrival sees k = 0, 1, ... callers waiting
    # Tagged caller: transient states j = 0..K-1 callers ahead; absorbing "answered" and "abandoned".
    k_max = queue.size
    transient = np.zeros((k_max, k_max))
    to_answer = np.zeros(k_max)
    for j in range(k_max):
        forward = agents * mu + j * theta  # a service completion or an abandonment ahead
        transient[j, j] = -(forward + theta)
        if j == 0:
            to_answer[j] = forward
        else:
            transient[j, j - 1] = forward
    full = np.zeros((k_max + 2, k_max + 2))
    full[:k_max, :k_max] = transient
    full[:k_max, k_max] = to_answer
    full[:k_max, k_max + 1] = theta
    answered_by_t = expm(full * target)[:k_max, k_max]
    inverse = np.linalg.inv(transient)
    answered = -inverse @ to_answer
    answered_time = inverse @ inverse @ to_answer  # E[T; answered]
    free = p[:agents].sum()
    p_abandon = float(queue @ (1 - answered))
    return {
        "p_wait": float(queue.sum()),
        "p_abandon": p_abandon,
        "service_level": float(free + queue @ answered_by_t),
        "asa_seconds": float(queue @ answered_time) / (1 - p_abandon),
        "mean_wait_seconds": float((np.arange(queue.size) * queue).sum() / lam),
        "occupancy": lam * aht * (1 - p_abandon) / agents,
    }


@pytest.mark.parametrize(
    ("agents", "calls_per_hour", "aht", "patience", "target"),
    [
        (14, 200, 180, 300, 20),  # the published example
        (9, 200, 180, 60, 20),  # overloaded: fewer agents than Erlangs, abandonment keeps it stable
        (3, 20, 300, 30, 60),  # impatient callers, long target
        (14, 200, 180, 300, 0),  # target 0: answered immediately
        (20, 400, 240, 900, 30),
        (1, 5, 600, 120, 10),
    ],
)
def test_erlang_a_matches_brute_force(agents, calls_per_hour, aht, patience, target):
    lam = calls_per_hour / 3600
    expected = _erlang_a_reference(agents, lam, aht, patience, target)
    result = erlang_a(agents, lam, aht, patience, target)
    for name, value in expected.items():
        assert getattr(result, name) == pytest.approx(value, rel=1e-8, abs=1e-12), name


def test_erlang_a_approaches_erlang_c_for_very_patient_callers():
    result = erlang_a(14, 100 / 1800, 180, 1e9, 20)
    assert result.p_wait == pytest.approx(erlang_c(14, 10.0), abs=1e-5)
    assert result.service_level == pytest.approx(erlang.service_level(14, 10.0, 180, 20), abs=1e-5)
    assert result.p_abandon < 1e-5


def test_erlang_a_large_centre_is_finite():
    result = erlang_a(2000, 1950 / 180, 180, 300, 20)
    values = [result.p_wait, result.p_abandon, result.service_level, result.asa_seconds, result.occupancy]
    assert all(math.isfinite(v) for v in values)
    assert 0 < result.p_abandon < result.p_wait < 1
    assert result.service_level > 1 - result.p_wait


def test_erlang_a_without_agents_answers_nobody():
    result = staffing(**EXAMPLE, patience_seconds=300, agents=0)
    assert result.service_level == 0
    assert result.p_abandon == pytest.approx(1.0)
    assert result.asa_seconds == math.inf
    assert not result.meets_targets


# --- Staffing search --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"max_occupancy": 0.8},
        {"patience_seconds": 300},
        {"patience_seconds": 60, "max_abandon": 0.02},
        {"patience_seconds": 30, "max_abandon": 0.05, "max_occupancy": 0.85},
        {"patience_seconds": 600, "target_seconds": 0},
    ],
)
@pytest.mark.parametrize("calls", [3, 40, 100, 750, 5000])
def test_search_finds_the_smallest_sufficient_staffing(calls, extra):
    params = {**EXAMPLE, "calls": calls, **extra}
    result = staffing(**params)
    assert result.meets_targets
    below = staffing(**params, agents=result.agents - 1)
    assert not below.meets_targets
    again = staffing(**params, agents=result.agents)
    assert again.service_level == pytest.approx(result.service_level)


def test_abandonment_cap_can_drive_staffing():
    loose = staffing(**EXAMPLE, patience_seconds=60)
    strict = staffing(**EXAMPLE, patience_seconds=60, max_abandon=0.005)
    assert strict.agents > loose.agents
    assert strict.p_abandon <= 0.005


def test_no_calls_need_no_agents():
    result = staffing(0, 1800, 180, 20, 0.8, shrinkage=0.3, patience_seconds=300)
    assert result.agents == 0
    assert result.agents_with_shrinkage == 0
    assert result.service_level == 1.0
    assert result.p_abandon == 0.0


def test_agents_on_an_unstable_erlang_c_queue():
    result = staffing(**EXAMPLE, agents=10)
    assert result.p_wait == 1.0
    assert result.service_level == 0.0
    assert result.asa_seconds == math.inf
    assert result.occupancy == 1.0


def test_infinite_patience_is_erlang_c():
    assert staffing(**EXAMPLE, patience_seconds=math.inf) == staffing(**EXAMPLE)


def test_as_dict_has_the_documented_keys():
    keys = staffing(**EXAMPLE, patience_seconds=300).as_dict().keys()
    assert {
        "agents",
        "agents_with_shrinkage",
        "service_level",
        "p_wait",
        "asa_seconds",
        "occupancy",
        "traffic_erlangs",
        "p_abandon",
    } <= set(keys)


# --- Validation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"calls": -1}, "calls must not be negative"),
        ({"calls": math.nan}, "calls must be finite"),
        ({"calls": "100"}, "calls must be a number"),
        ({"interval_seconds": 0}, "interval_seconds must be greater than zero"),
        ({"aht_seconds": 0}, "aht_seconds must be greater than zero"),
        ({"target_seconds": -5}, "target_seconds must not be negative"),
        ({"target_level": 80}, "not a percentage"),
        ({"target_level": 1.0}, r"target_level must be in \[0, 1\)"),
        ({"shrinkage": 1.0}, r"shrinkage must be in \[0, 1\)"),
        ({"shrinkage": -0.1}, "shrinkage must not be negative"),
        ({"max_occupancy": 0}, r"max_occupancy must be in \(0, 1\]"),
        ({"max_occupancy": 1.2}, r"max_occupancy must be in \(0, 1\]"),
        ({"patience_seconds": 0}, "patience_seconds must be greater than zero"),
        ({"max_abandon": 0.05}, "max_abandon needs patience_seconds"),
        ({"patience_seconds": 300, "max_abandon": 0}, r"max_abandon must be in \(0, 1\]"),
        ({"agents": -1}, "agents must be zero or positive"),
        ({"agents": 2.5}, "agents must be a whole number"),
        ({"agents": True}, "agents must be a whole number"),
    ],
)
def test_nonsense_inputs_are_rejected(override, message):
    with pytest.raises(ValueError, match=message):
        staffing(**{**EXAMPLE, **override})


def test_other_functions_validate_too():
    with pytest.raises(ValueError, match="agents must be zero or positive"):
        erlang_b(-1, 5.0)
    with pytest.raises(ValueError, match="traffic must not be negative"):
        erlang_c(5, -1.0)
    with pytest.raises(ValueError, match="unstable queue"):
        mmc(2.0, 2.0, 3)
    with pytest.raises(ValueError, match="patience_seconds must be greater than zero"):
        erlang_a(3, 0.1, 60, 0)


# --- Plans ------------------------------------------------------------------------------------------------


def _same(a, b):
    """Equal staffing decisions; measures equal up to rounding (plans batch rows in other shapes)."""
    assert (a.agents, a.agents_with_shrinkage, a.model, a.meets_targets) == (
        b.agents,
        b.agents_with_shrinkage,
        b.model,
        b.meets_targets,
    )
    for name in ("traffic_erlangs", "service_level", "p_wait", "asa_seconds", "occupancy", "p_abandon"):
        if getattr(b, name) is None:
            assert getattr(a, name) is None, name
        else:
            assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-12, abs=1e-15), name


def test_plan_matches_staffing_per_interval():
    rows = [
        Interval(
            calls=c, aht_seconds=aht, target_seconds=20, target_level=0.8, patience_seconds=p, shrinkage=0.3
        )
        for c, aht, p in [
            (0, 180, 300),
            (12.5, 200, 300),
            (100, 180, None),
            (100, 180, 300),
            (12.5, 200, 300),
        ]
    ]
    results = plan(rows)
    assert len(results) == len(rows)
    for row, result in zip(rows, results, strict=True):
        _same(result, staffing(**{name: getattr(row, name) for name in erlang._INTERVAL_FIELDS}))
    assert results[0].agents == 0
    assert results[1] == results[4]


def test_plan_accepts_mappings_with_defaults():
    results = plan(
        [{"calls": 100}, {"calls": 100, "patience_seconds": 300, "agents": 14}],
        aht_seconds=180,
        target_seconds=20,
        target_level=0.8,
    )
    assert results[0].agents == 14
    assert results[1].service_level == pytest.approx(0.9168, abs=5e-5)


def test_plan_errors_name_the_interval():
    with pytest.raises(ValueError, match="interval 1: calls must not be negative"):
        plan([{"calls": 1}, {"calls": -1}], aht_seconds=180, target_seconds=20, target_level=0.8)
    with pytest.raises(ValueError, match="interval 0: missing aht_seconds"):
        plan([{"calls": 1}], target_seconds=20, target_level=0.8)
    with pytest.raises(ValueError, match="unknown plan defaults: colour"):
        plan([], colour="red")


def test_four_week_benchmark_plan_is_consistent():
    """The benchmark's plan (1,344 intervals, Erlang A) solves and every interval meets its targets."""
    import bench.capacity_plan as bench

    intervals = bench.build_intervals(scale=1.0, realistic=False)
    assert len(intervals) == 1344
    results = plan(intervals)
    assert all(result.meets_targets for result in results)
    spot = intervals[500]
    _same(results[500], staffing(**{name: getattr(spot, name) for name in erlang._INTERVAL_FIELDS}))
