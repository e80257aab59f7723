""" "Check by simulation": run the SimPy model of the queue for chosen slots, within a fixed budget.

The simulation makes the same assumptions as the formulas (calls arrive at random at a steady rate
through the half hour, exponential handling times and patience), so it checks the arithmetic of the
plan, not the forecast. Each slot gets an equal share of a budget of simulated calls, split over
independent replications; the whole check stops at a wall-clock limit, so a request never runs long.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from erhvervskontakt.capacity.erlang import StaffingResult, staffing
from erhvervskontakt.capacity.planning import SLOT_SECONDS, Slot, Targets
from erhvervskontakt.capacity.simulation import replicate

# 1.96 standard errors: a 95 % confidence interval for the replication mean.
Z95 = 1.96
MIN_REPLICATIONS = 4
MAX_REPLICATIONS = 10
MAX_INTERVALS_PER_RUN = 200.0
MEASURES = ("service_level", "p_wait", "p_abandon", "asa_seconds", "occupancy")


@dataclass
class CheckRow:
    slot: Slot
    agents: int
    formula: StaffingResult
    mean: dict[str, float]
    half_width: dict[str, float]
    replications: int
    simulated_calls: int

    def agrees(self, name: str) -> bool:
        """Whether the formula value lies inside the simulation's 95 % interval (with a small slack)."""
        value = getattr(self.formula, name)
        if value is None or not math.isfinite(value):
            return False
        slack = 0.002 if name != "asa_seconds" else 0.2
        return abs(self.mean[name] - value) <= self.half_width[name] + slack


@dataclass
class SimulationCheck:
    staff: str  # "planned" or "required"
    rows: list[CheckRow] = field(default_factory=list)
    skipped: list[tuple[Slot, str]] = field(default_factory=list)
    seconds: float = 0.0
    stopped_early: bool = False


def _agents(slot: Slot, staff: str) -> int | None:
    if staff == "planned":
        return slot.on_phones
    return slot.required.agents


def check_by_simulation(
    slots: list[Slot],
    targets: Targets,
    *,
    staff: str,
    max_calls: int,
    max_seconds: float,
    seed: int = 0,
) -> SimulationCheck:
    """Simulate every slot with calls; ``staff`` picks planned (on the phones) or required agents.

    Slots without calls, without agents, or (Erlang C) with fewer agents than the load are reported
    as skipped with the reason, as are slots left when ``max_seconds`` has passed.
    """
    from django.utils.translation import gettext as _

    result = SimulationCheck(staff=staff)
    busy = [slot for slot in slots if slot.busy]
    started = time.perf_counter()
    budget = max_calls / max(1, len(busy))
    for number, slot in enumerate(busy):
        if time.perf_counter() - started > max_seconds:
            result.stopped_early = True
            result.skipped.extend((rest, _("time limit reached")) for rest in busy[number:])
            break
        agents = _agents(slot, staff)
        if agents is None:
            result.skipped.append((slot, _("no planned agents")))
            continue
        if agents < 1:
            result.skipped.append((slot, _("no agents on the phones")))
            continue
        traffic = slot.calls * targets.aht_seconds / SLOT_SECONDS
        if targets.patience_seconds is None and agents <= traffic:
            result.skipped.append((slot, _("too few agents: without hang-ups the queue grows without end")))
            continue
        formula = staffing(
            calls=slot.calls,
            interval_seconds=SLOT_SECONDS,
            aht_seconds=targets.aht_seconds,
            target_seconds=targets.target_seconds,
            target_level=targets.service_level,
            patience_seconds=targets.patience_seconds,
            agents=agents,
        )
        # One interval of warm-up per run; the rest of the budget is measured arrivals.
        replications = int(min(MAX_REPLICATIONS, max(MIN_REPLICATIONS, budget // 2000)))
        intervals = budget / replications / slot.calls - 1.0
        intervals = min(MAX_INTERVALS_PER_RUN, max(1.0, intervals))
        summary = replicate(
            replications,
            slot.calls,
            SLOT_SECONDS,
            targets.aht_seconds,
            agents,
            targets.target_seconds,
            targets.patience_seconds,
            duration_seconds=intervals * SLOT_SECONDS,
            warmup_seconds=SLOT_SECONDS,
            seed=seed + number,
        )
        result.rows.append(
            CheckRow(
                slot=slot,
                agents=agents,
                formula=formula,
                mean={name: summary.mean[name] for name in MEASURES},
                half_width={name: Z95 * summary.standard_error[name] for name in MEASURES},
                replications=replications,
                simulated_calls=sum(run.calls for run in summary.runs),
            )
        )
    result.seconds = time.perf_counter() - started
    return result
