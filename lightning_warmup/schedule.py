"""The warmup + hold + cosine schedule as a pure function of the tick count.

This module is the single place where the formula lives; it imports only the
standard library. A schedule is a :class:`Timeline` (the lengths, shared by
every param group of an optimizer, with one table of its cycles) and one
:class:`Levels` per param group (peak, floor, warmup start). The scheduler
evaluates :func:`lrs_at` on one tick; :mod:`lightning_warmup.preview` evaluates
:meth:`Timeline.cycles_through` and :func:`fraction_in_cycle` on NumPy arrays.

Within one cycle, with peak ``P``, floor ``m``, warmup start ``S``, warmup ``W``,
hold ``H`` and an annealing part of ``A`` ticks, the LR at tick ``tau`` of the
cycle is

.. math::

    \\mathrm{lr}(\\tau) =
    \\begin{cases}
      S + (P - S)\\,\\tau / W            & \\tau < W \\text{ (exclusive warmup)} \\\\
      S + (P - S)\\,\\tau / (W - 1)      & \\tau < W \\text{ (inclusive warmup; } W = 1: P) \\\\
      P                                 & W \\le \\tau < W + H \\\\
      m + (P - m)\\,\\bigl(1 + \\cos(\\pi p)\\bigr) / 2,\\ p = (\\tau - W - H) / A & W + H \\le \\tau
    \\end{cases}

Without restarts there is one cycle with ``A = T - W - H``; from ``t = T`` on
the LR stays at ``m``. A resumed run that stretches its plan (API.md 5.2) moves
the cosine's progress linearly from ``p0`` at tick ``c0`` to 1 at ``T``. With
restarts, cycle ``k`` peaks at ``max(P * decay**k, m)``; a cycle that warms up
also holds, and its annealing part is ``floor(A_{k-1} * mult)``.

Examples:
    >>> timeline = Timeline(Shape(warmup_steps=2, hold_steps=1, total_steps=7))
    >>> levels = [Levels(peak=1.0, floor=0.0, warmup_factor=0.1)]
    >>> [round(lrs_at(timeline, levels, t)[0], 4) for t in range(9)]
    [0.1, 0.55, 1.0, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from lightning_warmup.errors import SettingError

__all__ = [
    "ANNEAL",
    "HOLD",
    "WARMUP",
    "Cycle",
    "Levels",
    "Shape",
    "Timeline",
    "cosine_progress",
    "fraction_in_cycle",
    "lr_function",
    "lrs_at",
]

WARMUP: Final = 0
HOLD: Final = 1
ANNEAL: Final = 2


@dataclass(frozen=True)
class Shape:
    """The lengths of a schedule in ticks and how its cycles repeat: what every param group shares.

    Inputs are trusted: :mod:`lightning_warmup.config` validates user settings.

    Attributes:
        warmup_steps: warmup ticks ``W``.
        hold_steps: ticks ``H`` at the peak after the warmup.
        total_steps: ticks in the whole schedule; ``None`` for endless restarts.
        warmup_inclusive: the last warmup tick ``W - 1`` is already at the peak.
        cycle_steps: ticks of the first cycle, warmup and hold included; ``None``: one cycle.
        cycle_mult: each annealing part is the previous one times this, rounded down.
        cycle_decay: each cycle's peak is the previous one times this.
        cycle_warmup: every cycle warms up and holds again (else only the first).
        anneal_tick: ``c0``: the tick from which the cosine's progress runs linearly from
            ``anneal_progress`` to 1 at ``total_steps`` (one cycle only). ``None``: ``W + H``.
        anneal_progress: ``p0``, the cosine's progress at ``anneal_tick`` (0 unless stretched).
    """

    warmup_steps: int
    hold_steps: int
    total_steps: int | None
    warmup_inclusive: bool = False
    cycle_steps: int | None = None
    cycle_mult: float = 1.0
    cycle_decay: float = 1.0
    cycle_warmup: bool = True
    anneal_tick: int | None = None
    anneal_progress: float = 0.0


@dataclass(frozen=True)
class Cycle:
    """Where one cycle sits on the tick axis.

    Attributes:
        index: cycle number ``k``, from 0.
        start: first tick of the cycle.
        warmup: warmup ticks of the cycle.
        hold: hold ticks of the cycle.
        anneal: annealing ticks of the cycle.
    """

    index: int
    start: int
    warmup: int
    hold: int
    anneal: int

    @property
    def end(self) -> int:
        """First tick after the cycle."""
        return self.start + self.warmup + self.hold + self.anneal


@dataclass(frozen=True, slots=True)
class Levels:
    """One param group's LRs: peak, floor and where its warmup starts.

    Exactly one of ``warmup_factor`` and ``warmup_start_lr`` is set.

    Attributes:
        peak: peak LR of the first cycle.
        floor: the floor, reached at the end and held for ever after.
        warmup_factor: the warmup starts at this fraction of the cycle's peak.
        warmup_start_lr: the warmup starts at this absolute LR (capped at the cycle's peak).
    """

    peak: float
    floor: float
    warmup_factor: float | None = None
    warmup_start_lr: float | None = None

    def cycle_peak(self, index: int, decay: float) -> float:
        """Peak of cycle ``index``: ``peak * decay**index``, never below the floor."""
        return self.peak if index == 0 else max(self.peak * decay**index, self.floor)

    def start(self, peak: float) -> float:
        """The LR a warmup towards ``peak`` starts from."""
        if self.warmup_start_lr is None:
            return (self.warmup_factor or 0.0) * peak
        return min(self.warmup_start_lr, peak)

    def scaled(self, factor: float) -> Levels:
        """The same curve times ``factor`` (a param group added or re-scaled during training)."""
        start = None if self.warmup_start_lr is None else self.warmup_start_lr * factor
        return Levels(self.peak * factor, self.floor * factor, self.warmup_factor, start)


def cosine_progress(shape: Shape, t: Any, since_ramp: Any, anneal: Any, where: Any = None) -> Any:
    """The cosine's progress ``p``: ``(tau - W - H) / A``, or for a stretched plan the line
    through ``(W + H, 0)``, ``(c0, p0)`` and ``(T, 1)``.

    Works on ints (``where=None``) and on NumPy arrays (``where=numpy.where``).
    """
    c0 = shape.anneal_tick
    if c0 is None:
        return since_ramp / anneal
    p0, total = shape.anneal_progress, shape.total_steps
    assert total is not None  # stretching needs an end (validated)
    after = p0 + (1 - p0) * (t - c0) / max(total - c0, 1)
    before = p0 * since_ramp / max(c0 - shape.warmup_steps - shape.hold_steps, 1)
    if where is None:
        return after if t >= c0 else before
    return where(t >= c0, after, before)


def fraction_in_cycle(shape: Shape, t: Any, tau: Any, warmup: Any, hold: Any, anneal: Any, ops: Any) -> tuple[Any, Any]:
    """Phase and fraction of ticks ``t`` (``tau`` into their cycles), for NumPy arrays (``ops=numpy``).

    The same branches as :meth:`Timeline.phase`: the fraction is how far the LR
    is from its low end (``S`` in warmup, ``m`` after) towards the peak.

    Returns:
        ``(phase, fraction)`` arrays; ``phase`` is :data:`WARMUP`, :data:`HOLD` or :data:`ANNEAL`.
    """
    ramp_ticks = warmup - 1 if shape.warmup_inclusive else warmup
    ramp = ops.where(ramp_ticks > 0, tau / ops.maximum(ramp_ticks, 1), 1.0)
    since_ramp = ops.maximum(tau - warmup - hold, 0)
    progress = cosine_progress(shape, t, since_ramp, ops.maximum(anneal, 1), where=ops.where)
    cosine = (1 + ops.cos(math.pi * progress)) / 2
    phase = ops.where(tau < warmup, WARMUP, ops.where(tau < warmup + hold, HOLD, ANNEAL))
    return phase, ops.where(phase == WARMUP, ramp, ops.where(phase == HOLD, 1.0, cosine))


class Timeline:
    """The tick axis of one schedule: its shape and the table of its cycles.

    The cycle table is the one place cycles are laid out; it grows on demand
    (endless restarts have no last cycle) and stops growing once every later
    cycle repeats the last one listed. The scalar path (:meth:`phase`) and the
    NumPy preview (:meth:`cycles_through`) read the same table.

    Examples:
        >>> Timeline(Shape(2, 0, None, cycle_steps=10, cycle_mult=2.0)).cycle_at(25)
        Cycle(index=1, start=10, warmup=2, hold=0, anneal=16)
    """

    __slots__ = ("_cycles", "_periodic", "_starts", "shape")

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        first_length = shape.cycle_steps if shape.cycle_steps is not None else shape.total_steps
        if first_length is None:
            raise SettingError("a schedule needs total_steps or cycle_steps")
        w, h = shape.warmup_steps, shape.hold_steps
        self._cycles: list[Cycle] = [Cycle(0, 0, w, h, first_length - w - h)]
        self._starts: list[int] = [0]
        # One cycle (no restarts) repeats nothing: the total ends it.
        self._periodic = shape.cycle_steps is None

    def _grow_through(self, t: int) -> None:
        """List cycles until one holds tick ``t`` or every later cycle repeats the last."""
        shape = self.shape
        while not self._periodic and self._cycles[-1].end <= t:
            last = self._cycles[-1]
            anneal = math.floor(last.anneal * shape.cycle_mult)
            if last.index > 0 and anneal == last.anneal:
                self._periodic = True
                break
            if anneal < 1:
                raise SettingError(
                    f"cycle {last.index + 1} would have no annealing ticks (cycle_mult={shape.cycle_mult}); "
                    "this is rejected at construction unless total_steps ends the schedule first"
                )
            again = shape.cycle_warmup
            cycle = Cycle(
                last.index + 1, last.end, shape.warmup_steps if again else 0, shape.hold_steps if again else 0, anneal
            )
            self._cycles.append(cycle)
            self._starts.append(cycle.start)

    def cycles_through(self, t: int) -> list[Cycle]:
        """The cycles from the first to the one holding tick ``t``; when the schedule is
        periodic by then, every cycle after the last listed repeats it."""
        self._grow_through(t)
        return list(self._cycles)

    def cycle_at(self, t: int) -> Cycle:
        """The cycle that tick ``t`` falls in."""
        self._grow_through(t)
        last = self._cycles[-1]
        if t < last.start:
            return self._cycles[bisect.bisect_right(self._starts, t) - 1]
        if self.shape.cycle_steps is None or t < last.end:
            return last
        period = last.end - last.start
        skipped = (t - last.start) // period
        return Cycle(last.index + skipped, last.start + skipped * period, last.warmup, last.hold, last.anneal)

    def _progress(self, t: int, since_ramp: int, anneal: int) -> float:
        return float(cosine_progress(self.shape, t, since_ramp, anneal))

    def progress(self, t: int) -> float:
        """The cosine's progress ``p`` at tick ``t`` of a one-cycle schedule: 0 up to the end of
        the hold, 1 from the end on.

        Examples:
            >>> Timeline(Shape(2, 1, 7)).progress(5)
            0.5
        """
        shape = self.shape
        total = shape.total_steps
        ramp = shape.warmup_steps + shape.hold_steps
        if total is not None and t >= total:
            return 1.0
        return 0.0 if t < ramp else self._progress(t, t - ramp, self._cycles[0].anneal)

    def phase(self, t: int) -> tuple[int, int, float]:
        """``(cycle index, phase, fraction)`` at tick ``t < total_steps``.

        ``fraction`` is how far the LR is from its low end (``S`` in warmup, ``m``
        after) towards the peak; it does not depend on the param group.

        Examples:
            >>> Timeline(Shape(4, 0, 14)).phase(1), Timeline(Shape(4, 0, 14)).phase(9)
            ((0, 0, 0.25), (0, 2, 0.5))
        """
        shape = self.shape
        if shape.cycle_steps is None:
            index, tau = 0, t
            w, h, a = shape.warmup_steps, shape.hold_steps, self._cycles[0].anneal
        else:
            cycle = self.cycle_at(t)
            index, tau, w, h, a = cycle.index, t - cycle.start, cycle.warmup, cycle.hold, cycle.anneal
        if tau < w:
            ramp = w - 1 if shape.warmup_inclusive else w
            return index, WARMUP, (tau / ramp if ramp > 0 else 1.0)
        if tau < w + h:
            return index, HOLD, 1.0
        progress = self._progress(t, tau - w - h, a)
        return index, ANNEAL, (1 + math.cos(math.pi * progress)) / 2


def lrs_at(timeline: Timeline, levels: Sequence[Levels], t: int) -> list[float]:
    """The LR of every param group at tick ``t``: the phase once, each group's levels applied to it.

    Examples:
        >>> timeline = Timeline(Shape(2, 0, 6))
        >>> groups = [Levels(1.0, 0.0, warmup_factor=0.0), Levels(0.5, 0.1, warmup_factor=0.0)]
        >>> lrs_at(timeline, groups, 1), lrs_at(timeline, groups, 6)
        ([0.5, 0.25], [0.0, 0.1])
    """
    total = timeline.shape.total_steps
    if total is not None and t >= total:
        return [group.floor for group in levels]
    index, phase, fraction = timeline.phase(t)
    decay = timeline.shape.cycle_decay
    lrs = []
    for group in levels:
        peak = group.cycle_peak(index, decay)
        if phase == HOLD:
            lrs.append(peak)
            continue
        low = group.start(peak) if phase == WARMUP else group.floor
        lrs.append(low + (peak - low) * fraction)
    return lrs


def lr_function(timeline: Timeline, levels: Sequence[Levels]) -> Callable[[int], list[float]]:
    """``t -> lrs_at(timeline, levels, t)``, with what does not change between ticks worked out once.

    A scheduler steps millions of times: for one cycle without a stretch, each group's
    low end and span are computed here, so a tick costs a comparison or two and one
    ``cos``. The arithmetic is the same as :func:`lrs_at`'s, so the values are equal
    bit for bit; restarts and stretched plans use :func:`lrs_at` itself.

    Examples:
        >>> timeline, groups = Timeline(Shape(2, 1, 7)), [Levels(1.0, 0.0, warmup_factor=0.5)]
        >>> lrs = lr_function(timeline, groups)
        >>> [lrs(t) for t in (0, 1, 2, 4, 7)] == [lrs_at(timeline, groups, t) for t in (0, 1, 2, 4, 7)]
        True
    """
    shape = timeline.shape
    total = shape.total_steps
    if shape.cycle_steps is not None or shape.anneal_tick is not None or total is None:
        frozen = list(levels)
        return lambda t: lrs_at(timeline, frozen, t)
    warmup, hold_end = shape.warmup_steps, shape.warmup_steps + shape.hold_steps
    anneal = timeline.cycle_at(0).anneal
    ramp = warmup - 1 if shape.warmup_inclusive else warmup
    peaks = [group.peak for group in levels]
    floors = [group.floor for group in levels]
    rising = [(group.start(group.peak), group.peak - group.start(group.peak)) for group in levels]
    falling = [(group.floor, group.peak - group.floor) for group in levels]
    cos, pi = math.cos, math.pi
    if len(levels) == 1:  # the common case, without a comprehension per tick
        (peak,), (floor,), ((start, rise),), ((_, fall),) = peaks, floors, rising, falling

        def one(t: int) -> list[float]:
            if t >= total:
                return [floor]
            if t < warmup:
                return [start + rise * (t / ramp if ramp > 0 else 1.0)]
            if t < hold_end:
                return [peak]
            return [floor + fall * ((1 + cos(pi * ((t - hold_end) / anneal))) / 2)]

        return one

    def lrs(t: int) -> list[float]:
        if t >= total:
            return floors[:]
        if t < warmup:
            fraction = t / ramp if ramp > 0 else 1.0
            return [low + span * fraction for low, span in rising]
        if t < hold_end:
            return peaks[:]
        fraction = (1 + cos(pi * ((t - hold_end) / anneal))) / 2
        return [low + span * fraction for low, span in falling]

    return lrs
