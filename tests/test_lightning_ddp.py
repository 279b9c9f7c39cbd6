"""Real DDP: two CPU processes use the same LR at every step, sized by the per-rank batches."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lit import formula

pytestmark = pytest.mark.slow  # processes started, or real training: see pyproject's markers

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ["-m", "tests.ddp_fit"]  # run from ROOT


def test_ddp_ranks_share_the_lr_and_the_plan_uses_per_rank_batches(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, *SCRIPT, str(tmp_path), "3"], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    # 64 samples, batch 8, 2 ranks: 4 batches per rank per epoch, so 4 optimizer steps per epoch.
    assert [rank["batches_per_epoch"] for rank in ranks] == [4, 4]
    assert ranks[0]["steps"] == ranks[1]["steps"], "both ranks must use the same LR at every step"
    assert [step for step, _, _ in ranks[0]["steps"]] == list(range(12))
    for step, _, lrs in ranks[0]["steps"]:
        want = formula(step, 1e-2, 1e-4, 1e-3, 4, 12)
        assert math.isclose(lrs[0], want, rel_tol=1e-12), f"LR wrong at step {step}: expected {want}, got {lrs[0]}"


def test_resume_on_another_number_of_devices_keeps_the_checkpoint_plan(tmp_path: Path) -> None:
    """A single-process checkpoint resumed on 2 DDP ranks: half the batches per rank, so another plan."""
    from lightning.pytorch.callbacks import ModelCheckpoint

    from tests.lit import RecordLR, TinyModel, trainer

    checkpoint = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=10, save_top_k=-1, filename="{step}")
    single = RecordLR()
    trainer(tmp_path, callbacks=[single, checkpoint], max_epochs=4, enable_checkpointing=True).fit(
        TinyModel(lr=1e-2, min_lr=1e-4, warmup_epochs=1, epochs=4, weight_decay=0.01)
    )
    done = subprocess.run(
        [sys.executable, *SCRIPT, str(tmp_path / "ddp"), "4", "--resume", str(tmp_path / "ckpt" / "step=10.ckpt")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (
        "total_steps 32 -> 21 (counted from the resumed tick 10)" in done.stderr
        and "Continuing the checkpoint's plan" in done.stderr
    )
    ranks = [json.loads((tmp_path / "ddp" / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert ranks[0]["steps"] == ranks[1]["steps"]
    assert ranks[0]["steps"][0][0] == 10
    for step, _, lrs in ranks[0]["steps"]:
        want = formula(step, 1e-2, 1e-4, 1e-3, 8, 32)  # the checkpoint's plan, not the 2-rank one
        assert math.isclose(lrs[0], want, rel_tol=1e-12), f"LR wrong at step {step}: expected {want}, got {lrs[0]}"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_layout(out: Path, layout: str) -> list[dict]:
    """Two ranks of ``tests.ddp_fit`` in ``layout``; for "nodes", one process per node started here."""
    import os

    if layout == "nodes":
        port = str(free_port())
        nodes = [
            subprocess.Popen(
                [sys.executable, *SCRIPT, str(out), "3", "--layout", "nodes"],
                cwd=ROOT,
                env={
                    **os.environ,
                    "MASTER_ADDR": "127.0.0.1",
                    "MASTER_PORT": port,
                    "NODE_RANK": str(rank),
                    "LOCAL_RANK": "0",
                },
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for rank in (0, 1)
        ]
        for node in nodes:
            _, err = node.communicate(timeout=300)
            assert node.returncode == 0, err[-3000:]
    else:
        done = subprocess.run(
            [sys.executable, *SCRIPT, str(out), "3", "--layout", layout],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]


@pytest.mark.parametrize("layout", ["nodes", "fsdp2"])
def test_two_nodes_and_fsdp2_give_every_rank_the_same_lr_from_the_per_rank_length(tmp_path: Path, layout: str) -> None:
    """num_nodes=2 (one process per node on 127.0.0.1), and FSDP2 via ModelParallelStrategy, on CPU."""
    ranks = run_layout(tmp_path, layout)
    assert [rank["world_size"] for rank in ranks] == [2, 2]
    assert [rank["batches_per_epoch"] for rank in ranks] == [4, 4], "64 samples, batch 8, 2 ranks"
    assert ranks[0]["steps"] == ranks[1]["steps"], "both ranks must use the same LR at every step"
    assert [step for step, _, _ in ranks[0]["steps"]] == list(range(12))
    for step, _, lrs in ranks[0]["steps"]:
        want = formula(step, 1e-2, 1e-4, 1e-3, 4, 12)
        assert math.isclose(lrs[0], want, rel_tol=1e-12), f"LR wrong at step {step}: expected {want}, got {lrs[0]}"
