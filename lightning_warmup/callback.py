"""``WarmupCosLRCallback``: sizes every ``WarmupCosLR`` from the trainer, says the plan, logs the LR.

Three concerns, three helpers: :func:`apply_plans` resolves and applies each
scheduler's plan (pure resolution in :mod:`lightning_warmup.plan`), the LR is
logged through Lightning's own ``LearningRateMonitor`` (the user's, when the
trainer has one), and the plan is recorded for loggers by
:mod:`lightning_warmup.plan_logging`.
"""

from __future__ import annotations

from typing import Any, Literal

import lightning.pytorch as pl
from lightning.pytorch.callbacks import Callback, LearningRateMonitor
from lightning.pytorch.utilities import rank_zero_info, rank_zero_warn
from lightning.pytorch.utilities.types import LRSchedulerConfig
from torch.optim import Optimizer
from typing_extensions import override

from lightning_warmup.errors import SettingError, SettingTypeError
from lightning_warmup.internals import mark_optimizer_stepped, wrap_progress_bar_metrics
from lightning_warmup.plan import POLICIES, Plan, Run, check_before_training, describe, resolve, run_differs
from lightning_warmup.plan_logging import log_plan, scheduler_names
from lightning_warmup.run_length import measure_run, per_epoch_words
from lightning_warmup.scheduler import WarmupCosLR

__all__ = ["WarmupCosLRCallback", "apply_plans"]


def _configs(trainer: pl.Trainer) -> list[LRSchedulerConfig]:
    return [c for c in trainer.lr_scheduler_configs if isinstance(c.scheduler, WarmupCosLR)]


def check_settings(trainer: pl.Trainer) -> None:
    """What can be checked before the trainer's start-up work: frequency, and epochs against epochs."""
    for config in _configs(trainer):
        if config.frequency != 1:
            raise SettingError(
                f"WarmupCosLR counts one tick per {config.interval}, got frequency={config.frequency}. "
                "Use frequency=1; make the schedule longer instead of stepping it less often."
            )
        scheduler: WarmupCosLR = config.scheduler  # type: ignore[assignment]
        bounded = (
            trainer.max_epochs not in (None, -1)
            and trainer.max_steps == -1
            and not getattr(trainer, "fast_dev_run", False)
        )
        max_epochs = trainer.max_epochs if bounded else None
        check_before_training(scheduler.settings, max_epochs)


def apply_plans(
    trainer: pl.Trainer, policy: str, before_restore: dict[int, Plan | None]
) -> list[tuple[str, WarmupCosLR, Run]]:
    """Resolve and apply the plan of every ``WarmupCosLR`` of ``trainer``; say each plan once.

    Args:
        trainer: the trainer, at ``on_train_start`` (loops and dataloaders restored).
        policy: what to do with a checkpoint's plan that the settings change.
        before_restore: each scheduler's plan before a checkpoint was loaded
            (``id(scheduler)`` -> plan): a plan that differs came from the checkpoint.

    Returns:
        ``(name, scheduler, run)`` of every scheduler whose plan is new (to record for loggers).
    """
    names = scheduler_names(trainer)
    new_plans = []
    lines = []
    for config in _configs(trainer):
        scheduler: WarmupCosLR = config.scheduler  # type: ignore[assignment]
        run = measure_run(trainer, config.interval)
        restored = id(scheduler) in before_restore and scheduler.plan is not before_restore[id(scheduler)]
        name = names[id(scheduler)]
        resolution = resolve(
            scheduler.settings,
            [float(v) for v in scheduler.base_lrs],
            run,
            scheduler.plan,
            max(scheduler.last_epoch, 0),
            restored,
            policy,
        )
        scheduler.follow(resolution.plan, resolution.tick)
        for message in resolution.warnings:
            rank_zero_warn(f"WarmupCosLR ({name}): {message}")
        for message in resolution.infos:
            rank_zero_info(f"WarmupCosLR ({name}): {message}")
        differs = run_differs(resolution.plan, run, resolution.tick)
        if differs:
            # A smoke run is short on purpose, and under manual optimization the optimizer's steps per batch
            # are the module's own: said as information, not as a warning.
            guessed = run.interval == "step" and run.tick is None
            say = rank_zero_info if run.smoke or guessed else rank_zero_warn
            say(f"WarmupCosLR ({name}): {differs}")
        words = per_epoch_words(trainer, run) if config.interval == "step" else None
        lines.append(describe(resolution.plan, config.interval, name, words))
        if resolution.changed:
            new_plans.append((name, scheduler, run))
    if lines:
        rank_zero_info("\n".join(lines))
    return new_plans


class WarmupCosLRCallback(Callback):
    """Makes every ``WarmupCosLR`` of the module follow the trainer, and shows it.

    - At train start (after Lightning restored its loops and dataloaders), each
      ``WarmupCosLR`` gets its plan: with ``interval="step"``, epochs become
      ``ceil(batches per epoch on this rank / accumulate_grad_batches)`` optimizer
      steps each, after ``limit_train_batches``; with no total, the schedule spans
      the run the trainer makes (``max_epochs`` / ``max_steps``).
    - Says the resolved plan once, and warns when the schedule ends before or after
      the run.
    - Logs the LR of every param group under ``LearningRateMonitor``'s key names
      (``lr-AdamW``, ``lr-AdamW/pg1``, group ``name``s, the scheduler's ``name``):
      the LR the coming optimizer step uses. A ``LearningRateMonitor`` of your own in
      the trainer keeps doing that job (with its options); this callback then logs
      nothing twice. Shows the LR on the progress bar.
    - Records the plan for every logger: ``lr_plan/NAME/...`` hyperparameters and
      the planned curve as ``NAME/plan``.
    - On resume, a plan that differs from the checkpoint's (other epochs, another
      dataloader length, another number of devices) is reported and handled by
      ``on_plan_change``.

    Args:
        on_plan_change: ``"keep"`` the checkpoint's plan, ``"adopt"`` the new plan from
            the resumed tick, or ``"stretch"`` the cosine to the new end without a jump.
        progress_bar: show the LR on the progress bar.
        logging_interval: as ``LearningRateMonitor``: ``None`` logs at each scheduler's interval.
        log_momentum: also log momentum (or Adam's beta1), as ``LearningRateMonitor``.
        log_weight_decay: also log weight decay, as ``LearningRateMonitor``.
        log_plan: record the plan for the loggers (hyperparameters and the ``/plan`` curve).

    Examples:
        >>> import lightning as L
        >>> trainer = L.Trainer(max_epochs=25, callbacks=[WarmupCosLRCallback()], logger=False)
    """

    def __init__(
        self,
        on_plan_change: Literal["keep", "adopt", "stretch"] = "keep",
        progress_bar: bool = True,
        logging_interval: Literal["step", "epoch"] | None = None,
        log_momentum: bool = False,
        log_weight_decay: bool = False,
        log_plan: bool = True,
    ) -> None:
        if on_plan_change not in POLICIES:
            raise SettingError(
                f"on_plan_change must be 'keep', 'adopt' or 'stretch', got on_plan_change={on_plan_change!r}. "
                "'keep' continues a checkpoint's plan, 'adopt' switches to the current settings, 'stretch' bends "
                "the cosine to the new end without a jump."
            )
        for name, value in (
            ("progress_bar", progress_bar),
            ("log_momentum", log_momentum),
            ("log_weight_decay", log_weight_decay),
            ("log_plan", log_plan),
        ):
            if not isinstance(value, bool):
                raise SettingTypeError(f"{name} must be True or False, got {name}={value!r} ({type(value).__name__}).")
        self.on_plan_change = on_plan_change
        self.progress_bar = progress_bar
        self.log_plan = log_plan
        self._monitor = LearningRateMonitor(
            logging_interval=logging_interval, log_momentum=log_momentum, log_weight_decay=log_weight_decay
        )
        self._logging = False
        self._before_restore: dict[int, Plan | None] = {}
        self._undo_bar: Any = None
        self._scheduled_optimizers: list[Optimizer] = []
        self._used: dict[int, list[float]] = {}

    @property
    def state_key(self) -> str:
        return self._generate_state_key(on_plan_change=self.on_plan_change)

    @override
    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        # Before the checkpoint is restored and before the sanity check: settings that cannot
        # work stop here, and each scheduler's plan is noted to see whether a checkpoint replaced it.
        check_settings(trainer)
        self._before_restore = {id(c.scheduler): c.scheduler.plan for c in _configs(trainer)}  # type: ignore[union-attr]

    @override
    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        configs = _configs(trainer)
        self._scheduled_optimizers = [c.scheduler.optimizer for c in configs]
        new_plans = apply_plans(trainer, self.on_plan_change, self._before_restore)
        self._start_logging(trainer)
        if self.log_plan and trainer.loggers:
            for name, scheduler, run in new_plans:
                log_plan(trainer, name, scheduler, run)

    # ----------------------------------------------------------------- logging
    def _start_logging(self, trainer: pl.Trainer) -> None:
        others = [c for c in trainer.callbacks if isinstance(c, LearningRateMonitor)]  # type: ignore[attr-defined]
        self._logging = bool(trainer.loggers) and not others
        if self._logging:
            self._monitor.on_train_start(trainer)
        elif not trainer.loggers:
            # Trainer(logger=False) is a choice, not a mistake: said once, as information.
            rank_zero_info(
                "WarmupCosLRCallback: the trainer has no logger (logger=False), so the LR is not logged; the "
                "schedule works as usual. Pass a logger to the Trainer to see it, e.g. the default TensorBoardLogger."
            )
        bar = trainer.progress_bar_callback
        configs = _configs(trainer)
        if self.progress_bar and bar is not None and configs:
            names = scheduler_names(trainer)
            keys = [("lr" if len(configs) == 1 else names[id(c.scheduler)], c.scheduler) for c in configs]
            self._undo_bar = wrap_progress_bar_metrics(bar, lambda: _bar_values(keys, self._used))

    @override
    def teardown(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        if self._undo_bar is not None:
            self._undo_bar()
            self._undo_bar = None

    @override
    def on_train_batch_start(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, *args: Any, **kwargs: Any
    ) -> None:
        if self._logging:
            self._monitor.on_train_batch_start(trainer, pl_module, *args, **kwargs)

    @override
    def on_train_epoch_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        if self._logging:
            self._monitor.on_train_epoch_start(trainer, pl_module)

    # ------------------------------------------------------- skipped AMP steps
    @override
    def on_before_optimizer_step(
        self, trainer: pl.Trainer, pl_module: pl.LightningModule, optimizer: Optimizer
    ) -> None:
        # A grad scaler may skip this optimizer.step() (inf/NaN gradients). The tick still
        # counts, so the LR keeps following trainer.global_step.
        if any(optimizer is scheduled for scheduled in self._scheduled_optimizers):
            mark_optimizer_stepped(optimizer)
            if self._undo_bar is not None:  # the LR this step uses, for the progress bar
                self._used[id(optimizer)] = [group["lr"] for group in optimizer.param_groups]


def _bar_values(keys: list[tuple[str, Any]], used: dict[int, list[float]]) -> dict[str, str]:
    """The LR the last optimizer step used, readable at any size (``3.0e-04``), per group where groups differ."""
    values = {}
    for key, scheduler in keys:
        lrs = [float(lr) for lr in used.get(id(scheduler.optimizer), scheduler.get_last_lr())]
        if len(set(lrs)) == 1:
            values[key] = f"{lrs[0]:.1e}"
        else:
            values.update({f"{key}/pg{i + 1}" if i else key: f"{lr:.1e}" for i, lr in enumerate(lrs)})
    return values
