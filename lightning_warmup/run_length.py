"""The run a trainer will make, read off a ``Trainer`` at train start: the one place that measures it.

Nothing here loads or iterates the data: lengths come from ``len()`` of the
train dataloader as Lightning computed it, after ``limit_train_batches`` and per
rank, once Lightning itself has set the dataloader up (and restored a stateful
one on resume).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from lightning_warmup.errors import SettingError
from lightning_warmup.internals import batches_done_in_epoch
from lightning_warmup.plan import Run, plural

if TYPE_CHECKING:
    import lightning.pytorch as pl

__all__ = ["measure_run", "per_epoch_words"]


def _accumulation(trainer: pl.Trainer) -> tuple[Callable[[int], int], str | None]:
    """Batches per optimizer step in each epoch, and the name of what changes it during the run (if anything)."""
    from lightning.pytorch.callbacks import GradientAccumulationScheduler

    fixed = int(trainer.accumulate_grad_batches)
    for callback in trainer.callbacks:  # type: ignore[attr-defined]
        if isinstance(callback, GradientAccumulationScheduler):
            epochs = trainer.max_epochs if trainer.max_epochs not in (None, -1) else 1000
            values = {callback.get_accumulate_grad_batches(e) for e in range(max(int(epochs), 1))}
            if len(values) > 1:
                return callback.get_accumulate_grad_batches, "GradientAccumulationScheduler"
            fixed = values.pop()
    return (lambda epoch: fixed), None


def measure_run(trainer: pl.Trainer, interval: str) -> Run:
    """The run ``trainer`` will make, from where it stands (call at ``on_train_start``).

    Raises:
        SettingError: the train dataloader yields no batches on this rank.
    """
    batches = trainer.num_training_batches
    if batches == 0:
        raise SettingError(
            "the train dataloader yields no batches on this rank, got num_training_batches=0 "
            f"(limit_train_batches={trainer.limit_train_batches!r}). Give the dataloader data, or raise "
            "limit_train_batches; an epoch of no optimizer steps cannot carry a schedule."
        )
    accumulation, varies = _accumulation(trainer)
    epoch = trainer.current_epoch
    accumulate = accumulation(epoch)
    per_epoch = None if math.isinf(batches) else math.ceil(batches / accumulate)
    max_epochs = trainer.max_epochs if trainer.max_epochs not in (None, -1) else None
    max_steps = trainer.max_steps if trainer.max_steps != -1 else None
    automatic = trainer.lightning_module.automatic_optimization
    if interval == "epoch":
        tick: int | None = epoch
        end = max_epochs
        if max_steps is not None and per_epoch is not None:
            by_steps = math.ceil(max_steps / per_epoch)
            end = by_steps if end is None else min(end, by_steps)
    else:
        tick = trainer.global_step if automatic else None
        end = None
        if max_epochs is not None and per_epoch is not None:
            done = math.ceil(batches_done_in_epoch(trainer) / accumulate)
            later = sum(math.ceil(batches / accumulation(e)) for e in range(epoch + 1, max_epochs))
            end = trainer.global_step + max(per_epoch - done, 0) + later
        if max_steps is not None:
            end = max_steps if end is None else min(end, max_steps)
    return Run(
        interval,
        per_epoch,
        max_epochs,
        max_steps,
        end,
        tick,
        smoke=bool(getattr(trainer, "fast_dev_run", False)),
        accumulation_varies=varies,
    )


def per_epoch_words(trainer: pl.Trainer, run: Run) -> str | None:
    """The numbers behind the steps per epoch, in words."""
    if run.steps_per_epoch is None:
        return None
    batches = int(trainer.num_training_batches)
    return (
        f"{plural(run.steps_per_epoch, 'optimizer step')} per epoch ({plural(batches, 'batch')} on this rank / "
        f"accumulate_grad_batches={trainer.accumulate_grad_batches}, last partial window included)"
    )
