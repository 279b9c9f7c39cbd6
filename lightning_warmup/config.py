"""User settings of a schedule: validated once, resolved to ticks in one place.

:class:`ScheduleConfig` holds what a user wrote, in the user's units (ticks,
epochs or a ratio), with the defaults in one place. Constructing it checks
every setting that does not depend on the optimizer; :meth:`ScheduleConfig.curves`
adds the per-param-group checks and turns the settings into one
:class:`~lightning_warmup.schedule.Curve` per group. Stdlib only.

Epoch lengths become ticks as ``epochs * steps_per_epoch`` rounded to the nearest
tick (halves up); a positive warmup is never rounded away to zero ticks.

Examples:
    >>> config = ScheduleConfig(warmup_epochs=0.5, epochs=10, steps_per_epoch=37)
    >>> config.lengths()
    Lengths(warmup_steps=19, total_steps=370, cycle_steps=None)
    >>> ScheduleConfig(warmup_steps=1200, total_steps=1000)
    Traceback (most recent call last):
    ...
    ValueError: warmup_steps must be smaller than total_steps (total_steps includes warmup), got warmup_steps=1200, total_steps=1000. Lower the warmup or raise the total.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Union

from lightning_warmup.schedule import Curve

__all__ = ["Lengths", "ScheduleConfig", "PerGroup"]

PerGroup = Union[float, Sequence[float], None]
"""A value given once for every param group, or once per group."""

_EXCLUSIVE = (
    ("warmup_steps", "warmup_epochs", "warmup_ratio"),
    ("total_steps", "epochs"),
    ("min_lr", "min_lr_ratio"),
    ("warmup_factor", "warmup_start_lr"),
    ("cycle_steps", "cycle_epochs"),
)
DEFAULT_WARMUP_FACTOR = 0.1
DEFAULT_MIN_LR = 0.0


class Lengths(NamedTuple):
    """The three lengths of a schedule, in ticks."""

    warmup_steps: int
    total_steps: int | None
    cycle_steps: int | None


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _string_hint(value: Any) -> str:
    """For a number that arrived as a string: the usual cause, YAML 1.1 reading ``1e-3`` as text."""
    if not isinstance(value, str):
        return ""
    try:
        float(value)
    except ValueError:
        return ""
    return f" YAML 1.1 reads {value} as a string: write {float(value)!r} with a dot, e.g. 1.0e-3, or load with OmegaConf."


def check_real(name: str, value: Any, *, low: float | None = None, high: float | None = None,
               low_open: bool = False, high_open: bool = False, fix: str = "") -> float:
    """Return ``value`` as a float, or raise naming ``name``, the value, the rule and ``fix``.

    Examples:
        >>> check_real("cycle_mult", 2)
        2.0
        >>> check_real("cycle_mult", 0, low=0, low_open=True, fix="Use 1.0 for equal cycles.")
        Traceback (most recent call last):
        ...
        ValueError: cycle_mult must be > 0, got cycle_mult=0. Use 1.0 for equal cycles.
    """
    tail = f" {fix}" if fix else ""
    if not _is_number(value):
        raise TypeError(f"{name} must be a number, got {name}={value!r} ({type(value).__name__}).{_string_hint(value)}{tail}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {name}={value!r}.{tail}")
    rules = []
    if low is not None:
        rules.append(f"> {low:g}" if low_open else f">= {low:g}")
    if high is not None:
        rules.append(f"< {high:g}" if high_open else f"<= {high:g}")
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be {' and '.join(rules)}, got {name}={value!r}.{tail}")
    return number


def check_ticks(name: str, value: Any, *, low: int = 0, fix: str = "") -> int:
    """Return ``value`` as an int tick count ``>= low``; whole floats such as ``1e3`` are accepted.

    Examples:
        >>> check_ticks("warmup_steps", 1e3)
        1000
        >>> check_ticks("warmup_steps", 2.5)
        Traceback (most recent call last):
        ...
        ValueError: warmup_steps must be a whole number of ticks, got warmup_steps=2.5. Round it, or give the length in epochs (warmup_epochs) instead.
    """
    tail = f" {fix}" if fix else ""
    if isinstance(value, bool) or not _is_number(value):
        raise TypeError(f"{name} must be an int, got {name}={value!r} ({type(value).__name__}).{_string_hint(value)}{tail}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {name}={value!r}.{tail}")
    if not float(value).is_integer():
        epochs_name = name.replace("_steps", "_epochs") if name != "total_steps" else "epochs"
        raise ValueError(
            f"{name} must be a whole number of ticks, got {name}={value!r}. "
            f"Round it, or give the length in epochs ({epochs_name}) instead."
        )
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {name}={value!r}.{tail}")
    return int(value)


def epochs_to_ticks(epochs: float, steps_per_epoch: int) -> int:
    """``epochs * steps_per_epoch`` rounded to the nearest tick, halves up; positive stays positive.

    Examples:
        >>> epochs_to_ticks(0.5, 37), epochs_to_ticks(0.01, 10), epochs_to_ticks(0, 10)
        (19, 1, 0)
    """
    ticks = math.floor(epochs * steps_per_epoch + 0.5)
    return max(ticks, 1) if epochs > 0 else 0


def per_group(name: str, value: PerGroup, n_groups: int | None, *, low: float = 0.0) -> list[float] | None:
    """Expand a per-group value to one float per group, checking each.

    ``n_groups=None`` checks the values without knowing the optimizer yet.

    Examples:
        >>> per_group("min_lr", 1e-5, 2)
        [1e-05, 1e-05]
        >>> per_group("min_lr", [0.1, 0.2, 0.3], 2)
        Traceback (most recent call last):
        ...
        ValueError: min_lr has 3 values but the optimizer has 2 param groups, got min_lr=[0.1, 0.2, 0.3]. Give one value for every group, or a single float for all of them.
    """
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not (_is_number(value) or isinstance(value, Sequence)):
        raise TypeError(
            f"{name} must be a float or a sequence of floats (one per param group), "
            f"got {name}={value!r} ({type(value).__name__}).{_string_hint(value)}"
        )
    values = [value] * (n_groups or 1) if _is_number(value) else list(value)  # type: ignore[arg-type]
    if n_groups is not None and len(values) != n_groups:
        raise ValueError(
            f"{name} has {len(values)} values but the optimizer has {n_groups} param groups, got {name}={value!r}. "
            "Give one value for every group, or a single float for all of them."
        )
    label = (lambda i: name) if _is_number(value) else (lambda i: f"{name}[{i}]")
    return [check_real(label(i), v, low=low) for i, v in enumerate(values)]


def _freeze(value: PerGroup) -> PerGroup:
    """Sequences become tuples so that configs are hashable and compare by value."""
    if value is None or _is_number(value) or isinstance(value, (str, bytes)):
        return value
    return tuple(value) if isinstance(value, Sequence) else value


@dataclass(frozen=True)
class ScheduleConfig:
    """Every setting of :class:`~lightning_warmup.WarmupCosLR` but the optimizer, in the user's units.

    Arguments and defaults are those of :class:`~lightning_warmup.WarmupCosLR`.
    Construction raises ``ValueError`` / ``TypeError`` for any invalid value or
    combination; per-group checks happen in :meth:`curves`.
    """

    warmup_steps: int | None = None
    total_steps: int | None = None
    warmup_epochs: float | None = None
    epochs: float | None = None
    steps_per_epoch: int | None = None
    warmup_ratio: float | None = None
    lr: PerGroup = None
    min_lr: PerGroup = None
    min_lr_ratio: float | None = None
    warmup_factor: float | None = None
    warmup_start_lr: PerGroup = None
    warmup_inclusive: bool = False
    cycle_steps: int | None = None
    cycle_epochs: float | None = None
    cycle_mult: float = 1.0
    cycle_decay: float = 1.0
    cycle_warmup: bool = True

    def __post_init__(self) -> None:
        for group in _EXCLUSIVE:
            given = [name for name in group if getattr(self, name) is not None]
            if len(given) > 1:
                shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in given)
                raise ValueError(
                    f"give at most one of {', '.join(group)}: they set the same thing, got {shown}. Keep one of them."
                )
        ints = ("warmup_steps", "total_steps", "steps_per_epoch", "cycle_steps")
        for name in ints:
            if getattr(self, name) is not None:
                low = 0 if name == "warmup_steps" else 1
                object.__setattr__(self, name, check_ticks(name, getattr(self, name), low=low))
        for name in ("warmup_epochs", "epochs", "cycle_epochs"):
            if getattr(self, name) is not None:
                low_open = name != "warmup_epochs"
                object.__setattr__(self, name, check_real(name, getattr(self, name), low=0, low_open=low_open))
        if self.warmup_ratio is not None:
            object.__setattr__(self, "warmup_ratio", check_real(
                "warmup_ratio", self.warmup_ratio, low=0, high=1, high_open=True,
                fix="It is the fraction of total_steps spent warming up."))
        for name in ("min_lr_ratio", "warmup_factor"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, check_real(name, getattr(self, name), low=0, high=1))
        for name in ("cycle_mult", "cycle_decay"):
            object.__setattr__(self, name, check_real(
                name, getattr(self, name), low=0, low_open=True, fix="Use 1.0 to keep every cycle the same."))
        for name in ("warmup_inclusive", "cycle_warmup"):
            if not isinstance(getattr(self, name), bool):
                value = getattr(self, name)
                raise TypeError(f"{name} must be True or False, got {name}={value!r} ({type(value).__name__}).")
        for name in ("lr", "min_lr", "warmup_start_lr"):
            object.__setattr__(self, name, _freeze(getattr(self, name)))
            per_group(name, getattr(self, name), None)
        self._warn_fractional_ticks()
        self.lengths()

    def _warn_fractional_ticks(self) -> None:
        if self.steps_per_epoch is not None:
            return
        for name in ("warmup_epochs", "epochs", "cycle_epochs"):
            value = getattr(self, name)
            if value is not None and not float(value).is_integer():
                warnings.warn(
                    f"{name}={value!r} is not a whole number of ticks with steps_per_epoch=None (one tick per epoch); "
                    f"it rounds to {epochs_to_ticks(value, 1)}. Pass steps_per_epoch, or let WarmupCosLRCallback "
                    "set it from the trainer (interval='step').",
                    UserWarning,
                    stacklevel=4,
                )

    def replace(self, **changes: Any) -> ScheduleConfig:
        """A copy with ``changes`` applied and validated again."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain values only (tuples become lists), for state dicts and checkpoints."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}

    def lengths(self) -> Lengths:
        """Warmup, total and first-cycle lengths in ticks, checked against each other."""
        per_epoch = self.steps_per_epoch or 1
        total = self.total_steps
        if self.epochs is not None:
            total = epochs_to_ticks(self.epochs, per_epoch)
        cycle = self.cycle_steps
        if self.cycle_epochs is not None:
            cycle = epochs_to_ticks(self.cycle_epochs, per_epoch)
        if total is None and cycle is None:
            raise ValueError(
                "total_steps is required: the cosine needs an end, got total_steps=None, epochs=None. "
                "Give total_steps (ticks, warmup included) or epochs, or cycle_steps for endless restarts."
            )
        if self.warmup_steps is not None:
            warmup = self.warmup_steps
        elif self.warmup_epochs is not None:
            warmup = epochs_to_ticks(self.warmup_epochs, per_epoch)
        elif self.warmup_ratio is not None:
            if total is None:
                raise ValueError(
                    f"warmup_ratio needs a total length, got warmup_ratio={self.warmup_ratio!r} with "
                    "total_steps=None. Give total_steps or epochs, or warmup_steps instead."
                )
            warmup = epochs_to_ticks(self.warmup_ratio, total)
        else:
            warmup = 0
        if total is not None and warmup >= total:
            raise ValueError(
                f"warmup_steps must be smaller than total_steps (total_steps includes warmup), got "
                f"warmup_steps={warmup}, total_steps={total}. Lower the warmup or raise the total."
            )
        if cycle is not None:
            if warmup >= cycle:
                raise ValueError(
                    f"cycle_steps must be larger than warmup_steps (a cycle includes its warmup), got "
                    f"cycle_steps={cycle}, warmup_steps={warmup}. Lengthen the cycle or shorten the warmup."
                )
            self._check_cycles_fit(warmup, cycle, total)
        return Lengths(warmup, total, cycle)

    def _check_cycles_fit(self, warmup: int, cycle: int, total: int | None) -> None:
        """With cycle_mult < 1 cycles shrink; every cycle before the end needs an annealing tick."""
        if self.cycle_mult >= 1:
            return
        if total is None:
            raise ValueError(
                f"cycle_mult < 1 shrinks the cycles to nothing, got cycle_mult={self.cycle_mult!r} with "
                "total_steps=None (endless restarts). Give total_steps or epochs, or use cycle_mult >= 1."
            )
        start, anneal, index = cycle, cycle - warmup, 1
        while start < total:
            anneal = math.floor(anneal * self.cycle_mult)
            if anneal < 1:
                raise ValueError(
                    f"cycle {index} would have no annealing ticks before the end, got cycle_mult={self.cycle_mult!r}, "
                    f"cycle_steps={cycle}, total_steps={total}. Raise cycle_mult or cycle_steps, or lower total_steps."
                )
            start += anneal + (warmup if self.cycle_warmup else 0)
            index += 1

    def curves(self, group_lrs: Sequence[float]) -> list[Curve]:
        """One curve per param group, from the groups' own initial LRs.

        Args:
            group_lrs: each param group's initial LR (its peak when ``lr`` is ``None``).

        Raises:
            ValueError: a per-group list of the wrong length, a negative or
                non-finite LR, or a floor or warmup start above a group's peak.

        Examples:
            >>> [c.peak for c in ScheduleConfig(total_steps=10).curves([0.1, 0.01])]
            [0.1, 0.01]
            >>> ScheduleConfig(total_steps=10, min_lr=0.05).curves([0.1, 0.01])
            Traceback (most recent call last):
            ...
            ValueError: min_lr must not exceed the peak LR of param group 1, got min_lr=0.05, peak=0.01. Lower min_lr, or give one per group, or use min_lr_ratio.
        """
        n = len(group_lrs)
        if self.lr is None:
            peaks = [check_real(f"the initial lr of param group {i}", v, low=0,
                                fix="Set a finite, non-negative lr on the optimizer or pass lr=.")
                     for i, v in enumerate(group_lrs)]
        else:
            peaks = per_group("lr", self.lr, n) or []
        floors = per_group("min_lr", self.min_lr, n)
        if floors is None:
            ratio = self.min_lr_ratio
            floors = [DEFAULT_MIN_LR] * n if ratio is None else [ratio * peak for peak in peaks]
        starts = per_group("warmup_start_lr", self.warmup_start_lr, n)
        for i, (peak, floor) in enumerate(zip(peaks, floors)):
            if floor > peak:
                raise ValueError(
                    f"min_lr must not exceed the peak LR of param group {i}, got min_lr={floor!r}, peak={peak!r}. "
                    "Lower min_lr, or give one per group, or use min_lr_ratio."
                )
            if starts is not None and starts[i] > peak:
                raise ValueError(
                    f"warmup_start_lr must not exceed the peak LR of param group {i}, got "
                    f"warmup_start_lr={starts[i]!r}, peak={peak!r}. Lower warmup_start_lr, or use warmup_factor."
                )
        lengths = self.lengths()
        factor = None
        if starts is None:
            factor = DEFAULT_WARMUP_FACTOR if self.warmup_factor is None else self.warmup_factor
        return [
            Curve(
                peak=peaks[i],
                floor=floors[i],
                warmup_steps=lengths.warmup_steps,
                total_steps=lengths.total_steps,
                warmup_factor=factor,
                warmup_start_lr=None if starts is None else starts[i],
                warmup_inclusive=self.warmup_inclusive,
                cycle_steps=lengths.cycle_steps,
                cycle_mult=self.cycle_mult,
                cycle_decay=self.cycle_decay,
                cycle_warmup=self.cycle_warmup,
            )
            for i in range(n)
        ]
