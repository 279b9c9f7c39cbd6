"""Manual optimization: the LightningModule steps its optimizer and its WarmupCosLR itself.

    python -m examples.manual_optimization [--epochs 10]

Lightning does not step schedulers under manual optimization; call ``scheduler.step()``
right after each ``optimizer.step()``. WarmupCosLRCallback still converts epoch settings
(one optimizer step per batch) and logs the LR.
"""

from __future__ import annotations

import argparse
from typing import Any

import lightning as L
import torch
from torch import nn

from examples.digits import DigitsDataModule
from lightning_warmup import WarmupCosLR, WarmupCosLRCallback


class ManualDigits(L.LightningModule):
    def __init__(self, lr: float = 3e-3) -> None:
        super().__init__()
        self.automatic_optimization = False
        self.lr = lr
        self.net = nn.Sequential(nn.Linear(64, 128), nn.GELU(), nn.Linear(128, 10))

    def configure_optimizers(self) -> Any:
        optimizer = torch.optim.AdamW(self.parameters(), lr=self.lr)
        scheduler = WarmupCosLR(optimizer, warmup_epochs=1, epochs=self.trainer.max_epochs, min_lr_ratio=0.01)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        optimizer, scheduler = self.optimizers(), self.lr_schedulers()
        loss = nn.functional.cross_entropy(self.net(x), y)
        optimizer.zero_grad()
        self.manual_backward(loss)
        optimizer.step()
        scheduler.step()
        self.log("train_loss", loss, prog_bar=True)

    def validation_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        self.log("val_acc", (self.net(x).argmax(1) == y).float().mean(), prog_bar=True)


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description="Manual optimization with WarmupCosLR on digits.")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args(argv)
    L.seed_everything(0)
    trainer = L.Trainer(
        max_epochs=args.epochs,
        callbacks=[WarmupCosLRCallback()],
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
    )
    trainer.fit(ManualDigits(), datamodule=DigitsDataModule())
    accuracy = float(trainer.callback_metrics["val_acc"])
    print(f"validation accuracy: {accuracy:.2%}")
    return accuracy


if __name__ == "__main__":
    main()
