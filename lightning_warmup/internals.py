"""Every touch of a PyTorch or Lightning internal, in one guarded place.

Each function here reads or writes something that is not public API. Each has
a test in ``tests/test_internals.py`` that fails loudly, naming the internal,
when a PyTorch or Lightning release moves it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import lightning.pytorch as pl
    from lightning.pytorch.callbacks import ProgressBar
    from torch.optim import Optimizer

__all__ = [
    "batches_done_in_epoch",
    "cli_replaced_configure_optimizers",
    "mark_optimizer_stepped",
    "restore_configure_optimizers",
    "wrap_progress_bar_metrics",
]


def mark_optimizer_stepped(optimizer: Optimizer) -> None:
    """Tell PyTorch's LR scheduler that ``optimizer.step()`` was called this step.

    A grad scaler may skip ``optimizer.step()`` (inf/NaN gradients); the tick still
    counts, and PyTorch would otherwise warn that the scheduler stepped before the
    optimizer. PyTorch keeps this flag as ``optimizer._opt_called``.
    """
    optimizer._opt_called = True  # type: ignore[attr-defined]


def batches_done_in_epoch(trainer: pl.Trainer) -> int:
    """Train batches already done in the epoch about to run (a mid-epoch resume restores them).

    Lightning counts a batch as ``processed`` once its step ran and ``completed`` after
    its ``on_train_batch_end`` hooks; a checkpoint saved in those hooks (``ModelCheckpoint``
    with ``every_n_train_steps``) holds one more processed than completed, and Lightning
    continues after the processed one. A checkpoint saved at an epoch's end holds the
    full count; Lightning then starts the next epoch from its first batch (0 done).
    """
    done = int(trainer.fit_loop.epoch_loop.batch_progress.current.processed)  # type: ignore[attr-defined]
    return 0 if done >= trainer.num_training_batches else done


def wrap_progress_bar_metrics(bar: ProgressBar, extra: Callable[[], dict[str, Any]]) -> Callable[[], None]:
    """Add ``extra()`` to what the bar shows each time it refreshes; returns the undo.

    Lightning's supported route, ``self.log(..., prog_bar=True)``, costs a logging
    call at every optimizer step; the bar's ``get_metrics`` is read only when it
    refreshes.
    """
    original = bar.get_metrics

    def get_metrics(trainer: pl.Trainer, pl_module: pl.LightningModule) -> dict[str, Any]:
        metrics = original(trainer, pl_module)
        metrics.update(extra())
        return metrics

    bar.get_metrics = get_metrics  # type: ignore[method-assign]

    def undo() -> None:
        bar.get_metrics = original  # type: ignore[method-assign]

    return undo


def cli_replaced_configure_optimizers(model: Any) -> bool:
    """Whether LightningCLI (given ``optimizer:``) replaced the module's ``configure_optimizers``.

    LightningCLI does it by setting an instance attribute over the class's method.
    """
    return "configure_optimizers" in vars(model)


def restore_configure_optimizers(model: Any) -> None:
    """Undo :func:`cli_replaced_configure_optimizers`'s replacement: the class's method again."""
    del model.configure_optimizers
