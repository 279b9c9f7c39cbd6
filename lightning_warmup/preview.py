"""The schedule of many ticks at once, for plots and previews (NumPy).

Reads the cycles from the same :class:`~lightning_warmup.schedule.Timeline`
table as the scheduler and evaluates :func:`~lightning_warmup.schedule.fraction_in_cycle`,
the formula's branches, on arrays: a million ticks take milliseconds, where
stepping a scheduler a million times takes seconds.

Examples:
    >>> from lightning_warmup.config import ScheduleConfig
    >>> config = ScheduleConfig(warmup_steps=2, total_steps=6, warmup_factor=0.0)
    >>> lr_curve(Timeline(config.shape()), config.levels([1.0])[0], range(8)).round(4).tolist()
    [0.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from lightning_warmup.schedule import HOLD, WARMUP, Levels, Timeline, fraction_in_cycle

__all__ = ["Timeline", "lr_curve"]


def lr_curve(timeline: Timeline, levels: Levels, ticks: Iterable[int] | NDArray[np.int64]) -> NDArray[np.float64]:
    """The LR of one param group at every tick in ``ticks`` (non-negative integers), equal to the scheduler's.

    Args:
        timeline: the schedule's lengths and cycles.
        levels: the param group's peak, floor and warmup start.
        ticks: the ticks to evaluate.

    Returns:
        A float64 array shaped like ``ticks``.
    """
    t = np.asarray(ticks if isinstance(ticks, np.ndarray) else list(ticks), dtype=np.int64)
    if t.size == 0:
        return np.zeros(t.shape)
    shape = timeline.shape
    if shape.cycle_steps is None and shape.anneal_tick is None and shape.total_steps is not None:
        return _one_cycle(timeline, levels, t)
    cycles = timeline.cycles_through(int(t.max()))
    starts = np.array([c.start for c in cycles])
    at = np.searchsorted(starts, t, side="right") - 1
    last = cycles[-1]
    index = np.array([c.index for c in cycles])[at]
    start = starts[at]
    if shape.cycle_steps is not None:  # ticks past the listed cycles fall in repeats of the last one
        period = last.end - last.start
        beyond = (t - last.start) // period
        tail = t >= last.start
        index = np.where(tail, last.index + beyond, index)
        start = np.where(tail, last.start + beyond * period, start)
    table = {name: np.array([getattr(c, name) for c in cycles])[at] for name in ("warmup", "hold", "anneal")}
    phase, fraction = fraction_in_cycle(
        shape,
        t.astype(np.float64),
        (t - start).astype(np.float64),
        table["warmup"],
        table["hold"],
        table["anneal"],
        ops=np,
    )
    peak = np.where(
        index == 0, levels.peak, np.maximum(levels.peak * shape.cycle_decay ** index.astype(np.float64), levels.floor)
    )
    warmup_start = (
        (levels.warmup_factor or 0.0) * peak
        if levels.warmup_start_lr is None
        else np.minimum(levels.warmup_start_lr, peak)
    )
    low = np.where(phase == WARMUP, warmup_start, levels.floor)
    lr = np.where(phase == HOLD, peak, low + (peak - low) * fraction)
    if shape.total_steps is not None:
        lr = np.where(t >= shape.total_steps, levels.floor, lr)
    return np.asarray(lr, dtype=np.float64)


def _one_cycle(timeline: Timeline, levels: Levels, t: NDArray[np.int64]) -> NDArray[np.float64]:
    """:func:`lr_curve` for one cycle without a stretch: a few passes over the ticks instead of a cycle table."""
    shape = timeline.shape
    total = shape.total_steps
    assert total is not None
    warmup, hold_end = shape.warmup_steps, shape.warmup_steps + shape.hold_steps
    anneal = timeline.cycle_at(0).anneal
    peak, floor = levels.peak, levels.floor
    start = levels.start(peak)
    # floor + (peak - floor) * ((1 + cos(pi * ((t - hold_end) / anneal))) / 2) in place, in the scheduler's
    # order of operations (near the floor, 1 + cos cancels: another order would differ in the last digits).
    lrs = np.subtract(t, hold_end, dtype=np.float64)
    lrs /= anneal
    lrs *= np.pi
    np.cos(lrs, out=lrs)
    lrs += 1
    lrs /= 2
    lrs *= peak - floor
    lrs += floor
    if hold_end > 0:
        lrs[t < hold_end] = peak
    if warmup > 0:
        rising = t < warmup
        ramp = warmup - 1 if shape.warmup_inclusive else warmup
        lrs[rising] = start + (peak - start) * (t[rising] / ramp if ramp > 0 else 1.0)
    lrs[t >= total] = floor
    return lrs
