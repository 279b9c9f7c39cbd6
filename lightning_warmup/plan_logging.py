"""The plan where people look later: hyperparameters and a planned curve for every logger (API.md 5.4)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from lightning_warmup.plan import Run
from lightning_warmup.schedule import lrs_at

if TYPE_CHECKING:
    import lightning.pytorch as pl

    from lightning_warmup.scheduler import WarmupCosLR

__all__ = ["MAX_PLAN_POINTS", "log_plan", "plan_hparams", "plan_ticks", "scheduler_names"]

MAX_PLAN_POINTS = 2000


def scheduler_names(trainer: pl.Trainer) -> dict[int, str]:
    """``id(scheduler)`` -> its ``LearningRateMonitor`` name without a group suffix.

    The ``name`` of its Lightning scheduler config, else ``lr-<optimizer class>``, with
    ``-1``, ``-2`` ... when several unnamed schedulers' optimizers share a class.
    """
    seen: Counter[type] = Counter()
    names = {}
    for config in trainer.lr_scheduler_configs:
        optimizer = config.scheduler.optimizer
        if config.name:
            names[id(config.scheduler)] = config.name
            continue
        cls = type(optimizer)
        seen[cls] += 1
        name = f"lr-{cls.__name__}"
        names[id(config.scheduler)] = f"{name}-{seen[cls] - 1}" if seen[cls] > 1 else name
    return names


def plan_ticks(last: int, limit: int = MAX_PLAN_POINTS) -> list[int]:
    """At most ``limit`` ticks from 0 to ``last``, as evenly spaced as integers allow, both ends included.

    Examples:
        >>> plan_ticks(4), plan_ticks(10, limit=4)
        ([0, 1, 2, 3, 4], [0, 3, 7, 10])
    """
    count = min(limit, last + 1)
    if count <= 1:
        return [0]
    return sorted({(i * last + (count - 1) // 2) // (count - 1) for i in range(count)})


def plan_hparams(name: str, scheduler: WarmupCosLR, run: Run) -> dict[str, Any]:
    """``lr_plan/NAME/<key>``: the plan in ticks of the scheduler's interval, group 0's peak and floor."""
    assert scheduler.plan is not None
    shape, first = scheduler.plan.shape, scheduler.plan.levels[0]
    values: dict[str, Any] = {
        "steps_per_epoch": run.steps_per_epoch,
        "warmup_steps": shape.warmup_steps,
        "hold_steps": shape.hold_steps,
        "total_steps": shape.total_steps,
    }
    if shape.cycle_steps is not None:
        values["cycle_steps"] = shape.cycle_steps
    values.update(peak=first.peak, floor=first.floor)
    return {f"lr_plan/{name}/{key}": value for key, value in values.items()}


def log_plan(trainer: pl.Trainer, name: str, scheduler: WarmupCosLR, run: Run) -> None:
    """Record the plan for every logger: hyperparameters, and group 0's planned LR as ``NAME/plan``."""
    assert scheduler.plan is not None
    total = scheduler.plan.shape.total_steps
    ends = [n for n in (total, None if run.end_tick is None else run.end_tick - 1) if n is not None]
    last = min(ends) if ends else scheduler.last_epoch
    timeline, first = scheduler._timeline, scheduler.plan.levels[:1]
    points = [(t, lrs_at(timeline, first, t)[0]) for t in plan_ticks(max(last, 0))]
    hparams = plan_hparams(name, scheduler, run)
    for logger in trainer.loggers:
        logger.log_hyperparams(hparams)
        for t, lr in points:
            logger.log_metrics({f"{name}/plan": lr}, step=t)
        logger.save()
