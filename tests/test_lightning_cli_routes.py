"""LightningCLI's own habits: ``optimizer:`` / ``lr_scheduler:`` in the config, a user's own LightningCLI."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from lightning_warmup.cli import main
from lightning_warmup.lightning_cli import make_cli
from tests.lit import formula

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def fit_args(tmp_path: Path, config: str, *extra: str) -> list[str]:
    return ["fit", "--config", config, f"--trainer.default_root_dir={tmp_path}", "--trainer.max_epochs=2",
            "--trainer.enable_progress_bar=false", "--trainer.logger=false", *extra]  # fmt: skip


def assert_spans_the_run_per_step(cli: Any, peak: float) -> None:
    (config,) = cli.trainer.lr_scheduler_configs
    assert config.interval == "step"
    scheduler = config.scheduler
    # 1,437 images in batches of 64: 23 steps per epoch, 2 epochs; warmup 1 epoch; floor 1% of the peak.
    assert (scheduler.plan.shape.warmup_steps, scheduler.plan.shape.total_steps) == (23, 46)
    assert scheduler.last_epoch == cli.trainer.global_step == 46
    assert math.isclose(scheduler.get_last_lr()[0], formula(46, peak, peak / 100, peak / 10, 23, 46), rel_tol=1e-12)


def test_lr_scheduler_in_the_config_steps_per_optimizer_step_and_spans_the_run(tmp_path: Path) -> None:
    cli = make_cli(fit_args(tmp_path, "configs/digits_cli_scheduler.yaml"))
    assert_spans_the_run_per_step(cli, 3e-3)


def test_a_users_own_lightning_cli_gets_the_same_from_the_mixin(tmp_path: Path) -> None:
    from lightning.pytorch.cli import LightningCLI

    from lightning_warmup.lightning_cli import WarmupCosLRCLIMixin

    class MyCLI(WarmupCosLRCLIMixin, LightningCLI):
        pass

    cli = MyCLI(args=fit_args(tmp_path, "configs/digits_cli_scheduler.yaml"), parser_kwargs={"exit_on_error": False})
    assert_spans_the_run_per_step(cli, 3e-3)


def test_optimizer_on_a_mixin_module_composes_with_its_schedule(tmp_path: Path) -> None:
    import torch

    cli = make_cli(
        fit_args(tmp_path, "configs/digits_step.yaml", "--optimizer=torch.optim.SGD", "--optimizer.momentum=0.9")
    )
    optimizer = cli.trainer.optimizers[0]
    assert type(optimizer) is torch.optim.SGD and optimizer.param_groups[0]["momentum"] == 0.9
    assert_spans_the_run_per_step(cli, 3e-3)


def test_lr_scheduler_on_a_mixin_module_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(fit_args(tmp_path, "configs/digits_step.yaml", "--optimizer=torch.optim.SGD",
                         "--lr_scheduler=torch.optim.lr_scheduler.StepLR", "--lr_scheduler.step_size=5"))  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("lightning-warmup: error: lr_scheduler would replace DigitsClassifier's own schedule")


def test_lr_scheduler_without_optimizer_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(fit_args(tmp_path, "configs/digits_cli_scheduler.yaml", "--optimizer=null"))
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("lightning-warmup: error: lr_scheduler is given without optimizer"), err


def test_a_model_taking_lightning_clis_optimizer_callable(tmp_path: Path) -> None:
    import torch

    cli = make_cli(
        [
            "fit",
            "--model=tests.lit.CallableOptimizer",
            "--model.optimizer=torch.optim.SGD",
            "--model.optimizer.momentum=0.9",
            f"--trainer.default_root_dir={tmp_path}",
            "--trainer.max_epochs=2",
            "--trainer.logger=false",
            "--trainer.enable_progress_bar=false",
        ]
    )
    optimizer = cli.trainer.optimizers[0]
    assert type(optimizer) is torch.optim.SGD and optimizer.param_groups[0]["momentum"] == 0.9
    (config,) = cli.trainer.lr_scheduler_configs
    assert (config.scheduler.plan.shape.warmup_steps, config.scheduler.plan.shape.total_steps) == (8, 16)
    assert math.isclose(config.scheduler.get_last_lr()[0], 0.0, abs_tol=1e-15), "the cosine reached the floor"
