"""Two CPU processes under Lightning's DDP strategy (gloo); each rank writes the LR of every step it takes.

Usage: python ddp_fit.py OUT_DIR MAX_EPOCHS [--resume CKPT] [--adopt]
The model's schedule: warmup 1 epoch, cosine over MAX_EPOCHS epochs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.lit import RecordLR, TinyModel, trainer  # noqa: E402
from lightning_warmup import WarmupCosLRCallback  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    resume = sys.argv[sys.argv.index("--resume") + 1] if "--resume" in sys.argv else None
    policy = "adopt" if "--adopt" in sys.argv else "keep"
    record = RecordLR()
    max_epochs = int(sys.argv[2])
    fitted = trainer(out, callbacks=[record, WarmupCosLRCallback(on_plan_change=policy)], strategy="ddp", devices=2,
                     max_epochs=max_epochs, use_distributed_sampler=True)
    fitted.fit(TinyModel(lr=1e-2, min_lr=1e-4, warmup_epochs=1, epochs=max_epochs, weight_decay=0.01),
               ckpt_path=resume, weights_only=True if resume else None)
    (out / f"rank{fitted.global_rank}.json").write_text(json.dumps(
        {"steps": record.steps, "batches_per_epoch": fitted.num_training_batches}))


if __name__ == "__main__":
    main()
