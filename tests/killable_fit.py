"""A training run for the crash test: records the LR of every optimizer step, checkpoints every step.

Usage: python killable_fit.py OUT_DIR [--resume]. With LW_PAUSE_AT=N it pauses at the start of
step N (after step N-1's checkpoint is on disk) and writes OUT_DIR/paused, so that a test can
SIGKILL it there.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import lightning as L
from lightning.pytorch.callbacks import ModelCheckpoint

from tests.lit import TinyModel, trainer


class AppendLR(L.Callback):
    def __init__(self, out: Path) -> None:
        self.out = out

    def on_train_batch_start(self, trainer: L.Trainer, *args: object) -> None:
        pause_at = int(os.environ.get("LW_PAUSE_AT", "-1"))
        if trainer.global_step == pause_at:
            (self.out / "paused").write_text(str(pause_at))
            time.sleep(60)

    def on_before_optimizer_step(self, trainer: L.Trainer, pl_module: L.LightningModule, optimizer: object) -> None:
        with open(self.out / "lrs.txt", "a") as f:
            f.write(f"{trainer.global_step} {optimizer.param_groups[0]['lr']!r}\n")  # type: ignore[attr-defined]
            f.flush()
            os.fsync(f.fileno())


def main() -> None:
    out = Path(sys.argv[1])
    resume = "--resume" in sys.argv
    checkpoint = ModelCheckpoint(dirpath=out / "ckpt", every_n_train_steps=1, save_last=True, save_top_k=0)
    model = TinyModel(lr=1e-2, min_lr=1e-4, warmup_epochs=1, weight_decay=0.01)
    trainer(out, callbacks=[AppendLR(out), checkpoint], max_epochs=4, enable_checkpointing=True).fit(
        model, ckpt_path="last" if resume else None, weights_only=True if resume else None
    )


if __name__ == "__main__":
    main()
