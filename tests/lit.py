"""A tiny real Lightning setup for the integration tests, and the documented formula written out again."""

from __future__ import annotations

import math
from typing import Any

import lightning as L
import torch
from torch.utils.data import DataLoader, IterableDataset, TensorDataset

from lightning_warmup import WarmupCosLRMixin


def formula(t: int, peak: float, floor: float, start: float, warmup: int, total: int, inclusive: bool = False) -> float:
    """API.md section 2, independently of the library."""
    if t >= total:
        return floor
    if t < warmup:
        if inclusive:
            return peak if warmup == 1 else start + (peak - start) * t / (warmup - 1)
        return start + (peak - start) * t / warmup
    return floor + (peak - floor) * (1 + math.cos(math.pi * (t - warmup) / (total - warmup))) / 2


def dataset(n: int = 64) -> TensorDataset:
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(n, 4, generator=generator)
    return TensorDataset(x, x.sum(dim=1, keepdim=True))


class Stream(IterableDataset):
    """An unsized dataset."""

    def __iter__(self):
        yield from dataset(16)


class TinyModel(WarmupCosLRMixin, L.LightningModule):
    """Linear regression; AdamW with weight decay gives two param groups (decay, no_decay)."""

    def __init__(
        self,
        lr: float = 1e-2,
        batch_size: int = 8,
        n: int = 64,
        drop_last: bool = False,
        iterable: bool = False,
        **schedule: Any,
    ) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.layer = torch.nn.Linear(4, 1)

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return torch.nn.functional.mse_loss(self.layer(x), y)

    def train_dataloader(self) -> DataLoader:
        if self.hparams.iterable:
            return DataLoader(Stream(), batch_size=self.hparams.batch_size)
        return DataLoader(dataset(self.hparams.n), batch_size=self.hparams.batch_size, drop_last=self.hparams.drop_last)


class RecordLR(L.Callback):
    """The LR each optimizer step actually uses, with the step's global index and epoch."""

    def __init__(self) -> None:
        self.steps: list[tuple[int, int, list[float]]] = []

    def on_before_optimizer_step(self, trainer: L.Trainer, pl_module: L.LightningModule, optimizer: Any) -> None:
        lrs = [float(group["lr"]) for group in optimizer.param_groups]
        self.steps.append((trainer.global_step, trainer.current_epoch, lrs))


def trainer(tmp_path: Any, **kwargs: Any) -> L.Trainer:
    defaults: dict[str, Any] = dict(
        default_root_dir=tmp_path,
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        max_epochs=4,
    )
    defaults.update(kwargs)
    return L.Trainer(**defaults)


class CallableOptimizer(TinyModel):
    """The tiny model with its optimizer typed as LightningCLI's ``OptimizerCallable`` (a class path + init_args
    in the config becomes a callable taking the parameters)."""

    def __init__(self, optimizer: Any = torch.optim.AdamW, lr: float = 1e-2, warmup_epochs: float = 1.0) -> None:
        super().__init__(lr=lr, optimizer=optimizer, warmup_epochs=warmup_epochs)

    def train_dataloader(self) -> DataLoader:
        return DataLoader(dataset(64), batch_size=8)


def _annotate_optimizer_callable() -> None:
    from lightning.pytorch.cli import OptimizerCallable

    CallableOptimizer.__init__.__annotations__["optimizer"] = OptimizerCallable


_annotate_optimizer_callable()
