"""Fine-tuning with a frozen backbone: Lightning's ``BackboneFinetuning`` with ``WarmupCosLR``.

    python -m examples.finetune [--pretrain-epochs 6] [--epochs 12] [--unfreeze-at 4] [--out finetune_output]
    lightning-warmup plot --logdir finetune_output     # both runs' logged LRs over their plans

A backbone is first trained on the digits 0-4 only. A new head is then trained on
all ten digits with the backbone frozen; at epoch ``--unfreeze-at``
``BackboneFinetuning`` adds the backbone to the optimizer as a new param group.
The new group joins the warmup + cosine curve (API.md 5.3): it keeps the LR it was
added with, then follows the head's curve scaled through it, and each epoch's LR
raise by ``BackboneFinetuning`` re-scales it the same way. The printed table shows
both groups' LRs at each epoch start.
"""

from __future__ import annotations

import argparse
from typing import Any

import lightning as L
import torch
from lightning.pytorch.callbacks import BackboneFinetuning
from lightning.pytorch.loggers import TensorBoardLogger
from torch import nn
from torch.utils.data import DataLoader, Subset

from examples.digits import DigitsDataModule
from lightning_warmup import WarmupCosLRCallback, WarmupCosLRMixin


class Backbone(nn.Sequential):
    def __init__(self, hidden: int = 128) -> None:
        super().__init__(nn.Linear(64, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU())


class Classifier(WarmupCosLRMixin, L.LightningModule):
    """``backbone`` + a linear ``head``; while the backbone is frozen only the head is in the optimizer.

    Args:
        backbone: the feature extractor (``BackboneFinetuning`` looks for ``self.backbone``).
        classes: outputs of the head.
        lr: the head's peak LR.
        **schedule: ``WarmupCosLR`` settings, as hyperparameters (``warmup_epochs``, ``min_lr``, ...).
    """

    def __init__(self, backbone: nn.Module, classes: int = 10, lr: float = 3e-3, **schedule: Any) -> None:
        super().__init__()
        self.save_hyperparameters(ignore=["backbone"])
        self.backbone = backbone
        self.head = nn.Linear(128, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(x))

    def build_param_groups(self) -> list[dict[str, Any]]:
        # Only trainable parameters; BackboneFinetuning adds the backbone's group when it unfreezes it.
        return [{"params": [p for p in self.head.parameters()], "name": "head"}]

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        x, y = batch
        return nn.functional.cross_entropy(self(x), y)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.log("val_acc", (self(x).argmax(dim=1) == y).float().mean())


class EpochStartLRs(L.Callback):
    """The LR of every param group at each epoch's first optimizer step."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, list[float]]] = []

    def on_before_optimizer_step(self, trainer: L.Trainer, pl_module: L.LightningModule, optimizer: Any) -> None:
        if trainer.global_step % trainer.num_training_batches == 0:
            self.rows.append((trainer.current_epoch, [float(group["lr"]) for group in optimizer.param_groups]))


class FirstFiveDigits(DigitsDataModule):
    """The digits 0-4 only: what the backbone is pretrained on."""

    def train_dataloader(self) -> DataLoader:
        assert self.train_set is not None
        keep = (self.train_set.tensors[1] < 5).nonzero().flatten().tolist()
        return DataLoader(
            Subset(self.train_set, keep),
            batch_size=self.batch_size,
            shuffle=True,
            generator=torch.Generator().manual_seed(self.seed),
        )

    def val_dataloader(self) -> DataLoader:
        assert self.val_set is not None
        keep = (self.val_set.tensors[1] < 5).nonzero().flatten().tolist()
        return DataLoader(Subset(self.val_set, keep), batch_size=512)


def fit(
    model: Classifier, data: DigitsDataModule, epochs: int, callbacks: list[L.Callback], out: str, name: str
) -> L.Trainer:
    trainer = L.Trainer(
        max_epochs=epochs,
        accelerator="cpu",
        enable_checkpointing=False,
        log_every_n_steps=5,
        logger=TensorBoardLogger(out, name=name),
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[WarmupCosLRCallback(), *callbacks],
    )
    trainer.fit(model, data)
    return trainer


def main(argv: list[str] | None = None) -> tuple[float, list[tuple[int, list[float]]]]:
    """Pretrain, fine-tune, print the LR table. Returns the final accuracy and the table's rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pretrain-epochs", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--unfreeze-at", type=int, default=4, help="the epoch the backbone joins the optimizer")
    parser.add_argument("--out", default="finetune_output", help="where the TensorBoard logs go")
    args = parser.parse_args(argv)
    L.seed_everything(0, verbose=False)

    backbone = Backbone()
    fit(
        Classifier(backbone, classes=5, lr=3e-3, warmup_epochs=1),
        FirstFiveDigits(),
        args.pretrain_epochs,
        [],
        args.out,
        "pretrain",
    )

    lrs = EpochStartLRs()
    unfreeze = BackboneFinetuning(
        unfreeze_backbone_at_epoch=args.unfreeze_at,
        backbone_initial_ratio_lr=0.1,
        lambda_func=lambda epoch: 1.5,
        should_align=True,
        verbose=False,
    )
    trainer = fit(
        Classifier(backbone, lr=3e-3, warmup_epochs=1, min_lr=3e-5),
        DigitsDataModule(),
        args.epochs,
        [unfreeze, lrs],
        args.out,
        "finetune",
    )
    accuracy = float(trainer.callback_metrics["val_acc"])

    print(f"{'epoch':>5} {'head LR':>10} {'backbone LR':>12}")
    for epoch, group_lrs in lrs.rows:
        backbone_lr = f"{group_lrs[1]:>12.3e}" if len(group_lrs) > 1 else f"{'(frozen)':>12}"
        print(f"{epoch:>5} {group_lrs[0]:>10.3e} {backbone_lr}")
    print(f"Validation accuracy on all ten digits: {accuracy:.2%}")
    return accuracy, lrs.rows


if __name__ == "__main__":
    main()
