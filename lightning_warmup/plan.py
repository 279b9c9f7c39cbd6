"""The plan a scheduler follows, and how settings plus a run become one: a pure function, stdlib only.

:func:`resolve` takes the settings in the user's units, the run the trainer will
make (:class:`Run`), the plan a checkpoint brought (if any) and the policy for
plan changes, and returns the :class:`Plan` in ticks and what changed, in words.
The Lightning callback measures the run and applies the result; nothing here
knows about Lightning or PyTorch.

Plan changes on resume follow API.md section 5.2: with ``r`` the resumed tick and
``e_r = r / s_old`` the epochs done, a point given in epochs ``E`` (the end of the
warmup, of the hold, of the schedule) becomes ``r + floor((E - e_r) * s_new + 0.5)``
when it is ahead, and keeps its checkpoint tick when it is behind.

Examples:
    >>> from lightning_warmup.config import ScheduleConfig
    >>> run = Run("step", steps_per_epoch=8, max_epochs=4, max_steps=None, end_tick=32, tick=0)
    >>> resolution = resolve(ScheduleConfig(warmup_epochs=1), [1e-2], run)
    >>> resolution.plan.shape.warmup_steps, resolution.plan.shape.total_steps
    (8, 32)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from lightning_warmup.config import ScheduleConfig, epochs_to_ticks
from lightning_warmup.errors import SettingError, SettingTypeError
from lightning_warmup.schedule import Levels, Shape, Timeline

__all__ = ["Plan", "Policy", "Resolution", "Run", "describe", "plural", "resolve"]

Policy = Literal["keep", "adopt", "stretch"]
POLICIES: tuple[str, ...] = ("keep", "adopt", "stretch")
STATE_VERSION = 2


def plural(count: float, unit: str) -> str:
    """``1 epoch``, ``2 epochs``, ``1 optimizer step``.

    Examples:
        >>> plural(1, "epoch"), plural(2.5, "optimizer step")
        ('1 epoch', '2.5 optimizer steps')
    """
    shown = f"{count:g}" if isinstance(count, float) else str(count)
    many = f"{unit}es" if unit.endswith(("tch", "ss", "x")) else f"{unit}s"
    return f"{shown} {unit}" if count == 1 else f"{shown} {many}"


@dataclass(frozen=True)
class Plan:
    """What a scheduler follows: the settings it was resolved from, the lengths in ticks, per-group levels.

    Attributes:
        settings: the settings in the user's units, completed from the run (a total
            taken from ``max_epochs`` is ``epochs``, from ``max_steps`` is ``total_steps``;
            ``steps_per_epoch`` set where epochs count optimizer steps).
        shape: the lengths in ticks (after a resume, carried over as API.md 5.2 says).
        levels: peak, floor and warmup start of every param group.
    """

    settings: ScheduleConfig
    shape: Shape
    levels: tuple[Levels, ...]

    @classmethod
    def from_settings(cls, settings: ScheduleConfig, group_lrs: Sequence[float]) -> Plan:
        """The plan the settings give on their own."""
        return cls(settings, settings.shape(), tuple(settings.levels(group_lrs)))

    def to_dict(self) -> dict[str, Any]:
        """Plain values only (for ``state_dict`` and ``torch.load(weights_only=True)``)."""
        return {
            "settings": self.settings.to_dict(),
            "shape": _fields(self.shape),
            "levels": [_fields(levels) for levels in self.levels],
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> Plan:
        """The inverse of :meth:`to_dict`."""
        return cls(
            ScheduleConfig(**state["settings"]),
            Shape(**state["shape"]),
            tuple(Levels(**levels) for levels in state["levels"]),
        )

    def unit_ticks_per_epoch(self) -> int:
        """Ticks per epoch of this plan (1 when it ticks once per epoch)."""
        return self.settings.steps_per_epoch or 1


def _fields(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}


@dataclass(frozen=True)
class Run:
    """The run the trainer will make, measured by the caller.

    Attributes:
        interval: ``"step"``: a tick is an optimizer step; ``"epoch"``: an epoch.
        steps_per_epoch: optimizer steps per epoch on this rank; ``None`` when the
            train dataloader has no length.
        max_epochs: the trainer's ``max_epochs``; ``None`` when unbounded.
        max_steps: the trainer's ``max_steps``; ``None`` when unbounded.
        end_tick: the tick (of the interval) at which the trainer stops; ``None`` when unknown.
        tick: ticks the trainer has made so far (``global_step`` or ``current_epoch``);
            ``None`` when it cannot be known (manual optimization).
        smoke: a ``fast_dev_run``: a warmup too long for it is clamped, with one line.
        accumulation_varies: the name of what changes ``accumulate_grad_batches``
            during the run (``GradientAccumulationScheduler``), or ``None``.
    """

    interval: str
    steps_per_epoch: int | None
    max_epochs: int | None
    max_steps: int | None
    end_tick: int | None
    tick: int | None
    smoke: bool = False
    accumulation_varies: str | None = None


@dataclass(frozen=True)
class Resolution:
    """What :func:`resolve` decided.

    Attributes:
        plan: the plan to follow.
        tick: the tick to continue from.
        warnings: what the user must hear (each once).
        infos: plain information (a smoke run's clamp).
        changed: whether ``plan`` differs from the plan followed before (a new plan to record).
    """

    plan: Plan
    tick: int
    warnings: tuple[str, ...] = ()
    infos: tuple[str, ...] = ()
    changed: bool = True


@dataclass
class _Notes:
    warnings: list[str] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)


def _given(settings: ScheduleConfig, names: Sequence[str]) -> str:
    return ", ".join(f"{name}={settings[name]!r}" for name in names if settings[name] is not None)


def _phase_names(kind: str) -> tuple[str, str, str]:
    return (f"{kind}_steps", f"{kind}_epochs", f"{kind}_ratio")


def check_before_training(
    settings: ScheduleConfig, max_epochs: int | None, max_steps: int | None = None, smoke: bool = False
) -> None:
    """Refuse, in the user's own words, a warmup and hold that cannot fit the run, without measuring it.

    Only epochs against epochs can be compared before the dataloader is loaded: the run's
    epochs bound the schedule when ``max_epochs`` is set (not ``None`` or ``-1``), ``max_steps``
    is not (``None`` or ``-1``), and the run is no smoke run (``fast_dev_run`` clamps instead).

    Examples:
        >>> check_before_training(ScheduleConfig(warmup_epochs=5), max_epochs=2)
        Traceback (most recent call last):
        ...
        lightning_warmup.errors.SettingError: the warmup must end before the schedule does, got warmup_epochs=5 with
        max_epochs=2 (the schedule spans the run). Lower warmup_epochs, or raise max_epochs.
    """
    if max_epochs == -1 or max_steps not in (None, -1) or smoke:
        max_epochs = None
    end = settings.epochs
    source = "epochs"
    if end is None and not settings.has_total() and max_epochs is not None:
        end, source = max_epochs, "max_epochs"
    if end is None:
        return
    ramp = (settings.warmup_epochs or 0.0) + (settings.hold_epochs or 0.0)
    if ramp and ramp >= end:
        names = [n for n in ("warmup_epochs", "hold_epochs") if settings[n] is not None]
        what = "the warmup and hold" if len(names) > 1 else ("the hold" if names == ["hold_epochs"] else "the warmup")
        span = " (the schedule spans the run)" if source == "max_epochs" else ""
        raise SettingError(
            f"{what} must end before the schedule does, got {_given(settings, names)} with {source}={end!r}{span}. "
            f"Lower {' / '.join(names)}, or raise {source}."
        )


def _completion(settings: ScheduleConfig, run: Run) -> dict[str, Any]:
    """What the run decides of the settings: steps per epoch and, when none is given, the total."""
    uses_epochs = any(settings[n] is not None for n in ("warmup_epochs", "hold_epochs", "epochs", "cycle_epochs"))
    changes: dict[str, Any] = {}
    if run.interval == "epoch":
        for name in ("warmup_epochs", "hold_epochs", "epochs", "cycle_epochs"):
            value = settings[name]
            if value is not None and not float(value).is_integer():
                raise SettingError(
                    f"{name} must be a whole number of epochs with interval='epoch' (the schedule ticks once per "
                    f"epoch), got {name}={value!r}. Use interval='step' for fractions of an epoch."
                )
    needs_length = run.interval == "step" and (uses_epochs or not settings.has_total())
    if needs_length and run.accumulation_varies and (uses_epochs or not settings.has_total()):
        raise SettingError(
            f"{run.accumulation_varies} changes accumulate_grad_batches during the run, so epochs do not map to "
            f"a fixed number of optimizer steps, got {_given(settings, list(settings.given())) or 'no total'}. Give "
            "warmup_steps and total_steps (counted in optimizer steps), or use a fixed accumulate_grad_batches."
        )
    if run.interval == "step" and uses_epochs:
        if run.steps_per_epoch is None:
            given = _given(settings, ("warmup_epochs", "hold_epochs", "epochs", "cycle_epochs"))
            raise SettingError(
                f"the train dataloader has no length (an IterableDataset?), so {given} cannot be turned into "
                "optimizer steps. Give warmup_steps and total_steps (or cycle_steps) instead, or give the dataset "
                "a __len__."
            )
        changes["steps_per_epoch"] = run.steps_per_epoch
    if not settings.has_total():
        changes.update(_total_from_run(run))
        if run.interval == "step" and "epochs" in changes:
            changes["steps_per_epoch"] = run.steps_per_epoch
    return changes


def _total_from_run(run: Run) -> dict[str, Any]:
    per_epoch = run.steps_per_epoch
    if run.interval == "epoch":
        epochs = run.max_epochs
        if run.max_steps is not None and per_epoch is not None:
            by_steps = math.ceil(run.max_steps / per_epoch)  # a partial last epoch counts as one tick
            epochs = by_steps if epochs is None else min(epochs, by_steps)
        if epochs is None:
            raise SettingError(
                f"interval='epoch' needs a number of epochs, got epochs=None, max_epochs={_shown(run.max_epochs)}, "
                f"max_steps={_shown(run.max_steps)}. Give epochs, or set max_epochs (or max_steps) on the Trainer."
            )
        return {"epochs": epochs}
    by_epochs = None if run.max_epochs is None or per_epoch is None else run.max_epochs * per_epoch
    if run.max_steps is not None and (by_epochs is None or run.max_steps <= by_epochs):
        return {"total_steps": run.max_steps}
    if by_epochs is None:
        raise SettingError(
            f"training has no end (max_epochs={_shown(run.max_epochs)}, max_steps={_shown(run.max_steps)}"
            f"{', unsized train dataloader' if per_epoch is None else ''}) and no total is given, so the cosine has "
            "nowhere to end. Give epochs or total_steps, set max_epochs or max_steps on the Trainer, or "
            "cycle_steps for endless restarts."
        )
    return {"epochs": run.max_epochs}


def _shown(limit: int | None) -> int:
    return -1 if limit is None else limit


def _fit_or_clamp(original: ScheduleConfig, changes: dict[str, Any], run: Run, notes: _Notes) -> ScheduleConfig:
    """The settings completed by the run, with warmup and hold fitting the total: as given, clamped in a smoke
    run, or an error in the user's own words."""
    try:
        return original.replace(**changes) if changes else original
    except ValueError:
        values = {**original.to_dict(), **changes}
        raw = _raw_lengths(values)
        if raw is None:
            raise
    warmup, hold, total = raw
    if run.smoke:
        clamped_warmup = min(warmup, total - 1)
        clamped_hold = min(hold, total - 1 - clamped_warmup)
        notes.infos.append(
            f"fast_dev_run: the schedule's warmup ({plural(warmup, 'tick')}) and hold ({plural(hold, 'tick')}) do not "
            f"fit the smoke run of {plural(total, 'tick')}; they are clamped to {clamped_warmup} and {clamped_hold} "
            "for this run only."
        )
        return original.replace(
            **{**changes, "warmup_steps": clamped_warmup, "hold_steps": clamped_hold, "total_steps": total}
        )
    names = [n for kind in ("warmup", "hold") for n in _phase_names(kind) if original[n] is not None]
    totals = [n for n in ("total_steps", "epochs") if original[n] is not None]
    by_steps = "total_steps" in changes
    source = (
        _given(original, totals)
        if totals
        else (f"max_steps={run.max_steps}" if by_steps else f"max_epochs={run.max_epochs}")
    )
    fix_total = " / ".join(totals) if totals else ("max_steps" if by_steps else "max_epochs")
    raise SettingError(
        f"the warmup{' and hold' if hold else ''} must end before the schedule does, got {_given(original, names)} "
        f"with {source}: {warmup}{f' + {hold}' if hold else ''} >= {total} "
        f"{'optimizer steps' if run.interval == 'step' else 'epochs'}. "
        f"Lower {' / '.join(names)}, or raise {fix_total}."
    ) from None


def _raw_lengths(settings: dict[str, Any]) -> tuple[int, int, int] | None:
    """Warmup, hold and total in ticks without checking that they fit (None with restarts)."""
    if settings["cycle_steps"] is not None or settings["cycle_epochs"] is not None:
        return None
    per_epoch = settings["steps_per_epoch"] or 1
    total = settings["total_steps"] if settings["epochs"] is None else epochs_to_ticks(settings["epochs"], per_epoch)
    if total is None:
        return None
    phases = []
    for kind in ("warmup", "hold"):
        steps, epochs, ratio = (settings[n] for n in _phase_names(kind))
        value = (
            steps
            if steps is not None
            else (
                epochs_to_ticks(epochs, per_epoch)
                if epochs is not None
                else (epochs_to_ticks(ratio, total) if ratio is not None else 0)
            )
        )
        phases.append(int(value))
    return phases[0], phases[1], int(total)


def _carry(old: Plan, new: ScheduleConfig, r: int) -> tuple[int, int, int | None]:
    """Warmup, hold and total in ticks of the new settings, from resumed tick ``r`` on (API.md 5.2)."""
    s_old, s_new = old.unit_ticks_per_epoch(), new.steps_per_epoch or 1
    e_r = r / s_old
    lengths = new.lengths()
    old_shape = old.shape

    def point(epochs: float | None, new_tick: int, old_tick: int) -> int:
        if epochs is None:
            return new_tick  # given in steps (or as a ratio of a total in steps): the new value
        if epochs > e_r:
            return r + math.floor((epochs - e_r) * s_new + 0.5)
        return old_tick

    warmup_epochs = new.warmup_epochs
    total_epochs = new.epochs
    if warmup_epochs is None and new.warmup_ratio is not None and total_epochs is not None:
        warmup_epochs = new.warmup_ratio * total_epochs
    hold_epochs = new.hold_epochs
    if hold_epochs is None and new.hold_ratio is not None and total_epochs is not None:
        hold_epochs = new.hold_ratio * total_epochs
    warmup_end = point(warmup_epochs, lengths.warmup_steps, old_shape.warmup_steps)
    if hold_epochs is not None and (warmup_epochs is not None or lengths.warmup_steps == 0):
        hold_end = point(
            (warmup_epochs or 0.0) + hold_epochs,
            lengths.warmup_steps + lengths.hold_steps,
            old_shape.warmup_steps + old_shape.hold_steps,
        )
    else:
        hold_end = warmup_end + lengths.hold_steps
    total = lengths.total_steps
    if total is not None:
        old_total = old_shape.total_steps if old_shape.total_steps is not None else total
        total = point(total_epochs, total, old_total)
    return warmup_end, max(hold_end - warmup_end, 0), total


def _settings_levels(settings: ScheduleConfig, group_lrs: Sequence[float], fallback: Sequence[Levels]) -> list[Levels]:
    """The levels ``settings`` give the groups ``group_lrs``; ``fallback`` where they cannot (fewer values)."""
    try:
        return list(settings.levels(group_lrs))
    except (SettingError, SettingTypeError):
        return list(fallback)


def _changes(old: Plan, shape: Shape, old_levels: Sequence[Levels], levels: Sequence[Levels], r: int) -> list[str]:
    words = []
    for name, label in (
        ("warmup_steps", "warmup_steps"),
        ("hold_steps", "hold_steps"),
        ("total_steps", "total_steps"),
        ("cycle_steps", "cycle_steps"),
    ):
        a, b = getattr(old.shape, name), getattr(shape, name)
        if a != b:
            words.append(f"{label} {a} -> {b}")
    for i, (a_levels, b_levels) in enumerate(zip(old_levels, levels)):
        for name in ("peak", "floor"):
            a, b = getattr(a_levels, name), getattr(b_levels, name)
            if a != b:
                words.append(f"{name} of param group {i} {a:.4g} -> {b:.4g}")
    if words:
        words[-1] += f" (counted from the resumed tick {r})"
    return words


def resolve(
    settings: ScheduleConfig,
    group_lrs: Sequence[float],
    run: Run,
    followed: Plan | None = None,
    scheduler_tick: int = 0,
    restored: bool = False,
    policy: str = "keep",
) -> Resolution:
    """The plan to follow for ``settings`` in ``run``, and what changed, in words.

    Args:
        settings: the scheduler's settings in the user's units (maybe with no total:
            the run's length is used).
        group_lrs: each param group's initial LR (peaks when ``lr`` is not given).
        run: the run the trainer will make.
        followed: the plan the scheduler follows now (a checkpoint's, when ``restored``).
        scheduler_tick: the scheduler's tick (``last_epoch``).
        restored: whether ``followed`` and ``scheduler_tick`` come from a checkpoint.
        policy: ``"keep"``, ``"adopt"`` or ``"stretch"`` (API.md 5.2).

    Returns:
        The plan, the tick to continue from, and the messages to say once.

    Raises:
        SettingError: settings that cannot fit the run, named as the user wrote them;
            ``"adopt"`` or ``"stretch"`` of a changed plan with restarts.
    """
    notes = _Notes()
    completed = _fit_or_clamp(settings, _completion(settings, run), run, notes)
    tick = scheduler_tick
    if run.tick is not None and run.tick != scheduler_tick:
        what = "optimizer steps" if run.interval == "step" else "epochs"
        cause = (
            "the checkpoint's scheduler counted otherwise"
            if restored
            else "the checkpoint had no state for this scheduler, or fit() was called again on the same trainer"
        )
        notes.warnings.append(
            f"WarmupCosLR was at tick {scheduler_tick} but the trainer has made {plural(run.tick, what[:-1])}: "
            f"{cause}. The schedule continues from tick {run.tick}, where the trainer is. Load the weights only "
            "(or build a new Trainer) to start the schedule over."
        )
        tick = run.tick
    if not restored or followed is None:
        plan = Plan.from_settings(completed, group_lrs)
        return Resolution(plan, tick, tuple(notes.warnings), tuple(notes.infos), plan != followed)
    return _resume(completed, group_lrs, followed, tick, policy, notes)


def _resume(
    new: ScheduleConfig, group_lrs: Sequence[float], old: Plan, r: int, policy: str, notes: _Notes
) -> Resolution:
    new_levels = new.levels(group_lrs)
    restarts = old.shape.cycle_steps is not None or new.shape().cycle_steps is not None
    if restarts:
        shape = new.shape()
    else:
        warmup, hold, total = _carry(old, new, r)
        shape = replace(new.shape(), warmup_steps=warmup, hold_steps=hold, total_steps=total)
    # Levels are compared as each side's settings give them for the groups as they are now: a group added
    # during training, or one whose LR someone else wrote, follows a scaled curve by design (API.md 5.3),
    # not because a setting changed.
    changes = _changes(old, shape, _settings_levels(old.settings, group_lrs, old.levels), new_levels, r)
    if not changes:
        return Resolution(old, r, tuple(notes.warnings), tuple(notes.infos), changed=False)
    said = "; ".join(changes)
    if policy != "keep" and restarts:
        raise SettingError(
            f"on_plan_change={policy!r} cannot carry a schedule with restarts over a changed plan, got: {said}. "
            "Use on_plan_change='keep', or resume with the checkpoint's settings."
        )
    head = f"the current settings give another plan than the checkpoint's: {said}."
    if policy == "keep":
        notes.warnings.append(
            f"{head} Continuing the checkpoint's plan; pass WarmupCosLRCallback(on_plan_change="
            "'adopt') to switch to the new one, or 'stretch' to bend the cosine to the new end."
        )
        return Resolution(old, r, tuple(notes.warnings), tuple(notes.infos), changed=False)
    ramp_end = old.shape.warmup_steps + old.shape.hold_steps
    if policy == "stretch" and r >= ramp_end and shape.total_steps is not None:
        progress = Timeline(old.shape).progress(r)
        stretched = replace(old.shape, total_steps=shape.total_steps, anneal_tick=r, anneal_progress=progress)
        kept = [c for c in changes if c.startswith(("peak", "floor"))]
        unapplied = (
            f" The changed {' and '.join(sorted({c.split()[0] for c in kept}))} is reported, not applied "
            "(use 'adopt' for that)."
            if kept
            else ""
        )
        notes.warnings.append(
            f"{head} Stretching the cosine from tick {r} (progress {progress:.3f}) to end at the "
            f"floor at tick {shape.total_steps} (on_plan_change='stretch').{unapplied}"
        )
        return Resolution(Plan(new, stretched, old.levels), r, tuple(notes.warnings), tuple(notes.infos))
    inside = " (resumed inside the warmup or hold, 'stretch' acts as 'adopt')" if policy == "stretch" else ""
    if shape.total_steps is not None and shape.warmup_steps + shape.hold_steps >= shape.total_steps:
        raise SettingError(
            f"{head} The new plan's warmup and hold end at tick {shape.warmup_steps + shape.hold_steps}, "
            f"not before its end at tick {shape.total_steps}. Keep the checkpoint's plan "
            "(on_plan_change='keep') or lengthen the run."
        )
    notes.warnings.append(f"{head} Adopting the new plan from step {r}{inside}; the LR may jump there.")
    return Resolution(Plan(new, shape, tuple(new_levels)), r, tuple(notes.warnings), tuple(notes.infos))


def describe(plan: Plan, interval: str, name: str, per_epoch_words: str | None) -> str:
    """The plan once, in plain words.

    Examples:
        >>> from lightning_warmup.config import ScheduleConfig
        >>> plan = Plan.from_settings(ScheduleConfig(warmup_steps=1, hold_steps=2, total_steps=10), [0.1])
        >>> describe(plan, "epoch", "lr-SGD", None)
        "WarmupCosLR plan (lr-SGD, interval='epoch'); warmup 1 epoch from 0.01 to the peak 0.1; hold 2 epochs; cosine
        to the floor 0, ending at epoch 10."
    """
    unit = "optimizer step" if interval == "step" else "epoch"
    shape, first = plan.shape, plan.levels[0]
    parts = [f"WarmupCosLR plan ({name}, interval={interval!r})"]
    if per_epoch_words:
        parts.append(per_epoch_words)
    parts.append(
        f"warmup {plural(shape.warmup_steps, unit)} from {first.start(first.peak):.3g} to the peak {first.peak:.3g}"
    )
    if shape.hold_steps:
        parts.append(f"hold {plural(shape.hold_steps, unit)}")
    end = f"cosine to the floor {first.floor:.3g}"
    if shape.cycle_steps is not None:
        end += (
            f" in cycles of {plural(shape.cycle_steps, unit)} (x{shape.cycle_mult:g} each, "
            f"peaks x{shape.cycle_decay:g})"
        )
    if shape.total_steps is not None:
        end += f", ending at {unit} {shape.total_steps}"
    parts.append(end)
    if len(plan.levels) > 1:
        parts.append(f"{len(plan.levels)} param groups, peaks " + ", ".join(f"{g.peak:.3g}" for g in plan.levels))
    return "; ".join(parts) + "."


def _the_last(count: int, unit: str) -> str:
    """``the last optimizer step stays``, ``the last 3 epochs stay``.

    Examples:
        >>> _the_last(1, "optimizer step"), _the_last(3, "epoch")
        ('the last optimizer step stays', 'the last 3 epochs stay')
    """
    return f"the last {unit} stays" if count == 1 else f"the last {plural(count, unit)} stay"


def run_differs(plan: Plan, run: Run, tick: int) -> str | None:
    """A warning when the schedule ends before or after the run, else ``None``."""
    total, end = plan.shape.total_steps, run.end_tick
    unit = "optimizer step" if run.interval == "step" else "epoch"
    if total is None or end is None or total == end or (total <= tick and end <= tick):
        return None
    if total < end:
        return (
            f"The schedule ends at {unit} {total} but the trainer runs to {end}: "
            f"{_the_last(end - max(total, tick), unit)} at min_lr ({plan.levels[0].floor:.3g}). Give a longer "
            "total (epochs / total_steps), or leave it out to span the whole run."
        )
    from lightning_warmup.schedule import lrs_at

    last = lrs_at(Timeline(plan.shape), plan.levels[:1], end - 1)[0]
    return (
        f"The trainer stops at {unit} {end}, before the schedule ends at {total}: the LR never reaches min_lr "
        f"(the last {unit} uses {last:.3g}). Shorten the schedule or train longer."
    )
