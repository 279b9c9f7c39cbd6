"""How long the trainer's run is, in optimizer steps: the one place that reads it off a ``Trainer``.

Used by the mixin (to size a schedule when no total is given) and by the
callback (to turn epoch settings into optimizer steps). Nothing here iterates
the data: lengths come from ``len()`` of the train dataloader as Lightning
computed it, after ``limit_train_batches`` and per rank.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import lightning.pytorch as pl

__all__ = ["TrainerLength", "measure"]


@dataclass(frozen=True)
class TrainerLength:
    """The run a trainer will make.

    Attributes:
        batches_per_epoch: train batches per epoch on this rank, after ``limit_train_batches``
            (``inf`` for an unsized dataloader).
        accumulate_grad_batches: batches per optimizer step.
        max_epochs: the trainer's ``max_epochs``, ``None`` when unbounded.
        max_steps: the trainer's ``max_steps``, ``None`` when unbounded.
    """

    batches_per_epoch: float
    accumulate_grad_batches: int
    max_epochs: int | None
    max_steps: int | None

    @property
    def steps_per_epoch(self) -> int | None:
        """Optimizer steps per epoch: the last, partial accumulation window steps too."""
        if math.isinf(self.batches_per_epoch):
            return None
        return math.ceil(self.batches_per_epoch / self.accumulate_grad_batches)

    @property
    def run_steps(self) -> int | None:
        """Optimizer steps the whole run makes: ``max_steps`` when it ends training first."""
        per_epoch = self.steps_per_epoch
        by_epochs = None if self.max_epochs is None or per_epoch is None else self.max_epochs * per_epoch
        candidates = [n for n in (by_epochs, self.max_steps) if n is not None]
        return min(candidates) if candidates else None

    def describe(self) -> str:
        """The numbers behind :attr:`steps_per_epoch`, in words."""
        if self.steps_per_epoch is None:
            return "the train dataloader has no length"
        return (f"{self.steps_per_epoch} optimizer steps per epoch ({int(self.batches_per_epoch)} batches on this "
                f"rank / accumulate_grad_batches={self.accumulate_grad_batches}, last partial window included)")


def measure(trainer: "pl.Trainer", *, need_batches: bool = True) -> TrainerLength:
    """Read the run's length off ``trainer``, loading the train dataloader if it is not loaded yet.

    Args:
        trainer: the trainer, attached to the module being fitted.
        need_batches: whether the batches per epoch are needed (epoch settings or a
            total taken from ``max_epochs``); if not, no dataloader is loaded.

    Raises:
        ValueError: the train dataloader yields no batches on this rank.
    """
    max_epochs = trainer.max_epochs if trainer.max_epochs not in (None, -1) else None
    max_steps = trainer.max_steps if trainer.max_steps != -1 else None
    batches: float = math.inf
    if need_batches:
        if trainer.train_dataloader is None:
            # As Trainer.estimated_stepping_batches does: sizes are known only once the data is set up.
            trainer.fit_loop.setup_data()
        batches = trainer.num_training_batches
        if batches == 0:
            raise ValueError(
                "the train dataloader yields no batches on this rank, got num_training_batches=0 "
                f"(limit_train_batches={trainer.limit_train_batches!r}). Give the dataloader data, or raise "
                "limit_train_batches; an epoch of no optimizer steps cannot carry a schedule."
            )
    return TrainerLength(batches, int(trainer.accumulate_grad_batches), max_epochs, max_steps)
