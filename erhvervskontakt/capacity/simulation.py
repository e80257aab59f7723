"""Discrete-event simulation of a contact-centre queue, to check the Erlang formulas.

The model is the one the formulas assume: Poisson arrivals, exponential handling times, ``agents``
identical agents serving one first-come-first-served queue and, optionally, exponentially distributed
patience after which a waiting caller hangs up. Measured quantities use the same definitions as
:mod:`erhvervskontakt.capacity.erlang`:

* service level: share of all arriving callers answered within ``target_seconds`` (abandoned callers
  count as not answered; without patience nobody abandons, so this is Erlang C's P(wait <= t));
* p_wait: share of arriving callers who found every agent busy;
* asa_seconds: mean wait of answered callers, zero waits included;
* p_abandon: share of arriving callers who hung up before being answered;
* occupancy: busy agent time / available agent time.

Only callers arriving after a warm-up period are measured (the system starts empty), and the run
continues after the last arrival until everyone measured has been answered or has hung up, so no
measured caller is censored. Random numbers come from a seedable :class:`numpy.random.Generator`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np
import simpy

__all__ = ["ReplicationSummary", "SimulationResult", "replicate", "simulate"]

# Random numbers are drawn in blocks: one numpy call per block instead of one per caller.
_BLOCK = 4096


@dataclass(frozen=True)
class SimulationResult:
    """Measurements of one simulation run (see the module docstring for the definitions)."""

    calls: int
    answered: int
    abandoned: int
    service_level: float
    p_wait: float
    asa_seconds: float
    p_abandon: float
    occupancy: float


@dataclass(frozen=True)
class ReplicationSummary:
    """Independent replications of :func:`simulate` with the mean and standard error of each measure.

    ``standard_error[name]`` is the sample standard deviation across replications divided by
    sqrt(replications), the right yardstick for comparing the mean with a formula value.
    """

    runs: tuple[SimulationResult, ...]
    mean: dict[str, float]
    standard_error: dict[str, float]


def _exponentials(rng: np.random.Generator, scale: float) -> Iterator[float]:
    """Endless stream of exponential variates with mean ``scale``."""
    while True:
        yield from rng.exponential(scale, _BLOCK).tolist()


def simulate(
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    agents: int,
    target_seconds: float,
    patience_seconds: float | None = None,
    *,
    duration_seconds: float | None = None,
    warmup_seconds: float | None = None,
    rng: np.random.Generator | int | None = None,
) -> SimulationResult:
    """Simulate the queue with ``calls`` per ``interval_seconds`` offered to ``agents`` agents.

    ``duration_seconds`` (default 50 intervals) is the measured arrival window after a warm-up of
    ``warmup_seconds`` (default 4 intervals, ample for the queue to forget its empty start at
    contact-centre loads). ``rng`` is a Generator or a seed. Raises ValueError for nonsense input,
    including an unstable queue without patience (it would never reach a steady state).
    """
    if calls <= 0 or interval_seconds <= 0 or aht_seconds <= 0:
        raise ValueError("calls, interval_seconds and aht_seconds must be greater than zero")
    if isinstance(agents, bool) or not isinstance(agents, int | np.integer) or agents < 1:
        raise ValueError(f"agents must be a whole number of at least 1, got {agents!r}")
    if target_seconds < 0:
        raise ValueError("target_seconds must not be negative")
    if patience_seconds is not None and not patience_seconds > 0:
        raise ValueError("patience_seconds must be greater than zero (or None for no abandonment)")
    traffic = calls * aht_seconds / interval_seconds
    if patience_seconds is None and agents <= traffic:
        raise ValueError(f"unstable queue: {agents} agents for {traffic:.3g} Erlangs and no abandonment")
    duration = 50.0 * interval_seconds if duration_seconds is None else float(duration_seconds)
    warmup = 4.0 * interval_seconds if warmup_seconds is None else float(warmup_seconds)
    if duration <= 0 or warmup < 0:
        raise ValueError("duration_seconds must be positive and warmup_seconds not negative")
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)

    start, end = warmup, warmup + duration
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=int(agents))
    gaps = _exponentials(generator, interval_seconds / calls)
    services = _exponentials(generator, aht_seconds)
    patiences = _exponentials(generator, patience_seconds) if patience_seconds is not None else None

    tally = {"calls": 0, "answered": 0, "abandoned": 0, "waited": 0, "within": 0}
    waits_answered: list[float] = []
    busy = [0.0]

    def caller(env: simpy.Environment) -> Iterator[simpy.Event]:
        arrived = env.now
        measured = start <= arrived < end
        found_busy = desk.count >= desk.capacity
        with desk.request() as request:
            if patiences is None or not found_busy:
                # A caller who finds a free agent is answered at once and cannot hang up; no patience
                # timer, so no stale timeout event is left to fire later (a third of the run time).
                yield request
            else:
                outcome = yield request | env.timeout(next(patiences))
                if request not in outcome:
                    # Hung up while waiting; leaving the `with` block withdraws the request.
                    if measured:
                        tally["calls"] += 1
                        tally["waited"] += 1
                        tally["abandoned"] += 1
                    return
            wait = env.now - arrived
            if measured:
                tally["calls"] += 1
                tally["answered"] += 1
                tally["waited"] += found_busy
                tally["within"] += wait <= target_seconds
                waits_answered.append(wait)
            began = env.now
            yield env.timeout(next(services))
            # Agent time is counted only inside the measured window, whoever the caller was.
            busy[0] += max(0.0, min(env.now, end) - max(began, start))

    def arrivals(env: simpy.Environment) -> Iterator[simpy.Event]:
        while True:
            yield env.timeout(next(gaps))
            if env.now >= end:
                return
            env.process(caller(env))

    env.process(arrivals(env))
    env.run()  # until the last caller has been served or has hung up

    measured_calls = tally["calls"]
    if measured_calls == 0:
        raise ValueError("no calls arrived in the measured window; lengthen duration_seconds")
    return SimulationResult(
        calls=measured_calls,
        answered=tally["answered"],
        abandoned=tally["abandoned"],
        service_level=tally["within"] / measured_calls,
        p_wait=tally["waited"] / measured_calls,
        asa_seconds=float(np.mean(waits_answered)) if waits_answered else math.inf,
        p_abandon=tally["abandoned"] / measured_calls,
        occupancy=busy[0] / (agents * duration),
    )


def replicate(
    replications: int,
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    agents: int,
    target_seconds: float,
    patience_seconds: float | None = None,
    *,
    duration_seconds: float | None = None,
    warmup_seconds: float | None = None,
    seed: int | None = None,
) -> ReplicationSummary:
    """Run ``replications`` independent simulations and summarise them.

    Each run gets its own stream from ``numpy.random.SeedSequence(seed).spawn``, so runs are
    independent and the whole summary is reproducible from ``seed``.
    """
    if replications < 2:
        raise ValueError("at least 2 replications are needed for a standard error")
    streams = np.random.SeedSequence(seed).spawn(replications)
    runs = tuple(
        simulate(
            calls,
            interval_seconds,
            aht_seconds,
            agents,
            target_seconds,
            patience_seconds,
            duration_seconds=duration_seconds,
            warmup_seconds=warmup_seconds,
            rng=np.random.default_rng(stream),
        )
        for stream in streams
    )
    names = [field.name for field in fields(SimulationResult) if field.type == "float"]
    mean: dict[str, float] = {}
    standard_error: dict[str, float] = {}
    for name in names:
        values = np.array([getattr(run, name) for run in runs], dtype=float)
        mean[name] = float(values.mean())
        standard_error[name] = float(values.std(ddof=1) / math.sqrt(len(values)))
    return ReplicationSummary(runs=runs, mean=mean, standard_error=standard_error)
