"""A digit classifier on scikit-learn's handwritten digits (real data, shipped with scikit-learn).

``DigitsClassifier`` inherits :class:`~lightning_warmup.WarmupCosLRMixin`: its
``configure_optimizers`` comes from the hyperparameters below, and the config
files in ``configs/`` choose the interval and the schedule.
"""

from __future__ import annotations

from typing import Any, Literal

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lightning_warmup import WarmupCosLRMixin, schedule_arguments


class DigitsDataModule(L.LightningDataModule):
    """1,797 8x8 images of digits, split into train and validation sets once, reproducibly.

    Args:
        batch_size: training batch size.
        val_fraction: share of the images held out for validation.
        seed: seed of the split and of the shuffling.
        drop_last: drop the last, short training batch of each epoch.
    """

    def __init__(self, batch_size: int = 64, val_fraction: float = 0.2, seed: int = 0, drop_last: bool = False) -> None:
        super().__init__()
        self.batch_size, self.val_fraction, self.seed, self.drop_last = batch_size, val_fraction, seed, drop_last
        self.train_set: TensorDataset | None = None
        self.val_set: TensorDataset | None = None

    def setup(self, stage: str | None = None) -> None:
        if self.train_set is not None:
            return
        from sklearn.datasets import load_digits

        digits = load_digits()
        x = torch.tensor(digits.data, dtype=torch.float32) / 16.0
        y = torch.tensor(digits.target, dtype=torch.long)
        order = torch.randperm(len(x), generator=torch.Generator().manual_seed(self.seed))
        n_val = int(len(x) * self.val_fraction)
        self.val_set = TensorDataset(x[order[:n_val]], y[order[:n_val]])
        self.train_set = TensorDataset(x[order[n_val:]], y[order[n_val:]])

    def train_dataloader(self) -> DataLoader[tuple[torch.Tensor, ...]]:
        assert self.train_set is not None
        return DataLoader(
            self.train_set,
            batch_size=self.batch_size,
            shuffle=True,
            drop_last=self.drop_last,
            generator=torch.Generator().manual_seed(self.seed),
        )

    def val_dataloader(self) -> DataLoader[tuple[torch.Tensor, ...]]:
        assert self.val_set is not None
        return DataLoader(self.val_set, batch_size=512)


class DigitsClassifier(WarmupCosLRMixin, L.LightningModule):  # type: ignore[misc]  # the mixin narrows it
    """A small MLP; every schedule setting is a hyperparameter the mixin reads.

    Args:
        hidden: width of the hidden layers.
        dropout: dropout between layers.
        lr: the peak learning rate.
        interval: ``"step"`` (the LR changes at every optimizer step) or ``"epoch"``.
        body_lr_ratio: when set, the hidden layers get ``lr * body_lr_ratio`` as their
            peak, in a second param group (``"body"``; the output layer is ``"head"``).
        optimizer, weight_decay: the optimizer (a torch.optim name) and its weight decay.
        **schedule: the schedule's settings (``warmup_epochs``, ``hold_ratio``, ``min_lr``, ...), as in
            ``WarmupCosLR``; their names, defaults and types come from the schema.

    Examples:
        >>> model = DigitsClassifier(lr=3e-3, warmup_epochs=1)
        >>> model(torch.zeros(2, 64)).shape
        torch.Size([2, 10])
    """

    def __init__(
        self,
        hidden: int = 128,
        dropout: float = 0.1,
        lr: float = 3e-3,
        interval: Literal["step", "epoch"] = "step",
        body_lr_ratio: float | None = None,
        optimizer: str = "adamw",
        weight_decay: float = 1e-4,
        **schedule: Any,
    ) -> None:
        super().__init__()
        schedule_arguments(**schedule)  # every schedule setting, from the schema: LightningCLI lists them all
        self.save_hyperparameters()
        self.body = nn.Sequential(
            nn.Linear(64, hidden),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(hidden, hidden),
            nn.GELU(),
            nn.Dropout(dropout),
        )
        self.head = nn.Linear(hidden, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.head(self.body(x))
        return logits

    def build_param_groups(self) -> list[dict[str, Any]]:
        ratio = self.hparams.body_lr_ratio
        if ratio is None:
            return super().build_param_groups()
        return [
            {"params": self.body.parameters(), "lr": self.hparams.lr * ratio, "name": "body"},
            {"params": self.head.parameters(), "name": "head"},
        ]

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        loss = nn.functional.cross_entropy(self(x), y)
        self.log("train_loss", loss, prog_bar=True)
        return loss

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        logits = self(x)
        self.log("val_loss", nn.functional.cross_entropy(logits, y))
        self.log("val_acc", (logits.argmax(dim=1) == y).float().mean(), prog_bar=True)


class DigitsNet(L.LightningModule):
    """The same MLP without the mixin: no ``configure_optimizers`` of its own.

    For LightningCLI's own route (``optimizer:`` and ``lr_scheduler:`` in the config,
    ``configs/digits_cli_scheduler.yaml``).

    Args:
        hidden: width of the hidden layers.
        dropout: dropout between layers.
    """

    def __init__(self, hidden: int = 128, dropout: float = 0.1) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(64, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, hidden), nn.GELU()
        )
        self.head = nn.Linear(hidden, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.head(self.body(x))
        return logits

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return nn.functional.cross_entropy(self(x), y)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.log("val_acc", (self(x).argmax(dim=1) == y).float().mean(), prog_bar=True)
