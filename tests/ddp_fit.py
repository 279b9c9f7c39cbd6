"""Two CPU processes train the tiny model together; each rank writes the LR of every step it takes.

Usage: python -m tests.ddp_fit OUT_DIR MAX_EPOCHS [--resume CKPT] [--adopt] [--layout ddp|nodes|fsdp2]

Layouts: ``ddp`` (default) is Lightning's DDP with 2 processes on this machine; ``nodes`` is
``num_nodes=2`` with one process per node, each started by the caller with ``NODE_RANK``,
``LOCAL_RANK=0``, ``MASTER_ADDR=127.0.0.1`` and ``MASTER_PORT`` set (as a cluster launcher
would); ``fsdp2`` is ``ModelParallelStrategy`` with the model sharded by ``fully_shard``
(FSDP2) over 2 processes. The schedule: warmup 1 epoch, cosine over MAX_EPOCHS epochs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from lightning_warmup import WarmupCosLRCallback
from tests.lit import RecordLR, TinyModel, trainer


class ShardedModel(TinyModel):
    """The tiny model with its layer sharded across the data-parallel ranks (FSDP2)."""

    def configure_model(self) -> None:
        from torch.distributed.fsdp import fully_shard

        fully_shard(self.layer, mesh=self.device_mesh["data_parallel"])
        fully_shard(self, mesh=self.device_mesh["data_parallel"])


def strategy_options(layout: str) -> dict[str, Any]:
    if layout == "nodes":
        return dict(strategy="ddp", devices=1, num_nodes=2)
    if layout == "fsdp2":
        from lightning.pytorch.strategies import ModelParallelStrategy

        return dict(strategy=ModelParallelStrategy(data_parallel_size=2, tensor_parallel_size=1), devices=2)
    return dict(strategy="ddp", devices=2)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    resume = sys.argv[sys.argv.index("--resume") + 1] if "--resume" in sys.argv else None
    layout = sys.argv[sys.argv.index("--layout") + 1] if "--layout" in sys.argv else "ddp"
    policy = "adopt" if "--adopt" in sys.argv else "keep"
    record = RecordLR()
    max_epochs = int(sys.argv[2])
    fitted = trainer(
        out,
        callbacks=[record, WarmupCosLRCallback(on_plan_change=policy)],
        max_epochs=max_epochs,
        use_distributed_sampler=True,
        **strategy_options(layout),
    )
    model_cls = ShardedModel if layout == "fsdp2" else TinyModel
    fitted.fit(
        model_cls(lr=1e-2, min_lr=1e-4, warmup_epochs=1, epochs=max_epochs, weight_decay=0.01),
        ckpt_path=resume,
        weights_only=True if resume else None,
    )
    (out / f"rank{fitted.global_rank}.json").write_text(
        json.dumps(
            {"steps": record.steps, "batches_per_epoch": fitted.num_training_batches, "world_size": fitted.world_size}
        )
    )


if __name__ == "__main__":
    main()
