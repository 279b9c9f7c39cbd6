"""The schedule of many ticks at once, for plots and previews (NumPy).

Evaluates :func:`lightning_warmup.schedule.lr_in_cycle`, the one formula, on
arrays: a million ticks take milliseconds, where stepping a scheduler a million
times takes seconds.

Examples:
    >>> from lightning_warmup.config import ScheduleConfig
    >>> (curve,) = ScheduleConfig(warmup_steps=2, total_steps=6, warmup_factor=0.0).curves([1.0])
    >>> lr_curve(curve, range(8)).round(4).tolist()
    [0.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from lightning_warmup.schedule import Curve, lr_in_cycle

__all__ = ["lr_curve"]


def lr_curve(curve: Curve, ticks: Iterable[int] | np.ndarray) -> np.ndarray:
    """The LR of ``curve`` at every tick in ``ticks`` (non-negative integers), equal to ``curve.lr_at``.

    Args:
        curve: one param group's schedule.
        ticks: the ticks to evaluate.

    Returns:
        A float64 array shaped like ``ticks``.
    """
    t = np.asarray(ticks if isinstance(ticks, np.ndarray) else list(ticks), dtype=np.int64)
    if t.size == 0:
        return np.zeros(t.shape)
    if curve.cycle_steps is None:  # one cycle: no cycle lookup needed
        total = curve.total_steps
        assert total is not None  # guaranteed by config validation
        lr = lr_in_cycle(t.astype(np.float64), curve.warmup_steps, total - curve.warmup_steps, curve.peak,
                         curve.floor, curve.cycle_start_lr(curve.peak), curve.warmup_inclusive, ops=np)
        return np.where(t >= total, curve.floor, lr)
    cycles = curve.listed_cycles(int(t.max()))
    starts = np.array([c.start for c in cycles])
    at = np.searchsorted(starts, t, side="right") - 1
    last = cycles[-1]
    period = last.warmup + last.anneal
    # Ticks past the listed cycles fall in repeats of the last one.
    beyond = (t - last.start) // period
    tail = t >= last.start
    index = np.where(tail, last.index + beyond, np.array([c.index for c in cycles])[at])
    start = np.where(tail, last.start + beyond * period, starts[at])
    warmup = np.array([c.warmup for c in cycles])[at]
    anneal = np.array([c.anneal for c in cycles])[at]
    peak = curve.cycle_peak(index.astype(np.float64), ops=np)
    lr = lr_in_cycle((t - start).astype(np.float64), warmup, anneal, peak, curve.floor,
                     curve.cycle_start_lr(peak, ops=np), curve.warmup_inclusive, ops=np)
    if curve.total_steps is not None:
        lr = np.where(t >= curve.total_steps, curve.floor, lr)
    return np.asarray(lr, dtype=np.float64)
