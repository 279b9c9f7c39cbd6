"""``WarmupCosLR``: the schedule of :mod:`lightning_warmup.schedule` as a PyTorch LR scheduler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from torch import Tensor
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler
from typing_extensions import override

from lightning_warmup.config import PerGroup, ScheduleConfig, per_group
from lightning_warmup.schedule import Curve, lrs_at

__all__ = ["WarmupCosLR"]

_STATE_KEYS = ("last_epoch", "_step_count", "base_lrs", "_last_lr")


def _plain(value: float | Tensor) -> float:
    return float(value.item()) if isinstance(value, Tensor) else float(value)


class WarmupCosLR(LRScheduler):
    """Linear warmup, then cosine annealing to a floor, optionally with restarts.

    A *tick* is one call of :meth:`step`; ``t = last_epoch`` is the number of
    ticks so far (0 right after construction), and the LR in the param groups at
    tick ``t`` is the one the next optimizer step uses. ``total_steps`` includes
    the warmup; from ``t = total_steps`` on the LR stays at the floor. The LR is a
    closed-form function of ``t`` (see :mod:`lightning_warmup.schedule`)::

        t <  W, warmup_inclusive=False:  S + (P - S) * t / W
        t <  W, warmup_inclusive=True:   S + (P - S) * t / (W - 1)        (W = 1: P)
        W <= t < T:                      m + (P - m) * (1 + cos(pi * (t - W) / (T - W))) / 2
        t >= T:                          m

    with peak ``P``, floor ``m``, warmup start ``S``, warmup ``W`` and total ``T``
    ticks, per param group.

    Args:
        optimizer: the wrapped optimizer.
        warmup_steps: warmup length in ticks. Default 0.
        total_steps: whole schedule length in ticks, warmup included.
        warmup_epochs: the warmup in epochs (may be fractional), ``steps_per_epoch`` ticks each.
        epochs: the whole schedule in epochs.
        steps_per_epoch: ticks per epoch; ``None`` means 1 (one tick per epoch).
            :class:`~lightning_warmup.WarmupCosLRCallback` sets it from the
            trainer for ``interval="step"``.
        warmup_ratio: the warmup as a fraction of ``total_steps`` (``0 <= r < 1``).
        lr: the peak. ``None``: each group's own initial LR (ratios between groups
            are kept); a float: every group's; a sequence: one per group.
        learning_rate: alias of ``lr``.
        min_lr: the floor, absolute (a float or one per group). Default 0.
        min_lr_ratio: the floor as a fraction of each group's peak.
        warmup_factor: the warmup starts at ``warmup_factor * peak``. Default 0.1.
        warmup_start_lr: the warmup starts at this absolute LR (a float or one per group).
        warmup_inclusive: ``False``: the peak is reached at tick ``W``.
            ``True``: the last warmup tick ``W - 1`` is already at the peak.
        cycle_steps: cosine restarts; ticks in the first cycle, its warmup included.
        cycle_epochs: the same in epochs.
        cycle_mult: each cycle's annealing part is the previous one's times this, rounded down.
        cycle_decay: each cycle's peak is the previous one's times this (never below the floor).
        cycle_warmup: every cycle warms up again (``True``) or only the first.
        last_epoch: as in PyTorch; ``-1`` starts a new schedule.

    At most one of each of these may be given: {``warmup_steps``, ``warmup_epochs``,
    ``warmup_ratio``}, {``total_steps``, ``epochs``}, {``min_lr``, ``min_lr_ratio``},
    {``warmup_factor``, ``warmup_start_lr``}, {``lr``, ``learning_rate``},
    {``cycle_steps``, ``cycle_epochs``}.

    Raises:
        ValueError: a value out of range, conflicting arguments, lengths that do not fit.
        TypeError: a value of the wrong kind (a bool or string where a number belongs).

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
            raise ValueError(
                f"give at most one of lr, learning_rate: learning_rate is an alias of lr, got lr={lr!r}, "
                f"learning_rate={learning_rate!r}. Keep one of them."
            )
        if learning_rate is not None:
            per_group("learning_rate", learning_rate, None)  # errors name the argument the user wrote
        config = ScheduleConfig(
            warmup_steps=warmup_steps,
            total_steps=total_steps,
            warmup_epochs=warmup_epochs,
            epochs=epochs,
            steps_per_epoch=steps_per_epoch,
            warmup_ratio=warmup_ratio,
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
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}.")
        # The peaks are what the base class will take as base_lrs: a group's initial_lr where it
        # has one (set by an earlier scheduler, or a resume), else its lr. A resume (last_epoch >= 0)
        # without initial_lr gets the base class's own KeyError.
        group_lrs = [_plain(group.get("initial_lr", group["lr"])) for group in optimizer.param_groups
                     if last_epoch == -1 or "initial_lr" in group]
        #: The settings this scheduler was built with; :attr:`config` may differ after
        #: :meth:`load_state_dict` or :meth:`use_config`.
        self.built_config: ScheduleConfig = config
        self.config: ScheduleConfig = config
        self.curves: list[Curve] = config.curves(group_lrs)
        #: True once a state dict was loaded (a resumed run).
        self.restored = False
        super().__init__(optimizer, last_epoch)
        #: The peaks this scheduler was built with; :attr:`base_lrs` may differ after
        #: :meth:`load_state_dict`.
        self.built_base_lrs: list[float] = group_lrs
        self.base_lrs = list(group_lrs)  # type: ignore[assignment]  # plain floats, for plain state dicts

    @override
    def get_lr(self) -> list[float | Tensor]:
        """The LR of every param group at tick ``last_epoch``."""
        return lrs_at(self.curves, self.last_epoch)  # type: ignore[return-value]

    def _get_closed_form_lr(self) -> list[float | Tensor]:
        return self.get_lr()

    def lr_at(self, t: int) -> list[float]:
        """The LR of every param group at tick ``t``, without stepping."""
        return lrs_at(self.curves, t)

    def use_config(self, config: ScheduleConfig, base_lrs: Sequence[float] | None = None) -> None:
        """Follow ``config`` from the current tick on, and set the param groups' LR to it.

        :class:`~lightning_warmup.WarmupCosLRCallback` uses this to turn epochs into
        optimizer steps once the trainer knows the dataloader length.

        Args:
            config: the settings to follow (validated again against the param groups).
            base_lrs: each group's own initial LR; by default the current :attr:`base_lrs`.
        """
        peaks = [_plain(v) for v in (self.base_lrs if base_lrs is None else base_lrs)]
        curves = config.curves(peaks)
        self.config, self.curves = config, curves
        self.base_lrs = peaks  # type: ignore[assignment]  # plain floats, for plain state dicts
        self._apply(self.lr_at(max(self.last_epoch, 0)))

    def _apply(self, lrs: Sequence[float]) -> None:
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            if isinstance(group["lr"], Tensor):
                group["lr"].fill_(lr)  # in place: compiled / capturable optimizers hold this tensor
            else:
                group["lr"] = lr
        self._last_lr = [_plain(group["lr"]) for group in self.optimizer.param_groups]

    @override
    def state_dict(self) -> dict[str, Any]:
        """Plain Python values only: loads with ``torch.load(..., weights_only=True)``.

        Holds the tick count, the peaks and the settings in the user's units.
        """
        state: dict[str, Any] = {"config": self.config.to_dict()}
        for key in _STATE_KEYS:
            value = getattr(self, key)
            state[key] = [_plain(v) for v in value] if isinstance(value, list) else value
        return state

    @override
    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Continue the saved schedule exactly, whatever this object was built with.

        The param groups' LR is set to the saved tick's value, so the next
        optimizer step uses it even if the optimizer state is not restored.
        """
        state = dict(state_dict)
        config = ScheduleConfig(**state.pop("config"))
        for key in _STATE_KEYS:
            setattr(self, key, state[key])
        self.restored = True
        self.use_config(config)
