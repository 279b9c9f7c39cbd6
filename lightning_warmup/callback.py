"""``WarmupCosLRCallback``: sizes every ``WarmupCosLR`` from the trainer, says the plan, logs the LR.

It wires Lightning's hooks to one module per concern: :mod:`lightning_warmup.sizing`
resolves and applies each scheduler's plan (the pure resolution is
:mod:`lightning_warmup.plan`), the LR is logged through Lightning's own
``LearningRateMonitor`` (the user's, when the trainer has one),
:mod:`lightning_warmup.plan_logging` records the plan for loggers, and
:mod:`lightning_warmup.progress` shows the LR on the progress bar.
"""

from __future__ import annotations

from typing import Any, Literal

import lightning.pytorch as pl
from lightning.pytorch.callbacks import Callback, LearningRateMonitor
from lightning.pytorch.utilities import rank_zero_info
from torch.optim import Optimizer
from typing_extensions import override

from lightning_warmup.errors import SettingError, SettingTypeError
from lightning_warmup.internals import mark_optimizer_stepped, wrap_progress_bar_metrics
from lightning_warmup.plan import POLICIES, Plan
from lightning_warmup.plan_logging import log_plan, scheduler_names
from lightning_warmup.progress import bar_values
from lightning_warmup.sizing import apply_plans, check_settings, warmup_configs

__all__ = ["WarmupCosLRCallback"]


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
        self._before_restore = {id(c.scheduler): c.scheduler.plan for c in warmup_configs(trainer)}  # type: ignore[union-attr]

    @override
    def on_train_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        configs = warmup_configs(trainer)
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
        configs = warmup_configs(trainer)
        if self.progress_bar and bar is not None and configs:
            names = scheduler_names(trainer)
            keys = [("lr" if len(configs) == 1 else names[id(c.scheduler)], c.scheduler) for c in configs]
            self._undo_bar = wrap_progress_bar_metrics(bar, lambda: bar_values(keys, self._used))

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
