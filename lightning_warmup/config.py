"""User settings of a schedule: validated once against the schema, resolved to ticks in one place.

:class:`ScheduleConfig` holds what a user wrote, in the user's units (ticks,
epochs or a ratio). Constructing it checks every setting that does not depend
on the optimizer, as :mod:`lightning_warmup.schema` declares it; :meth:`ScheduleConfig.levels`
adds the per-param-group checks, :meth:`ScheduleConfig.shape` the lengths in ticks.
Stdlib only.

Epoch lengths become ticks as ``epochs * steps_per_epoch`` rounded to the nearest
tick (halves up); a positive warmup or hold is never rounded away to zero ticks.

Examples:
    >>> config = ScheduleConfig(warmup_epochs=0.5, epochs=10, steps_per_epoch=37)
    >>> config.lengths()
    Lengths(warmup_steps=19, hold_steps=0, total_steps=370, cycle_steps=None)
    >>> ScheduleConfig(warmup_steps=1200, total_steps=1000)
    Traceback (most recent call last):
    ...
    lightning_warmup.errors.SettingError: warmup_steps must be smaller than total_steps (total_steps includes
    warmup), got warmup_steps=1200, total_steps=1000. Lower the warmup or raise the total.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from lightning_warmup.errors import SettingError, SettingTypeError
from lightning_warmup.schedule import Levels, Shape
from lightning_warmup.schema import EXCLUSIVE, SCHEMA, SETTINGS, Setting

__all__ = [
    "DEFAULT_WARMUP_FACTOR",
    "Lengths",
    "PerGroup",
    "ScheduleConfig",
    "check_real",
    "check_ticks",
    "epochs_to_ticks",
    "per_group",
    "plain_number",
]

PerGroup = float | Sequence[float] | None
"""A value given once for every param group, or once per group."""

DEFAULT_WARMUP_FACTOR = 0.1


class Lengths(NamedTuple):
    """The lengths of a schedule, in ticks."""

    warmup_steps: int
    hold_steps: int
    total_steps: int | None
    cycle_steps: int | None


def plain_number(value: Any) -> Any:
    """NumPy and torch scalars (0-d tensors included) as Python numbers; anything else unchanged.

    Examples:
        >>> import numpy as np
        >>> type(plain_number(np.float64(0.5))), plain_number("x")
        (<class 'float'>, 'x')
    """
    if type(value) in (bool, int, float) or not hasattr(value, "item"):
        return value
    if getattr(value, "shape", None) == () or getattr(value, "ndim", None) == 0:
        item = value.item()
        if isinstance(item, (bool, int, float)):
            return item
    return value


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
    return (
        f" YAML 1.1 reads {value} as a string: write {float(value)!r} with a dot, e.g. 1.0e-3, or load with OmegaConf."
    )


def check_real(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    fix: str = "",
) -> float:
    """Return ``value`` as a float, or raise naming ``name``, the value, the rule and ``fix``.

    Examples:
        >>> check_real("cycle_mult", 2)
        2.0
        >>> check_real("cycle_mult", 0, low=0, low_open=True, fix="Use 1.0 for equal cycles.")
        Traceback (most recent call last):
        ...
        lightning_warmup.errors.SettingError: cycle_mult must be > 0, got cycle_mult=0. Use 1.0 for equal cycles.
    """
    tail = f" {fix}" if fix else ""
    value = plain_number(value)
    if not _is_number(value):
        raise SettingTypeError(
            f"{name} must be a number, got {name}={value!r} ({type(value).__name__}).{_string_hint(value)}{tail}"
        )
    number = float(value)
    if not math.isfinite(number):
        raise SettingError(f"{name} must be finite, got {name}={value!r}.{tail}")
    rules = []
    if low is not None:
        rules.append(f"> {low:g}" if low_open else f">= {low:g}")
    if high is not None:
        rules.append(f"< {high:g}" if high_open else f"<= {high:g}")
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        raise SettingError(f"{name} must be {' and '.join(rules)}, got {name}={value!r}.{tail}")
    return number


def check_ticks(name: str, value: Any, *, low: int = 0, fix: str = "") -> int:
    """Return ``value`` as an int tick count ``>= low``; whole floats such as ``1e3`` are accepted.

    Examples:
        >>> check_ticks("warmup_steps", 1e3)
        1000
        >>> check_ticks("warmup_steps", 2.5)
        Traceback (most recent call last):
        ...
        lightning_warmup.errors.SettingError: warmup_steps must be a whole number of ticks, got warmup_steps=2.5.
        Round it, or give the length in epochs (warmup_epochs) instead.
    """
    tail = f" {fix}" if fix else ""
    value = plain_number(value)
    if isinstance(value, bool) or not _is_number(value):
        raise SettingTypeError(
            f"{name} must be an int, got {name}={value!r} ({type(value).__name__}).{_string_hint(value)}{tail}"
        )
    if not math.isfinite(value):
        raise SettingError(f"{name} must be finite, got {name}={value!r}.{tail}")
    if not float(value).is_integer():
        twin = SETTINGS[name].epochs_twin if name in SETTINGS else None
        instead = f", or give the length in epochs ({twin}) instead" if twin else ""
        raise SettingError(f"{name} must be a whole number of ticks, got {name}={value!r}. Round it{instead}.")
    if value < low:
        raise SettingError(f"{name} must be >= {low}, got {name}={value!r}.{tail}")
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
        lightning_warmup.errors.SettingError: min_lr has 3 values but the optimizer has 2 param groups, got
        min_lr=[0.1, 0.2, 0.3]. Give one value for every group, or a single float for all of them.
    """
    if value is None:
        return None
    value = plain_number(value)
    if isinstance(value, (str, bytes)) or not (_is_number(value) or isinstance(value, Sequence)):
        raise SettingTypeError(
            f"{name} must be a float or a sequence of floats (one per param group), "
            f"got {name}={value!r} ({type(value).__name__}).{_string_hint(value)}"
        )
    values = [value] * (n_groups or 1) if _is_number(value) else list(value)  # type: ignore[arg-type]
    if n_groups is not None and len(values) != n_groups:
        raise SettingError(
            f"{name} has {len(values)} values but the optimizer has {n_groups} param groups, got {name}={value!r}. "
            "Give one value for every group, or a single float for all of them."
        )
    single = _is_number(value)
    return [check_real(name if single else f"{name}[{i}]", v, low=low) for i, v in enumerate(values)]


def _checked(setting: Setting, value: Any) -> Any:
    """``value`` checked against its declaration and turned into a plain Python value."""
    name = setting.name
    if setting.unit == "bool":
        if not isinstance(value, bool):
            raise SettingTypeError(
                f"{name} must be True or False, got {name}={value!r} ({type(value).__name__}). "
                "Write true or false without quotes."
            )
        return value
    if setting.unit == "ticks":
        return check_ticks(name, value, low=int(setting.low or 0))
    if setting.unit == "lr":
        values = per_group(name, value, None, low=setting.low or 0.0)
        return values[0] if values is not None and _is_number(plain_number(value)) else values
    if setting.unit == "epochs" and isinstance(plain_number(value), int) and not isinstance(value, bool):
        check_real(name, value, low=setting.low, low_open=setting.low_open)
        return int(plain_number(value))  # kept as written: messages quote the user's own value
    phase = "spent warming up" if name.startswith("warmup") else "held at the peak"
    fix = {
        "ratio": f"It is the fraction of total_steps {phase}.",
        "factor": "Use 1.0 to keep every cycle the same.",
    }.get(setting.unit, "")
    return check_real(
        name, value, low=setting.low, high=setting.high, low_open=setting.low_open, high_open=setting.high_open, fix=fix
    )


class ScheduleConfig(Mapping[str, Any]):
    """Every setting of :class:`~lightning_warmup.WarmupCosLR` but the optimizer, in the user's units.

    Arguments and defaults are those of the schema (:data:`lightning_warmup.schema.SCHEMA`);
    read them as attributes (``config.warmup_epochs``) or as a mapping. Construction
    raises ``ValueError`` / ``TypeError`` for any invalid value or combination;
    per-group checks happen in :meth:`levels`. Immutable: :meth:`replace` makes a
    changed copy.
    """

    __slots__ = ("_values",)

    def __init__(self, **settings: Any) -> None:
        unknown = [name for name in settings if name not in SETTINGS]
        if unknown:
            raise SettingTypeError(f"unknown schedule setting {unknown[0]!r}; the settings are: {', '.join(SETTINGS)}.")
        for group in EXCLUSIVE:
            given = [name for name in group if settings.get(name) is not None]
            if len(given) > 1:
                shown = ", ".join(f"{name}={settings[name]!r}" for name in given)
                raise SettingError(
                    f"give at most one of {', '.join(group)}: they set the same thing, got {shown}. Keep one of them."
                )
        values: dict[str, Any] = {}
        for setting in SCHEMA:
            value = settings.get(setting.name)
            values[setting.name] = setting.default if value is None else _checked(setting, value)
        object.__setattr__(self, "_values", values)
        if self.has_total():
            self.lengths()

    def __getattr__(self, name: str) -> Any:
        try:
            return object.__getattribute__(self, "_values")[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ScheduleConfig is immutable: use replace()")

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ScheduleConfig) and self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in self._values.items()))

    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self._values.items() if v != SETTINGS[k].default)
        return f"ScheduleConfig({given})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.to_dict(),))

    def given(self) -> dict[str, Any]:
        """The settings that differ from their defaults."""
        return {k: v for k, v in self._values.items() if v != SETTINGS[k].default}

    def replace(self, **changes: Any) -> ScheduleConfig:
        """A copy with ``changes`` applied and validated again; a setting set to a value
        clears the other settings of its group."""
        values = dict(self._values)
        for name, value in changes.items():
            if value is not None and name in SETTINGS:
                for other in SETTINGS[name].exclusive:
                    values[other] = None
            values[name] = value
        return ScheduleConfig(**values)

    def to_dict(self) -> dict[str, Any]:
        """Plain values only (lists for per-group values), for state dicts and checkpoints."""
        return {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in self._values.items()}

    def _phase_ticks(self, kind: str, per_epoch: int, total: int | None) -> int:
        steps, epochs, ratio = (self._values[f"{kind}_{unit}"] for unit in ("steps", "epochs", "ratio"))
        if steps is not None:
            return int(steps)
        if epochs is not None:
            return epochs_to_ticks(epochs, per_epoch)
        if ratio is not None:
            if total is None:
                raise SettingError(
                    f"{kind}_ratio needs a total length, got {kind}_ratio={ratio!r} with total_steps=None. "
                    f"Give total_steps or epochs, or {kind}_steps instead."
                )
            return epochs_to_ticks(ratio, total)
        return 0

    def has_total(self) -> bool:
        """Whether the settings end the schedule (or repeat it for ever) without the run's length."""
        return any(self._values[name] is not None for name in ("total_steps", "epochs", "cycle_steps", "cycle_epochs"))

    def lengths(self) -> Lengths:
        """Warmup, hold, total and first-cycle lengths in ticks, checked against each other."""
        per_epoch = self.steps_per_epoch or 1
        total = self.total_steps
        if self.epochs is not None:
            total = epochs_to_ticks(self.epochs, per_epoch)
        cycle = self.cycle_steps
        if self.cycle_epochs is not None:
            cycle = epochs_to_ticks(self.cycle_epochs, per_epoch)
        if total is None and cycle is None:
            raise SettingError(
                "total_steps is required: the cosine needs an end, got total_steps=None, epochs=None. "
                "Give total_steps (ticks, warmup included) or epochs, or cycle_steps for endless restarts; "
                "under Lightning, WarmupCosLRCallback sets it from the run."
            )
        warmup = self._phase_ticks("warmup", per_epoch, total)
        hold = self._phase_ticks("hold", per_epoch, total)
        held = f"warmup_steps + hold_steps ({warmup} + {hold})" if hold else "warmup_steps"
        if total is not None and warmup + hold >= total:
            what = "total_steps includes warmup and hold" if hold else "total_steps includes warmup"
            shown = f"warmup_steps={warmup}, hold_steps={hold}" if hold else f"warmup_steps={warmup}"
            raise SettingError(
                f"{held} must be smaller than total_steps ({what}), got {shown}, total_steps={total}. "
                "Lower the warmup or raise the total."
            )
        if cycle is not None:
            if warmup + hold >= cycle:
                parts = "warmup and hold" if hold else "warmup"
                raise SettingError(
                    f"cycle_steps must be larger than {held} (a cycle includes its {parts}), got "
                    f"cycle_steps={cycle}, warmup_steps={warmup}{f', hold_steps={hold}' if hold else ''}. "
                    "Lengthen the cycle or shorten the warmup."
                )
            self._check_cycles_fit(warmup + hold, cycle, total)
        return Lengths(warmup, hold, total, cycle)

    def _check_cycles_fit(self, ramp: int, cycle: int, total: int | None) -> None:
        """With cycle_mult < 1 cycles shrink; every cycle before the end needs an annealing tick."""
        if self.cycle_mult >= 1:
            return
        if total is None:
            raise SettingError(
                f"cycle_mult < 1 shrinks the cycles to nothing, got cycle_mult={self.cycle_mult!r} with "
                "total_steps=None (endless restarts). Give total_steps or epochs, or use cycle_mult >= 1."
            )
        start, anneal, index = cycle, cycle - ramp, 1
        while start < total:
            anneal = math.floor(anneal * self.cycle_mult)
            if anneal < 1:
                raise SettingError(
                    f"cycle {index} would have no annealing ticks before the end, got cycle_mult={self.cycle_mult!r}, "
                    f"cycle_steps={cycle}, total_steps={total}. Raise cycle_mult or cycle_steps, or lower total_steps."
                )
            start += anneal + (ramp if self.cycle_warmup else 0)
            index += 1

    def shape(self) -> Shape:
        """The lengths in ticks and the cycle settings, shared by every param group."""
        lengths = self.lengths()
        return Shape(
            lengths.warmup_steps,
            lengths.hold_steps,
            lengths.total_steps,
            self.warmup_inclusive,
            lengths.cycle_steps,
            self.cycle_mult,
            self.cycle_decay,
            self.cycle_warmup,
        )

    def levels(self, group_lrs: Sequence[float]) -> list[Levels]:
        """Peak, floor and warmup start of every param group, from the groups' own initial LRs.

        Args:
            group_lrs: each param group's initial LR (its peak when ``lr`` is ``None``).

        Raises:
            SettingError: a per-group list of the wrong length, a negative or
                non-finite LR, or a floor or warmup start above a group's peak.

        Examples:
            >>> [g.peak for g in ScheduleConfig(total_steps=10).levels([0.1, 0.01])]
            [0.1, 0.01]
            >>> ScheduleConfig(total_steps=10, min_lr=0.05).levels([0.1, 0.01])
            Traceback (most recent call last):
            ...
            lightning_warmup.errors.SettingError: min_lr must not exceed the peak LR of param group 1, got
            min_lr=0.05, peak=0.01. Lower min_lr, or give one per group, or use min_lr_ratio.
        """
        n = len(group_lrs)
        if self.lr is None:
            peaks = [
                check_real(
                    f"the initial lr of param group {i}",
                    v,
                    low=0,
                    fix="Set a finite, non-negative lr on the optimizer or pass lr=.",
                )
                for i, v in enumerate(group_lrs)
            ]
        else:
            peaks = per_group("lr", self.lr, n) or []
        floors = per_group("min_lr", self.min_lr, n)
        if floors is None:
            ratio = self.min_lr_ratio
            floors = [0.0] * n if ratio is None else [ratio * peak for peak in peaks]
        starts = per_group("warmup_start_lr", self.warmup_start_lr, n)
        for i, (peak, floor) in enumerate(zip(peaks, floors)):
            if floor > peak:
                raise SettingError(
                    f"min_lr must not exceed the peak LR of param group {i}, got min_lr={floor!r}, peak={peak!r}. "
                    "Lower min_lr, or give one per group, or use min_lr_ratio."
                )
            if starts is not None and starts[i] > peak:
                raise SettingError(
                    f"warmup_start_lr must not exceed the peak LR of param group {i}, got "
                    f"warmup_start_lr={starts[i]!r}, peak={peak!r}. Lower warmup_start_lr, or use warmup_factor."
                )
        factor = None
        if starts is None:
            factor = DEFAULT_WARMUP_FACTOR if self.warmup_factor is None else self.warmup_factor
        return [Levels(peaks[i], floors[i], factor, None if starts is None else starts[i]) for i in range(n)]


def _rebuild(values: dict[str, Any]) -> ScheduleConfig:
    return ScheduleConfig(**values)
