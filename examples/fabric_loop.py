"""A Fabric training loop with ``WarmupCosLR``: sized from the loop's own numbers, saved and resumed with Fabric.

    python -m examples.fabric_loop [--epochs 6] [--accumulate 2] [--stop-after 3] [--out fabric_output]

Fabric has no callbacks that size the schedule, so the loop gives ``WarmupCosLR`` the
optimizer steps per epoch itself: ``ceil(len(train_loader) / accumulate)``, where
``len(train_loader)`` is the length on this rank once ``fabric.setup_dataloaders`` has
added the distributed sampler. Lengths stay in epochs (``warmup_epochs``, ``epochs``);
the scheduler steps once per optimizer step. ``fabric.save`` / ``fabric.load`` call the
scheduler's ``state_dict`` / ``load_state_dict`` like the model's and the optimizer's.

With ``--stop-after N`` the run saves a checkpoint after epoch N and stops; run it again
with ``--resume`` to continue from it: the LR sequence is the uninterrupted one.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import lightning as L
import torch
from torch import nn

from examples.digits import DigitsDataModule
from lightning_warmup import WarmupCosLR


def train(
    epochs: int, accumulate: int, out: Path, stop_after: int | None = None, resume: bool = False
) -> list[tuple[int, float]]:
    """Train the digits MLP; returns ``(optimizer step, LR it used)`` for every optimizer step this run made."""
    fabric = L.Fabric(accelerator="cpu", devices=1)
    fabric.seed_everything(0)
    data = DigitsDataModule(batch_size=64)
    data.setup()
    train_loader = fabric.setup_dataloaders(data.train_dataloader())
    model = nn.Sequential(nn.Linear(64, 128), nn.GELU(), nn.Linear(128, 10))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    model, optimizer = fabric.setup(model, optimizer)
    scheduler = WarmupCosLR(
        optimizer,
        warmup_epochs=1,
        epochs=epochs,
        min_lr_ratio=0.01,
        steps_per_epoch=math.ceil(len(train_loader) / accumulate),  # optimizer steps per epoch on this rank
    )
    state = {"model": model, "optimizer": optimizer, "scheduler": scheduler, "epoch": 0}
    checkpoint = out / "checkpoint.ckpt"
    if resume:
        fabric.load(checkpoint, state)
    used: list[tuple[int, float]] = []
    for epoch in range(int(state["epoch"]), epochs):
        for batch_idx, (x, y) in enumerate(train_loader):
            stepping = (batch_idx + 1) % accumulate == 0 or batch_idx + 1 == len(train_loader)
            with fabric.no_backward_sync(model, enabled=not stepping):
                fabric.backward(nn.functional.cross_entropy(model(x), y) / accumulate)
            if stepping:
                used.append((scheduler.last_epoch, float(optimizer.param_groups[0]["lr"])))
                optimizer.step()
                optimizer.zero_grad()
                scheduler.step()
        state["epoch"] = epoch + 1
        if stop_after is not None and epoch + 1 == stop_after:
            fabric.save(checkpoint, state)
            break
    return used


def main(argv: list[str] | None = None) -> list[tuple[int, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--accumulate", type=int, default=2, help="batches per optimizer step")
    parser.add_argument("--stop-after", type=int, help="save a checkpoint after this epoch and stop")
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoint in --out")
    parser.add_argument("--out", type=Path, default=Path("fabric_output"))
    args = parser.parse_args(argv)
    used = train(args.epochs, args.accumulate, args.out, args.stop_after, args.resume)
    for step, lr in used[:: max(1, len(used) // 8)]:
        print(f"optimizer step {step:>4}  lr {lr:.3e}")
    print(f"{len(used)} optimizer steps, last LR {used[-1][1]:.3e}")
    return used


if __name__ == "__main__":
    main()
