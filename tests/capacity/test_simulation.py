"""The SimPy simulation agrees with Erlang C and Erlang A.

The statistical tests run independent replications and accept a formula value when it lies within
4 standard errors of the replication mean (standard error = sample standard deviation across
replications / sqrt(replications)). With 16 replications that is a t-test at roughly the 0.1 % level
per comparison; the runs are seeded, so the outcome is reproducible. Each test also checks that the
standard error is small enough for the comparison to be able to catch a wrong formula.
"""

from __future__ import annotations

import pytest

from erhvervskontakt.capacity.erlang import erlang_a, staffing
from erhvervskontakt.capacity.simulation import replicate, simulate

REPLICATIONS = 16
INTERVALS_PER_RUN = 150  # 150 x 30 minutes of measured arrivals per replication
Z = 4.0


def _check(summary, expected: dict[str, float], max_standard_error: dict[str, float]) -> None:
    for name, value in expected.items():
        mean = summary.mean[name]
        error = summary.standard_error[name]
        assert error <= max_standard_error[name], f"{name}: standard error {error:.4g} too large to be a test"
        assert abs(mean - value) <= Z * error, (
            f"{name}: simulated {mean:.5f} +/- {error:.5f} (1 s.e.) vs formula {value:.5f}"
        )


@pytest.mark.slow
def test_simulation_agrees_with_erlang_c():
    formula = staffing(100, 1800, 180, 20, 0.8, agents=14)
    summary = replicate(
        REPLICATIONS, 100, 1800, 180, 14, 20, duration_seconds=INTERVALS_PER_RUN * 1800, seed=20240501
    )
    assert summary.mean["p_abandon"] == 0
    _check(
        summary,
        {
            "service_level": formula.service_level,
            "p_wait": formula.p_wait,
            "asa_seconds": formula.asa_seconds,
            "occupancy": formula.occupancy,
        },
        {"service_level": 0.006, "p_wait": 0.006, "asa_seconds": 1.0, "occupancy": 0.004},
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("agents", "patience"),
    [
        (14, 300),  # the published Erlang A example
        (9, 60),  # overloaded (9 agents for 10 Erlangs), impatient callers
    ],
)
def test_simulation_agrees_with_erlang_a(agents, patience):
    formula = erlang_a(agents, 100 / 1800, 180, patience, 20)
    summary = replicate(
        REPLICATIONS,
        100,
        1800,
        180,
        agents,
        20,
        patience,
        duration_seconds=INTERVALS_PER_RUN * 1800,
        seed=20240502 + agents,
    )
    _check(
        summary,
        {
            "service_level": formula.service_level,
            "p_wait": formula.p_wait,
            "p_abandon": formula.p_abandon,
            "asa_seconds": formula.asa_seconds,
            "occupancy": formula.occupancy,
        },
        {"service_level": 0.006, "p_wait": 0.006, "p_abandon": 0.003, "asa_seconds": 0.5, "occupancy": 0.004},
    )


def test_simulation_is_reproducible_with_a_seed():
    first = simulate(100, 1800, 180, 14, 20, 300, duration_seconds=3 * 1800, warmup_seconds=0, rng=7)
    second = simulate(100, 1800, 180, 14, 20, 300, duration_seconds=3 * 1800, warmup_seconds=0, rng=7)
    third = simulate(100, 1800, 180, 14, 20, 300, duration_seconds=3 * 1800, warmup_seconds=0, rng=8)
    assert first == second
    assert first != third
    assert first.calls == first.answered + first.abandoned
    assert 0 <= first.service_level <= 1 - first.p_abandon


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 1800, 180, 14, 20), "must be greater than zero"),
        ((100, 1800, 180, 0, 20), "agents must be a whole number of at least 1"),
        ((100, 1800, 180, 10, 20), "unstable queue"),
        ((100, 1800, 180, 14, -1), "target_seconds must not be negative"),
        ((100, 1800, 180, 14, 20, 0), "patience_seconds must be greater than zero"),
    ],
)
def test_simulation_rejects_nonsense(args, message):
    with pytest.raises(ValueError, match=message):
        simulate(*args)


def test_replicate_needs_two_runs():
    with pytest.raises(ValueError, match="at least 2 replications"):
        replicate(1, 100, 1800, 180, 14, 20)
