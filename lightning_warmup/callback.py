"""``WarmupCosLRCallback``: sizes every ``WarmupCosLR`` from the trainer, says the plan, logs the LR."""

from __future__ import annotations

from typing import Any, Literal

import lightning.pytorch as pl
from lightning.pytorch.callbacks import LearningRateMonitor
from lightning.pytorch.callbacks.progress import ProgressBar
from lightning.pytorch.core.optimizer import LRSchedulerConfig
from lightning.pytorch.utilities.rank_zero import rank_zero_info, rank_zero_warn
from torch.optim import Optimizer
from typing_extensions import override

from lightning_warmup.config import ScheduleConfig
from lightning_warmup.hparams import EPOCH_KEYS, no_length_error, require_whole_epochs
from lightning_warmup.scheduler import WarmupCosLR
from lightning_warmup.trainer_length import TrainerLength, measure

__all__ = ["WarmupCosLRCallback"]


def _uses_epochs(config: ScheduleConfig) -> bool:
    return any(getattr(config, name) is not None for name in EPOCH_KEYS)


def _name(config: LRSchedulerConfig) -> str:
    """The scheduler's name as LearningRateMonitor keys it."""
    return config.name or f"lr-{type(config.scheduler.optimizer).__name__}"


def _unit(config: LRSchedulerConfig) -> str:
    """What one tick is, in the plural."""
    return "optimizer steps" if config.interval == "step" else "epochs"


def _plan_changes(old: WarmupCosLR, new_config: ScheduleConfig, new_peaks: list[float]) -> list[str]:
    """What differs between the running plan and the one the current settings give, in words."""
    new = new_config.lengths()
    changes = [f"{name} {a} -> {b}" for name, a, b in zip(new._fields, old.config.lengths(), new) if a != b]
    for i, (curve, other) in enumerate(zip(old.curves, new_config.curves(new_peaks))):
        for name in ("peak", "floor"):
            if getattr(curve, name) != getattr(other, name):
                changes.append(f"{name} of param group {i} {getattr(curve, name):.4g} -> {getattr(other, name):.4g}")
    return changes


class WarmupCosLRCallback(LearningRateMonitor):
    """Makes every ``WarmupCosLR`` of the module follow the trainer, and shows it.

    - Before the first optimizer step, each ``WarmupCosLR`` with ``interval="step"``
      gets ``steps_per_epoch = ceil(batches per epoch on this rank /
      accumulate_grad_batches)``, after ``limit_train_batches``.
    - Says the resolved plan once at fit start, and warns when the schedule ends
      before or after the run the trainer will make.
    - Logs the LR of every param group under ``LearningRateMonitor``'s key names
      (``lr-AdamW``, ``lr-AdamW/pg1``, group ``name``s, the scheduler's ``name``):
      the LR the coming optimizer step uses, on the trainer's ``log_every_n_steps``
      cadence, to every logger, and shows it on the progress bar.
    - On resume, a plan that differs from the checkpoint's (other epochs, another
      dataloader length, another number of devices) is reported; the run keeps the
      checkpoint's plan unless ``on_plan_change="adopt"``.

    Args:
        on_plan_change: ``"keep"`` the checkpoint's plan when resuming with settings
            that resolve differently, or ``"adopt"`` the new plan from the resumed step on.
        progress_bar: show the LR on the progress bar.
        logging_interval: as ``LearningRateMonitor``: ``None`` logs at each scheduler's interval.
        log_momentum: also log momentum (or Adam's beta1), as ``LearningRateMonitor``.
        log_weight_decay: also log weight decay, as ``LearningRateMonitor``.

    Examples:
        >>> import lightning as L
        >>> trainer = L.Trainer(max_epochs=25, callbacks=[WarmupCosLRCallback()], logger=False)
    """

    def __init__(
        self,
        on_plan_change: Literal["keep", "adopt"] = "keep",
        progress_bar: bool = True,
        logging_interval: Literal["step", "epoch"] | None = None,
        log_momentum: bool = False,
        log_weight_decay: bool = False,
    ) -> None:
        if on_plan_change not in ("keep", "adopt"):
            raise ValueError(
                f"on_plan_change must be 'keep' or 'adopt', got on_plan_change={on_plan_change!r}. "
                "'keep' continues a checkpoint's plan, 'adopt' switches to the current settings."
            )
        super().__init__(logging_interval=logging_interval, log_momentum=log_momentum,
                         log_weight_decay=log_weight_decay)
        self.on_plan_change = on_plan_change
        self.progress_bar = progress_bar
        self._logging = False
        self._bar_keys: list[tuple[str, WarmupCosLR]] = []
        self._unwrap: tuple[ProgressBar, Any] | None = None
        self._scheduled_optimizers: list[Optimizer] = []

    # ------------------------------------------------------------------ sizing
    def _configs(self, trainer: pl.Trainer) -> list[LRSchedulerConfig]:
        return [c for c in trainer.lr_scheduler_configs if isinstance(c.scheduler, WarmupCosLR)]

    def _check(self, config: LRSchedulerConfig) -> None:
        built = config.scheduler.built_config  # type: ignore[union-attr]
        if config.frequency != 1:
            raise ValueError(
                f"WarmupCosLR counts one tick per {config.interval}, got frequency={config.frequency}. "
                "Use frequency=1; make the schedule longer instead of stepping it less often."
            )
        if config.interval == "epoch":
            require_whole_epochs(built.to_dict())

    def _sized(self, config: LRSchedulerConfig, length: TrainerLength) -> ScheduleConfig:
        """The scheduler's settings with the trainer's steps per epoch, where epochs must become steps."""
        built: ScheduleConfig = config.scheduler.built_config  # type: ignore[union-attr]
        if config.interval != "step" or not _uses_epochs(built):
            return built
        if length.steps_per_epoch is None:
            raise no_length_error(built.to_dict())
        return built.replace(steps_per_epoch=length.steps_per_epoch)

    @override
    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        configs = self._configs(trainer)
        self._scheduled_optimizers = [c.scheduler.optimizer for c in configs]
        length = measure(trainer, need_batches=bool(configs))
        lines = []
        for config in configs:
            self._check(config)
            scheduler: WarmupCosLR = config.scheduler  # type: ignore[assignment]
            self._follow(scheduler, self._sized(config, length), config)
            lines.append(self._describe(config, length))
            self._warn_if_run_differs(config, length)
        if lines:
            rank_zero_info("\n".join(lines))
        self._start_logging(trainer)

    def _follow(self, scheduler: WarmupCosLR, wanted: ScheduleConfig, config: LRSchedulerConfig) -> None:
        if not scheduler.restored:
            if wanted != scheduler.config:
                scheduler.use_config(wanted)
            return
        changes = _plan_changes(scheduler, wanted, scheduler.built_base_lrs)
        if not changes:
            return
        if self.on_plan_change == "adopt":
            scheduler.use_config(wanted, base_lrs=scheduler.built_base_lrs)
            outcome = f"Adopting the new plan from step {scheduler.last_epoch} (on_plan_change='adopt')."
        else:
            outcome = ("Continuing the checkpoint's plan; pass WarmupCosLRCallback(on_plan_change='adopt') to "
                       "switch to the new one.")
        rank_zero_warn(f"WarmupCosLR ({_name(config)}): the current settings give another plan than the "
                       f"checkpoint's: {'; '.join(changes)}. {outcome}")

    def _describe(self, config: LRSchedulerConfig, length: TrainerLength) -> str:
        scheduler: WarmupCosLR = config.scheduler  # type: ignore[assignment]
        warmup, total, cycle = scheduler.config.lengths()
        unit = _unit(config)
        curve = scheduler.curves[0]
        parts = [f"WarmupCosLR plan ({_name(config)}, interval={config.interval!r})"]
        if config.interval == "step" and length.steps_per_epoch is not None:
            parts.append(length.describe())
        start = curve.cycle_start_lr(curve.peak)
        parts.append(f"warmup {warmup} {unit} from {start:.3g} to the peak {curve.peak:.3g}")
        end = f"cosine to the floor {curve.floor:.3g}"
        if cycle is not None:
            end += f" in cycles of {cycle} {unit} (x{scheduler.config.cycle_mult:g} each, peaks x{scheduler.config.cycle_decay:g})"
        if total is not None:
            end += f", ending at {unit[:-1]} {total}"
        parts.append(end)
        if len(scheduler.curves) > 1:
            parts.append(f"{len(scheduler.curves)} param groups, peaks " +
                         ", ".join(f"{c.peak:.3g}" for c in scheduler.curves))
        return "; ".join(parts) + "."

    def _warn_if_run_differs(self, config: LRSchedulerConfig, length: TrainerLength) -> None:
        scheduler: WarmupCosLR = config.scheduler  # type: ignore[assignment]
        total = scheduler.config.lengths().total_steps
        run = length.run_steps if config.interval == "step" else length.max_epochs
        unit = _unit(config)
        if total is None or run is None or total == run:
            return
        if total < run:
            rank_zero_warn(
                f"The schedule ends after {total} {unit} but the trainer runs {run}: the last {run - total} stay at "
                f"min_lr ({scheduler.curves[0].floor:.3g}). Give a longer total (epochs / total_steps), or leave it "
                "out to span the whole run."
            )
        else:
            rank_zero_warn(
                f"The trainer stops after {run} {unit}, before the schedule ends at {total}: the LR never reaches "
                f"min_lr (the last step uses {scheduler.lr_at(run - 1)[0]:.3g}). Shorten the schedule or train longer."
            )

    # ----------------------------------------------------------------- logging
    def _start_logging(self, trainer: pl.Trainer) -> None:
        self._logging = bool(trainer.loggers)
        if self._logging:
            super().on_train_start(trainer)
        else:
            rank_zero_warn(
                "The trainer has no logger, so the LR is not logged (the schedule works as usual). "
                "Pass a logger to the Trainer to see it, e.g. the default TensorBoardLogger."
            )
        self._bar_keys = []
        bar = trainer.progress_bar_callback
        if self.progress_bar and bar is not None:
            names, _, _ = self._find_names_from_schedulers(trainer.lr_scheduler_configs)
            self._bar_keys = [(keys[0], c.scheduler) for keys, c in zip(names, trainer.lr_scheduler_configs)
                              if isinstance(c.scheduler, WarmupCosLR)]
            if len(self._bar_keys) == 1:  # one schedule: a short key for the bar
                self._bar_keys = [("lr", self._bar_keys[0][1])]
            self._wrap_bar(bar)

    def _wrap_bar(self, bar: ProgressBar) -> None:
        """Add the LR to the bar's metrics when the bar refreshes: nothing is done per step.

        ``self.log(..., prog_bar=True)`` would cost a logging call at every optimizer step.
        """
        original = bar.get_metrics
        keys = self._bar_keys

        def get_metrics(trainer: pl.Trainer, pl_module: pl.LightningModule) -> dict[str, Any]:
            metrics = original(trainer, pl_module)
            for key, scheduler in keys:
                metrics[key] = float(scheduler.optimizer.param_groups[0]["lr"])
            return metrics

        bar.get_metrics = get_metrics  # type: ignore[method-assign]
        self._unwrap = (bar, original)

    @override
    def teardown(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        if self._unwrap is not None:
            bar, original = self._unwrap
            bar.get_metrics = original  # type: ignore[method-assign]
            self._unwrap = None

    @override
    def on_train_batch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule, *args: Any,
                             **kwargs: Any) -> None:
        if self._logging:
            super().on_train_batch_start(trainer, pl_module, *args, **kwargs)

    @override
    def on_train_epoch_start(self, trainer: pl.Trainer, *args: Any, **kwargs: Any) -> None:
        if self._logging:
            super().on_train_epoch_start(trainer, *args, **kwargs)

    # ------------------------------------------------------- skipped AMP steps
    @override
    def on_before_optimizer_step(self, trainer: pl.Trainer, pl_module: pl.LightningModule,
                                 optimizer: Optimizer) -> None:
        # A grad scaler may skip this optimizer.step() (inf/NaN gradients). The tick still
        # counts, so the LR keeps following trainer.global_step; marking the step as taken
        # keeps PyTorch from warning that the scheduler stepped before the optimizer.
        if any(optimizer is scheduled for scheduled in self._scheduled_optimizers):
            optimizer._opt_called = True  # type: ignore[attr-defined]

