"""The warmup + cosine schedule as a pure function of the tick count.

This module is the single place where the formula lives. It imports only the
standard library; :mod:`lightning_warmup.preview` evaluates the very same
function on NumPy arrays for plots, and :class:`~lightning_warmup.WarmupCosLR`
evaluates it on plain integers.

Within one cycle, with peak ``P``, floor ``m``, warmup start ``S``, warmup ``W``
ticks and an annealing part of ``A`` ticks, the LR at tick ``tau`` of the cycle is

.. math::

    \\mathrm{lr}(\\tau) =
    \\begin{cases}
      S + (P - S)\\,\\tau / W            & \\tau < W \\text{ (exclusive warmup)} \\\\
      S + (P - S)\\,\\tau / (W - 1)      & \\tau < W \\text{ (inclusive warmup; } W = 1: P) \\\\
      m + (P - m)\\,\\bigl(1 + \\cos(\\pi (\\tau - W) / A)\\bigr) / 2 & W \\le \\tau
    \\end{cases}

Without restarts there is one cycle with ``A = T - W``. From ``t = T`` on the LR
stays at ``m``. With restarts, cycle ``k`` peaks at ``max(P * decay**k, m)``, warms
up again when ``cycle_warmup`` is set, and its annealing part is
``floor(A_{k-1} * mult)``.

Examples:
    >>> curve = Curve(peak=1.0, floor=0.0, warmup_steps=2, total_steps=6, warmup_factor=0.1)
    >>> [round(curve.lr_at(t), 4) for t in range(8)]
    [0.1, 0.55, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Curve", "Cycle", "cycle_phase", "lr_in_cycle", "lrs_at"]


class _MinMax:
    """``maximum`` and ``minimum`` for Python numbers, named as NumPy names them."""

    maximum = staticmethod(max)
    minimum = staticmethod(min)


def cycle_phase(tau: Any, warmup: Any, anneal: Any, inclusive: bool, ops: Any = None) -> tuple[Any, Any]:
    """Where tick ``tau`` of a cycle stands: ``(in_warmup, fraction)``.

    ``fraction`` is how far the LR is from its low end (``S`` in warmup, ``m``
    after) towards the peak: ``tau / W`` (or ``tau / (W - 1)``, inclusive) in
    warmup, ``(1 + cos(pi * (tau - W) / A)) / 2`` after. It does not depend on
    the param group, so a scheduler computes it once per tick for all groups.

    Args:
        tau: ticks since the cycle started, ``>= 0`` (an int, or an array with ``ops=numpy``).
        warmup: warmup ticks of this cycle, ``W``.
        anneal: annealing ticks of this cycle, ``A >= 1``.
        inclusive: whether the last warmup tick already reaches the peak.
        ops: ``None`` for Python numbers, or ``numpy`` to evaluate arrays.

    Examples:
        >>> cycle_phase(1, warmup=4, anneal=10, inclusive=False)
        (True, 0.25)
        >>> cycle_phase(9, warmup=4, anneal=10, inclusive=False)
        (False, 0.5)
    """
    ramp_ticks = warmup - 1 if inclusive else warmup
    if ops is None:  # one number: evaluate only the branch that applies
        if tau < warmup:
            return True, (tau / ramp_ticks if ramp_ticks > 0 else 1.0)
        return False, (1 + math.cos(math.pi * (tau - warmup) / anneal)) / 2
    in_warmup = tau < warmup
    # An inclusive warmup of one tick is the peak itself; maximum() only keeps
    # the division defined where that branch is not taken.
    ramp = ops.where(ramp_ticks > 0, tau / ops.maximum(ramp_ticks, 1), 1.0)
    cosine = (1 + ops.cos(math.pi * ops.maximum(tau - warmup, 0) / anneal)) / 2
    return in_warmup, ops.where(in_warmup, ramp, cosine)


def lr_in_cycle(
    tau: Any,
    warmup: Any,
    anneal: Any,
    peak: Any,
    floor: Any,
    start: Any,
    inclusive: bool,
    ops: Any = None,
) -> Any:
    """The LR at tick ``tau`` of one cycle (the formula of the module docstring).

    Works on Python numbers (``ops=None``) and on NumPy arrays (``ops=numpy``):
    every argument but ``inclusive`` may then be an array.

    Args:
        tau: ticks since the cycle started, ``>= 0``.
        warmup: warmup ticks of this cycle, ``W``.
        anneal: annealing ticks of this cycle, ``A >= 1``.
        peak: the cycle's peak ``P``.
        floor: the floor ``m``.
        start: the LR the warmup starts from, ``S``.
        inclusive: whether the last warmup tick already reaches the peak.
        ops: ``None`` for numbers, or ``numpy``.

    Returns:
        The LR, a float or an array shaped like ``tau``.

    Examples:
        >>> lr_in_cycle(tau=1, warmup=4, anneal=10, peak=1.0, floor=0.0, start=0.0, inclusive=False)
        0.25
        >>> lr_in_cycle(tau=9, warmup=4, anneal=10, peak=1.0, floor=0.0, start=0.0, inclusive=False)
        0.5
    """
    in_warmup, fraction = cycle_phase(tau, warmup, anneal, inclusive, ops)
    low = (start if in_warmup else floor) if ops is None else ops.where(in_warmup, start, floor)
    return low + (peak - low) * fraction


@dataclass(frozen=True)
class Cycle:
    """Where one cycle sits on the tick axis.

    Attributes:
        index: cycle number ``k``, from 0.
        start: first tick of the cycle.
        warmup: warmup ticks of the cycle.
        anneal: annealing ticks of the cycle.
    """

    index: int
    start: int
    warmup: int
    anneal: int

    @property
    def end(self) -> int:
        """First tick after the cycle."""
        return self.start + self.warmup + self.anneal


@dataclass(frozen=True)
class Curve:
    """One param group's schedule, every length in ticks.

    Exactly one of ``warmup_factor`` and ``warmup_start_lr`` is set. Inputs are
    trusted: :mod:`lightning_warmup.config` validates and resolves user settings
    into curves.

    Attributes:
        peak: peak LR of the first cycle.
        floor: the floor, reached at the end and held for ever after.
        warmup_steps: warmup ticks ``W``.
        total_steps: ticks in the whole schedule, warmup included; ``None`` for
            endless restarts.
        warmup_factor: warmup starts at this fraction of the cycle's peak.
        warmup_start_lr: warmup starts at this absolute LR (capped at the cycle's peak).
        warmup_inclusive: the last warmup tick ``W - 1`` is already at the peak.
        cycle_steps: ticks of the first cycle, its warmup included; ``None``: one cycle.
        cycle_mult: each annealing part is the previous one times this, rounded down.
        cycle_decay: each cycle's peak is the previous one times this.
        cycle_warmup: every cycle warms up again (else only the first).
    """

    peak: float
    floor: float
    warmup_steps: int
    total_steps: int | None
    warmup_factor: float | None = None
    warmup_start_lr: float | None = None
    warmup_inclusive: bool = False
    cycle_steps: int | None = None
    cycle_mult: float = 1.0
    cycle_decay: float = 1.0
    cycle_warmup: bool = True
    _cycles: list[Cycle] = field(default_factory=list, init=False, repr=False, compare=False)

    def cycle_at(self, t: int) -> Cycle:
        """The cycle that tick ``t`` falls in.

        Cycles are listed once, as far as ``t`` needs; once every later cycle has
        the same length the rest is arithmetic, so the lookup is a bisection.

        Examples:
            >>> Curve(1.0, 0.0, 2, None, warmup_factor=0.0, cycle_steps=10, cycle_mult=2.0).cycle_at(25)
            Cycle(index=1, start=10, warmup=2, anneal=16)
        """
        if self.cycle_steps is None:
            assert self.total_steps is not None  # guaranteed by config validation
            return Cycle(0, 0, self.warmup_steps, self.total_steps - self.warmup_steps)
        cycles = self._cycles
        if not cycles:
            cycles.append(Cycle(0, 0, self.warmup_steps, self.cycle_steps - self.warmup_steps))
        while cycles[-1].end <= t:
            last = cycles[-1]
            anneal = math.floor(last.anneal * self.cycle_mult)
            warmup = self.warmup_steps if self.cycle_warmup else 0
            if last.index > 0 and anneal == last.anneal:
                # Every later cycle repeats this one: jump straight to t.
                period = last.warmup + last.anneal
                skipped = (t - last.start) // period
                return Cycle(last.index + skipped, last.start + skipped * period, last.warmup, last.anneal)
            if anneal < 1:
                raise ValueError(
                    f"cycle {last.index + 1} would have no annealing ticks (cycle_mult={self.cycle_mult}); "
                    "this is rejected at construction unless total_steps ends the schedule first"
                )
            cycles.append(Cycle(last.index + 1, last.end, warmup, anneal))
        starts = [cycle.start for cycle in cycles]
        return cycles[bisect.bisect_right(starts, t) - 1]

    def listed_cycles(self, t: int) -> list[Cycle]:
        """The cycles from the first to the one holding tick ``t``; every cycle after the
        last listed one repeats it (used to evaluate many ticks at once)."""
        self.cycle_at(t)
        return list(self._cycles) if self.cycle_steps is not None else [self.cycle_at(t)]

    def cycle_peak(self, index: Any, ops: Any = _MinMax) -> Any:
        """Peak of cycle ``index``: ``peak * cycle_decay**index``, never below the floor."""
        return ops.maximum(self.peak * self.cycle_decay**index, self.floor)

    def cycle_start_lr(self, peak: Any, ops: Any = _MinMax) -> Any:
        """The LR a warmup towards ``peak`` starts from."""
        if self.warmup_start_lr is None:
            assert self.warmup_factor is not None  # guaranteed by config validation
            return self.warmup_factor * peak
        return ops.minimum(self.warmup_start_lr, peak)

    def lr_at(self, t: int) -> float:
        """The LR at tick ``t`` (``t >= 0``).

        Examples:
            >>> curve = Curve(peak=1e-3, floor=1e-5, warmup_steps=3, total_steps=25,
            ...               warmup_factor=1 / 3, warmup_inclusive=True)
            >>> [f"{curve.lr_at(t):.2e}" for t in (0, 1, 2, 3, 25, 10**6)]
            ['3.33e-04', '6.67e-04', '1.00e-03', '1.00e-03', '1.00e-05', '1.00e-05']
        """
        return lrs_at((self,), t)[0]


def lrs_at(curves: Sequence[Curve], t: int) -> list[float]:
    """The LR of every curve at tick ``t``; the curves must share their lengths (one optimizer's groups).

    The phase of the tick is computed once and each group's peak, floor and
    start are applied to it: this is what a scheduler evaluates per step.

    Examples:
        >>> groups = [Curve(1.0, 0.0, 2, 6, warmup_factor=0.0), Curve(0.5, 0.1, 2, 6, warmup_factor=0.0)]
        >>> lrs_at(groups, 1), lrs_at(groups, 6)
        ([0.5, 0.25], [0.0, 0.1])
    """
    first = curves[0]
    if first.total_steps is not None and t >= first.total_steps:
        return [curve.floor for curve in curves]
    if first.cycle_steps is None:
        index, tau, warmup, anneal = 0, t, first.warmup_steps, first.total_steps - first.warmup_steps  # type: ignore[operator]
    else:
        cycle = first.cycle_at(t)
        index, tau, warmup, anneal = cycle.index, t - cycle.start, cycle.warmup, cycle.anneal
    in_warmup, fraction = cycle_phase(tau, warmup, anneal, first.warmup_inclusive)
    lrs = []
    for curve in curves:
        peak = curve.peak if index == 0 else curve.cycle_peak(index)
        low = curve.cycle_start_lr(peak) if in_warmup else curve.floor
        lrs.append(low + (peak - low) * fraction)
    return lrs
