"""WarmupCosLR in a plain PyTorch loop, stepped once per batch (the usage of seed 000).

python examples/plain_pytorch.py [--epochs 30]
"""

from __future__ import annotations

import argparse

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lightning_warmup import WarmupCosLR


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description="Digits with WarmupCosLR in a plain PyTorch loop.")
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args(argv)
    torch.manual_seed(0)

    digits = load_digits()
    x = torch.tensor(digits.data, dtype=torch.float32) / 16.0
    y = torch.tensor(digits.target)
    order = torch.randperm(len(x))
    train, val = order[360:], order[:360]
    loader = DataLoader(TensorDataset(x[train], y[train]), batch_size=64, shuffle=True)

    model = nn.Sequential(nn.Linear(64, 128), nn.GELU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    # Per-batch ticks: steps_per_epoch = len(loader), the warmup and the total in epochs.
    scheduler = WarmupCosLR(
        optimizer, warmup_epochs=1, epochs=args.epochs, steps_per_epoch=len(loader), min_lr=1e-5, warmup_factor=0.1
    )

    for epoch in range(args.epochs):
        for inputs, targets in loader:
            loss = nn.functional.cross_entropy(model(inputs), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()  # after optimizer.step(): the LR for the next step
        with torch.no_grad():
            accuracy = (model(x[val]).argmax(1) == y[val]).float().mean().item()
        print(
            f"epoch {epoch + 1:>3}/{args.epochs}  loss {loss.item():.4f}  "
            f"lr {optimizer.param_groups[0]['lr']:.2e}  val_acc {accuracy:.2%}",
            flush=True,
        )
    print(f"final validation accuracy: {accuracy:.2%}")
    return accuracy


if __name__ == "__main__":
    main()
