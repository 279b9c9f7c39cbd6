"""Two CPU processes under Lightning's DDP strategy (gloo); each rank writes the LR of every step it takes.

Usage: python ddp_fit.py OUT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from lit import RecordLR, TinyModel, trainer  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1])
    record = RecordLR()
    fitted = trainer(out, callbacks=[record], strategy="ddp", devices=2, max_epochs=3, use_distributed_sampler=True)
    fitted.fit(TinyModel(lr=1e-2, min_lr=1e-4, warmup_epochs=1, weight_decay=0.01))
    (out / f"rank{fitted.global_rank}.json").write_text(json.dumps(
        {"steps": record.steps, "batches_per_epoch": fitted.num_training_batches}))


if __name__ == "__main__":
    main()
