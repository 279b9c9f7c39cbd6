"""``lightning-warmup plot --logdir``: each run's logged LR drawn over the plan it recorded (API.md 5.4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lightning.pytorch.loggers import TensorBoardLogger

from lightning_warmup.cli import main
from lightning_warmup.logdir import read_runs
from tests.lit import TinyModel, formula, trainer


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two real runs logged to TensorBoard: one stepping per optimizer step, one per epoch."""
    root = tmp_path_factory.mktemp("logs")
    trainer(root, logger=TensorBoardLogger(root, name="per_step"), max_epochs=4, log_every_n_steps=1).fit(
        TinyModel(lr=1e-2, warmup_epochs=1)
    )
    trainer(root, logger=TensorBoardLogger(root, name="per_epoch"), max_epochs=6, log_every_n_steps=1).fit(
        TinyModel(lr=1e-2, warmup_epochs=1, interval="epoch")
    )
    return root


def test_every_run_is_drawn_with_its_plan_on_optimizer_steps(
    logdir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "runs.png"
    assert main(["plot", "--logdir", str(logdir), "--out", str(out)]) == 0
    assert out.stat().st_size > 10_000, "a picture was written"
    printed = capsys.readouterr().out
    assert "per_epoch/version_0:" in printed and "per_step/version_0:" in printed
    assert "ticks 0..5 in epochs" in printed and "ticks 0..31 in optimizer steps" in printed
    runs = {run.directory.parent.name: run for run in read_runs(logdir)}
    # The step run's plan is the formula at every optimizer step; the epoch run's is held for each epoch's 8 steps.
    step_plan = runs["per_step"].planned_per_step("lr-AdamW")
    assert list(step_plan) == pytest.approx([formula(t, 1e-2, 0.0, 1e-3, 8, 32) for t in range(32)], rel=1e-6)
    epoch_plan = runs["per_epoch"].planned_per_step("lr-AdamW")
    assert list(epoch_plan) == pytest.approx([formula(s // 8, 1e-2, 0.0, 1e-3, 1, 6) for s in range(48)], rel=1e-6)
    for run in runs.values():
        assert run.worst_difference("lr-AdamW") < 1e-6, "the logged LR lies on the plan (float32)"
        assert set(run.logged) == {"lr-AdamW/decay", "lr-AdamW/no_decay"}


def test_a_directory_that_is_missing_or_holds_no_lr_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plot", "--logdir", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    logger = TensorBoardLogger(tmp_path, name="loss_only")
    logger.log_metrics({"loss": 1.0}, step=0)
    logger.finalize("success")
    assert main(["plot", "--logdir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "holds no LR" in err and "(1 TensorBoard run, none with" in err
    assert main(["plot", "--logdir", str(tmp_path), "configs/digits_step.yaml"]) == 2
    assert "without CONFIG" in capsys.readouterr().err
