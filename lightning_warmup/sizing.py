"""Plan and sizing: every ``WarmupCosLR`` of a trainer gets the plan its settings give for the run.

The resolution itself is pure (:mod:`lightning_warmup.plan`); here the run is
measured off the trainer, the plan applied, and what happened said once.
"""

from __future__ import annotations

import lightning.pytorch as pl
from lightning.pytorch.utilities import rank_zero_info, rank_zero_warn
from lightning.pytorch.utilities.types import LRSchedulerConfig

from lightning_warmup.errors import SettingError
from lightning_warmup.plan import Plan, Run, check_before_training, describe, resolve, run_differs
from lightning_warmup.plan_logging import scheduler_names
from lightning_warmup.run_length import measure_run, per_epoch_words
from lightning_warmup.scheduler import WarmupCosLR

__all__ = ["apply_plans", "check_settings", "warmup_configs"]


def warmup_configs(trainer: pl.Trainer) -> list[LRSchedulerConfig]:
    """The trainer's scheduler configs whose scheduler is a ``WarmupCosLR``."""
    return [c for c in trainer.lr_scheduler_configs if isinstance(c.scheduler, WarmupCosLR)]


def check_settings(trainer: pl.Trainer) -> None:
    """What can be checked before the trainer's start-up work: frequency, and epochs against epochs."""
    for config in warmup_configs(trainer):
        if config.frequency != 1:
            raise SettingError(
                f"WarmupCosLR counts one tick per {config.interval}, got frequency={config.frequency}. "
                "Use frequency=1; make the schedule longer instead of stepping it less often."
            )
        scheduler: WarmupCosLR = config.scheduler  # type: ignore[assignment]
        smoke = bool(getattr(trainer, "fast_dev_run", False))
        check_before_training(scheduler.settings, trainer.max_epochs, trainer.max_steps, smoke)


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
    for config in warmup_configs(trainer):
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
