"""Every example runs, on real data (scikit-learn's handwritten digits), with small limits."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from tests.helpers import warned

pytestmark = pytest.mark.slow  # processes started, or real training: see pyproject's markers

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_demo_trains_and_draws_logged_over_planned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from examples import demo

    # A sixth of the demo's 30 epochs: the schedule spans the run it is given.
    accuracy = demo.main(["--out", str(tmp_path), "--trainer.enable_progress_bar=false", "--trainer.max_epochs=5"])
    assert accuracy >= 0.85
    assert (tmp_path / "lr_logged_vs_planned.png").read_bytes()[:4] == b"\x89PNG"
    out = capsys.readouterr().out
    assert "Validation accuracy:" in out and "matches the plan: worst relative difference" in out


def test_plain_pytorch_loop(capsys: pytest.CaptureFixture[str]) -> None:
    from examples import plain_pytorch

    assert plain_pytorch.main(["--epochs", "3"]) > 0.8
    assert "epoch   3/3" in capsys.readouterr().out


def test_hydra_instantiates_seed_000_scheduler() -> None:
    from examples import hydra_instantiate

    scheduler = hydra_instantiate.main(["--ticks", "1000"])
    assert (scheduler.plan.shape.warmup_steps, scheduler.plan.shape.total_steps) == (1000, 500_000)
    assert math.isclose(scheduler.get_last_lr()[0], 1e-3, rel_tol=1e-12)  # tick 1000: the peak


def test_manual_optimization_example() -> None:
    from examples import manual_optimization

    assert manual_optimization.main(["--epochs", "2"]) > 0.5


def test_yaml_safe_load_gives_a_string_and_the_error_says_so() -> None:
    """Seed 000 loads its config with yaml.safe_load, which reads 1e-3 as a string."""
    import torch
    import yaml

    config = yaml.safe_load((ROOT / "configs" / "seed000_hydra.yaml").read_text())["scheduler"]
    config.pop("_target_")
    from lightning_warmup import WarmupCosLR

    with pytest.raises(
        TypeError,
        match=r"learning_rate must be a float or a sequence of floats .* got "
        r"learning_rate='1e-3' \(str\)\. YAML 1\.1 reads 1e-3 as a string: write 0\.001 with a dot",
    ):
        WarmupCosLR(torch.optim.SGD(torch.nn.Linear(1, 1).parameters(), lr=0.1), **config)


def test_finetuning_with_a_frozen_backbone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from examples import finetune

    accuracy, rows = finetune.main(
        ["--pretrain-epochs", "2", "--epochs", "5", "--unfreeze-at", "2", "--out", str(tmp_path)]
    )
    assert accuracy > 0.7, "five short epochs learn most of the ten digits"
    groups = [len(lrs) for _, lrs in rows]
    assert groups == [1, 1, 2, 2, 2], "the backbone joins the optimizer at epoch 2"
    head, backbone = rows[2][1]
    assert math.isclose(backbone, 0.1 * head, rel_tol=1e-9), "it joins at backbone_initial_ratio_lr times the head's LR"
    assert "(frozen)" in capsys.readouterr().out


def test_stretched_resume_continues_without_a_jump(tmp_path: Path) -> None:
    from examples import stretch_resume

    with warned(r"Stretching the cosine", r"Adopting the new plan"):
        runs = stretch_resume.main(["--epochs", "4", "--resume-at", "2", "--new-epochs", "6", "--out", str(tmp_path)])
    first, stretched, adopted = runs.values()
    resumed_at = min(stretched)
    assert math.isclose(stretched[resumed_at], first[resumed_at], rel_tol=1e-12), "no jump where it resumed"
    assert adopted[resumed_at] > stretched[resumed_at], "adopt jumps up to the longer plan's LR"
    lrs = [stretched[s] for s in sorted(stretched)]
    assert all(a >= b for a, b in itertools.pairwise(lrs)), "the stretched cosine keeps falling"
    assert lrs[-1] < 3.1e-5 and (tmp_path / "stretch.png").stat().st_size > 10_000


def test_fabric_loop_sizes_the_schedule_and_resumes_with_fabric_save_and_load(tmp_path: Path) -> None:
    from examples import fabric_loop
    from tests.lit import formula

    whole = fabric_loop.train(epochs=4, accumulate=2, out=tmp_path / "a")
    # 1,437 images in batches of 64: 23 batches, 12 optimizer steps per epoch (the last window is one batch).
    assert [step for step, _ in whole] == list(range(48))
    for step, lr in whole:
        assert math.isclose(lr, formula(step, 3e-3, 3e-5, 3e-4, 12, 48), rel_tol=1e-12), f"step {step}"
    first = fabric_loop.train(epochs=4, accumulate=2, out=tmp_path / "b", stop_after=2)
    resumed = fabric_loop.train(epochs=4, accumulate=2, out=tmp_path / "b", resume=True)
    assert first + resumed == whole, "fabric.save / fabric.load carry the scheduler: the same LR at every step"
