"""Seed 000's Hydra usage: ``hydra.utils.instantiate`` a WarmupCosLR from a ``_target_`` config.

python examples/hydra_instantiate.py [--config configs/seed000_hydra.yaml] [--ticks 3000]
"""

from __future__ import annotations

import argparse

import torch
from hydra.utils import instantiate
from omegaconf import OmegaConf

from lightning_warmup import WarmupCosLR


def main(argv: list[str] | None = None) -> WarmupCosLR:
    parser = argparse.ArgumentParser(description="Instantiate WarmupCosLR from a Hydra config.")
    parser.add_argument("--config", default="configs/seed000_hydra.yaml")
    parser.add_argument("--ticks", type=int, default=3000, help="how many optimizer steps to print the LR for")
    args = parser.parse_args(argv)

    config = OmegaConf.load(args.config)  # Hydra's loader reads 1e-3 as a float (plain yaml.safe_load does not)
    model = torch.nn.Linear(8, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    scheduler = instantiate(config.scheduler, optimizer=optimizer)
    for step in range(args.ticks):
        if step % 500 == 0:
            print(f"step {step:>6}  lr {optimizer.param_groups[0]['lr']:.3e}")
        optimizer.step()
        scheduler.step()
    return scheduler


if __name__ == "__main__":
    main()
