"""Every example runs, on real data (scikit-learn's handwritten digits), with small limits."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_demo_reaches_95_percent_and_draws_logged_over_planned(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from examples import demo

    accuracy = demo.main(["--out", str(tmp_path), "--trainer.enable_progress_bar=false"])
    assert accuracy >= 0.95
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

    with pytest.raises(TypeError, match=r"learning_rate must be a float or a sequence of floats .* got "
                                        r"learning_rate='1e-3' \(str\)\. YAML 1\.1 reads 1e-3 as a string: write 0\.001 with a dot"):
        WarmupCosLR(torch.optim.SGD(torch.nn.Linear(1, 1).parameters(), lr=0.1), **config)
