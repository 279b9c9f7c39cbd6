"""A run resumed with a longer plan: ``on_plan_change="stretch"`` bends the cosine to the new end, without a jump.

    python -m examples.stretch_resume [--epochs 10] [--resume-at 5] [--new-epochs 16] [--out stretch_output]

The digits classifier trains for ``--epochs`` epochs (the schedule spans them) and
saves a checkpoint at ``--resume-at``. The run is then resumed with
``max_epochs=--new-epochs``: the cosine continues from the LR it had and reaches
the floor at the new end (API.md 5.2). The picture draws both runs' LR at every
optimizer step over the original plan, and what ``"adopt"`` would have done.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import lightning as L
from lightning.pytorch.callbacks import ModelCheckpoint

from examples.digits import DigitsClassifier, DigitsDataModule
from lightning_warmup import WarmupCosLRCallback


class EveryStepLR(L.Callback):
    """Group 0's LR at every optimizer step, by global step."""

    def __init__(self) -> None:
        self.lrs: dict[int, float] = {}

    def on_before_optimizer_step(self, trainer: L.Trainer, pl_module: L.LightningModule, optimizer: Any) -> None:
        self.lrs[trainer.global_step] = float(optimizer.param_groups[0]["lr"])


def train(out: Path, epochs: int, policy: str, callbacks: list[L.Callback], ckpt_path: str | None = None) -> L.Trainer:
    trainer = L.Trainer(
        max_epochs=epochs,
        accelerator="cpu",
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=out,
        callbacks=[WarmupCosLRCallback(on_plan_change=policy), *callbacks],
    )
    model = DigitsClassifier(lr=3e-3, warmup_epochs=1, min_lr=3e-5)
    trainer.fit(model, DigitsDataModule(), ckpt_path=ckpt_path, weights_only=True if ckpt_path else None)
    return trainer


def draw(runs: dict[str, dict[int, float]], resumed_at: int, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(10, 4))
    styles = {
        "planned for the first run": dict(color="0.6", linewidth=3),
        "resumed with 'stretch'": dict(color="tab:blue", linewidth=1.6),
        "resumed with 'adopt' (for comparison)": dict(color="tab:orange", linewidth=1.2, linestyle="--"),
    }
    for label, lrs in runs.items():
        steps = sorted(lrs)
        axes.plot(steps, [lrs[s] for s in steps], label=label, **styles[label])
    axes.axvline(resumed_at, color="tab:red", linestyle=":", linewidth=1, label="resumed here")
    axes.set_xlabel("optimizer step")
    axes.set_ylabel("learning rate")
    axes.set_title("A run resumed with more epochs: the cosine bends to the new end, without a jump")
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    plt.close(figure)


def main(argv: list[str] | None = None) -> dict[str, dict[int, float]]:
    """Train, resume twice (stretch and adopt), draw. Returns each run's LR by optimizer step."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--resume-at", type=int, default=5, help="the epoch the checkpoint is taken after")
    parser.add_argument("--new-epochs", type=int, default=16)
    parser.add_argument("--out", type=Path, default=Path("stretch_output"))
    args = parser.parse_args(argv)
    L.seed_everything(0, verbose=False)

    first = EveryStepLR()
    checkpoint = ModelCheckpoint(dirpath=args.out / "ckpt", filename="{epoch}", save_top_k=-1)
    trainer = train(args.out / "first", args.epochs, "keep", [first, checkpoint])
    resumed_at = args.resume_at * trainer.num_training_batches
    ckpt = str(args.out / "ckpt" / f"epoch={args.resume_at - 1}.ckpt")
    runs = {"planned for the first run": first.lrs}
    for policy, label in (("stretch", "resumed with 'stretch'"), ("adopt", "resumed with 'adopt' (for comparison)")):
        record = EveryStepLR()
        train(args.out / policy, args.new_epochs, policy, [record], ckpt_path=ckpt)
        runs[label] = record.lrs
    picture = args.out / "stretch.png"
    draw(runs, resumed_at, picture)
    stretched = runs["resumed with 'stretch'"]
    print(
        f"Resumed at optimizer step {resumed_at}: the first run's LR there {first.lrs[resumed_at]:.4e}, "
        f"the stretched run's {stretched[resumed_at]:.4e}; the stretched run ends at {stretched[max(stretched)]:.4e} "
        f"(min_lr 3e-05) at step {max(stretched)}"
    )
    print(f"Picture: {picture}")
    return runs


if __name__ == "__main__":
    main()
