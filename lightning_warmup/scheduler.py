"""``WarmupCosLR``: a :class:`~lightning_warmup.plan.Plan` followed by a PyTorch LR scheduler."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from operator import is_not, itemgetter
from typing import Any

from torch import Tensor
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler
from typing_extensions import override

from lightning_warmup.config import PerGroup, ScheduleConfig, epochs_to_ticks, per_group
from lightning_warmup.errors import SettingError, SettingTypeError
from lightning_warmup.plan import STATE_VERSION, Plan
from lightning_warmup.schedule import Levels, Timeline, lr_function, lrs_at

__all__ = ["WarmupCosLR"]

_COUNTERS = ("last_epoch", "_step_count")


def _plain(value: float | Tensor) -> float:
    return float(value.item()) if isinstance(value, Tensor) else float(value)


class WarmupCosLR(LRScheduler):
    """Linear warmup, an optional hold at the peak, then cosine annealing to a floor, optionally with restarts.

    A *tick* is one call of :meth:`step`; ``t = last_epoch`` is the number of
    ticks so far (0 right after construction), and the LR in the param groups at
    tick ``t`` is the one the next optimizer step uses. ``total_steps`` includes
    the warmup and the hold; from ``t = total_steps`` on the LR stays at the floor.
    The LR is a closed-form function of ``t`` (see :mod:`lightning_warmup.schedule`)::

        t <  W, warmup_inclusive=False:  S + (P - S) * t / W
        t <  W, warmup_inclusive=True:   S + (P - S) * t / (W - 1)        (W = 1: P)
        W <= t < W + H:                  P
        W + H <= t < T:                  m + (P - m) * (1 + cos(pi * (t - W - H) / (T - W - H))) / 2
        t >= T:                          m

    with peak ``P``, floor ``m``, warmup start ``S``, warmup ``W``, hold ``H`` and
    total ``T`` ticks, per param group.

    Args:
        optimizer: the wrapped optimizer.
        warmup_steps: warmup length in ticks. Default 0.
        total_steps: whole schedule length in ticks, warmup and hold included.
        warmup_epochs: the warmup in epochs (may be fractional), ``steps_per_epoch`` ticks each.
        epochs: the whole schedule in epochs.
        steps_per_epoch: ticks per epoch; ``None`` means 1 (one tick per epoch).
            :class:`~lightning_warmup.WarmupCosLRCallback` sets it from the
            trainer for ``interval="step"``.
        warmup_ratio: the warmup as a fraction of ``total_steps`` (``0 <= r < 1``).
        hold_steps: ticks at the peak after the warmup, before the cosine. Default 0.
        hold_epochs: the hold in epochs.
        hold_ratio: the hold as a fraction of ``total_steps``.
        lr: the peak. ``None``: each group's own initial LR (ratios between groups
            are kept); a float: every group's; a sequence: one per group.
        learning_rate: alias of ``lr``.
        min_lr: the floor, absolute (a float or one per group). Default 0.
        min_lr_ratio: the floor as a fraction of each group's peak.
        warmup_factor: the warmup starts at ``warmup_factor * peak``. Default 0.1.
        warmup_start_lr: the warmup starts at this absolute LR (a float or one per group).
        warmup_inclusive: ``False``: the peak is reached at tick ``W``.
            ``True``: the last warmup tick ``W - 1`` is already at the peak.
        cycle_steps: cosine restarts; ticks in the first cycle, its warmup and hold included.
        cycle_epochs: the same in epochs.
        cycle_mult: each cycle's annealing part is the previous one's times this, rounded down.
        cycle_decay: each cycle's peak is the previous one's times this (never below the floor).
        cycle_warmup: every cycle warms up and holds again (``True``) or only the first.
        last_epoch: as in PyTorch; ``-1`` starts a new schedule.

    At most one of each of these may be given: {``warmup_steps``, ``warmup_epochs``,
    ``warmup_ratio``}, {``hold_steps``, ``hold_epochs``, ``hold_ratio``},
    {``total_steps``, ``epochs``}, {``min_lr``, ``min_lr_ratio``},
    {``warmup_factor``, ``warmup_start_lr``}, {``lr``, ``learning_rate``},
    {``cycle_steps``, ``cycle_epochs``}.

    A param group added to the optimizer during training (``BackboneFinetuning``)
    joins the curve, scaled to the LR it was added with; an LR written into a
    group by someone else between two ticks re-scales that group's curve through
    the written value (API.md 5.3).

    Raises:
        SettingError: a value out of range, conflicting arguments, lengths that do not fit.
        SettingTypeError: a value of the wrong kind (a bool or string where a number belongs).

    Examples:
        >>> import torch
        >>> model = torch.nn.Linear(2, 1)
        >>> optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
        >>> scheduler = WarmupCosLR(optimizer, warmup_steps=2, total_steps=6, warmup_factor=0.0)
        >>> lrs = []
        >>> for _ in range(8):
        ...     lrs.append(round(optimizer.param_groups[0]["lr"], 4))
        ...     optimizer.step()
        ...     scheduler.step()
        >>> lrs
        [0.0, 0.5, 1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
    """

    settings: ScheduleConfig
    plan: Plan | None

    def __init__(
        self,
        optimizer: Optimizer,
        warmup_steps: int | None = None,
        total_steps: int | None = None,
        *,
        warmup_epochs: float | None = None,
        epochs: float | None = None,
        steps_per_epoch: int | None = None,
        warmup_ratio: float | None = None,
        hold_steps: int | None = None,
        hold_epochs: float | None = None,
        hold_ratio: float | None = None,
        lr: PerGroup = None,
        learning_rate: PerGroup = None,
        min_lr: PerGroup = None,
        min_lr_ratio: float | None = None,
        warmup_factor: float | None = None,
        warmup_start_lr: PerGroup = None,
        warmup_inclusive: bool = False,
        cycle_steps: int | None = None,
        cycle_epochs: float | None = None,
        cycle_mult: float = 1.0,
        cycle_decay: float = 1.0,
        cycle_warmup: bool = True,
        last_epoch: int = -1,
    ) -> None:
        if lr is not None and learning_rate is not None:
            raise SettingError(
                f"give at most one of lr, learning_rate: learning_rate is an alias of lr, got lr={lr!r}, "
                f"learning_rate={learning_rate!r}. Keep one of them."
            )
        if learning_rate is not None:
            per_group("learning_rate", learning_rate, None)  # errors name the argument the user wrote
        settings = ScheduleConfig(
            warmup_steps=warmup_steps,
            total_steps=total_steps,
            warmup_epochs=warmup_epochs,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            warmup_ratio=warmup_ratio,
            hold_steps=hold_steps,
            hold_epochs=hold_epochs,
            hold_ratio=hold_ratio,
            lr=learning_rate if lr is None else lr,
            min_lr=min_lr,
            min_lr_ratio=min_lr_ratio,
            warmup_factor=warmup_factor,
            warmup_start_lr=warmup_start_lr,
            warmup_inclusive=warmup_inclusive,
            cycle_steps=cycle_steps,
            cycle_epochs=cycle_epochs,
            cycle_mult=cycle_mult,
            cycle_decay=cycle_decay,
            cycle_warmup=cycle_warmup,
        )
        if not _TRAINER_SIZES.get():
            settings.lengths()  # a plain scheduler needs its total now; the callback sizes those made by the mixin
        _warn_fractional_ticks(settings)
        self._setup(optimizer, settings, last_epoch)

    @classmethod
    def sized_by_trainer(cls, optimizer: Optimizer, settings: ScheduleConfig) -> WarmupCosLR:
        """A scheduler whose length :class:`~lightning_warmup.WarmupCosLRCallback` sets at train start.

        The total may be missing (the run's length is used) and epochs count
        optimizer steps once the callback knows the steps per epoch; until then the
        param groups keep their initial LR.
        """
        scheduler = cls.__new__(cls)
        scheduler._setup(optimizer, settings, -1)
        return scheduler

    def _setup(self, optimizer: Optimizer, settings: ScheduleConfig, last_epoch: int) -> None:
        if not isinstance(optimizer, Optimizer):
            raise SettingTypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}.")
        # The peaks are what the base class will take as base_lrs: a group's initial_lr where it
        # has one (set by an earlier scheduler, or a resume), else its lr. A resume (last_epoch >= 0)
        # without initial_lr gets the base class's own KeyError.
        group_lrs = [
            _plain(group.get("initial_lr", group["lr"]))
            for group in optimizer.param_groups
            if last_epoch == -1 or "initial_lr" in group
        ]
        self.settings = settings
        self.plan = None
        self._floats = False  # every group's LR a float: step() takes its lean path (set after a full step)
        if settings.has_total() and len(group_lrs) == len(optimizer.param_groups):
            self._follow(Plan.from_settings(settings, group_lrs))
        super().__init__(optimizer, last_epoch)
        self.base_lrs = list(group_lrs)  # plain floats, for plain state dicts

    def _follow(self, plan: Plan) -> None:
        self.plan = plan
        self._timeline = Timeline(plan.shape)
        self._levels: list[Levels] = list(plan.levels)
        self._lrs = lr_function(self._timeline, self._levels)

    def __getstate__(self) -> dict[str, Any]:
        """Pickling and ``copy.deepcopy``: everything but the per-plan LR function, rebuilt on load."""
        state = self.__dict__.copy()
        state.pop("_lrs", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if self.plan is not None:
            self._lrs = lr_function(self._timeline, self._levels)

    # ----------------------------------------------------------------- the LR
    @override
    def get_lr(self) -> list[float | Tensor]:
        """The LR of every param group at tick ``last_epoch``."""
        if self.plan is None:  # not sized yet: keep the groups' LRs until the callback sets the plan
            return [group["lr"] for group in self.optimizer.param_groups]
        return lrs_at(self._timeline, self._levels, self.last_epoch)  # type: ignore[return-value]

    def _get_closed_form_lr(self) -> list[float | Tensor]:
        return self.get_lr()

    def lr_at(self, t: int) -> list[float]:
        """The LR of every param group at tick ``t``, without stepping."""
        if self.plan is None:
            raise RuntimeError(_UNSIZED)
        return lrs_at(self._timeline, self._levels, t)

    @override
    def step(self, epoch: int | None = None) -> None:
        """Advance one tick and set every param group's LR (the one the next optimizer step uses).

        Keeps PyTorch's contract: the order warning on the first step, ``last_epoch``,
        ``get_last_lr()`` (same types as the groups' LRs), tensor LRs filled in place.
        """
        plan = self.plan
        if epoch is not None or self._step_count < 2 or plan is None:
            if plan is None and self._step_count >= 1:
                raise RuntimeError(_UNSIZED)
            super().step(epoch)
            return
        self._step_count += 1
        groups = self.optimizer.param_groups
        # The groups hold the very objects written last tick unless a group was added or someone else wrote
        # an LR (API.md 5.3): an identity check in C, then (tensor LRs, equal values) a value check.
        last = self._last_lr
        if (len(groups) != len(last) or any(map(is_not, map(_LR, groups), last))) and [g["lr"] for g in groups] != last:
            self._join_or_rescale(groups)
        t = self.last_epoch + 1
        self.last_epoch = t
        lrs = self._lrs(t)
        if self._floats:
            for group, lr in zip(groups, lrs):
                group["lr"] = lr
            self._last_lr = lrs  # type: ignore[assignment]  # floats, the very objects the groups hold
            return
        for group, lr in zip(groups, lrs):
            if isinstance(group["lr"], Tensor):
                group["lr"].fill_(lr)  # in place: compiled / capturable optimizers hold this tensor
            else:
                group["lr"] = lr
        self._last_lr = [g["lr"].clone() if isinstance(g["lr"], Tensor) else g["lr"] for g in groups]
        self._floats = all(type(g["lr"]) is float for g in groups)

    def _join_or_rescale(self, groups: list[dict[str, Any]]) -> None:
        """API.md 5.3: added groups join the curve, groups whose LR was written are re-scaled through it."""
        t = self.last_epoch
        scheduled = lrs_at(self._timeline, self._levels, t)
        first = self._levels[0]
        levels = list(self._levels)
        for i, group in enumerate(groups):
            written = _plain(group["lr"])
            if i >= len(levels):
                phase = scheduled[0] / first.peak if first.peak else 0.0
                peak = written / phase if phase else written
                factor = peak / first.peak if first.peak else 1.0
                joined = first.scaled(factor) if first.peak else Levels(written, 0.0, first.warmup_factor, None)
                levels.append(joined)
                group.setdefault("initial_lr", written)
                self.base_lrs.append(written)
            elif written != _plain(self._last_lr[i]) and scheduled[i]:
                levels[i] = levels[i].scaled(written / scheduled[i])
            elif written != _plain(self._last_lr[i]):
                levels[i] = Levels(written, 0.0, levels[i].warmup_factor, None)
        assert self.plan is not None
        self._follow(Plan(self.plan.settings, self.plan.shape, tuple(levels)))
        self._floats = all(type(group["lr"]) is float for group in groups)

    def follow(self, plan: Plan, tick: int | None = None) -> None:
        """Follow ``plan`` from ``tick`` (default: the current tick) on, and set the param groups' LR to it.

        :class:`~lightning_warmup.WarmupCosLRCallback` calls this with the plan it
        resolved from the trainer's run.
        """
        if len(plan.levels) != len(self.optimizer.param_groups):
            raise SettingError(
                f"the plan has {len(plan.levels)} param groups but the optimizer has "
                f"{len(self.optimizer.param_groups)}."
            )
        self._follow(plan)
        if tick is not None:
            self.last_epoch = tick
        self._apply(self.lr_at(max(self.last_epoch, 0)))

    def _apply(self, lrs: Sequence[float]) -> None:
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            if isinstance(group["lr"], Tensor):
                group["lr"].fill_(lr)
            else:
                group["lr"] = lr
        self._last_lr = [
            g["lr"].clone() if isinstance(g["lr"], Tensor) else g["lr"] for g in self.optimizer.param_groups
        ]
        self._floats = all(type(g["lr"]) is float for g in self.optimizer.param_groups)

    # ------------------------------------------------------------------ state
    @override
    def state_dict(self) -> dict[str, Any]:
        """Plain Python values only: loads with ``torch.load(..., weights_only=True)``.

        Holds the tick count, the peaks, and the plan (settings in the user's units,
        lengths in ticks, every group's levels, added groups included).
        """
        return {
            "version": STATE_VERSION,
            "plan": None if self.plan is None else self.plan.to_dict(),
            "last_epoch": self.last_epoch,
            "_step_count": self._step_count,
            "base_lrs": [_plain(v) for v in self.base_lrs],
            "_last_lr": [_plain(v) for v in self._last_lr],
        }

    @override
    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue the saved schedule exactly, whatever this object was built with.

        The param groups' LR is set to the saved tick's value, so the next
        optimizer step uses it even if the optimizer state is not restored.

        Raises:
            SettingError: a state that is not ``WarmupCosLR``'s, or is damaged; the
                message says what is wrong and how to resume.
        """
        plan, counters, base_lrs = _read_state(state_dict, len(self.optimizer.param_groups))
        self.last_epoch, self._step_count = counters
        self.base_lrs = base_lrs  # type: ignore[assignment]
        self.follow(plan)


_UNSIZED = (
    "WarmupCosLR has no total yet: it was made to span the trainer's run, which WarmupCosLRCallback "
    "measures at train start. Add WarmupCosLRCallback() to the Trainer's callbacks (a configure_callbacks "
    "of your own may leave it out), or give total_steps / epochs."
)

_LR = itemgetter("lr")

#: Set while LightningCLI builds the optimizer and scheduler: WarmupCosLRCallback sizes them at train start.
_TRAINER_SIZES: ContextVar[bool] = ContextVar("lightning_warmup_trainer_sizes", default=False)


@contextlib.contextmanager
def sized_by_the_trainer() -> Iterator[None]:
    """``WarmupCosLR`` built inside may leave out the total: ``WarmupCosLRCallback`` takes it from the run.

    ``lightning-warmup fit`` builds LightningCLI's ``lr_scheduler:`` inside it.
    """
    token = _TRAINER_SIZES.set(True)
    try:
        yield
    finally:
        _TRAINER_SIZES.reset(token)


_HOW_TO_RESUME = (
    "To resume anyway, load the weights only (e.g. model.load_state_dict(torch.load(path)"
    "['state_dict'])) and start a new fit, or resume with the scheduler the checkpoint was made with."
)


def _bad_state(problem: str) -> SettingError:
    return SettingError(f"cannot resume WarmupCosLR from this checkpoint: {problem}. {_HOW_TO_RESUME}")


def _read_state(state: Any, n_groups: int) -> tuple[Plan, tuple[int, int], list[float]]:
    """Check a saved state and read it; every problem becomes one clear error."""
    if not isinstance(state, dict):
        raise _bad_state(f"the scheduler state is a {type(state).__name__}, not a dict")
    if "plan" not in state and "config" not in state:
        foreign = (
            ("lr_lambdas" in state and "a LambdaLR")
            or ("T_max" in state and "a CosineAnnealingLR")
            or ("_schedulers" in state and "a SequentialLR")
            or "another scheduler's"
        )
        keys = ", ".join(sorted(map(str, state))[:6])
        raise _bad_state(f"the scheduler state is {foreign} state (keys: {keys}), not WarmupCosLR's")
    version = state.get("version", 1)
    if version not in (1, STATE_VERSION):
        raise _bad_state(f"the state has version {version!r}; this WarmupCosLR reads versions 1 and {STATE_VERSION}")
    for key in ("last_epoch", "_step_count", "base_lrs"):
        if key not in state:
            raise _bad_state(f"the scheduler state has no {key!r}")
    counters = []
    for key in _COUNTERS:
        value = state[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _bad_state(f"{key} must be an int >= 0, got {key}={value!r}")
        counters.append(value)
    base_lrs = state["base_lrs"]
    if not isinstance(base_lrs, list) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in base_lrs
    ):
        raise _bad_state(f"base_lrs must be a list of numbers, got base_lrs={base_lrs!r}")
    if len(base_lrs) != n_groups:
        raise _bad_state(
            f"the checkpoint's scheduler has {len(base_lrs)} param groups but this optimizer has {n_groups} "
            "(a group added during training is restored by BaseFinetuning callbacks such as BackboneFinetuning; "
            "add them before resuming)"
        )
    try:
        if version == 1:
            plan = Plan.from_settings(ScheduleConfig(**state["config"]), [float(v) for v in base_lrs])
        else:
            plan = Plan.from_dict(state["plan"])
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise _bad_state(f"its plan is damaged ({error})") from None
    if len(plan.levels) != n_groups:
        raise _bad_state(f"its plan has {len(plan.levels)} param groups but this optimizer has {n_groups}")
    return plan, (counters[0], counters[1]), [float(v) for v in base_lrs]


def _warn_fractional_ticks(settings: ScheduleConfig) -> None:
    if settings.steps_per_epoch is not None:
        return
    for name in ("warmup_epochs", "hold_epochs", "epochs", "cycle_epochs"):
        value = settings[name]
        if value is not None and not float(value).is_integer():
            warnings.warn(
                f"{name}={value!r} is not a whole number of ticks with steps_per_epoch=None (one tick per epoch); "
                f"it rounds to {epochs_to_ticks(value, 1)}. Pass steps_per_epoch, or let WarmupCosLRCallback "
                "set it from the trainer (interval='step').",
                UserWarning,
                stacklevel=3,
            )
